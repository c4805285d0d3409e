// Symbolic links must never carry an Install outside the host root: not by writing, creating a directory, removing or
// changing permissions through a link among a path's ancestors. On a local host every link below the root is refused;
// links copied from the bundle stay links.
import { mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  EXIT_CODES,
  hostPaths,
  parseHostReport,
  renderLifecycleScript,
  type ScriptContext,
} from '../../../functions/core/host-script';
import type { AppSpec, FileExistsBehavior, FileMapping, PermissionRule } from '../../../functions/core/types';
import { appSpec, archiveOf, modeOf, permission, scriptContext, TmpHost } from './host-fixture';

const context = scriptContext();
const { cleanupFile, instructionsDir } = hostPaths(context.deploymentGroupId, context.deploymentId);
const REFUSED = 'The deployment failed: refusing to follow a symbolic link at';

function install(spec: AppSpec, behavior: FileExistsBehavior = 'DISALLOW', at: ScriptContext = context): string {
  return renderLifecycleScript({ kind: 'install', context: at, appSpec: spec, fileExistsBehavior: behavior });
}

/** A link in the unpacked revision, as tar would have extracted it. */
function bundleLink(host: TmpHost, relative: string, target: string): void {
  const path = host.path(`${archiveOf(context)}/${relative}`);
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}

/** A link on the host, `hostPath` below the root, pointing at `target` as written. */
function hostLink(host: TmpHost, hostPath: string, target: string): void {
  mkdirSync(dirname(host.path(hostPath)), { recursive: true });
  symlinkSync(target, host.path(hostPath));
}

