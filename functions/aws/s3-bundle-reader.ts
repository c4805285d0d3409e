// The appspec of an S3 revision, for CreateDeployment through the API (requests name a revision, not an appspec).
// The revision is checked and pinned first (RevisionSource.check), then exactly that object is read (its version,
// and If-Match its ETag), so the appspec is the one hosts will install. A tar or tgz streams past once, header by
// header, keeping only the text of the appspecs that can count; a zip is read by range (end record, central directory,
// then the bytes of the one appspec that counts), so memory and requests stay small however large the bundle.
import { Readable, pipeline } from 'node:stream';
import { createGunzip, inflateRawSync } from 'node:zlib';
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import {
  appSpecOfListing,
  appSpecPathOf,
  archivePath,
  bundleProblem,
  decodeAppSpec,
  isAppSpecCandidate,
  MAX_APPSPEC_BYTES,
  type BundleListing,
  type ListedEntry,
} from '../core/bundle-listing';
import { CutoverError, InvalidRevisionError, ValidationError, type FieldProblem } from '../core/errors';
import type { S3Revision } from '../core/types';
import { TarFormatError, TarLister } from '../core/tar-listing';
import {
  crc32,
  dataStart,
  LOCAL_HEADER_SIZE,
  locateDirectory,
  readDirectory,
  readZip64End,
  ZIP64_END_RECORD_SIZE,
  ZIP_TAIL_BYTES,
  ZipFormatError,
  type ZipBytes,
  type ZipEntry,
} from '../core/zip-directory';
import type { BundleReader, OpenedBundle, RevisionRequest, RevisionSource } from '../ports';
import { bareETag, describeObject, objectInput, revisionReadError, type S3ObjectRef } from './s3-revision-errors';

/** A central directory this large is refused rather than held in memory. */
export const MAX_ZIP_DIRECTORY_BYTES = 64 * 1024 * 1024;
/** Real bundles list a few thousand entries; a directory announcing more is refused before it is read. */
export const MAX_ZIP_ENTRIES = 100_000;

const STORED = 0;
const DEFLATED = 8;

interface PinnedObject extends S3ObjectRef {
  readonly eTag?: string;
}

export interface S3BundleReaderOptions {
  readonly client: S3Client;
  /** Checks and pins the revision before it is read. */
  readonly revisions: RevisionSource;
}

export class S3BundleReader implements BundleReader {
  private readonly client: S3Client;
  private readonly revisions: RevisionSource;

  public constructor(options: S3BundleReaderOptions) {
    this.client = options.client;
    this.revisions = options.revisions;
  }

  public async open(request: RevisionRequest): Promise<OpenedBundle> {
    if (request.revisionType !== 'S3') {
      throw new ValidationError([
        { field: 'revision.revisionType', message: `'${request.revisionType}' revisions exist only in the embedded runtime; on AWS, deploy an S3 revision` },
      ]);
    }
    const revision = await this.revisions.check(request);
    if (revision.revisionType !== 'S3') throw new CutoverError(`The revision check turned an S3 revision into a ${revision.revisionType} one`);
    const { s3Location } = revision;
    const object = pinnedObject(s3Location);
    const listing = s3Location.bundleType === 'zip' ? await this.listZip(object) : await this.listTar(object, s3Location.bundleType);
    return { revision, appSpec: appSpecOfListing(listing) };
  }

  /** GNU tar on the hosts takes tar and tgz alike, so gzip is recognised by its magic, not by the declared type. */
  private async listTar(object: PinnedObject, bundleType: 'tar' | 'tgz'): Promise<BundleListing> {
    const response = await this.get(object);
    const lister = new TarLister();
    try {
      for await (const chunk of ungzipped(streamOf(response.Body))) {
        lister.push(chunk);
        // Past the end-of-archive block only padding follows: the rest of the object need not be downloaded.
        if (lister.ended) break;
      }
      return lister.finish();
    } catch (error) {
      if (error instanceof TarFormatError || isZlibError(error)) {
        throw new InvalidRevisionError(`The revision ${describeObject(object)} cannot be read as a ${bundleType} bundle: ${(error as Error).message}`);
      }
      throw error;
    }
  }

