// RevisionLocation as requests give it and answers show it (spec §7): S3 everywhere, and on the embedded runtime a
// local bundle named by its path; a Lambda or ECS deployment's appspec inline (AppSpecContent). Which bundle kind a
// runtime takes is decided per request, from ApiContext; which kind an application takes, from its compute platform.
import { createHash } from 'node:crypto';
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
const DEPLOYMENT_REVISION_TYPES = "'S3' (or 'Local' on the embedded runtime) for a Server application, 'AppSpecContent' for a Lambda or ECS one";

// CodeDeploy's limit on an inline appspec, and the engine's.
const MAX_APPSPEC_CONTENT = 512 * 1024;

/** CodeDeploy's AppSpecContent: the appspec inline, YAML or JSON; sha256, when given, must be the content's. */
const appSpecContent = z
  .object(
    {
      content: nonEmpty('the appspec as YAML or JSON text').max(MAX_APPSPEC_CONTENT, {
        error: (issue) => `must be at most ${MAX_APPSPEC_CONTENT} characters (got ${String(issue.input).length})`,
      }),
      sha256: z
        .string({ error: expected('a hex SHA-256 of content (64 characters)') })
        .regex(SHA256_PATTERN, { error: (issue) => `must be 64 hex characters, the SHA-256 of content (got ${shown(issue.input)})` })
        .optional(),
    },
    { error: expected('an object {content, sha256?}') },
  )
  .strict()
  .superRefine(({ content, sha256: given }, ctx) => {
    if (given === undefined) return;
    const actual = contentSha256(content);
    if (given.toLowerCase() !== actual) ctx.addIssue({ code: 'custom', path: ['sha256'], message: `is not the SHA-256 of content: content hashes to ${actual} (got ${given})` });
  });

/** Hex SHA-256 of an inline appspec, as CodeDeploy identifies AppSpecContent revisions. */
function contentSha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

const s3Revision = z.object({ revisionType: z.literal('S3'), s3Location }, { error: expected('a RevisionLocation object') }).strict();
const localRevision = z.object({ revisionType: z.literal('Local'), localLocation }, { error: expected('a RevisionLocation object') }).strict();
const appSpecContentRevision = z
  .object({ revisionType: z.literal('AppSpecContent'), appSpecContent }, { error: expected('a RevisionLocation object') })
  .strict();

/** A discriminated union of revision kinds whose errors name the types allowed (`types`). */
function revisionUnion<T extends readonly [z.ZodObject, ...z.ZodObject[]]>(options: T, types: string, locations: string) {
  return z.discriminatedUnion('revisionType', options, {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? expected(types)({ input: (issue.input as { revisionType?: unknown } | undefined)?.revisionType })
        : expected(`a RevisionLocation {revisionType: ${types}, ${locations}}`)(issue),
  });
}

/** A revision to register. Whether this runtime takes its type is checked by requestedRevision. */
export const revisionLocation = revisionUnion([s3Revision, localRevision], REVISION_TYPES, 's3Location | localLocation');

/** A revision to deploy: a bundle for a Server application, an inline appspec for a Lambda or ECS one. */
export const deploymentRevision = revisionUnion(
  [s3Revision, localRevision, appSpecContentRevision],
  DEPLOYMENT_REVISION_TYPES,
  's3Location | localLocation | appSpecContent',
);

export type DeploymentRevisionInput = z.infer<typeof deploymentRevision>;

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

/** For the OpenAPI document: a Lambda or ECS deployment's inline appspec, content included so it can be deployed again. */
export const appSpecContentShown = z.object({
  revisionType: z.literal('AppSpecContent'),
  appSpecContent: z.object({
    content: z.string().describe("The appspec as deployed (CodeDeploy's GetDeployment leaves it out; Cutover shows it)"),
    sha256: z.string(),
  }),
});

/** For the OpenAPI document: a revision of either platform (a group's targetRevision, a previousRevision). */
export const anyRevisionShown = z.union([revisionLocationShown, appSpecContentShown]);

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

