// DownloadBundle with zip bundles, run for real: unzip when the host has it, else python3's zipfile, and a refusal of
// entries built to land outside the archive directory (zip-slip), whichever tool would have extracted them.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { EXIT_CODES, hostPaths, parseHostReport, renderLifecycleScript } from '../../../functions/core/host-script';
import { appSpec, scriptContext, TmpHost } from './host-fixture';

const context = scriptContext();
const paths = hostPaths(context.deploymentGroupId, context.deploymentId);

/** A zip entry: file content, or a symbolic link (Unix mode bits in the external attributes, as zip -y writes). */
type Entry = string | { readonly link: string };

/** Unix-made zip (os 3) unless `os` says otherwise; 0 is MS-DOS, whose names unzip reads with "\" as separator. */
function zipOf(entries: Readonly<Record<string, Entry>>, os = 3): Uint8Array {
  const zippable: Zippable = {};
  for (const [name, entry] of Object.entries(entries)) {
    const isLink = typeof entry !== 'string';
    const mode = isLink ? 0o120777 : 0o100644;
    zippable[name] = [strToU8(isLink ? entry.link : entry), { os, attrs: os === 3 ? (mode << 16) >>> 0 : 0 }];
  }
  return zipSync(zippable);
}

/** Writes `bytes` next to the host root and returns the file DownloadBundle should fetch. */
function bundleOf(host: TmpHost, bytes: Uint8Array): { kind: 'file'; path: string; sha256: string; format: 'zip' } {
  const path = join(host.dir, 'bundle.zip');
  writeFileSync(path, bytes);
  return { kind: 'file', path, sha256: createHash('sha256').update(bytes).digest('hex'), format: 'zip' };
}

const download = (bundle: ReturnType<typeof bundleOf>): string => renderLifecycleScript({ kind: 'download', context, bundle });

// What DownloadBundle runs besides the zip tools, so a PATH of only these shows which zip tool a host lacks.
const BASE_TOOLS = ['mkdir', 'cp', 'sha256sum', 'rm', 'tar', 'grep', 'head', 'od', 'tr', 'sed'];
const TOOLSETS = {
  unzip: [...BASE_TOOLS, 'unzip', 'python3'],
  python3: [...BASE_TOOLS, 'python3'],
} as const;

const report = (result: { exitCode: number; output: string }): ReturnType<typeof parseHostReport>['diagnostics'] =>
  parseHostReport(result.exitCode, result.output).diagnostics;

