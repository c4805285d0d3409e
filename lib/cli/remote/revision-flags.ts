// Where a revision is: `--s3-location`, `--local-bundle` (the local server reads the path on its own machine) or
// `--github-location`, which the engine cannot deploy yet and so is refused here, before anything is created.
import * as path from 'node:path';
import { UsageError } from '../cli-errors';
import type { FlagSpecs, ParsedFlags } from './remote-flags';
import { SHAPES } from './value-shapes';

export const REVISION_FLAGS: FlagSpecs = {
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
    throw new UsageError('revision', `give exactly one of --s3-location, --local-bundle (got ${given.length === 0 ? 'none' : given.map((f) => `--${f}`).join(', ')})`);
  }
  if (flags.has('github-location')) {
    throw new UsageError(
      '--github-location',
      'GitHub revisions are not supported by Cutover yet: push the bundle to S3 (`cutover push`) and deploy it with --s3-location',
    );
  }
  const bundle = flags.string('local-bundle');
  if (bundle !== undefined) return { revisionType: 'Local', localLocation: { bundlePath: path.resolve(cwd, bundle) } };
  return { revisionType: 'S3', s3Location: s3LocationOf(flags.value('s3-location') as Record<string, unknown>) };
}

function s3LocationOf(location: Record<string, unknown>): Record<string, unknown> {
  for (const field of ['bucket', 'key', 'bundleType']) {
    if (location[field] === undefined) throw new UsageError('--s3-location', `needs ${field}=…: bucket=B,key=K,bundleType=zip|tar|tgz`);
  }
  if (!BUNDLE_TYPES.includes(location.bundleType as string)) {
    throw new UsageError('--s3-location', `bundleType must be one of ${BUNDLE_TYPES.join(', ')} (got ${String(location.bundleType)})`);
  }
  return location;
}

/** `s3://bucket/key/with/slashes` → bucket and key, for push. */
export function parseS3Url(flag: string, url: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!match) throw new UsageError(flag, `must look like s3://bucket/key.zip (got ${url})`);
  return { bucket: match[1], key: match[2] };
}
