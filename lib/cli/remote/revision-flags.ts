// Where a revision is: `--revision` (aws's RevisionLocation: S3, or a Lambda or ECS appspec inline as AppSpecContent),
// `--s3-location`, `--local-bundle` (the local server reads the path on its own machine) or `--github-location`, which
// the engine cannot deploy yet and so is refused here, before anything is created.
import * as path from 'node:path';
import { UsageError } from '../cli-errors';
import { readValue, type FlagSpecs, type ParsedFlags } from './remote-flags';
import { SHAPES } from './value-shapes';

export const REVISION_FLAGS: FlagSpecs = {
  revision: {
    kind: 'structure',
    shape: SHAPES.revision,
    help:
      'revisionType=AppSpecContent,appSpecContent={content=file://appspec.yaml} for Lambda and ECS (content inline, or file://PATH ' +
      'to read it, as Cutover allows), or revisionType=S3,s3Location={bucket=B,key=K,bundleType=zip}; or JSON',
  },
  's3-location': { kind: 'structure', shape: SHAPES.s3Location, help: 'bucket=B,key=K,bundleType=zip|tar|tgz[,version=V][,eTag=E][,sha256=S]' },
  'local-bundle': {
    kind: 'string',
    help: 'local server only: a bundle folder, .zip, .tar or .tgz on the machine it runs on',
    placeholder: 'PATH',
  },
  'github-location': { kind: 'structure', shape: SHAPES.gitHubLocation, help: 'repository=R,commitId=C (not supported yet: refused)' },
};

const BUNDLE_TYPES = ['zip', 'tar', 'tgz'];

/** The API's `revision` from whichever one of the revision flags was given. */
export function revisionOf(flags: ParsedFlags, cwd: string): Record<string, unknown> {
  const given = Object.keys(REVISION_FLAGS).filter((f) => flags.has(f));
  if (given.length !== 1) {
    throw new UsageError(
      'revision',
      `give exactly one of --revision, --s3-location, --local-bundle (got ${given.length === 0 ? 'none' : given.map((f) => `--${f}`).join(', ')})`,
    );
  }
  if (flags.has('github-location')) throw gitHubRefused('--github-location');
  const bundle = flags.string('local-bundle');
  if (bundle !== undefined) return { revisionType: 'Local', localLocation: { bundlePath: path.resolve(cwd, bundle) } };
  if (flags.has('revision')) return revisionLocationOf(flags.value('revision') as Record<string, unknown>, cwd);
  return { revisionType: 'S3', s3Location: s3LocationOf('--s3-location', flags.value('s3-location') as Record<string, unknown>) };
}

const REVISION_TYPES: Readonly<Record<string, string>> = { S3: 's3Location', AppSpecContent: 'appSpecContent', GitHub: 'gitHubLocation' };

/** `--revision`: one location, the one its revisionType names. */
function revisionLocationOf(revision: Record<string, unknown>, cwd: string): Record<string, unknown> {
  const flag = '--revision';
  const type = revision.revisionType as string | undefined;
  const field = type === undefined ? undefined : REVISION_TYPES[type];
  if (field === undefined) {
    throw new UsageError(flag, `revisionType must be one of ${Object.keys(REVISION_TYPES).join(', ')} (got ${type ?? 'none'}); for a local bundle, give --local-bundle`);
  }
  const others = Object.keys(revision).filter((key) => key !== 'revisionType' && key !== field);
  if (others.length > 0) throw new UsageError(flag, `revisionType=${type} takes ${field}={…}, not ${others.join(', ')}`);
  const location = revision[field] as Record<string, unknown> | undefined;
  if (location === undefined) throw new UsageError(flag, `revisionType=${type} needs ${field}={…}`);
  if (type === 'GitHub') throw gitHubRefused(flag);
  if (type === 'S3') return { revisionType: type, s3Location: s3LocationOf(flag, location) };
  return { revisionType: type, appSpecContent: appSpecContentOf(flag, location, cwd) };
}

/** The appspec inline; `content=file://appspec.yaml` reads it from a file, relative to the working folder. */
function appSpecContentOf(flag: string, location: Record<string, unknown>, cwd: string): Record<string, unknown> {
  const content = location.content as string | undefined;
  if (content === undefined || content === '') throw new UsageError(flag, 'needs appSpecContent={content=…}: the appspec as YAML or JSON text, or file://PATH');
  return { ...location, content: readValue(flag, content, cwd) };
}

function gitHubRefused(flag: string): UsageError {
  return new UsageError(flag, 'GitHub revisions are not supported by Cutover yet: push the bundle to S3 (`cutover push`) and deploy it with --s3-location');
}

function s3LocationOf(flag: string, location: Record<string, unknown>): Record<string, unknown> {
  for (const field of ['bucket', 'key', 'bundleType']) {
    if (location[field] === undefined) throw new UsageError(flag, `needs ${field}=…: bucket=B,key=K,bundleType=zip|tar|tgz`);
  }
  if (!BUNDLE_TYPES.includes(location.bundleType as string)) {
    throw new UsageError(flag, `bundleType must be one of ${BUNDLE_TYPES.join(', ')} (got ${String(location.bundleType)})`);
  }
  return location;
}

/** `s3://bucket/key/with/slashes` → bucket and key, for push. */
export function parseS3Url(flag: string, url: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!match) throw new UsageError(flag, `must look like s3://bucket/key.zip (got ${url})`);
  return { bucket: match[1], key: match[2] };
}
