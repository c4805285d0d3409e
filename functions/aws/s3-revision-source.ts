// S3 revisions: checked and pinned before a deployment is created (the exact version, ETag and SHA-256), then handed
// to hosts as a presigned URL, so hosts need no S3 permissions of their own, only the SSM Agent and outbound HTTPS.
// Pinning is what makes every host (and a later rollback) install the same bytes the deployment was created with.
import { GetObjectCommand, HeadObjectCommand, type HeadObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { CutoverError, InvalidRevisionError, ValidationError } from '../core/errors';
import type { RevisionLocation, S3Revision } from '../core/types';
import type { BundleFetch, RevisionSource } from '../ports';
import { type BundleSignature, digestBundle, fullObjectSha256 } from './s3-bundle-digest';
import { bareETag, describeObject, type ETagMismatch, objectInput, revisionReadError, s3ReadFailure, type S3ObjectRef } from './s3-revision-errors';

/**
 * The URL travels in the SSM command's parameters, which anyone in the account with ssm:ListCommands can read while
 * it lives: short enough to limit that, long enough for DownloadBundle's retries. It also dies with the signing
 * Lambda's session credentials, so a longer expiry would promise more than it can keep.
 */
export const PRESIGNED_URL_EXPIRY_SECONDS = 3600;

type BundleType = S3Revision['s3Location']['bundleType'];
const BUNDLE_TYPES: readonly BundleType[] = ['tar', 'tgz', 'zip'];

export class S3RevisionSource implements RevisionSource {
  public constructor(private readonly client: S3Client) {}

  /**
   * Reads the object's metadata (and, when S3 holds no whole-object SHA-256, its bytes) and returns the revision
   * pinned to what it found: the version (versioned buckets only), the ETag and the SHA-256.
   */
  public async check(revision: RevisionLocation): Promise<RevisionLocation> {
    const location = s3Location(revision);
    const bundleType = checkedBundleType(location.bundleType);
    const requested = objectRef(location.bucket, location.key, location.version);
    const expectedETag = location.eTag === undefined ? undefined : bareETag(location.eTag);
    const head = await this.head(requested, expectedETag);

    const pinned = objectRef(location.bucket, location.key, pinnedVersion(head.VersionId));
    if (requested.version !== undefined && pinned.version !== undefined && pinned.version !== requested.version) {
      throw new InvalidRevisionError(`S3 returned version ${pinned.version} of ${describeObject(requested)}`);
    }
    const eTag = head.ETag === undefined ? undefined : bareETag(head.ETag);
    const sha256 = fullObjectSha256(head) ?? (await this.hash(pinned, eTag, bundleType, head.ContentLength));
    if (location.sha256 !== undefined && location.sha256.toLowerCase() !== sha256) {
      throw new InvalidRevisionError(
        `The revision ${describeObject(pinned)} has SHA-256 ${sha256}, not the requested ${location.sha256}`,
      );
    }
    return {
      revisionType: 'S3',
      s3Location: {
        bucket: location.bucket,
        key: location.key,
        bundleType,
        ...(pinned.version === undefined ? {} : { version: pinned.version }),
        ...(eTag === undefined ? {} : { eTag }),
        sha256,
      },
    };
  }

  /**
   * A URL for exactly the checked version. An unversioned object cannot be pinned in a plain URL (IfMatch is a header
   * curl would have to send), so there the host's SHA-256 check is what refuses an object replaced since the check.
   */
  public async bundleFetch(revision: RevisionLocation): Promise<BundleFetch> {
    const location = s3Location(revision);
    const format = checkedBundleType(location.bundleType);
    const url = await getSignedUrl(this.client, new GetObjectCommand(objectInput(location)), { expiresIn: PRESIGNED_URL_EXPIRY_SECONDS });
    return { kind: 'url', url, format, ...(location.sha256 === undefined ? {} : { sha256: location.sha256 }) };
  }

  private async head(object: S3ObjectRef, expectedETag: string | undefined): Promise<HeadObjectCommandOutput> {
    try {
      return await this.client.send(
        new HeadObjectCommand({
          ...objectInput(object, expectedETag),
          ChecksumMode: 'ENABLED',
        }),
      );
    } catch (error) {
      throw await this.readError(error, object, expectedETag);
    }
  }

  /** Streams the object through SHA-256; IfMatch keeps the hash to the exact object the HeadObject described. */
  private async hash(object: S3ObjectRef, eTag: string | undefined, bundleType: BundleType, length: number | undefined): Promise<string> {
    let body: unknown;
    try {
      const response = await this.client.send(
        new GetObjectCommand(objectInput(object, eTag)),
      );
      body = response.Body;
    } catch (error) {
      throw await this.readError(error, object, eTag, true);
    }
    const digest = await digestBundle(body);
    if (length !== undefined && digest.bytes !== length) {
      throw new CutoverError(
        `Read ${digest.bytes} bytes of ${describeObject(object)} but S3 reported ${length}: the read was cut short; try again`,
      );
    }
    const problem = signatureProblem(bundleType, digest.signature);
    if (problem !== undefined) throw new InvalidRevisionError(`The revision ${describeObject(object)} ${problem}`);
    return digest.sha256;
  }

  private async readError(error: unknown, object: S3ObjectRef, expectedETag: string | undefined, duringCheck = false): Promise<Error> {
    if (expectedETag === undefined || s3ReadFailure(error) !== 'preconditionFailed') return revisionReadError(error, object);
    const mismatch: ETagMismatch = { expected: expectedETag, actual: await this.currentETag(object), duringCheck };
    return revisionReadError(error, object, mismatch);
  }

  /** The object's ETag now, for a message only: a failure here must not hide the mismatch being reported. */
  private async currentETag(object: S3ObjectRef): Promise<string | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand(objectInput(object)));
      return head.ETag === undefined ? undefined : bareETag(head.ETag);
    } catch {
      return undefined;
    }
  }
}

