import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EXIT_CODES, hostPaths, parseHostReport, renderLifecycleScript } from '../../../functions/core/host-script';
import type { BundleFetch } from '../../../functions/ports';
import { scriptContext, TmpHost, validationError } from './host-fixture';

const context = scriptContext();
const paths = hostPaths(context.deploymentGroupId, context.deploymentId);

function download(bundle: BundleFetch): string {
  return renderLifecycleScript({ kind: 'download', context, bundle });
}

/** A tar of `files` next to the host root (the runner's machine), and its sha256. */
function makeBundle(host: TmpHost, files: Readonly<Record<string, string>>): { path: string; sha256: string } {
  const source = join(host.dir, 'bundle-src');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(source, name, '..'), { recursive: true });
    writeFileSync(join(source, name), content);
  }
  const path = join(host.dir, 'bundle.tar');
  execFileSync('tar', ['-cf', path, '-C', source, '.']);
  return { path, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') };
}

describe('DownloadBundle script', () => {
  let host: TmpHost;
  beforeEach(() => {
    host = new TmpHost();
  });
  afterEach(() => host.cleanup());

  it('copies a file bundle, checks its sha256 and unpacks it into a fresh archive', async () => {
    const bundle = makeBundle(host, { 'appspec.yml': 'version: 0.0\n', "scripts/it's start.sh": 'echo hi\n' });
    host.write(`${paths.archiveDir}/stale.txt`, 'from an earlier attempt');
    const result = await host.run(download({ kind: 'file', path: bundle.path, sha256: bundle.sha256.toUpperCase() }));
    expect(result.exitCode).toBe(0);
    expect(parseHostReport(result.exitCode, result.output).status).toBe('Succeeded');
    expect(host.read(`${paths.archiveDir}/appspec.yml`)).toBe('version: 0.0\n');
    expect(host.read(`${paths.archiveDir}/scripts/it's start.sh`)).toBe('echo hi\n');
    expect(host.exists(`${paths.archiveDir}/stale.txt`)).toBe(false);
    expect(readFileSync(host.path(paths.bundleFile))).toEqual(readFileSync(bundle.path));
  });

  it.each(['tar', 'tgz'] as const)('unpacks a %s bundle with tar, which recognises gzip by itself', async (format) => {
    const source = join(host.dir, 'tgz-src');
    mkdirSync(join(source, 'scripts'), { recursive: true });
    writeFileSync(join(source, 'scripts', 'start.sh'), 'echo hi\n');
    const path = join(host.dir, 'bundle.tgz');
    execFileSync('tar', ['-czf', path, '-C', source, '.']);
    const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');

    const result = await host.run(download({ kind: 'file', path, sha256, format }));

    expect(parseHostReport(result.exitCode, result.output).status).toBe('Succeeded');
    expect(host.read(`${paths.archiveDir}/scripts/start.sh`)).toBe('echo hi\n');
  });

  it('fails with UnknownError and extracts nothing when the sha256 does not match', async () => {
    const bundle = makeBundle(host, { 'appspec.yml': 'version: 0.0\n' });
    const wrong = '0'.repeat(64);
    const result = await host.run(download({ kind: 'file', path: bundle.path, sha256: wrong }));
    expect(result.exitCode).toBe(EXIT_CODES.UnknownError);
    const { diagnostics } = parseHostReport(result.exitCode, result.output);
    expect(diagnostics.errorCode).toBe('UnknownError');
    expect(diagnostics.message).toBe(
      `The bundle's sha256 checksum does not match: expected ${wrong}, got ${bundle.sha256}`,
    );
    expect(host.exists(`${paths.archiveDir}/appspec.yml`)).toBe(false);
  });

  it('fails with UnknownError when the bundle file is missing', async () => {
    const result = await host.run(download({ kind: 'file', path: join(host.dir, 'nope.tar'), sha256: '0'.repeat(64) }));
    expect(parseHostReport(result.exitCode, result.output).diagnostics.message).toBe(
      `Could not copy the bundle from ${join(host.dir, 'nope.tar')}`,
    );
  });

  describe('from a URL', () => {
    let server: Server;
    let base: string;
    let body: Buffer;
    beforeEach(async () => {
      body = readFileSync(makeBundle(host, { 'index.html': '<h1>v2</h1>' }).path);
      server = createServer((request, response) => {
        if (request.url === '/bundle.tar?X-Amz-Signature=abc') response.end(body);
        else response.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('downloads with curl and unpacks, sha256 optional', async () => {
      const result = await host.run(download({ kind: 'url', url: `${base}/bundle.tar?X-Amz-Signature=abc` }));
      expect(result.exitCode).toBe(0);
      expect(host.read(`${paths.archiveDir}/index.html`)).toBe('<h1>v2</h1>');
    });

    it('fails with UnknownError on an HTTP error, without echoing the URL', async () => {
      const result = await host.run(download({ kind: 'url', url: `${base}/missing?X-Amz-Signature=secret` }));
      const { diagnostics } = parseHostReport(result.exitCode, result.output);
      expect(diagnostics).toMatchObject({ errorCode: 'UnknownError', message: 'Could not download the bundle (curl failed)' });
      expect(diagnostics.logTail).not.toContain('secret');
    });
  });

  it.each([
    ['bundle.path', { kind: 'file', path: 'relative/bundle.tar', sha256: '0'.repeat(64) }],
    ['bundle.sha256', { kind: 'file', path: '/b.tar', sha256: 'abc' }],
    ['bundle.sha256', { kind: 'url', url: 'https://example.com/b.tar', sha256: `${'0'.repeat(63)}'` }],
    ['bundle.url', { kind: 'url', url: 'file:///etc/passwd' }],
    ['bundle.url', { kind: 'url', url: '-o/etc/passwd' }],
    ['bundle.format', { kind: 'url', url: 'https://example.com/b.rar', format: 'rar' }],
  ] as const)('refuses an unsafe %s', (field, bundle) => {
    expect(validationError(() => download(bundle as BundleFetch))?.problems[0]?.field).toBe(field);
  });
});