  private async listZip(object: PinnedObject): Promise<BundleListing> {
    try {
      const tail = await this.tail(object);
      let location = locateDirectory(tail);
      if ('recordOffset' in location) location = readZip64End(await this.bytes(object, tail, location.recordOffset, ZIP64_END_RECORD_SIZE));
      if (location.entryCount > MAX_ZIP_ENTRIES) {
        throw new InvalidRevisionError(
          `The revision ${describeObject(object)} is a zip of ${location.entryCount} entries; Cutover reads bundles of at most ${MAX_ZIP_ENTRIES} entries`,
        );
      }
      if (location.size > MAX_ZIP_DIRECTORY_BYTES) {
        throw new InvalidRevisionError(
          `The revision ${describeObject(object)} has a zip central directory of ${location.size} bytes; Cutover reads at most ${MAX_ZIP_DIRECTORY_BYTES}`,
        );
      }
      const entries = readDirectory(await this.bytes(object, tail, location.offset, location.size), location.entryCount);
      return await this.zipListing(object, tail, entries);
    } catch (error) {
      if (error instanceof ZipFormatError) throw new InvalidRevisionError(`The revision ${describeObject(object)} cannot be read as a zip bundle: ${error.message}`);
      throw error;
    }
  }

  /**
   * Lists the central directory without reading anything, then reads the one appspec that counts: a directory can name
   * an appspec in each of thousands of top-level directories, all pointing at the same few bytes.
   */
  private async zipListing(object: PinnedObject, tail: ZipBytes, central: readonly ZipEntry[]): Promise<BundleListing> {
    const entries: ListedEntry[] = [];
    const candidates = new Map<string, ZipEntry>();
    const problems: FieldProblem[] = [];
    for (const entry of central) {
      const path = archivePath(entry.name);
      if (entry.kind === undefined) problems.push(bundleProblem(`entry '${entry.name}' is a device, socket or pipe; bundles hold files, directories and links`));
      else if (path.kind === 'rejected') problems.push(path.problem);
      else if (path.kind === 'path') {
        entries.push({ path: path.path, kind: entry.kind });
        if (entry.kind === 'file' && isAppSpecCandidate(path.path)) candidates.set(path.path, entry);
      }
    }
    const appSpecTexts = new Map<string, string>();
    const path = appSpecPathOf(entries);
    // The latest entry of that path is a file (appSpecPathOf says so), so it is the one recorded last.
    const entry = path === undefined ? undefined : candidates.get(path);
    if (path !== undefined && entry !== undefined) {
      const text = await this.zipAppSpec(object, tail, entry, problems);
      if (text !== undefined) appSpecTexts.set(path, text);
    }
    return { entries, appSpecTexts, problems };
  }