function s3Location(revision: RevisionLocation): S3Revision['s3Location'] {
  if (revision.revisionType !== 'S3') {
    throw new ValidationError([
      {
        field: 'revision.revisionType',
        message: `'${revision.revisionType}' revisions exist only in the embedded runtime; on AWS, deploy an S3 revision`,
      },
    ]);
  }
  const location: unknown = revision.s3Location;
  if (typeof location !== 'object' || location === null) {
    throw new ValidationError([{ field: 'revision.s3Location', message: 'is required: {bucket, key, bundleType, version?, eTag?}' }]);
  }
  const optional = location as Partial<Record<'version' | 'eTag' | 'sha256', unknown>>;
  const problems = (['version', 'eTag', 'sha256'] as const)
    .filter((field) => optional[field] !== undefined && (typeof optional[field] !== 'string' || optional[field] === ''))
    .map((field) => ({ field: `revision.s3Location.${field}`, message: `must be a non-empty string when given (got ${JSON.stringify(optional[field])})` }));
  if (problems.length > 0) throw new ValidationError(problems);
  const { bucket, key } = revision.s3Location;
  for (const [field, value] of [['bucket', bucket], ['key', key]] as const) {
    if (typeof value !== 'string' || value === '') {
      throw new InvalidRevisionError(`revision.s3Location.${field} is ${JSON.stringify(value)}; it must name the S3 ${field}`);
    }
  }
  return revision.s3Location;
}

function checkedBundleType(value: unknown): BundleType {
  const found = BUNDLE_TYPES.find((type) => type === value);
  if (found === undefined) {
    const given = value === undefined ? 'missing' : `${JSON.stringify(value)}`;
    throw new InvalidRevisionError(`revision.s3Location.bundleType is ${given}; it must be one of ${BUNDLE_TYPES.join(', ')}`);
  }
  return found;
}

function objectRef(bucket: string, key: string, version: string | undefined): S3ObjectRef {
  return version === undefined ? { bucket, key } : { bucket, key, version };
}

/** S3 reports "null" (or nothing) as the version of an object in a bucket that never had versioning. */
function pinnedVersion(versionId: string | undefined): string | undefined {
  return versionId === undefined || versionId === 'null' ? undefined : versionId;
}

/**
 * Only a zip/tar mix-up matters: hosts extract tar and tgz alike with GNU tar, which detects gzip itself, but a zip
 * reaches unzip and a tar reaches tar by the declared type alone. An unrecognised start is left to the host.
 */
function signatureProblem(bundleType: BundleType, signature: BundleSignature | undefined): string | undefined {
  if (signature === undefined) return undefined;
  if (bundleType === 'zip' && signature !== 'zip') {
    return `is a ${signature === 'gzip' ? 'gzip-compressed (tgz)' : 'tar'} archive, not a zip: set bundleType to ${signature === 'gzip' ? 'tgz' : 'tar'}`;
  }
  if (bundleType !== 'zip' && signature === 'zip') {
    return `is a zip archive, not a ${bundleType}: set bundleType to zip`;
  }
  return undefined;
}
