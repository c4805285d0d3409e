// The sink's time bound against real clients with the production retry policy: a throttled service must not hold
// a step for the SDK's whole backoff (up to ~31 s), only for the send timeout, and then not at all for a while.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { awsClientConfig } from '../../functions/aws/aws-client-config';
import { EventBridgeEventSink } from '../../functions/aws/eventbridge-event-sink';
import { type AwsProtocolStub, startAwsProtocolStub } from '../support/aws-protocol-stub';
import { deploymentRecord, EVENT_CONTEXT, groupRecord } from '../support/state-change-fixtures';

const DEPLOYMENT = deploymentRecord();

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
      context: EVENT_CONTEXT,
      deployments: async () => DEPLOYMENT,
      groups: async () => groupRecord({ triggerConfigurations: [{ triggerName: 'all', triggerTargetArn: 'arn:aws:sns:us-east-1:123456789012:all', triggerEvents: ['DeploymentSuccess'] }] }),
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