  private async zipAppSpec(object: PinnedObject, tail: ZipBytes, entry: ZipEntry, problems: FieldProblem[]): Promise<string | undefined> {
    const refuse = (why: string): undefined => void problems.push(bundleProblem(`entry '${entry.name}' ${why}`));
    if (entry.encrypted) return refuse('is encrypted; bundles must not be password-protected');
    if (entry.method !== STORED && entry.method !== DEFLATED) return refuse(`uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`);
    if (entry.size > MAX_APPSPEC_BYTES || entry.compressedSize > MAX_APPSPEC_BYTES) {
      return refuse(`is ${entry.size} bytes; an appspec may have at most ${MAX_APPSPEC_BYTES}`);
    }
    const start = dataStart(entry, await this.bytes(object, tail, entry.localOffset, LOCAL_HEADER_SIZE));
    const raw = await this.bytes(object, tail, start, entry.compressedSize);
    let data: Uint8Array;
    try {
      data = entry.method === STORED ? raw : inflateRawSync(raw, { maxOutputLength: MAX_APPSPEC_BYTES });
    } catch (error) {
      return refuse(`cannot be inflated: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (data.byteLength !== entry.size || crc32(data) !== entry.crc) return refuse('is corrupt: its size or checksum does not match');
    return decodeAppSpec(data);
  }

  /** The last bytes of the object, where a zip's end record is, with their offset. */
  private async tail(object: PinnedObject): Promise<ZipBytes> {
    const response = await this.get(object, `bytes=-${ZIP_TAIL_BYTES}`);
    const bytes = await collect(streamOf(response.Body), ZIP_TAIL_BYTES);
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.ContentRange ?? '');
    // Without a Content-Range S3 sent the whole object (it is shorter than the suffix asked for).
    return { start: range ? Number(range[1]) : 0, bytes };
  }

  /** `length` bytes at `start`: from the tail when it holds them, else one ranged GetObject. */
  private async bytes(object: PinnedObject, tail: ZipBytes, start: number, length: number): Promise<Uint8Array> {
    if (length === 0) return new Uint8Array(0);
    if (start >= tail.start && start + length <= tail.start + tail.bytes.length) return tail.bytes.subarray(start - tail.start, start - tail.start + length);
    const response = await this.get(object, `bytes=${start}-${start + length - 1}`);
    const bytes = await collect(streamOf(response.Body), length);
    if (bytes.length !== length) throw new ZipFormatError(`asked for ${length} bytes at ${start} but the object holds ${bytes.length} there`);
    return bytes;
  }

  private async get(object: PinnedObject, range?: string): Promise<GetObjectCommandOutput> {
    try {
      return await this.client.send(
        new GetObjectCommand({ ...objectInput(object, object.eTag), ...(range === undefined ? {} : { Range: range }) }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'InvalidRange') {
        throw new InvalidRevisionError(`The revision ${describeObject(object)} is empty; a bundle must be a tar, tgz or zip archive`, { cause: error });
      }
      throw revisionReadError(error, object, object.eTag === undefined ? undefined : { expected: object.eTag, duringCheck: true });
    }
  }
}

function pinnedObject(location: S3Revision['s3Location']): PinnedObject {
  return {
    bucket: location.bucket,
    key: location.key,
    ...(location.version === undefined ? {} : { version: location.version }),
    ...(location.eTag === undefined ? {} : { eTag: bareETag(location.eTag) }),
  };
}

function streamOf(body: unknown): AsyncIterable<Uint8Array> {
  if (typeof (body as { [Symbol.asyncIterator]?: unknown } | undefined)?.[Symbol.asyncIterator] !== 'function') {
    throw new TypeError('GetObject returned no stream to read');
  }
  return body as AsyncIterable<Uint8Array>;
}

/** The bytes, gunzipped when they start with gzip's magic. */
async function* ungzipped(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const source = body[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headLength = 0;
  while (headLength < 2) {
    const next = await source.next();
    if (next.done) break;
    head.push(next.value);
    headLength += next.value.length;
  }
  const all = (async function* () {
    try {
      yield* head;
      for (let next = await source.next(); !next.done; next = await source.next()) yield next.value;
    } finally {
      // Stopping early (the archive ended, or was refused) must free the HTTP connection.
      await source.return?.();
    }
  })();
  const first = Buffer.concat(head);
  if (first[0] !== 0x1f || first[1] !== 0x8b) {
    yield* all;
    return;
  }
  yield* pipeline(Readable.from(all), createGunzip(), () => undefined) as AsyncIterable<Uint8Array>;
}

/** Collects a ranged body; more than `limit` bytes means S3 ignored the range, which would read the whole bundle. */
async function collect(body: AsyncIterable<Uint8Array>, limit: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of body) {
    length += chunk.length;
    if (length > limit) throw new ZipFormatError(`S3 sent more than the ${limit} bytes asked for`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
