import { EventBridgeClient, InternalException, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { AuthorizationErrorException, NotFoundException, PublishCommand, SNSClient, ThrottledException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { EventBridgeEventSink, entrySize, putEventsWithResend } from '../../functions/aws/eventbridge-event-sink';
import { APP_ARN, deploymentRecord, EVENT_CONTEXT, GROUP_ARN, groupRecord, targetRecord } from '../support/state-change-fixtures';

const eventBridge = mockClient(EventBridgeClient);
const sns = mockClient(SNSClient);

const FAILURES_TOPIC = 'arn:aws:sns:us-east-1:123456789012:failures';
const ALL_TOPIC = 'arn:aws:sns:us-east-1:123456789012:all';

const DEPLOYMENT = deploymentRecord({
  status: 'Failed',
  deploymentOverview: { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 1, Skipped: 0, Ready: 0 },
  errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'Too many hosts failed' },
});

const TARGET = targetRecord({ status: 'InProgress', lastUpdatedAt: '2015-11-05T17:23:09.500Z', lifecycleEvents: [{ lifecycleEventName: 'Install', status: 'Pending' }] });

const GROUP = groupRecord({
  triggerConfigurations: [
    { triggerName: 'failures', triggerTargetArn: FAILURES_TOPIC, triggerEvents: ['DeploymentFailure'] },
    { triggerName: 'all', triggerTargetArn: ALL_TOPIC, triggerEvents: ['DeploymentFailure', 'InstanceStart'] },
  ],
});

const FAILURE_DETAIL =
  '{"instanceGroupId":"dg-1","region":"us-east-1","application":"shop","deploymentId":"d-AAAAAAAAA","state":"FAILURE",' +
  '"deploymentGroup":"web","status":"Failed","creator":"user","errorInformation":{"code":"HEALTH_CONSTRAINTS","message":"Too many hosts failed"}}';

const FAILURE_ENTRY = {
  Source: 'cutover',
  DetailType: 'Cutover Deployment State-change Notification',
  Detail: FAILURE_DETAIL,
  Resources: [APP_ARN, GROUP_ARN],
  Time: new Date('2015-11-05T17:23:10.402Z'),
  EventBusName: 'cutover-events',
};

function failureMessage(triggerName: string): string {
  return (
    `{"region":"us-east-1","accountId":"123456789012","eventTriggerName":"${triggerName}","applicationName":"shop",` +
    '"deploymentId":"d-AAAAAAAAA","deploymentGroupName":"web","createTime":"1446744188.595","completeTime":"1446744190.402",' +
    '"deploymentOverview":{"Failed":"1","InProgress":"0","Pending":"0","Skipped":"0","Succeeded":"0"},"status":"Failed",' +
    '"errorInformation":{"ErrorCode":"HEALTH_CONSTRAINTS","ErrorMessage":"Too many hosts failed"}}'
  );
}

interface Harness {
  readonly sink: EventBridgeEventSink;
  readonly warn: jest.Mock;
  readonly deployments: jest.Mock;
  readonly groups: jest.Mock;
  readonly clock: { now: number };
}

function harness(overrides: { deployments?: jest.Mock; groups?: jest.Mock } = {}): Harness {
  const warn = jest.fn();
  const deployments = overrides.deployments ?? jest.fn().mockResolvedValue(DEPLOYMENT);
  const groups = overrides.groups ?? jest.fn().mockResolvedValue(GROUP);
  const clock = { now: 1_000_000 };
  const sink = new EventBridgeEventSink({
    eventBridge: new EventBridgeClient({}),
    eventBusName: 'cutover-events',
    sns: new SNSClient({}),
    context: EVENT_CONTEXT,
    deployments,
    groups,
    logger: { warn },
    now: () => clock.now,
    sleep: async () => undefined,
  });
  return { sink, warn, deployments, groups, clock };
}

beforeEach(() => {
  eventBridge.reset();
  sns.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('EventBridgeEventSink.publish', () => {
  it('puts one entry on the bus and publishes to every trigger that asks for the event', async () => {
    const { sink, warn } = harness();

    await sink.publish({ kind: 'deployment', deployment: DEPLOYMENT });

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(eventBridge).toHaveReceivedCommandWith(PutEventsCommand, { Entries: [FAILURE_ENTRY] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input)).toEqual([
      { TopicArn: FAILURES_TOPIC, Subject: 'DeploymentFailure: Cutover deployment d-AAAAAAAAA of shop/web', Message: failureMessage('failures') },
      { TopicArn: ALL_TOPIC, Subject: 'DeploymentFailure: Cutover deployment d-AAAAAAAAA of shop/web', Message: failureMessage('all') },
    ]);
    expect(warn).not.toHaveBeenCalled();
  });

  it("finds a target's application and group through its deployment", async () => {
    const { sink, deployments, groups } = harness();

    await sink.publish({ kind: 'target', deploymentId: 'd-AAAAAAAAA', target: TARGET });

    expect(deployments).toHaveBeenCalledWith('d-AAAAAAAAA');
    expect(groups).toHaveBeenCalledWith('shop', 'web');
    expect(eventBridge).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [
        {
          Source: 'cutover',
          DetailType: 'Cutover Instance State-change Notification',
          Detail:
            '{"instanceGroupId":"dg-1","region":"us-east-1","application":"shop","deploymentId":"d-AAAAAAAAA","state":"START",' +
            '"deploymentGroup":"web","instanceId":"i-0123456789abcdef0","status":"InProgress"}',
          Resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0', APP_ARN, GROUP_ARN],
          Time: new Date('2015-11-05T17:23:09.500Z'),
          EventBusName: 'cutover-events',
        },
      ],
    });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: ALL_TOPIC,
      Subject: 'InstanceStart: instance i-0123456789abcdef0 in Cutover deployment d-AAAAAAAAA',
      Message:
        '{"region":"us-east-1","accountId":"123456789012","eventTriggerName":"all","deploymentId":"d-AAAAAAAAA",' +
        '"instanceId":"arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0","lastUpdatedAt":"1446744189.500",' +
        '"instanceStatus":"InProgress","lifecycleEvents":[{"LifecycleEvent":"Install","LifecycleEventStatus":"Pending"}]}',
    });
  });

  it.each([
    ['batch progress', { kind: 'batch' as const, deploymentId: 'd-AAAAAAAAA', batchNumber: 1, targetIds: ['i-1'] }],
    ['a skipped target', { kind: 'target' as const, deploymentId: 'd-AAAAAAAAA', target: { ...TARGET, status: 'Skipped' as const } }],
    ['a created deployment', { kind: 'deployment' as const, deployment: { ...DEPLOYMENT, status: 'Created' as const } }],
  ])('sends and reads nothing for %s', async (_what, change) => {
    const { sink, deployments, groups } = harness();

    await sink.publish(change);

    expect(eventBridge).not.toHaveReceivedCommand(PutEventsCommand);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    expect(deployments).not.toHaveBeenCalled();
    expect(groups).not.toHaveBeenCalled();
  });

  it('reads a deployment once for all its targets, and a group again once its triggers are 30 s old', async () => {
    const { sink, deployments, groups, clock } = harness();
    const change = { kind: 'target' as const, deploymentId: 'd-AAAAAAAAA', target: TARGET };

    await sink.publish(change);
    await sink.publish({ ...change, target: { ...TARGET, targetId: 'i-0123456789abcdef1' } });
    clock.now += 30_000;
    await sink.publish(change);

    expect(deployments).toHaveBeenCalledTimes(1);
    expect(groups).toHaveBeenCalledTimes(2);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 3);
  });

  it('logs a PutEvents that fails, still notifies the triggers, and resolves', async () => {
    const { sink, warn } = harness();
    eventBridge.on(PutEventsCommand).rejects(new InternalException({ message: 'Internal failure', $metadata: { httpStatusCode: 500 } }));

    await expect(sink.publish({ kind: 'deployment', deployment: DEPLOYMENT })).resolves.toBeUndefined();

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith('Event not published', {
      deploymentId: 'd-AAAAAAAAA',
      detailType: 'Cutover Deployment State-change Notification',
      detail: FAILURE_DETAIL,
      errorCode: 'InternalException',
      errorMessage: 'Internal failure',
    });
  });

  it('logs an entry EventBridge refused', async () => {
    const { sink, warn } = harness();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'Not allowed' }] });

    await sink.publish({ kind: 'deployment', deployment: DEPLOYMENT });

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(warn).toHaveBeenCalledWith('Event not published', expect.objectContaining({ errorCode: 'AccessDeniedException', errorMessage: 'Not allowed' }));
  });

  it.each([
    ['a missing topic', new NotFoundException({ message: 'Topic does not exist', $metadata: {} })],
    ['a missing permission', new AuthorizationErrorException({ message: 'Not authorized', $metadata: {} })],
  ])('logs a trigger that fails with %s, notifies the others, and keeps using SNS', async (_what, error) => {
    const { sink, warn } = harness();
    sns.on(PublishCommand, { TopicArn: FAILURES_TOPIC }).rejects(error);

    await expect(sink.publish({ kind: 'deployment', deployment: DEPLOYMENT })).resolves.toBeUndefined();
    await sink.publish({ kind: 'deployment', deployment: DEPLOYMENT });

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 4);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenCalledWith('Trigger not notified', {
      deploymentId: 'd-AAAAAAAAA',
      triggerName: 'failures',
      eventType: 'DeploymentFailure',
      topicArn: FAILURES_TOPIC,
      error: { name: error.name, message: error.message },
      message: failureMessage('failures'),
    });
  });

  it('skips SNS for a minute after it stayed throttled through the SDK retries, logging what it did not send', async () => {
    const onlyAll = jest.fn().mockResolvedValue({ ...GROUP, triggerConfigurations: [GROUP.triggerConfigurations![1]] });
    const { sink, warn, clock } = harness({ groups: onlyAll });
    sns.on(PublishCommand).rejectsOnce(new ThrottledException({ message: 'Rate exceeded', $metadata: {} })).resolves({ MessageId: 'm-2' });
    const change = { kind: 'deployment' as const, deployment: DEPLOYMENT };

    await sink.publish(change);
    await sink.publish(change);
    clock.now += 60_000;
    await sink.publish(change);

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 3);
    expect(warn.mock.calls.map(([message]) => message)).toEqual(['Trigger not notified', 'Trigger not notified: SNS is paused after an outage']);
    expect(warn).toHaveBeenLastCalledWith('Trigger not notified: SNS is paused after an outage', {
      deploymentId: 'd-AAAAAAAAA',
      triggerName: 'all',
      eventType: 'DeploymentFailure',
      topicArn: ALL_TOPIC,
      message: failureMessage('all'),
    });
  });

  it('skips EventBridge for a minute after a call timed out', async () => {
    const { sink, warn, clock } = harness();
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    eventBridge.on(PutEventsCommand).rejectsOnce(timeout).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-2' }] });
    const change = { kind: 'deployment' as const, deployment: DEPLOYMENT };

    await sink.publish(change);
    await sink.publish(change);
    clock.now += 60_000;
    await sink.publish(change);

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 2);
    expect(warn).toHaveBeenCalledWith('Event not published: EventBridge is paused after an outage', {
      deploymentId: 'd-AAAAAAAAA',
      detailType: 'Cutover Deployment State-change Notification',
      detail: FAILURE_DETAIL,
    });
  });

  it('logs a target whose deployment cannot be read, and sends nothing', async () => {
    const { sink, warn } = harness({ deployments: jest.fn().mockRejectedValue(new Error('DynamoDB unavailable')) });

    await expect(sink.publish({ kind: 'target', deploymentId: 'd-AAAAAAAAA', target: TARGET })).resolves.toBeUndefined();

    expect(eventBridge).not.toHaveReceivedCommand(PutEventsCommand);
    expect(warn).toHaveBeenCalledWith('State change not published: its deployment could not be read', {
      deploymentId: 'd-AAAAAAAAA',
      targetId: 'i-0123456789abcdef0',
      error: { name: 'Error', message: 'DynamoDB unavailable' },
    });
  });

  it('logs a target of a deployment that does not exist, and reads it again next time', async () => {
    const deployments = jest.fn().mockResolvedValueOnce(undefined).mockResolvedValue(DEPLOYMENT);
    const { sink, warn } = harness({ deployments });
    const change = { kind: 'target' as const, deploymentId: 'd-AAAAAAAAA', target: TARGET };

    await sink.publish(change);
    await sink.publish(change);

    expect(deployments).toHaveBeenCalledTimes(2);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(warn).toHaveBeenCalledWith('State change not published: its deployment was not found', { deploymentId: 'd-AAAAAAAAA', targetId: 'i-0123456789abcdef0' });
  });

  it('still puts the event when the group cannot be read, and logs the triggers it could not notify', async () => {
    const { sink, warn } = harness({ groups: jest.fn().mockRejectedValue(new Error('DynamoDB unavailable')) });

    await sink.publish({ kind: 'deployment', deployment: DEPLOYMENT });

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    expect(warn).toHaveBeenCalledWith('Triggers not notified: the deployment group could not be read', {
      deploymentId: 'd-AAAAAAAAA',
      applicationName: 'shop',
      deploymentGroupName: 'web',
      error: { name: 'Error', message: 'DynamoDB unavailable' },
    });
  });
});