describe('Install script: symbolic links on a local host', () => {
  let host: TmpHost;
  beforeEach(() => {
    host = new TmpHost();
  });
  afterEach(() => host.cleanup());

  /** What sits next to the host root; the root itself is the only thing that should. */
  const outsideRoot = (): string[] => readdirSync(host.dir).filter((name) => name !== 'host');
  const report = (result: { exitCode: number; output: string }): ReturnType<typeof parseHostReport>['diagnostics'] =>
    parseHostReport(result.exitCode, result.output).diagnostics;

  // The bundle's link resolves to the bundle root, so bundle checks pass. Installed at /p/q/r/x/l, its five ".."
  // climb to the directory holding the host root.
  const ESCAPING_LINK: FileMapping = { source: 'a/b/c/d/e', destination: '/p/q/r/x' };
  beforeEach(() => {
    bundleLink(host, 'a/b/c/d/e/l', '../../../../..');
    host.bundleFile(context, 'evil.txt', 'pwned');
  });

  it.each<[string, FileMapping[]]>([
    ['a file mapped into the copied link', [ESCAPING_LINK, { source: 'evil.txt', destination: '/p/q/r/x/l' }]],
    ['a destination created below the copied link', [ESCAPING_LINK, { source: 'evil.txt', destination: '/p/q/r/x/l/deeper' }]],
  ])('refuses %s and writes nothing outside the root (reported exploit)', async (_name, files) => {
    const result = await host.run(install(appSpec({ files })));
    expect(result.exitCode).toBe(EXIT_CODES.UnknownError);
    expect(report(result)).toMatchObject({ errorCode: 'UnknownError', message: `${REFUSED} /p/q/r/x/l` });
    expect(outsideRoot()).toEqual([]);
    // The link itself was installed, as a link, as CodeDeploy installs links.
    expect(readlinkSync(host.path('/p/q/r/x/l'))).toBe('../../../../..');
  });

  it('refuses a directory of the revision that lands on a copied link', async () => {
    host.bundleFile(context, 'more/l/evil.txt', 'pwned');
    const result = await host.run(install(appSpec({ files: [ESCAPING_LINK, { source: 'more', destination: '/p/q/r/x' }] })));
    expect(report(result).message).toBe(`${REFUSED} /p/q/r/x/l`);
    expect(outsideRoot()).toEqual([]);
  });

  it('refuses a destination below a link that was already in the host root, before copying anything', async () => {
    mkdirSync(join(host.dir, 'elsewhere'));
    hostLink(host, '/srv', '../elsewhere');
    host.bundleFile(context, 'index.html', 'v1');
    const files = [{ source: 'index.html', destination: '/var/www' }, { source: 'index.html', destination: '/srv/app' }];
    const result = await host.run(install(appSpec({ files })));
    expect(report(result).message).toBe(`${REFUSED} /srv`);
    expect(readdirSync(join(host.dir, 'elsewhere'))).toEqual([]);
    expect(host.exists('/var/www/index.html')).toBe(false);
  });

  it('replaces a link standing where the revision has a file under OVERWRITE, leaving its target alone', async () => {
    writeFileSync(join(host.dir, 'target.txt'), 'precious');
    hostLink(host, '/srv/evil.txt', '../../target.txt');
    const result = await host.run(install(appSpec({ files: [{ source: 'evil.txt', destination: '/srv' }] }), 'OVERWRITE'));
    expect(result.exitCode).toBe(0);
    expect(host.read('/srv/evil.txt')).toBe('pwned');
    expect(readFileSync(join(host.dir, 'target.txt'), 'utf8')).toBe('precious');
  });

  // A link planted as the next cleanup list would have the install append to whatever it points at.
  const nextList = `${cleanupFile}.new`;
  it.each<[string, FileMapping, string]>([
    ['a destination inside it', { source: 'state/list', destination: instructionsDir }, instructionsDir],
    // The first entry inside is the directory holding the list, so that is the one named.
    ['a bundle directory reaching into it', { source: 'tree', destination: '/' }, instructionsDir],
    ['a destination spelt to dodge the check', { source: 'state/list', destination: '/opt//./cutover/x' }, '/opt/cutover/x'],
  ])("refuses files that would land in Cutover's own state directory: %s", async (_name, mapping, named) => {
    writeFileSync(join(host.dir, 'target.txt'), 'precious');
    bundleLink(host, 'state/list', '../../../../target.txt');
    bundleLink(host, `tree${nextList}`, '../../../../target.txt');
    const result = await host.run(install(appSpec({ files: [mapping] }), 'OVERWRITE'));
    expect(report(result).message).toBe(`The deployment failed because Cutover keeps its own state at this location: ${named}`);
    expect(readFileSync(join(host.dir, 'target.txt'), 'utf8')).toBe('precious');
  });

  describe('cleanup', () => {
    beforeEach(() => {
      mkdirSync(join(host.dir, 'elsewhere', 'sub'), { recursive: true });
      writeFileSync(join(host.dir, 'elsewhere', 'victim.txt'), 'precious');
      hostLink(host, '/var/link', '../../elsewhere');
    });

    it.each([
      ['a file', '/var/link/victim.txt'],
      ['a directory', '/var/link/sub'],
    ])('refuses to remove %s below a link, naming the link', async (_name, listed) => {
      host.write(cleanupFile, `${listed}\n`);
      const result = await host.run(install(appSpec()));
      expect(report(result).message).toBe(`${REFUSED} /var/link`);
      expect(readdirSync(join(host.dir, 'elsewhere')).sort()).toEqual(['sub', 'victim.txt']);
    });

    it('still removes a listed link itself, which is not following it', async () => {
      host.write(cleanupFile, '/var/link\n');
      expect((await host.run(install(appSpec()))).exitCode).toBe(0);
      expect(host.exists('/var/link')).toBe(false);
      expect(readdirSync(join(host.dir, 'elsewhere')).sort()).toEqual(['sub', 'victim.txt']);
    });
  });

  describe('permissions', () => {
    beforeEach(() => {
      mkdirSync(join(host.dir, 'elsewhere'));
      writeFileSync(join(host.dir, 'elsewhere', 'victim.txt'), '');
      host.bundleFile(context, 'site/index.html', '');
    });
    const files = [{ source: 'site', destination: '/srv/app' }];
    const victimMode = (): string => modeOf(join(host.dir, 'elsewhere', 'victim.txt'));

    it.each<[string, string, PermissionRule]>([
      ['an object below a link', '/srv/link', permission({ object: '/srv/link/victim.txt', mode: '777' })],
      ['an object that is a link', '/srv/link', permission({ object: '/srv/link', mode: '777' })],
    ])('refuses %s', async (_name, link, rule) => {
      hostLink(host, '/srv/link', '../../elsewhere');
      const result = await host.run(install(appSpec({ files, permissions: [rule] })));
      expect(report(result).message).toBe(`${REFUSED} ${link}`);
      expect(victimMode()).toBe('644');
    });

    it('does not follow links below a directory object', async () => {
      bundleLink(host, 'site/out', '../../../elsewhere');
      const rule = permission({ object: '/srv/app', mode: '700', type: ['file', 'directory'] });
      const result = await host.run(install(appSpec({ files, permissions: [rule] })));
      expect(result.exitCode).toBe(0);
      expect(modeOf(host.path('/srv/app/index.html'))).toBe('700');
      expect(victimMode()).toBe('644');
      expect(statSync(join(host.dir, 'elsewhere')).mode & 0o777).toBe(0o755);
    });
  });
});
