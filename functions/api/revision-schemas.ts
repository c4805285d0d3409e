// RevisionLocation as requests give it and answers show it (spec §7): S3 everywhere, and on the embedded runtime a
// local bundle named by its path. Which of the two a runtime takes is decided per request, from ApiContext.
import { z } from 'zod';
import { ValidationError } from '../core/errors';
import { expected, shown } from '../core/input-messages';
import type { RevisionRequest } from '../ports';
import type { ApiContext } from './api-context';

const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const SHA256_PATTERN = /^[0-9a-fA-F]{64}$/;

const sha256 = z
  .string({ error: expected('a hex SHA-256 of the bundle (64 characters)') })
  .regex(SHA256_PATTERN, { error: (issue) => `must be 64 hex characters, the bundle's SHA-256 (got ${shown(issue.input)})` });

const nonEmpty = (what: string) => z.string({ error: expected(what) }).min(1, { error: `must not be empty: ${what}` });

const s3Location = z
  .object(
    {
      bucket: z
        .string({ error: expected('an S3 bucket name') })
        .regex(BUCKET_PATTERN, { error: (issue) => `must be an S3 bucket name: 3 to 63 lower-case letters, digits, dots and hyphens (got ${shown(issue.input)})` }),
      key: nonEmpty('the S3 object key of the bundle').max(1024, { error: 'must be at most 1024 characters, as S3 keys are' }),
      bundleType: z.enum(['tar', 'tgz', 'zip'], { error: (issue) => `must be one of tar, tgz, zip (got ${shown(issue.input)})` }),
      version: nonEmpty('an S3 version id').optional(),
      eTag: nonEmpty('the ETag the object must have').optional(),
      sha256: sha256.optional(),
    },
    { error: expected('an object {bucket, key, bundleType, version?, eTag?, sha256?}') },
  )
  .strict();

const localLocation = z
  .object(
    {
      bundlePath: nonEmpty('the absolute path of a bundle folder, .zip, .tar or .tgz on the machine running Cutover'),
      // As GetDeployment shows a local revision (the registered tar), so it can be deployed again as shown.
      bundleType: z.literal('tar', { error: (issue) => `must be 'tar' when given; the format is read from the file itself (got ${shown(issue.input)})` }).optional(),
      sha256: sha256.optional(),
    },
    { error: expected('an object {bundlePath, sha256?}') },
  )
  .strict();

const REVISION_TYPES = "'S3' (or 'Local' on the embedded runtime)";

/** A revision in a request. Whether this runtime takes its type is checked by requestedRevision. */
export const revisionLocation = z.discriminatedUnion(
  'revisionType',
  [
    z.object({ revisionType: z.literal('S3'), s3Location }, { error: expected('a RevisionLocation object') }).strict(),
    z.object({ revisionType: z.literal('Local'), localLocation }, { error: expected('a RevisionLocation object') }).strict(),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? expected(REVISION_TYPES)({ input: (issue.input as { revisionType?: unknown } | undefined)?.revisionType })
        : expected(`a RevisionLocation {revisionType: ${REVISION_TYPES}, s3Location | localLocation}`)(issue),
  },
);

export type RevisionLocationInput = z.infer<typeof revisionLocation>;

/** For the OpenAPI document: a revision as answers show it, pinned (sha256) once a deployment checked it. */
export const revisionLocationShown = z.object({
  revisionType: z.enum(['S3', 'Local']),
  s3Location: z
    .object({
      bucket: z.string(),
      key: z.string(),
      bundleType: z.enum(['tar', 'tgz', 'zip']),
      version: z.string().optional(),
      eTag: z.string().optional(),
      sha256: z.string().optional(),
    })
    .optional(),
  localLocation: z.object({ bundlePath: z.string(), bundleType: z.literal('tar'), sha256: z.string() }).optional(),
});

/** The revision as the bundle reader takes it; 400 on revision.revisionType when this runtime has no such revisions. */
export function requestedRevision(ctx: ApiContext, revision: RevisionLocationInput): RevisionRequest {
  if (revision.revisionType === 'Local') {
    if (ctx.hostNaming !== 'local') {
      throw new ValidationError([{ field: 'revision.revisionType', message: "is 'Local', which only the embedded runtime deploys; on AWS, deploy an S3 revision" }]);
    }
    const { bundlePath, sha256: digest } = revision.localLocation;
    return { revisionType: 'Local', localLocation: { bundlePath, ...(digest === undefined ? {} : { sha256: digest }) } };
  }
  if (ctx.hostNaming === 'local') {
    throw new ValidationError([
      { field: 'revision.revisionType', message: "is 'S3', which the embedded runtime cannot fetch; deploy a Local revision {revisionType: 'Local', localLocation: {bundlePath}}" },
    ]);
  }
  return revision;
}