describe('DownloadBundle script: zip bundles', () => {
  let host: TmpHost;
  beforeEach(() => {
    host = new TmpHost();
  });
  afterEach(() => host.cleanup());

  /** Everything next to the host root but the root and the bundle: what an escaping entry would have created. */
  const outsideRoot = (): string[] => readdirSync(host.dir).filter((name) => !['host', 'bundle.zip', 'only-bin'].includes(name));

  it.each(Object.keys(TOOLSETS) as (keyof typeof TOOLSETS)[])('extracts with %s into a fresh archive', async (tool) => {
    const bundle = bundleOf(host, zipOf({ 'appspec.yml': 'version: 0.0\n', "scripts/it's start.sh": 'echo hi\n' }));
    host.write(`${paths.archiveDir}/stale.txt`, 'from an earlier attempt');

    const result = await host.run(download(bundle), { path: host.onlyTools(TOOLSETS[tool]) });

    expect(report(result)).toMatchObject({ errorCode: 'Success' });
    expect(host.read(`${paths.archiveDir}/appspec.yml`)).toBe('version: 0.0\n');
    expect(host.read(`${paths.archiveDir}/scripts/it's start.sh`)).toBe('echo hi\n');
    expect(host.exists(`${paths.archiveDir}/stale.txt`)).toBe(false);
  });

  it('fails with a clear message on a host with neither unzip nor python3', async () => {
    const bundle = bundleOf(host, zipOf({ 'appspec.yml': 'version: 0.0\n' }));

    const result = await host.run(download(bundle), { path: host.onlyTools(BASE_TOOLS) });

    expect(result.exitCode).toBe(EXIT_CODES.UnknownError);
    expect(report(result)).toMatchObject({
      errorCode: 'UnknownError',
      message: 'Could not extract the bundle: the host needs unzip or python3 to extract a zip bundle',
    });
  });

  it('extracts a zip made on Windows, whose backslash separators make unzip warn (exit 1)', async () => {
    const bundle = bundleOf(host, zipOf({ 'appspec.yml': 'version: 0.0\n', 'scripts\\start.sh': 'echo hi\n' }, 0));

    const result = await host.run(download(bundle));

    expect(report(result)).toMatchObject({ errorCode: 'Success' });
    expect(host.read(`${paths.archiveDir}/scripts/start.sh`)).toBe('echo hi\n');
  });

  it('fails when a bundle declared zip is not one', async () => {
    const source = join(host.dir, 'src');
    mkdirSync(source);
    writeFileSync(join(source, 'appspec.yml'), 'version: 0.0\n');
    const tar = join(host.dir, 'bundle.tar');
    execFileSync('tar', ['-cf', tar, '-C', source, '.']);

    const result = await host.run(download(bundleOf(host, readFileSync(tar))));

    expect(report(result)).toMatchObject({ errorCode: 'UnknownError', message: 'Could not read the zip bundle (unzip -Z1 failed)' });
  });

  describe('zip-slip', () => {
    // Run directly, without Cutover's script: what this host's tools do with such names on their own.
    it.each([
      ['unzip', (zip: string, out: string) => execFileSync('unzip', ['-q', '-o', zip, '-d', out], { stdio: 'pipe' })],
      ['python3', (zip: string, out: string) => execFileSync('python3', ['-m', 'zipfile', '-e', zip, out], { stdio: 'pipe' })],
    ])('%s alone quietly rewrites "../" and absolute names to land inside (why the script refuses them first)', (_tool, extract) => {
      const dir = mkdtempSync(join(tmpdir(), 'cutover-zip-tools-'));
      try {
        const zip = join(dir, 'slip.zip');
        writeFileSync(zip, zipOf({ '../up.txt': 'up', '/abs/root.txt': 'abs' }));
        const out = join(dir, 'nested', 'out');
        mkdirSync(out, { recursive: true });
        try {
          extract(zip, out);
        } catch (error) {
          // unzip warns about the stripped absolute path with exit status 1; anything worse is a real failure.
          if ((error as { status?: number }).status !== 1) throw error;
        }
        expect(readdirSync(out, { recursive: true, encoding: 'utf8' }).sort()).toEqual(['abs', 'abs/root.txt', 'up.txt']);
        expect(readdirSync(join(dir, 'nested'))).toEqual(['out']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    const UNSAFE = 'The zip bundle has an entry with an absolute path or a ".." component, which could land outside the archive directory: ';
    const cases = (['unzip', 'python3'] as const).flatMap((tool) =>
      ['../evil.txt', '/abs/evil.txt', 'a/../../evil.txt', 'a/..', "../it's 100% e\\vil $(x).txt", '..\\evil.txt'].map(
        (name) => [tool, name] as const,
      ),
    );

    it.each(cases)('with %s, refuses %j before extracting anything', async (tool, name) => {
      const bundle = bundleOf(host, zipOf({ 'appspec.yml': 'version: 0.0\n', [name]: 'pwned' }));
      host.write(`${paths.archiveDir}/stale.txt`, 'from an earlier attempt');

      const result = await host.run(download(bundle), { path: host.onlyTools(TOOLSETS[tool]) });

      expect(result.exitCode).toBe(EXIT_CODES.UnknownError);
      expect(report(result)).toMatchObject({ errorCode: 'UnknownError', message: `${UNSAFE}${name}` });
      expect(host.exists(`${paths.archiveDir}/appspec.yml`)).toBe(false);
      expect(outsideRoot()).toEqual([]);
    });

    it.each(['unzip', 'python3'] as const)('with %s, never writes through a link the zip itself carries', async (tool) => {
      mkdirSync(join(host.dir, 'outside'));
      const bundle = bundleOf(host, zipOf({ l: { link: '../../../../../../../../outside' }, 'l/evil.txt': 'pwned' }));

      const result = await host.run(download(bundle), { path: host.onlyTools(TOOLSETS[tool]) });

      expect(report(result)).toMatchObject({ errorCode: 'UnknownError', message: 'Could not extract the zip bundle' });
      expect(readdirSync(join(host.dir, 'outside'))).toEqual([]);
    });
  });

  it("leaves a zip's escaping link to the Install step's link check, which refuses to follow it", async () => {
    // As in symlinks.test.ts: the link resolves inside the bundle, but installed at /p/q/r/x/l it climbs out of the root.
    const bundle = bundleOf(host, zipOf({ 'a/b/c/d/e/l': { link: '../../../../..' }, 'evil.txt': 'pwned' }));
    const downloaded = await host.run(download(bundle));
    expect(report(downloaded)).toMatchObject({ errorCode: 'Success' });
    // unzip restores links: the archive really holds one.
    expect(readlinkSync(host.path(`${paths.archiveDir}/a/b/c/d/e/l`))).toBe('../../../../..');

    const files = [
      { source: 'a/b/c/d/e', destination: '/p/q/r/x' },
      { source: 'evil.txt', destination: '/p/q/r/x/l' },
    ];
    const installed = await host.run(
      renderLifecycleScript({ kind: 'install', context, appSpec: appSpec({ files }), fileExistsBehavior: 'DISALLOW' }),
    );

    expect(installed.exitCode).toBe(EXIT_CODES.UnknownError);
    expect(report(installed).message).toBe('The deployment failed: refusing to follow a symbolic link at /p/q/r/x/l');
    expect(outsideRoot()).toEqual([]);
  });
});
