// SigV4 for the API on API Gateway: the Authorization header is checked against SigV4 computed here from the spec
// (canonical request, string to sign, key derivation), with fixed credentials and a fixed clock.
import { createHash, createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { ApiClient } from '../../lib/cli/remote/api-client';
import { type GlobalOptions, signerFor, signingRegion } from '../../lib/cli/remote/global-options';
import { isLoopbackHttp, regionOfEndpoint, signRequest } from '../../lib/cli/remote/sigv4';
import { tempDir } from '../support/bundles';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const AT = new Date('2026-03-04T05:06:07Z');
const ENDPOINT = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod';

/** SigV4 from the spec: what a correct signer's Authorization header must be for these signed headers. */
function expectedAuthorization(method: string, url: URL, headers: Record<string, string>, body: string, secret: string, accessKey: string, region: string): string {
  const hex = (data: string): string => createHash('sha256').update(data).digest('hex');
  const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();
  const rfc3986 = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const names = Object.keys(headers).filter((h) => h !== 'authorization').sort();
  const canonicalQuery = [...url.searchParams].map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).sort().join('&');
  // Every service but S3 encodes the path as sent once more: `my%40app` is signed as `my%2540app`.
  const canonicalPath = url.pathname.split('/').map(rfc3986).join('/');
  const canonical = [method, canonicalPath, canonicalQuery, ...names.map((n) => `${n}:${headers[n].trim()}`), '', names.join(';'), hex(body)].join('\n');
  const date = headers['x-amz-date'];
  const scope = `${date.slice(0, 8)}/${region}/execute-api/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date.slice(0, 8)), region), 'execute-api'), 'aws4_request');
  return `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope}, SignedHeaders=${names.join(';')}, Signature=${createHmac('sha256', key).update(toSign).digest('hex')}`;
}

function options(endpoint: string, extra: Partial<GlobalOptions> = {}): GlobalOptions {
  return { endpoint: new URL(endpoint), output: 'json', ...extra };
}

describe('SigV4 signing of API requests', () => {
  it.each([
    ['GET with a query', 'GET', `${ENDPOINT}/applications?nextToken=a%2Fb%3D&x=1`, undefined],
    ['POST with a JSON body', 'POST', `${ENDPOINT}/applications`, '{"applicationName":"shop"}'],
    ['a path with an encoded segment', 'GET', `${ENDPOINT}/applications/my%40app`, undefined],
  ])('signs %s for execute-api in the endpoint region', async (_, method, href, body) => {
    const url = new URL(href);
    const headers = { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) };
    const signed = await signRequest({ method, url, headers, body }, { credentials: CREDENTIALS, region: 'eu-west-1', signingDate: AT });

    expect(signed.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260304\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);
    expect(signed['x-amz-date']).toBe('20260304T050607Z');
    expect(signed.host).toBe('abc123.execute-api.eu-west-1.amazonaws.com');
    expect(signed['x-amz-security-token']).toBeUndefined();
    expect(signed.authorization).toBe(expectedAuthorization(method, url, signed, body ?? '', CREDENTIALS.secretAccessKey, 'AKIDEXAMPLE', 'eu-west-1'));
  });

  it('signs the session token of temporary credentials', async () => {
    const url = new URL(`${ENDPOINT}/applications`);
    const signed = await signRequest(
      { method: 'GET', url, headers: {} },
      { credentials: { ...CREDENTIALS, sessionToken: 'FwoGZXIvYXdzEXAMPLE' }, region: 'eu-west-1', signingDate: AT },
    );
    expect(signed['x-amz-security-token']).toBe('FwoGZXIvYXdzEXAMPLE');
    expect(signed.authorization).toContain('x-amz-security-token');
    expect(signed.authorization).toBe(expectedAuthorization('GET', url, signed, '', CREDENTIALS.secretAccessKey, 'AKIDEXAMPLE', 'eu-west-1'));
  });

  it.each([
    ['http://127.0.0.1:8642', true],
    ['http://localhost:8642', true],
    ['http://[::1]:8642', true],
    ['http://127.3.0.9', true],
    ['https://127.0.0.1:8642', false],
    ['http://10.0.0.5:8642', false],
    ['http://cutover.internal', false],
    [ENDPOINT, false],
  ])('%s is loopback http (unsigned): %s', (endpoint, unsigned) => {
    expect(isLoopbackHttp(new URL(endpoint))).toBe(unsigned);
    expect(signerFor(options(endpoint, { region: 'us-east-1' }), {}) === undefined).toBe(unsigned);
  });

  it.each([
    ['--region wins', options(ENDPOINT, { region: 'ap-south-1' }), { AWS_REGION: 'us-east-1' }, 'ap-south-1'],
    ["the endpoint's host before AWS_REGION", options(ENDPOINT), { AWS_REGION: 'us-east-1' }, 'eu-west-1'],
    ['AWS_REGION for a custom domain', options('https://deploy.example.com'), { AWS_REGION: 'us-east-2' }, 'us-east-2'],
    ['AWS_DEFAULT_REGION last', options('https://deploy.example.com'), { AWS_DEFAULT_REGION: 'sa-east-1' }, 'sa-east-1'],
  ])('region: %s', (_, opts, env, region) => {
    expect(signingRegion(opts, env)).toBe(region);
  });

  it('refuses to sign without any region, naming --region', () => {
    expect(() => signingRegion(options('https://deploy.example.com'), {})).toThrow(/--region: .* need a region/);
    expect(regionOfEndpoint(new URL('https://deploy.example.com'))).toBeUndefined();
  });

  describe('on the wire', () => {
    let server: http.Server;
    let port: number;
    let received: { url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

    beforeAll(async () => {
      server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          received.push({ url: req.url, headers: req.headers, body });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"applications":[]}');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    beforeEach(() => {
      received = [];
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('sends loopback requests without Authorization', async () => {
      const client = new ApiClient(new URL(`http://127.0.0.1:${port}`), signerFor(options(`http://127.0.0.1:${port}`), {}));
      await client.call({ method: 'GET', path: '/applications' });
      expect(received).toHaveLength(1);
      expect(received[0].headers.authorization).toBeUndefined();
      expect(received[0].headers['x-amz-date']).toBeUndefined();
    });

    it('sends exactly the headers it signed, the stage prefix in the signed path', async () => {
      const endpoint = new URL(`http://127.0.0.1:${port}/prod`);
      const client = new ApiClient(endpoint, (request) => signRequest(request, { credentials: CREDENTIALS, region: 'eu-west-1', signingDate: AT }));
      await client.call({ method: 'POST', path: '/applications', body: { applicationName: 'shop' } });

      const [{ url, headers, body }] = received;
      expect(url).toBe('/prod/applications');
      const sent: Record<string, string> = {};
      const signedNames = /SignedHeaders=([^,]+)/.exec(String(headers.authorization))?.[1].split(';') ?? [];
      for (const name of signedNames) sent[name] = String(headers[name]);
      sent.authorization = String(headers.authorization);
      expect(signedNames).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'content-type']));
      const secret = CREDENTIALS.secretAccessKey;
      expect(headers.authorization).toBe(expectedAuthorization('POST', new URL(`http://127.0.0.1:${port}${url}`), sent, body, secret, 'AKIDEXAMPLE', 'eu-west-1'));
    });

    it("signs with --profile's credentials from the shared credentials file", async () => {
      const dir = tempDir('sigv4-profile');
      const credentialsFile = path.join(dir, 'credentials');
      fs.writeFileSync(credentialsFile, '[cutover-test]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profilesecret\n');
      const names = ['AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
      const saved = names.map((name) => [name, process.env[name]] as const);
      process.env.AWS_SHARED_CREDENTIALS_FILE = credentialsFile;
      process.env.AWS_CONFIG_FILE = path.join(dir, 'no-config');
      // Only the profile holds credentials, so a signature with AKIDPROFILE shows the profile was used.
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
      try {
        const sign = signerFor(options(`${ENDPOINT}`, { profile: 'cutover-test' }), {});
        expect(sign).toBeDefined();
        const headers = await sign!({ method: 'GET', url: new URL(`${ENDPOINT}/applications`), headers: {} });
        expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDPROFILE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, /);
      } finally {
        for (const [name, value] of saved) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      }
    });
  });
});
