// The SHA-256 a host verifies a bundle against: S3's own checksum when it covers the whole object, else a hash
// streamed over the object's bytes. Bundles can be gigabytes, so a chunk is hashed and dropped as it arrives.
import { createHash } from 'node:crypto';

/** What the first bytes of a bundle say it is; tar-family formats are told apart only as far as a host cares. */
export type BundleSignature = 'zip' | 'gzip' | 'tar';

export interface BundleDigest {
  /** Lower-case hex. */
  readonly sha256: string;
  readonly bytes: number;
  /** Undefined when the first bytes match no known archive (an old v7 tar, bzip2, anything else). */
  readonly signature: BundleSignature | undefined;
}

// A tar header keeps its "ustar" magic at offset 257.
const SNIFF_BYTES = 262;

/**
 * Hex SHA-256 from HeadObject's Base64 ChecksumSHA256, only when it is a checksum of the whole object. A multipart
 * upload's COMPOSITE checksum (Base64 followed by "-<parts>") is a hash of part hashes, which no host can verify.
 */
export function fullObjectSha256(head: { readonly ChecksumSHA256?: string; readonly ChecksumType?: string }): string | undefined {
  const checksum = head.ChecksumSHA256;
  if (checksum === undefined) return undefined;
  const whole = head.ChecksumType === 'FULL_OBJECT' || (head.ChecksumType === undefined && !/-\d+$/.test(checksum));
  if (!whole || !/^[A-Za-z0-9+/]{43}=$/.test(checksum)) return undefined;
  return Buffer.from(checksum, 'base64').toString('hex');
}

/** Hashes a GetObject body chunk by chunk, keeping only its first bytes to tell what kind of archive it is. */
export async function digestBundle(body: unknown): Promise<BundleDigest> {
  if (!isAsyncIterable(body)) throw new TypeError('GetObject returned no stream to hash');
  const hash = createHash('sha256');
  let bytes = 0;
  let start = Buffer.alloc(0);
  for await (const chunk of body) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
    hash.update(data);
    bytes += data.length;
    if (start.length < SNIFF_BYTES) start = Buffer.concat([start, data.subarray(0, SNIFF_BYTES - start.length)]);
  }
  return { sha256: hash.digest('hex'), bytes, signature: bundleSignature(start) };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown } | undefined)?.[Symbol.asyncIterator] === 'function';
}

function bundleSignature(start: Uint8Array): BundleSignature | undefined {
  // PK\3\4 opens a zip's first entry; PK\5\6 is the end record an empty zip starts with.
  if (start[0] === 0x50 && start[1] === 0x4b && ((start[2] === 3 && start[3] === 4) || (start[2] === 5 && start[3] === 6))) {
    return 'zip';
  }
  if (start[0] === 0x1f && start[1] === 0x8b) return 'gzip';
  if (Buffer.from(start.subarray(257, 262)).toString('latin1') === 'ustar') return 'tar';
  return undefined;
}
