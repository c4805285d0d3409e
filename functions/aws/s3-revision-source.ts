// Tells a host where to download a revision's bundle: a presigned S3 URL, so hosts need no S3 permissions of their
// own, only the SSM Agent and outbound HTTPS.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ValidationError } from '../core/errors';
import type { RevisionLocation } from '../core/types';
import type { BundleFetch, RevisionSource } from '../ports';

/**
 * One hour covers the DownloadBundle event. The URL also dies with the signing Lambda's session credentials, so a
 * longer expiry would promise more than it can keep.
 */
export const PRESIGNED_URL_EXPIRY_SECONDS = 3600;

export class S3RevisionSource implements RevisionSource {
  public constructor(private readonly client: S3Client) {}

  public async bundleFetch(revision: RevisionLocation): Promise<BundleFetch> {
    if (revision.revisionType !== 'S3') {
      throw new ValidationError([
        {
          field: 'revision.revisionType',
          message: `'${revision.revisionType}' revisions exist only in the embedded runtime; on AWS, deploy an S3 revision`,
        },
      ]);
    }
    const { bucket, key, version } = revision.s3Location;
    const url = await getSignedUrl(
      this.client,
      new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: version }),
      { expiresIn: PRESIGNED_URL_EXPIRY_SECONDS },
    );
    return { kind: 'url', url };
  }
}
