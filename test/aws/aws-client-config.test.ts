// Proves the retry policy against each wire protocol our clients speak: the SDK finds the error code in a different
// place for each, and a code it cannot find is not classified as throttling.
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeInstanceHealthCommand, ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { MetadataBearer } from '@smithy/types';
import { CLIENT_MAX_ATTEMPTS, awsClientConfig, type AwsClientConfig } from '../../functions/aws/aws-client-config';
import { type AwsProtocol, type StubError, type StubOptions, startAwsProtocolStub } from '../support/aws-protocol-stub';

process.env.AWS_EC2_METADATA_DISABLED = 'true';

type TestClientConfig = AwsClientConfig & {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
};

interface Service {
  readonly protocol: AwsProtocol;
  send(config: TestClientConfig): Promise<MetadataBearer>;
}

async function sendOnce<C extends { destroy(): void }>(client: C, send: (client: C) => Promise<MetadataBearer>) {
  try {
    return await send(client);
  } finally {
    client.destroy();
  }
}

const TARGET_GROUP_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/0123456789abcdef';

const services = {
  ssm: {
    protocol: 'awsJson1_1',
    send: (config) =>
      sendOnce(new SSMClient(config), (c) =>
        c.send(new SendCommandCommand({ DocumentName: 'AWS-RunShellScript', InstanceIds: ['i-0123456789abcdef0'] })),
      ),
  },
  sfn: {
    protocol: 'awsJson1_0',
    send: (config) =>
      sendOnce(new SFNClient(config), (c) => c.send(new SendTaskSuccessCommand({ taskToken: 't', output: '{}' }))),
  },
  dynamodb: {
    protocol: 'awsJson1_0',
    send: (config) =>
      sendOnce(new DynamoDBClient(config), (c) =>
        c.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'k' } } })),
      ),
  },
  ec2: {
    protocol: 'ec2Query',
    send: (config) => sendOnce(new EC2Client(config), (c) => c.send(new DescribeInstancesCommand({}))),
  },
  autoScaling: {
    protocol: 'awsQuery',
    send: (config) =>
      sendOnce(new AutoScalingClient(config), (c) => c.send(new DescribeAutoScalingGroupsCommand({}))),
  },
  elbv2: {
    protocol: 'awsQuery',
    send: (config) =>
      sendOnce(new ElasticLoadBalancingV2Client(config), (c) =>
        c.send(new DescribeTargetHealthCommand({ TargetGroupArn: TARGET_GROUP_ARN })),
      ),
  },
  elb: {
    protocol: 'awsQuery',
    send: (config) =>
      sendOnce(new ElasticLoadBalancingClient(config), (c) =>
        c.send(new DescribeInstanceHealthCommand({ LoadBalancerName: 'lb' })),
      ),
  },
  // CloudWatch left awsQuery for awsJson1_0 (with awsQueryCompatible, so errors keep their query codes).
  cloudwatch: {
    protocol: 'awsJson1_0',
    send: (config) =>
      sendOnce(new CloudWatchClient(config), (c) =>
        c.send(new DescribeAlarmsCommand({ AlarmNames: ['orders-errors'], AlarmTypes: ['CompositeAlarm', 'MetricAlarm'] })),
      ),
  },
  s3: {
    protocol: 'restXml',
    // GetObject, the call S3RevisionSource makes: a HEAD response cannot carry the SlowDown error document.
    send: (config) =>
      sendOnce(new S3Client({ ...config, forcePathStyle: true }), (c) =>
        c.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })),
      ),
  },
} satisfies Record<string, Service>;

interface Row {
  readonly call: string;
  readonly service: Service;
  readonly error: StubError;
}

