// S3 on loopback, path style (the SDK uses path style by itself for an IP endpoint): HeadObject and GetObject on
// versioned objects the test puts in-process, for the SDK and for presigned URLs fetched by curl on a host.
// Signatures are not checked. Objects answer with their ETag and version id, and with their SHA-256 checksum when
// they were stored with one and the caller asks for it (x-amz-checksum-mode: ENABLED); If-Match is honoured.
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { type LoopbackServer, listenOnLoopback } from './loopback-server';

export interface StoredObject {
  readonly versionId: string;
  /** Quoted, as S3 sends it. */
  readonly eTag: string;
  readonly body: Buffer;
  readonly lastModified: Date;
  readonly checksumSha256?: string;
}

export class S3StandIn {
  /** bucket → key → versions, newest last. */
  private readonly buckets = new Map<string, Map<string, StoredObject[]>>();
  /** Every request, for tests that want to see who fetched what; hosts fetch through presigned URLs. */
  public readonly requests: { readonly method: string; readonly path: string; readonly versionId?: string; readonly presigned: boolean }[] = [];

  private constructor(private readonly server: LoopbackServer) {}

  public static async start(): Promise<S3StandIn> {
    let s3: S3StandIn | undefined;
    const server = await listenOnLoopback(http.createServer((request, response) => (s3 as S3StandIn).handle(request, response)));
    s3 = new S3StandIn(server);
    return s3;
  }

  public get endpoint(): string {
    return this.server.endpoint;
  }

  public createBucket(bucket: string): void {
    if (!this.buckets.has(bucket)) this.buckets.set(bucket, new Map());
  }

  /** Stores a new version of the object, like PutObject on a versioned bucket. */
  public putObject(bucket: string, key: string, body: Buffer, options: { readonly checksumSha256?: boolean } = {}): StoredObject {
    const objects = this.buckets.get(bucket);
    if (objects === undefined) throw new Error(`no bucket ${bucket}`);
    const stored: StoredObject = {
      versionId: randomBytes(24).toString('base64url'),
      eTag: `"${createHash('md5').update(body).digest('hex')}"`,
      body,
      lastModified: new Date(),
      ...(options.checksumSha256 ? { checksumSha256: createHash('sha256').update(body).digest('base64') } : {}),
    };
    objects.set(key, [...(objects.get(key) ?? []), stored]);
    return stored;
  }

  public close(): Promise<void> {
    return this.server.close();
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://s3.local');
    const [, bucket = '', ...keyParts] = url.pathname.split('/');
    const key = decodeURIComponent(keyParts.join('/'));
    const versionId = url.searchParams.get('versionId') ?? undefined;
    const method = request.method ?? 'GET';
    const presigned = url.searchParams.has('X-Amz-Signature');
    this.requests.push({ method, path: `${bucket}/${key}`, ...(versionId ? { versionId } : {}), presigned });
    request.resume();
    if (method !== 'GET' && method !== 'HEAD') return fail(response, method, 405, 'MethodNotAllowed', 'The stand-in serves GET and HEAD only');
    const objects = this.buckets.get(decodeURIComponent(bucket));
    if (objects === undefined) return fail(response, method, 404, 'NoSuchBucket', 'The specified bucket does not exist');
    const versions = objects.get(key) ?? [];
    const object = versionId === undefined ? versions.at(-1) : versions.find((v) => v.versionId === versionId);
    if (object === undefined) {
      return versionId === undefined || versions.length === 0
        ? fail(response, method, 404, 'NoSuchKey', 'The specified key does not exist.')
        : fail(response, method, 404, 'NoSuchVersion', 'The specified version does not exist.');
    }
    const ifMatch = request.headers['if-match'];
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== object.eTag) {
      return fail(response, method, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    }
    const wantsChecksum = request.headers['x-amz-checksum-mode'] === 'ENABLED' || url.searchParams.get('x-amz-checksum-mode') === 'ENABLED';
    if (request.headers.range !== undefined) return fail(response, method, 501, 'NotImplemented', 'The stand-in serves whole objects only');
    response.writeHead(200, {
      'content-type': 'application/x-tar',
      'content-length': object.body.length,
      etag: object.eTag,
      'last-modified': object.lastModified.toUTCString(),
      'x-amz-version-id': object.versionId,
      ...(wantsChecksum && object.checksumSha256
        ? { 'x-amz-checksum-sha256': object.checksumSha256, 'x-amz-checksum-type': 'FULL_OBJECT' }
        : {}),
    });
    response.end(method === 'HEAD' ? undefined : object.body);
  }
}

/** S3's XML error; HEAD answers carry no body, so the SDK names those errors after the status (NotFound). */
function fail(response: http.ServerResponse, method: string, status: number, code: string, message: string): void {
  const body =
    method === 'HEAD'
      ? ''
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>cutover-standin</RequestId></Error>`;
  response.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
