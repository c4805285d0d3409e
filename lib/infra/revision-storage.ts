// The bucket Cutover keeps revision bundles in, and the bucket its server access logs go to.
//
// S3-managed keys rather than KMS: hosts fetch bundles through presigned URLs, which work the same either way, while a
// customer managed key adds a key policy, a monthly charge and a kms:Decrypt on every download without narrowing who
// can read (that is the bucket's IAM and TLS-only policy). The access-log bucket could not use SSE-KMS anyway: S3
// delivers server access logs only to buckets encrypted with S3-managed keys.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';

export interface RevisionStorageProps {
  /** What happens to both buckets when they leave the stack; S3 refuses to delete a bucket that still has objects. */
  readonly removalPolicy: RemovalPolicy;
  /** How long access logs are kept. */
  readonly logRetention: RetentionDays;
}

export class RevisionStorage extends Construct {
  public readonly bucket: Bucket;
  public readonly accessLogs: Bucket;

  public constructor(scope: Construct, id: string, props: RevisionStorageProps) {
    super(scope, id);
    // S3 log delivery is then allowed by a bucket policy (scoped to the revisions bucket) instead of the legacy
    // LogDeliveryWrite ACL, which would need ACLs enabled on the log bucket. Set here, not in cdk.json, so the
    // construct behaves the same in any app that embeds it.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const locked = {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      removalPolicy: props.removalPolicy,
    };

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...locked,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: props.logRetention === RetentionDays.INFINITE ? [] : [{ expiration: Duration.days(props.logRetention) }],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket of the revisions bucket; logging access to it would need a third bucket, and so on',
    });

    // Versioned, so a deployment pins the exact object its hosts download, and an overwritten bundle can be rolled
    // back to.
    this.bucket = new Bucket(this, 'Bucket', {
      ...locked,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'revisions/',
    });
  }
}
