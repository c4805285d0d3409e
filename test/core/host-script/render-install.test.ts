import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EXIT_CODES,
  hostPaths,
  parseHostReport,
  renderLifecycleScript,
  resolveFileExistsBehavior,
  type ScriptContext,
} from '../../../functions/core/host-script';
import type { AppSpec, FileExistsBehavior, FileMapping } from '../../../functions/core/types';
import { appSpec, scriptContext, TmpHost } from './host-fixture';

const first = scriptContext({ deploymentId: 'd-FIRST0001' });
const second = scriptContext({ deploymentId: 'd-SECOND002' });
const { cleanupFile } = hostPaths(first.deploymentGroupId, first.deploymentId);
const WEB: FileMapping = { source: '/', destination: '/var/www/app' };

function install(context: ScriptContext, spec: AppSpec, behavior: FileExistsBehavior = 'DISALLOW'): string {
  return renderLifecycleScript({ kind: 'install', context, appSpec: spec, fileExistsBehavior: behavior });
}

describe('Install script: files', () => {
  let host: TmpHost;
  beforeEach(() => {
    host = new TmpHost();
  });
  afterEach(() => host.cleanup());

  const cleanupEntries = (): string[] => host.read(cleanupFile).split('\n').filter(Boolean).sort();

  it('copies directory and file sources under the host root and lists what it created', async () => {
    host.write('/var/log/syslog', 'pre-existing');
    host.bundleFile(first, 'index.html', 'v1');
    host.bundleFile(first, 'css/site.css', 'body{}');
    host.bundleFile(first, 'config/app.conf', 'port=80');
    const spec = appSpec({ files: [WEB, { source: 'config/app.conf', destination: '/etc/shop/' }] });
    const result = await host.run(install(first, spec));
    expect(result.exitCode).toBe(0);
    expect(host.read('/var/www/app/index.html')).toBe('v1');
    expect(host.read('/var/www/app/css/site.css')).toBe('body{}');
    expect(host.read('/var/www/app/config/app.conf')).toBe('port=80');
    expect(host.read('/etc/shop/app.conf')).toBe('port=80');
    expect(cleanupEntries()).toEqual(
      [
        '/var/www',
        '/var/www/app',
        '/var/www/app/index.html',
        '/var/www/app/css',
        '/var/www/app/css/site.css',
        '/var/www/app/config',
        '/var/www/app/config/app.conf',
        '/etc',
        '/etc/shop',
        '/etc/shop/app.conf',
      ].sort(),
    );
  });

  it('DISALLOW fails on a file it did not install, naming it, and copies nothing', async () => {
    host.write('/var/www/app/index.html', 'hand-made');
    host.bundleFile(first, 'index.html', 'v1');
    host.bundleFile(first, 'about.html', 'about');
    const result = await host.run(install(first, appSpec({ files: [WEB] }), 'DISALLOW'));
    expect(result.exitCode).toBe(EXIT_CODES.UnknownError);
    expect(parseHostReport(result.exitCode, result.output).diagnostics).toMatchObject({
      errorCode: 'UnknownError',
      message: 'The deployment failed because a specified file already exists at this location: /var/www/app/index.html',
    });
    expect(host.read('/var/www/app/index.html')).toBe('hand-made');
    expect(host.exists('/var/www/app/about.html')).toBe(false);
  });

  it('names an oddly named conflicting file exactly in the DISALLOW message', async () => {
    const name = "it's\né $(x) 100%.txt";
    host.write(`/var/www/app/${name}`, 'hand-made');
    host.bundleFile(first, name, 'v1');
    const result = await host.run(install(first, appSpec({ files: [WEB] })));
    expect(parseHostReport(result.exitCode, result.output).diagnostics.message).toBe(
      `The deployment failed because a specified file already exists at this location: /var/www/app/${name}`,
    );
  });

  it.each([
    ['OVERWRITE', 'v1', true],
    ['RETAIN', 'hand-made', false],
  ] as const)('%s on an existing file leaves %j (listed for cleanup: %s)', async (behavior, content, listed) => {
    host.write('/var/www/app/index.html', 'hand-made');
    host.bundleFile(first, 'index.html', 'v1');
    host.bundleFile(first, 'about.html', 'about');
    const result = await host.run(install(first, appSpec({ files: [WEB] }), behavior));
    expect(result.exitCode).toBe(0);
    expect(host.read('/var/www/app/index.html')).toBe(content);
    expect(host.read('/var/www/app/about.html')).toBe('about');
    expect(cleanupEntries().includes('/var/www/app/index.html')).toBe(listed);
  });

  it("lets the appspec's file_exists_behavior win over the request", async () => {
    host.write('/var/www/app/index.html', 'hand-made');
    host.bundleFile(first, 'index.html', 'v1');
    const spec = appSpec({ files: [WEB], fileExistsBehavior: 'OVERWRITE' });
    const result = await host.run(install(first, spec, 'DISALLOW'));
    expect(result.exitCode).toBe(0);
    expect(host.read('/var/www/app/index.html')).toBe('v1');
  });

  it('a second install removes what the first installed and no longer ships, without DISALLOW conflicts', async () => {
    host.bundleFile(first, 'index.html', 'v1');
    host.bundleFile(first, 'old.html', 'old');
    host.bundleFile(first, 'olddir/deep/x.txt', 'x');
    host.bundleFile(first, 'uploads/.keep', '');
    expect((await host.run(install(first, appSpec({ files: [WEB] })))).exitCode).toBe(0);
    host.write('/var/www/app/uploads/user.txt', 'made by the app');

    host.bundleFile(second, 'index.html', 'v2');
    host.bundleFile(second, 'new.html', 'new');
    const result = await host.run(install(second, appSpec({ files: [WEB] }), 'DISALLOW'));
    expect(result.exitCode).toBe(0);
    expect(host.read('/var/www/app/index.html')).toBe('v2');
    expect(host.read('/var/www/app/new.html')).toBe('new');
    expect(host.exists('/var/www/app/old.html')).toBe(false);
    expect(host.exists('/var/www/app/olddir')).toBe(false);
    expect(host.exists('/var/www/app/uploads/.keep')).toBe(false);
    expect(host.read('/var/www/app/uploads/user.txt')).toBe('made by the app');
    expect(cleanupEntries()).toEqual(['/var/www/app/index.html', '/var/www/app/new.html']);
  });

  it('records what a failed install copied, so the next install removes it instead of conflicting', async () => {
    host.write('/etc/shop', 'a file where a directory must go');
    host.bundleFile(first, 'index.html', 'v1');
    host.bundleFile(first, 'app.conf', 'conf');
    const spec = appSpec({ files: [WEB, { source: 'app.conf', destination: '/etc/shop' }] });
    const failed = await host.run(install(first, spec));
    expect(failed.exitCode).toBe(EXIT_CODES.UnknownError);
    expect(parseHostReport(failed.exitCode, failed.output).diagnostics.message).toBe(
      'The deployment failed because a directory could not be created at this location: /etc/shop',
    );
    expect(cleanupEntries()).toContain('/var/www/app/index.html');

    host.bundleFile(second, 'index.html', 'v2');
    const retried = await host.run(install(second, appSpec({ files: [WEB] })));
    expect(retried.exitCode).toBe(0);
    expect(host.read('/var/www/app/index.html')).toBe('v2');
  });

  it('also removes what a killed install left in its unfinished list', async () => {
    host.write('/var/leftover.txt', 'copied before the kill');
    host.write(`${cleanupFile}.new`, '/var/leftover.txt\n');
    host.bundleFile(first, 'index.html', 'v1');
    expect((await host.run(install(first, appSpec({ files: [WEB] })))).exitCode).toBe(0);
    expect(host.exists('/var/leftover.txt')).toBe(false);
    expect(host.exists(`${cleanupFile}.new`)).toBe(false);
  });

  it('never removes anything outside the host root, whatever the cleanup file says', async () => {
    writeFileSync(join(host.dir, 'outside.txt'), 'precious');
    writeFileSync(join(host.dir, 'relative.txt'), 'precious');
    host.write('/var/old.txt', 'installed earlier');
    host.write(cleanupFile, ['/../outside.txt', 'relative.txt', '/var/./../../outside.txt', '/', '/var/old.txt', ''].join('\n'));
    expect((await host.run(install(first, appSpec()), { cwd: host.dir })).exitCode).toBe(0);
    expect(readdirSync(host.dir)).toEqual(expect.arrayContaining(['outside.txt', 'relative.txt']));
    expect(host.exists('/var/old.txt')).toBe(false);
  });

  it('installs and later removes files with odd names', async () => {
    const names = ['-rf', "it's", 'with space', 'new\nline', 'back\\slash', '$(touch MARK)', '*', 'tab\there', 'é'];
    for (const name of names) host.bundleFile(first, `odd/${name}`, name);
    expect((await host.run(install(first, appSpec({ files: [{ source: 'odd', destination: '/srv' }] })))).exitCode).toBe(0);
    for (const name of names) expect(host.read(`/srv/${name}`)).toBe(name);

    mkdirSync(host.path(`${hostPaths(second.deploymentGroupId, second.deploymentId).archiveDir}/odd`), { recursive: true });
    expect((await host.run(install(second, appSpec({ files: [{ source: 'odd', destination: '/srv' }] })))).exitCode).toBe(0);
    expect(readdirSync(host.path('/srv'))).toEqual([]);
    expect(readdirSync(host.dir)).not.toContain('MARK');
  });

  it('fails with UnknownError when a files source is not in the revision', async () => {
    host.bundleFile(first, 'index.html', 'v1');
    const result = await host.run(install(first, appSpec({ files: [{ source: 'config/missing.conf', destination: '/etc' }] })));
    expect(parseHostReport(result.exitCode, result.output).diagnostics).toMatchObject({
      errorCode: 'UnknownError',
      message: 'The deployment failed because the revision does not contain the files source: config/missing.conf',
    });
  });
});