describe('putEventsWithResend', () => {
  const client = new EventBridgeClient({});
  const entry = (n: number, detail = `{"n":${n}}`): PutEventsRequestEntry => ({ Source: 'cutover', DetailType: 'Test', Detail: detail, EventBusName: 'bus' });
  const noSleep = async (): Promise<void> => undefined;

  it('resends only the entries that failed with a retryable code', async () => {
    const [a, b, c, d] = [entry(1), entry(2), entry(3), entry(4)];
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 3,
        Entries: [
          { EventId: 'e-1' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
          { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not JSON' },
          { ErrorCode: 'InternalFailure', ErrorMessage: 'Try again' },
        ],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-2' }, { EventId: 'e-4' }] });
    const sleep = jest.fn(noSleep);

    const outcome = await putEventsWithResend(client, [a, b, c, d], { sleep });

    expect(eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input)).toEqual([{ Entries: [a, b, c, d] }, { Entries: [b, d] }]);
    expect(outcome).toEqual({ failed: [{ entry: c, errorCode: 'MalformedDetail', errorMessage: 'Detail is not JSON' }] });
    expect(sleep).toHaveBeenCalledTimes(1);
  });

  it('gives up on an entry still throttled after three calls', async () => {
    const a = entry(1);
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }] });

    const outcome = await putEventsWithResend(client, [a], { sleep: noSleep });

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 3);
    expect(outcome.failed).toEqual([{ entry: a, errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded' }]);
  });

  it('sends at most 10 entries a call', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const entries = Array.from({ length: 23 }, (_, n) => entry(n));

    const outcome = await putEventsWithResend(client, entries, { sleep: noSleep });

    expect(eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries)).toEqual([
      entries.slice(0, 10),
      entries.slice(10, 20),
      entries.slice(20),
    ]);
    expect(outcome).toEqual({ failed: [] });
  });

  it('keeps each call under 256 KB, and refuses an entry that alone is too large without sending it', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const big = (n: number): PutEventsRequestEntry => entry(n, JSON.stringify({ n, pad: 'x'.repeat(100_000) }));
    const huge = entry(9, JSON.stringify({ pad: 'x'.repeat(262_144) }));
    const entries = [big(1), big(2), huge, big(3)];

    const outcome = await putEventsWithResend(client, entries, { sleep: noSleep });

    expect(eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries)).toEqual([[entries[0], entries[1]], [entries[3]]]);
    expect(outcome.failed).toEqual([{ entry: huge, errorCode: 'EntryTooLarge', errorMessage: `The entry is ${entrySize(huge)} bytes; PutEvents takes less than 262144` }]);
  });

  it('stops at a call that fails as a whole, returning its entries and the ones after as failed', async () => {
    const error = new InternalException({ message: 'Internal failure', $metadata: { httpStatusCode: 500 } });
    eventBridge.on(PutEventsCommand).rejects(error);
    const entries = Array.from({ length: 12 }, (_, n) => entry(n));

    const outcome = await putEventsWithResend(client, entries, { sleep: noSleep });

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(outcome).toEqual({
      failed: entries.map((e) => ({ entry: e, errorCode: 'InternalException', errorMessage: 'Internal failure' })),
      stoppedBy: error,
    });
  });
});

describe('entrySize', () => {
  it('counts UTF-8 bytes of Source, DetailType, Detail and Resources, and 14 for a Time', () => {
    // The detail is 7 characters and 8 bytes: é takes two.
    expect(entrySize({ Source: 'ab', DetailType: 'c', Detail: '{"é":1}', Resources: ['r1', 'r2'], EventBusName: 'ignored' })).toBe(2 + 1 + 8 + 4);
    expect(entrySize({ Source: 'ab', Time: new Date(0) })).toBe(16);
  });
});
