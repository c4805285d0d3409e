// `cutover push` against stand-ins on loopback: an S3 that answers PutObject as S3 does (quoted ETag, version id)
// and an API that records what is registered. The local server deploys Local bundles only, so it would refuse an S3
// revision; push is for Cutover on AWS.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { loggingBundle, tempDir } from '../support/bundles';
import { type CliRun, runCli } from './run-cli';

interface Recorded {
  readonly method?: string;
  readonly url?: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

async function recordingServer(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ server: http.Server; url: string; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

describe('cutover push', () => {
  let s3: Awaited<ReturnType<typeof recordingServer>>;
  let api: Awaited<ReturnType<typeof recordingServer>>;
  let dir: string;

  function push(args: string[], application = 'shop'): Promise<CliRun> {
    const env = { AWS_ENDPOINT_URL_S3: s3.url, AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'eu-west-1' };
    return runCli(['--endpoint', api.url, 'push', '--application-name', application, ...args], dir, env);
  }

  beforeAll(async () => {
    dir = tempDir('remote-push');
    s3 = await recordingServer((_, res) => res.writeHead(200, { etag: '"0123456789abcdef0123456789abcdef"', 'x-amz-version-id': 'v-42' }).end());
    api = await recordingServer((req, res) => {
      if (req.url === '/applications/shop/revisions') res.writeHead(204).end();
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"ApplicationDoesNotExist","message":"no","field":"applicationName"}');
    });
  });
  beforeEach(() => {
    s3.requests.length = 0;
    api.requests.length = 0;
  });
  afterAll(async () => {
    await Promise.all([s3, api].map(({ server }) => new Promise((resolve) => server.close(resolve))));
  });

  it('zips the folder, uploads it, registers the revision and prints the create-deployment command', async () => {
    const source = loggingBundle(path.join(dir, 'v1'), 'v1');
    fs.mkdirSync(path.join(source, '.cutover', 'db'), { recursive: true });
    fs.writeFileSync(path.join(source, '.cutover', 'db', 'state'), 'local state, not part of the bundle');
    const run = await push(['--s3-location', 's3://releases/shop/v1.zip', '--source', source, '--description', 'first']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(s3.requests).toHaveLength(1);
    expect(s3.requests[0]).toMatchObject({ method: 'PUT', url: expect.stringMatching(/^\/releases\/shop\/v1\.zip(\?|$)/) });
    expect(s3.requests[0].headers.authorization).toMatch(/Credential=AKIDTEST\/\d{8}\/eu-west-1\/s3\/aws4_request/);

    const zip = path.join(dir, 'uploaded.zip');
    fs.writeFileSync(zip, s3.requests[0].body);
    const check = await runCli(['validate', zip, '--json'], dir);
    // appspec.yml, scripts/hook.sh, site/VERSION, site/only-in-v1.txt: the state folder stayed out.
    expect(JSON.parse(check.stdout)).toEqual({ valid: true, appSpecFileName: 'appspec.yml', files: 4 });

    expect(api.requests.map((r) => [r.method, r.url])).toEqual([['POST', '/applications/shop/revisions']]);
    expect(JSON.parse(api.requests[0].body.toString())).toEqual({
      revision: { revisionType: 'S3', s3Location: { bucket: 'releases', key: 'shop/v1.zip', bundleType: 'zip', eTag: '0123456789abcdef0123456789abcdef', version: 'v-42' } },
      description: 'first',
    });
    expect(run.stdout).toContain(
      'cutover create-deployment --application-name shop --s3-location bucket=releases,key=shop/v1.zip,bundleType=zip,eTag=0123456789abcdef0123456789abcdef,version=v-42 --deployment-group-name <deployment-group-name>',
    );
  });

  it('uploads the same bytes for the same files, so the ETag stays the same', async () => {
    const source = loggingBundle(path.join(dir, 'same'), 'same');
    expect((await push(['--s3-location', 's3://releases/a.zip', '--source', source])).code).toBe(0);
    fs.utimesSync(path.join(source, 'site', 'VERSION'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect((await push(['--s3-location', 's3://releases/a.zip', '--source', source])).code).toBe(0);
    expect(s3.requests).toHaveLength(2);
    expect(s3.requests[0].body.equals(s3.requests[1].body)).toBe(true);
  });

  it.each([
    ['no appspec.yml', () => tempDir('remote-push-empty'), /--source: .* has no appspec\.yml at its root/],
    [
      'a hook script that is not in the bundle',
      () => writeAppspec('hooks:\n  AfterInstall:\n    - location: scripts/missing.sh\n'),
      /scripts\/missing\.sh/,
    ],
  ])('refuses %s before uploading, exit 2', async (_, makeSource, message) => {
    const run = await push(['--s3-location', 's3://releases/x.zip', '--source', makeSource()]);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
    expect(s3.requests).toHaveLength(0);
    expect(api.requests).toHaveLength(0);
  });

  it('exits 2 with the API error when the application does not exist, after the upload', async () => {
    const source = loggingBundle(path.join(dir, 'v2'), 'v2');
    const run = await push(['--s3-location', 's3://releases/v2.zip', '--source', source], 'nope');
    expect(run.stderr).toBe('ApplicationDoesNotExist: no (field: applicationName)\n');
    expect(run.code).toBe(2);
  });

  function writeAppspec(extra: string): string {
    const source = fs.mkdtempSync(path.join(dir, 'appspec-'));
    fs.writeFileSync(path.join(source, 'appspec.yml'), `version: 0.0\nos: linux\n${extra}`);
    return source;
  }
});
