// The link rule in the cloud, where ROOT is empty and the host's own links (/var/run -> /run, an admin's
// /var/www -> /data/www) are followed as the agent follows them, while links some bundle installed are not.
// The real Install script runs without a host root; only Cutover's state directory is moved into a temporary
// directory, and every destination is an absolute path inside that directory too.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EXIT_CODES, hostPaths, parseHostReport, renderLifecycleScript } from '../../../functions/core/host-script';
import type { AppSpec } from '../../../functions/core/types';
import { appSpec, archiveOf, modeOf, permission, runScript, scriptContext, TARGET_ID } from './host-fixture';

const context = scriptContext();
const paths = hostPaths(context.deploymentGroupId, context.deploymentId);
const REFUSED = 'The deployment failed: refusing to follow a symbolic link at';

let base: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'cutover-cloud-'));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

/** Where Cutover's state directory lives for this test, instead of the real /opt/cutover. */
const state = (hostPath: string): string => join(base, 'state', hostPath);

/** Renders Install and runs it with no host root, Cutover's state moved below `base`. */
async function installInCloud(spec: AppSpec): Promise<{ exitCode: number; output: string }> {
  const script = renderLifecycleScript({ kind: 'install', context, appSpec: spec, fileExistsBehavior: 'DISALLOW' });
  const relocated = script.split(`'${paths.stateDir}`).join(`'${join(base, 'state', paths.stateDir)}`);
  expect(relocated).not.toBe(script);
  return runScript(relocated, { CUTOVER_HOST_ROOT: '', CUTOVER_TARGET_ID: TARGET_ID }, base);
}

function bundleFile(relative: string, content: string): void {
  const file = state(`${archiveOf(context)}/${relative}`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

function link(path: string, target: string): void {
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}

const messageOf = (result: { exitCode: number; output: string }): string =>
  parseHostReport(result.exitCode, result.output).diagnostics.message;

describe('Install script in the cloud (no host root): symbolic links', () => {
  it("follows the host's own link to install, as the agent does", async () => {
    mkdirSync(join(base, 'data'));
    link(join(base, 'www'), 'data');
    bundleFile('site/index.html', 'v1');
    const result = await installInCloud(appSpec({ files: [{ source: 'site', destination: `${base}/www/app` }] }));
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(base, 'data', 'app', 'index.html'), 'utf8')).toBe('v1');
  });

  it('refuses the reported exploit: a link the install itself copied', async () => {
    // Installed at <base>/p/q/r/x/l, the bundle's link climbs five levels: out of <base>.
    link(state(`${archiveOf(context)}/a/b/c/d/e/l`), '../../../../..');
    bundleFile('evil.txt', 'pwned');
    const files = [
      { source: 'a/b/c/d/e', destination: `${base}/p/q/r/x` },
      { source: 'evil.txt', destination: `${base}/p/q/r/x/l` },
    ];
    const result = await installInCloud(appSpec({ files }));
    expect(result.exitCode).toBe(EXIT_CODES.UnknownError);
    expect(messageOf(result)).toBe(`${REFUSED} ${base}/p/q/r/x/l`);
    expect(readdirSync(dirname(base))).not.toContain('evil.txt');
  });

  it("refuses a link another deployment group's install put there", async () => {
    mkdirSync(join(base, 'data'));
    link(join(base, 'shared', 'l'), '../data');
    const otherList = state(`${paths.instructionsDir}/other-group-cleanup`);
    mkdirSync(dirname(otherList), { recursive: true });
    writeFileSync(otherList, `${base}/shared\n${base}/shared/l\n`);
    bundleFile('index.html', 'v1');
    const result = await installInCloud(appSpec({ files: [{ source: 'index.html', destination: `${base}/shared/l/app` }] }));
    expect(messageOf(result)).toBe(`${REFUSED} ${base}/shared/l`);
    expect(readdirSync(join(base, 'data'))).toEqual([]);
  });

  it("applies permissions inside an object that is the host's own link", async () => {
    mkdirSync(join(base, 'data'));
    writeFileSync(join(base, 'data', 'run.sh'), '');
    link(join(base, 'www'), 'data');
    const result = await installInCloud(appSpec({ permissions: [permission({ object: `${base}/www`, mode: '750', type: ['file'] })] }));
    expect(result.exitCode).toBe(0);
    expect(modeOf(join(base, 'data', 'run.sh'))).toBe('750');
  });

  it("removes listed files below the host's own link, and refuses those below a listed link", async () => {
    mkdirSync(join(base, 'data'));
    writeFileSync(join(base, 'data', 'old.txt'), 'installed earlier');
    link(join(base, 'www'), 'data');
    const cleanup = state(paths.cleanupFile);
    mkdirSync(dirname(cleanup), { recursive: true });
    writeFileSync(cleanup, `${base}/www/old.txt\n`);
    expect((await installInCloud(appSpec())).exitCode).toBe(0);
    expect(readdirSync(join(base, 'data'))).toEqual([]);

    writeFileSync(join(base, 'data', 'victim.txt'), 'precious');
    link(join(base, 'bundle-link'), 'data');
    writeFileSync(cleanup, `${base}/bundle-link/victim.txt\n${base}/bundle-link\n`);
    const refused = await installInCloud(appSpec());
    expect(messageOf(refused)).toBe(`${REFUSED} ${base}/bundle-link`);
    expect(readdirSync(join(base, 'data'))).toEqual(['victim.txt']);
  });
});
