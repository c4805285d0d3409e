// SigV4 for Cutover's API on API Gateway (IAM auth, service execute-api). The local server on loopback has no
// auth, so nothing is signed there and no credentials are looked up.
import { createHash, createHmac, type Hash as NodeHash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, HttpRequest, SourceData } from '@smithy/types';

const SIGNING_SERVICE = 'execute-api';

export interface SignableRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface SigningOptions {
  readonly credentials: AwsCredentialIdentity | (() => Promise<AwsCredentialIdentity>);
  readonly region: string;
  /** Tests pin the clock; requests sign with now. */
  readonly signingDate?: Date;
}

/** Only plain http to this machine goes unsigned: anything else may cross a network, so it carries a signature. */
export function isLoopbackHttp(url: URL): boolean {
  if (url.protocol !== 'http:') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The region in an API Gateway host name, `abc123.execute-api.eu-west-1.amazonaws.com`. */
export function regionOfEndpoint(url: URL): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(url.hostname)?.[1];
}

/** The request's headers with `host`, `x-amz-date`, `authorization` and, for session credentials, `x-amz-security-token`. */
export async function signRequest(request: SignableRequest, options: SigningOptions): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: SIGNING_SERVICE, region: options.region, credentials: options.credentials, sha256: NodeSha256 });
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(request.url.searchParams.keys())) {
    const values = request.url.searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  const unsigned: HttpRequest = {
    method: request.method,
    protocol: request.url.protocol,
    hostname: request.url.hostname,
    port: request.url.port === '' ? undefined : Number(request.url.port),
    path: request.url.pathname,
    query,
    // The signature covers the host the request is sent to, so it must be a signed header.
    headers: { ...request.headers, host: request.url.host },
    body: request.body,
  };
  const signed = await signer.sign(unsigned, { signingDate: options.signingDate });
  return { ...signed.headers };
}

/** node:crypto behind the SDK's hash interface, so signing needs no extra package. */
class NodeSha256 {
  private readonly hash: NodeHash | Hmac;

  public constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }

  public update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }

  public async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function bytesOf(data: SourceData): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}
