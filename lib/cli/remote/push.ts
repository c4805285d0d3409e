// `push`: zips a folder, checks it as a deployment would, uploads it to S3 and registers it with the application,
// then prints the create-deployment command to run next, as `aws deploy push` does.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { ValidationError } from '../../../functions/core/errors';
import { checkBundle } from '../../local/bundle';
import { EXIT_OK, UsageError } from '../cli-errors';
import { DEFAULT_STATE_DIR } from '../local-session';
import { seg } from './api-client';
import { zipFolder } from './push-zip';
import type { RemoteCommand, RemoteRun } from './remote-command';
import { parseS3Url } from './revision-flags';
import { regionOfEndpoint } from './sigv4';

export const PUSH_COMMAND: RemoteCommand = {
  name: 'push',
  summary:
    'Zips a folder with appspec.yml at its root, checks it, uploads it to S3 (credentials and region from the SDK chain, ' +
    '--profile and --region; AWS_ENDPOINT_URL_S3 points it elsewhere) and registers it with the application.',
  flags: {
    'application-name': { kind: 'string', required: true, help: 'the application to register the revision with', placeholder: 'NAME' },
    's3-location': { kind: 'string', required: true, help: 'where to upload the zip', placeholder: 's3://BUCKET/KEY.zip' },
    source: { kind: 'string', help: 'the folder to zip (default: the current folder)', placeholder: 'DIR' },
    'ignore-hidden-files': { kind: 'boolean', help: 'leave out files and folders whose name starts with a dot' },
    description: { kind: 'string', help: 'kept with the revision', placeholder: 'TEXT' },
  },
  run: async (run) => {
    const application = run.flags.required('application-name');
    const { bucket, key } = parseS3Url('--s3-location', run.flags.required('s3-location'));
    const source = path.resolve(run.ctx.cwd, run.flags.string('source') ?? '.');
    const zip = await checkedZip(source, run.flags.boolean('ignore-hidden-files') === true);

    // Loaded here only: the S3 client takes a noticeable while to load, and no other command needs it.
    const { PutObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
    const s3 = new S3Client({
      region: s3Region(run),
      credentials: fromNodeProviderChain({ profile: run.globals.profile }),
      followRegionRedirects: true,
    });
    const uploaded = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: zip, ContentType: 'application/zip' }));
    s3.destroy();
    // S3 quotes its ETags; CodeDeploy's eTag field holds the bare value.
    const eTag = uploaded.ETag?.replace(/"/g, '');
    const s3Location = { bucket, key, bundleType: 'zip', ...(eTag ? { eTag } : {}), ...(uploaded.VersionId ? { version: uploaded.VersionId } : {}) };
    await run.api.call({
      method: 'POST',
      path: `/applications/${seg(application)}/revisions`,
      body: { revision: { revisionType: 'S3', s3Location }, description: run.flags.string('description') },
    });

    const shorthand = Object.entries(s3Location).map(([k, v]) => `${k}=${v}`).join(',');
    run.ctx.stdout.write(
      `Uploaded ${source} to s3://${bucket}/${key} and registered it with ${application}. To deploy with this revision, run:\n` +
        `cutover create-deployment --application-name ${application} --s3-location ${shorthand} ` +
        '--deployment-group-name <deployment-group-name> --deployment-config-name <deployment-config-name> --description <description>\n',
    );
    return EXIT_OK;
  },
};

/** The zip of `source`, checked as the deployment will read it: a bad appspec stops here, before any upload. */
async function checkedZip(source: string, ignoreHidden: boolean): Promise<Uint8Array> {
  if (!fs.statSync(source, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError('--source', `${source} is not a folder`);
  if (!fs.existsSync(path.join(source, 'appspec.yml'))) throw new UsageError('--source', `${source} has no appspec.yml at its root`);
  const zip = zipFolder(source, { exclude: [path.join(source, DEFAULT_STATE_DIR)], ignoreHidden });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-push-'));
  try {
    const file = path.join(scratch, 'bundle.zip');
    fs.writeFileSync(file, zip);
    const check = await checkBundle(file);
    if (!check.ok) throw new ValidationError(check.problems);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return zip;
}

function s3Region(run: RemoteRun): string {
  const region = run.globals.region ?? (run.env.AWS_REGION || run.env.AWS_DEFAULT_REGION) ?? regionOfEndpoint(run.globals.endpoint);
  if (!region) throw new UsageError('--region', 'push uploads to S3 and needs a region: pass --region or set AWS_REGION');
  return region;
}