describe('Install script in a host root with spaces and quotes in its path', () => {
  it('installs, cleans up and stays inside that root', async () => {
    const host = new TmpHost(`host root 'x' $(y)`);
    try {
      host.bundleFile(first, 'index.html', 'v1');
      expect((await host.run(install(first, appSpec({ files: [WEB] })))).exitCode).toBe(0);
      expect(host.read('/var/www/app/index.html')).toBe('v1');
      host.bundleFile(second, 'other.html', 'v2');
      expect((await host.run(install(second, appSpec({ files: [WEB] })))).exitCode).toBe(0);
      expect(host.exists('/var/www/app/index.html')).toBe(false);
      // The first install's directories were emptied by the cleanup, so removed, and this install made them again.
      expect(host.read(cleanupFile)).toBe('/var\n/var/www\n/var/www/app\n/var/www/app/other.html\n');
    } finally {
      host.cleanup();
    }
  });
});

describe('resolveFileExistsBehavior', () => {
  it.each([
    [undefined, undefined, 'DISALLOW'],
    [undefined, 'RETAIN', 'RETAIN'],
    ['OVERWRITE', 'RETAIN', 'OVERWRITE'],
    ['DISALLOW', 'OVERWRITE', 'DISALLOW'],
    ['RETAIN', undefined, 'RETAIN'],
  ] as const)('appspec %s, request %s → %s', (fromAppSpec, requested, expected) => {
    expect(resolveFileExistsBehavior(appSpec({ fileExistsBehavior: fromAppSpec }), requested)).toBe(expected);
  });
});
