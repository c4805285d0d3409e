// The sink's time bound against real clients with the production retry policy: a throttled service must not hold
// a step for the SDK's whole backoff (up to ~31 s), only for the send timeout, and then not at all for a while.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { awsClientConfig } from '../../functions/aws/aws-client-config';
import { EventBridgeEventSink } from '../../functions/aws/eventbridge-event-sink';
import type { Deployment } from '../../functions/core/types';
import { type AwsProtocolStub, startAwsProtocolStub } from '../support/aws-protocol-stub';

const DEPLOYMENT: Deployment = {
  deploymentId: 'd-AAAAAAAAA',
  applicationName: 'shop',
  deploymentGroupName: 'web',
  deploymentGroupId: 'dg-1',
  computePlatform: 'Server',
  status: 'Succeeded',
  deploymentConfigName: 'CodeDeployDefault.OneAtATime',
  creator: 'user',
  createTime: '2015-11-05T17:23:08.595Z',
  completeTime: '2015-11-05T17:23:10.402Z',
  revision: { revisionType: 'S3', s3Location: { bucket: 'b', key: 'k.tar', bundleType: 'tar' } },
  appSpec: { version: '0.0', os: 'linux', files: [], permissions: [], hooks: {} },
  ignoreApplicationStopFailures: false,
  fileExistsBehavior: 'DISALLOW',
  lifecycleEventNames: ['Install'],
  deploymentOverview: { Pending: 0, InProgress: 0, Succeeded: 1, Failed: 0, Skipped: 0, Ready: 0 },
};

describe('EventBridgeEventSink against services that keep throttling', () => {
  let events: AwsProtocolStub;
  let topics: AwsProtocolStub;

  beforeAll(async () => {
    events = await startAwsProtocolStub('awsJson1_1', { error: { status: 400, code: 'ThrottlingException' }, failures: Infinity });
    topics = await startAwsProtocolStub('awsQuery', { error: { status: 400, code: 'Throttling' }, failures: Infinity });
  });

  afterAll(async () => {
    await Promise.all([events?.close(), topics?.close()]);
  });

  it('gives each service the send timeout once, then skips it', async () => {
    const warn = jest.fn();
    const sink = new EventBridgeEventSink({
      eventBridge: new EventBridgeClient({ ...awsClientConfig(), endpoint: events.endpoint }),
      eventBusName: 'cutover-events',
      sns: new SNSClient({ ...awsClientConfig(), endpoint: topics.endpoint }),
      context: { partition: 'aws', region: 'us-east-1', accountId: '123456789012' },
      deployments: async () => DEPLOYMENT,
      groups: async () => ({
        applicationName: 'shop',
        deploymentGroupName: 'web',
        deploymentGroupId: 'dg-1',
        deploymentConfigName: 'CodeDeployDefault.OneAtATime',
        computePlatform: 'Server',
        triggerConfigurations: [{ triggerName: 'all', triggerTargetArn: 'arn:aws:sns:us-east-1:123456789012:all', triggerEvents: ['DeploymentSuccess'] }],
      }),
      logger: { warn },
      sendTimeoutMs: 500,
    });

    const started = Date.now();
    await sink.publish({ kind: 'deployment', deployment: DEPLOYMENT });
    const firstMs = Date.now() - started;
    const requests = { events: events.requests, topics: topics.requests };
    await sink.publish({ kind: 'deployment', deployment: DEPLOYMENT });

    expect(firstMs).toBeLessThan(2_000);
    expect(requests.events).toBeGreaterThanOrEqual(1);
    expect(requests.topics).toBeGreaterThanOrEqual(1);
    expect({ events: events.requests, topics: topics.requests }).toEqual(requests);
    expect(warn.mock.calls.map(([message]) => message).sort()).toEqual([
      'Event not published',
      'Event not published: EventBridge is paused after an outage',
      'Trigger not notified',
      'Trigger not notified: SNS is paused after an outage',
    ]);
    // The SDK's retries were cut short by the timeout, not exhausted.
    expect(warn).toHaveBeenCalledWith('Event not published', expect.objectContaining({ errorCode: 'AbortError', errorMessage: 'TimeoutError: The operation was aborted due to timeout' }));
  });
});
