import { S3Client } from '@aws-sdk/client-s3';
import { ValidationError } from '../../functions/core/errors';
import { S3RevisionSource } from '../../functions/aws/s3-revision-source';

// Presigning is local: it signs with these credentials and never calls S3.
const source = new S3RevisionSource(
  new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } }),
);

describe('S3RevisionSource', () => {
  it('presigns a one-hour GetObject URL for the exact object version', async () => {
    const fetch = await source.bundleFetch({
      revisionType: 'S3',
      s3Location: { bucket: 'my-bundles', key: 'app/v2.tar.gz', bundleType: 'tgz', version: 'v-42' },
    });

    expect(fetch.kind).toBe('url');
    const url = new URL(fetch.kind === 'url' ? fetch.url : '');
    expect(url.hostname).toBe('my-bundles.s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/app/v2.tar.gz');
    expect(url.searchParams.get('versionId')).toBe('v-42');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('3600');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\//);
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('leaves the version out when the revision names none', async () => {
    const fetch = await source.bundleFetch({
      revisionType: 'S3',
      s3Location: { bucket: 'my-bundles', key: 'app/latest.zip', bundleType: 'zip' },
    });

    const url = new URL(fetch.kind === 'url' ? fetch.url : '');
    expect(url.searchParams.has('versionId')).toBe(false);
  });

  it('refuses a Local revision with a message that says what to use instead', async () => {
    const attempt = source.bundleFetch({
      revisionType: 'Local',
      localLocation: { bundlePath: '/tmp/bundle.tar', bundleType: 'tar', sha256: 'ab'.repeat(32) },
    });

    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(
      "revision.revisionType: 'Local' revisions exist only in the embedded runtime; on AWS, deploy an S3 revision",
    );
  });
});
