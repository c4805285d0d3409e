// The one place where S3 read failures become revision errors a user can act on. HeadObject responses have no body,
// so the SDK names their errors by status only ("NotFound" for 404, "Unknown" for the rest): the HTTP status decides,
// and the error codes GetObject carries in its body are the fallback. Anything else (throttling, 5xx, network) is
// rethrown unchanged: it says nothing about the revision.
import { InvalidRevisionError, RevisionMissingError } from '../core/errors';
import { isRetryableAwsError } from './retryable-errors';

/** One S3 object as a request names it. */
export interface S3ObjectRef {
  readonly bucket: string;
  readonly key: string;
  readonly version?: string;
}

/** The request fields that name `object`, with IfMatch when a bare ETag pins it to those exact bytes. */
export function objectInput(
  object: S3ObjectRef,
  eTag?: string,
): { Bucket: string; Key: string; VersionId?: string; IfMatch?: string } {
  return {
    Bucket: object.bucket,
    Key: object.key,
    ...(object.version === undefined ? {} : { VersionId: object.version }),
    ...(eTag === undefined ? {} : { IfMatch: `"${eTag}"` }),
  };
}

export type S3ReadFailure = 'missing' | 'forbidden' | 'deleteMarker' | 'preconditionFailed' | 'badRequest';

const BY_STATUS: Readonly<Record<number, S3ReadFailure>> = {
  400: 'badRequest',
  403: 'forbidden',
  404: 'missing',
  405: 'deleteMarker',
  412: 'preconditionFailed',
};

const BY_NAME: Readonly<Record<string, S3ReadFailure>> = {
  InvalidArgument: 'badRequest',
  AccessDenied: 'forbidden',
  Forbidden: 'forbidden',
  NotFound: 'missing',
  NoSuchKey: 'missing',
  NoSuchVersion: 'missing',
  MethodNotAllowed: 'deleteMarker',
  PreconditionFailed: 'preconditionFailed',
};

// Errors about the call, not the object: S3 sends some of them with 400 or 403, which must not read as a bad revision.
const ABOUT_THE_CALL: ReadonlySet<string> = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidAccessKeyId',
  'InvalidToken',
  'SignatureDoesNotMatch',
  'TokenRefreshRequired',
  'RequestTimeTooSkewed',
]);

/** What an S3 read failure says about the revision; undefined when it says nothing (retry, or a bug). */
export function s3ReadFailure(error: unknown): S3ReadFailure | undefined {
  if (!(error instanceof Error)) return undefined;
  if (isRetryableAwsError(error) || ABOUT_THE_CALL.has(error.name)) return undefined;
  // HeadObject errors have no body, so the SDK names them by status alone ('NotFound', 'Unknown'): the name
  // decides when it says something, the status otherwise.
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return BY_NAME[error.name] ?? (status === undefined ? undefined : BY_STATUS[status]);
}

/** `s3://bucket/key`, with the version when one is named. */
export function describeObject(object: S3ObjectRef): string {
  const where = `s3://${object.bucket}/${object.key}`;
  return object.version === undefined ? where : `${where} (version ${object.version})`;
}

/** The ETag a read required (IfMatch) and, when the caller could look it up, the one the object has. */
export interface ETagMismatch {
  readonly expected: string;
  readonly actual?: string;
  /** The object was replaced between Cutover's HeadObject and GetObject, not before the request. */
  readonly duringCheck?: boolean;
}

/** The revision error `error` amounts to, or `error` itself when S3 said nothing about the revision. */
export function revisionReadError(error: unknown, object: S3ObjectRef, eTags?: ETagMismatch): Error {
  const what = describeObject(object);
  switch (s3ReadFailure(error)) {
    case 'missing':
      return new RevisionMissingError(`The revision ${what} does not exist in S3`, { cause: error });
    case 'deleteMarker':
      return new RevisionMissingError(
        `The revision ${what} is a delete marker: that version of the object was deleted; name a version that holds the bundle`,
        { cause: error },
      );
    case 'forbidden':
      // Without s3:ListBucket S3 answers 403 for a key that does not exist, so both readings are offered.
      return new RevisionMissingError(
        `Cutover may not read the revision ${what} (S3 answered 403 Access Denied). If the object exists, grant ` +
          "Cutover's roles read access: add the bucket to the stack's revisionBuckets prop (cdk deploy -c " +
          `cutover:revisionBuckets=${object.bucket}), or allow s3:GetObject and s3:GetObjectVersion (and kms:Decrypt ` +
          "on the bucket's KMS key) to them in the bucket policy. S3 also answers 403 for a missing object when the " +
          'reader may not list the bucket',
        { cause: error },
      );
    case 'badRequest':
      return new InvalidRevisionError(
        `S3 refused to read the revision ${what} (400 Bad Request): the version id is not one of this object's, or ` +
          'the object is encrypted with a customer-provided key (SSE-C), which Cutover cannot deploy',
        { cause: error },
      );
    case 'preconditionFailed': {
      const actual = eTags?.actual === undefined ? 'another one (S3 did not say which)' : `"${eTags.actual}"`;
      const hint = eTags?.duringCheck === true ? ': it was replaced while Cutover checked it; try again' : '';
      return new InvalidRevisionError(
        `The revision ${what} does not have the expected ETag: expected "${eTags?.expected ?? '?'}", found ${actual}${hint}`,
        { cause: error },
      );
    }
    case undefined:
      return error instanceof Error ? error : new Error(String(error));
  }
}

/** S3 shows ETags in double quotes; CodeDeploy (and a revision) carries them bare. */
export function bareETag(eTag: string): string {
  return eTag.replace(/^"(.*)"$/, '$1');
}