// Each service's own throttling error, with the status it really comes with.
const throttling: ReadonlyArray<Row> = [
  { call: 'SSM SendCommand (awsJson1_1)', service: services.ssm, error: { status: 400, code: 'ThrottlingException' } },
  {
    call: 'Step Functions SendTaskSuccess (awsJson1_0)',
    service: services.sfn,
    error: { status: 400, code: 'ThrottlingException' },
  },
  {
    call: 'DynamoDB GetItem (awsJson1_0)',
    service: services.dynamodb,
    error: { status: 400, code: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException' },
  },
  {
    call: 'EC2 DescribeInstances (ec2 query)',
    service: services.ec2,
    error: { status: 503, code: 'RequestLimitExceeded', message: 'Request limit exceeded.' },
  },
  {
    call: 'Auto Scaling DescribeAutoScalingGroups (awsQuery)',
    service: services.autoScaling,
    error: { status: 400, code: 'Throttling' },
  },
  {
    call: 'ELBv2 DescribeTargetHealth (awsQuery)',
    service: services.elbv2,
    error: { status: 400, code: 'Throttling' },
  },
  {
    call: 'classic ELB DescribeInstanceHealth (awsQuery)',
    service: services.elb,
    error: { status: 400, code: 'Throttling' },
  },
  {
    call: 'CloudWatch DescribeAlarms (awsJson1_0, query-compatible)',
    service: services.cloudwatch,
    error: { status: 400, code: 'Throttling', message: 'Rate exceeded' },
  },
  {
    call: 'S3 GetObject (rest-xml)',
    service: services.s3,
    error: { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
  },
];

const transient: ReadonlyArray<Row> = [
  {
    call: 'DynamoDB GetItem (awsJson1_0)',
    service: services.dynamodb,
    error: { status: 500, code: 'InternalServerError', message: 'Internal server error' },
  },
  {
    call: 'Auto Scaling DescribeAutoScalingGroups (awsQuery)',
    service: services.autoScaling,
    error: { status: 500, code: 'InternalFailure', message: 'Internal failure' },
  },
  {
    call: 'CloudWatch DescribeAlarms (awsJson1_0, query-compatible)',
    service: services.cloudwatch,
    error: { status: 500, code: 'InternalFailure', message: 'Internal failure' },
  },
];

const nonRetryable: ReadonlyArray<Row> = [
  {
    call: 'CloudWatch DescribeAlarms (awsJson1_0, query-compatible)',
    service: services.cloudwatch,
    error: { status: 400, code: 'InvalidNextToken', message: 'The service returned an invalid next token' },
  },
  {
    call: 'SSM SendCommand (awsJson1_1)',
    service: services.ssm,
    error: { status: 400, code: 'InvalidInstanceId', message: 'Instances not in a valid state' },
  },
  {
    call: 'Step Functions SendTaskSuccess (awsJson1_0)',
    service: services.sfn,
    error: { status: 400, code: 'ValidationException', message: 'Invalid token' },
  },
];

/** The name the SDK gives an error whose JSON `__type` is namespace-qualified. */
const errorName = (code: string): string => code.slice(code.lastIndexOf('#') + 1);

interface Outcome {
  readonly result: PromiseSettledResult<MetadataBearer>;
  readonly requests: number;
}

async function callThroughStub(
  service: Service,
  stub: StubOptions,
  config = awsClientConfig({ retryDelayMs: 1 }),
): Promise<Outcome> {
  const server = await startAwsProtocolStub(service.protocol, stub);
  try {
    const [result] = await Promise.allSettled([
      service.send({
        ...config,
        endpoint: server.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
      }),
    ]);
    return { result, requests: server.requests };
  } finally {
    await server.close();
  }
}

describe('awsClientConfig', () => {
  it('sets only the retry policy, leaving backoff, region and credentials to the SDK and Lambda', () => {
    expect(awsClientConfig()).toEqual({ maxAttempts: 6, retryMode: 'standard' });
  });

  it('gives every client its own retry strategy, and with it its own retry quota', () => {
    const first = awsClientConfig({ retryDelayMs: 1 }).retryStrategy;

    expect(first).toBeDefined();
    expect(awsClientConfig({ retryDelayMs: 1 }).retryStrategy).not.toBe(first);
  });

  it('retries a throttled call with the SDK default backoff when no delay is given', async () => {
    const error = { status: 400, code: 'ThrottlingException' };
    const { result, requests } = await callThroughStub(services.ssm, { error, failures: 1 }, awsClientConfig());

    expect(result).toMatchObject({ status: 'fulfilled', value: { $metadata: { httpStatusCode: 200, attempts: 2 } } });
    expect(requests).toBe(2);
  });
});

describe.each(throttling)('$call throttled', ({ service, error }) => {
  it('succeeds on the last attempt', async () => {
    const { result, requests } = await callThroughStub(service, { error, failures: CLIENT_MAX_ATTEMPTS - 1 });

    expect(result).toMatchObject({
      status: 'fulfilled',
      value: { $metadata: { httpStatusCode: 200, attempts: CLIENT_MAX_ATTEMPTS } },
    });
    expect(requests).toBe(CLIENT_MAX_ATTEMPTS);
  });

  it('fails with the throttling error after maxAttempts requests', async () => {
    const { result, requests } = await callThroughStub(service, { error, failures: Infinity });

    expect(result).toMatchObject({
      status: 'rejected',
      reason: {
        name: errorName(error.code),
        $metadata: { httpStatusCode: error.status, attempts: CLIENT_MAX_ATTEMPTS },
      },
    });
    expect(requests).toBe(CLIENT_MAX_ATTEMPTS);
  });
});

describe('transient server errors', () => {
  it.each(transient)('$call: retries $error.code and succeeds', async ({ service, error }) => {
    const { result, requests } = await callThroughStub(service, { error, failures: 1 });

    expect(result).toMatchObject({ status: 'fulfilled', value: { $metadata: { attempts: 2 } } });
    expect(requests).toBe(2);
  });
});

describe('errors that retrying cannot fix', () => {
  it.each(nonRetryable)('$call: sends a call failing with $error.code once', async ({ service, error }) => {
    const { result, requests } = await callThroughStub(service, { error, failures: Infinity });

    expect(result).toMatchObject({ status: 'rejected', reason: { name: error.code, $metadata: { attempts: 1 } } });
    expect(requests).toBe(1);
  });
});
