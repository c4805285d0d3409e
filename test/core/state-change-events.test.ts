import {
  busEntryFor,
  DEPLOYMENT_DETAIL_TYPE,
  epochSeconds,
  eventContextFromArn,
  eventStateOf,
  INSTANCE_DETAIL_TYPE,
  instanceArn,
  LOCAL_EVENT_CONTEXT,
  type PublishedChange,
  triggerEventTypesOf,
  triggerMessagesFor,
} from '../../functions/core/state-change-events';
import type { DeploymentStatus, ServerDeployment, DeploymentTarget, TargetStatus, TriggerConfig, TriggerEventType } from '../../functions/core/types';
import type { StateChange } from '../../functions/ports';
import { APP_ARN, deploymentRecord, EVENT_CONTEXT, GROUP_ARN, targetRecord } from '../support/state-change-fixtures';

function deployment(overrides: Partial<ServerDeployment> = {}): ServerDeployment {
  return deploymentRecord({
    deploymentGroupId: '9fd2fbef-2157-40d8-91e7-6845af69e2d2',
    lifecycleEventNames: ['ApplicationStop', 'Install'],
    deploymentOverview: { Pending: 0, InProgress: 0, Succeeded: 2, Failed: 0, Skipped: 0, Ready: 0 },
    ...overrides,
  });
}

function target(overrides: Partial<DeploymentTarget> = {}): DeploymentTarget {
  return targetRecord({
    targetId: 'i-0000000aaaaaaaaaa',
    lastUpdatedAt: '2015-11-05T17:23:27.564Z',
    lifecycleEvents: [
      { lifecycleEventName: 'ApplicationStop', status: 'Succeeded', startTime: '2015-11-05T17:23:08.595Z', endTime: '2015-11-05T17:23:08.711Z' },
      { lifecycleEventName: 'Install', status: 'Succeeded', startTime: '2015-11-05T17:23:09.000Z', endTime: '2015-11-05T17:23:27.564Z' },
    ],
    ...overrides,
  });
}

const deploymentChange = (overrides: Partial<ServerDeployment> = {}): PublishedChange => ({ kind: 'deployment', deployment: deployment(overrides) });
const targetChange = (overrides: Partial<DeploymentTarget> = {}): PublishedChange => ({ kind: 'target', deployment: deployment(), target: target(overrides) });

const ALL_EVENTS: TriggerConfig = { triggerName: 'everything', triggerTargetArn: 'arn:aws:sns:us-east-1:123456789012:all', triggerEvents: ['DeploymentStart', 'DeploymentSuccess', 'DeploymentFailure', 'DeploymentStop', 'DeploymentRollback', 'DeploymentReady', 'InstanceStart', 'InstanceSuccess', 'InstanceFailure', 'InstanceReady'] };

const ROLLBACK_INFO = { rollbackDeploymentId: 'd-RRRRRRRRR', rollbackMessage: 'Automatic rollback in progress' };

describe('eventStateOf', () => {
  it.each<[DeploymentStatus, Partial<ServerDeployment>, string | undefined]>([
    ['Created', {}, undefined],
    ['Queued', {}, undefined],
    ['InProgress', {}, 'START'],
    ['Succeeded', {}, 'SUCCESS'],
    ['Failed', {}, 'FAILURE'],
    ['Stopped', {}, 'STOP'],
    ['Failed', { rollbackInfo: ROLLBACK_INFO }, undefined],
    ['Stopped', { rollbackInfo: ROLLBACK_INFO }, undefined],
    ['Failed', { rollbackInfo: { rollbackMessage: 'Automatic rollback could not be attempted' } }, 'FAILURE'],
    ['InProgress', { creator: 'codeDeployRollback', rollbackInfo: { rollbackTriggeringDeploymentId: 'd-FFFFFFFFF' } }, 'START'],
  ])('deployment %s %j → %s', (status, overrides, state) => {
    expect(eventStateOf({ kind: 'deployment', deployment: deployment({ status, ...overrides }) })).toBe(state);
  });

  it.each<[TargetStatus, string | undefined]>([
    ['Pending', undefined],
    ['InProgress', 'START'],
    ['Succeeded', 'SUCCESS'],
    ['Failed', 'FAILURE'],
    ['Skipped', undefined],
    ['Unknown', undefined],
    ['Ready', 'READY'],
  ])('target %s → %s', (status, state) => {
    expect(eventStateOf({ kind: 'target', deploymentId: 'd-AAAAAAAAA', target: target({ status }) })).toBe(state);
  });

  it('reports nothing for batch progress', () => {
    const change: StateChange = { kind: 'batch', deploymentId: 'd-AAAAAAAAA', batchNumber: 1, targetIds: ['i-1'] };
    expect(eventStateOf(change)).toBeUndefined();
  });
});

describe('busEntryFor', () => {
  it('shapes a deployment success as CodeDeploy does, under Cutover source and detail-type', () => {
    expect(busEntryFor(deploymentChange(), EVENT_CONTEXT)).toEqual({
      Source: 'cutover',
      DetailType: 'Cutover Deployment State-change Notification',
      Resources: [APP_ARN, GROUP_ARN],
      Time: new Date('2015-11-05T17:23:10.402Z'),
      Detail:
        '{"instanceGroupId":"9fd2fbef-2157-40d8-91e7-6845af69e2d2","region":"us-east-1","application":"shop",' +
        '"deploymentId":"d-AAAAAAAAA","state":"SUCCESS","deploymentGroup":"web","status":"Succeeded","creator":"user"}',
    });
  });

  it('adds errorInformation to a failure', () => {
    const entry = busEntryFor(deploymentChange({ status: 'Failed', errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'Too many hosts failed' } }), EVENT_CONTEXT);
    expect(JSON.parse(entry!.Detail)).toEqual({
      instanceGroupId: '9fd2fbef-2157-40d8-91e7-6845af69e2d2',
      region: 'us-east-1',
      application: 'shop',
      deploymentId: 'd-AAAAAAAAA',
      state: 'FAILURE',
      deploymentGroup: 'web',
      status: 'Failed',
      creator: 'user',
      errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'Too many hosts failed' },
    });
  });

  it.each([
    ['Stopped', 'STOP', { code: 'ALARM_ACTIVE', message: 'Alarm errors of deployment group web went to ALARM' }],
    ['Failed', 'FAILURE', { code: 'HOOK_EXECUTION_FAILURE', message: 'AfterAllowTraffic failed' }],
  ] as const)('adds how a %s Lambda or ECS deployment gave its traffic back to its %s', (status, state, errorInformation) => {
    const rollbackMessage = 'Traffic restored to version 1: alias fn:live serves it alone again (it had 10% on version 2)';
    const entry = busEntryFor(deploymentChange({ status, errorInformation, rollbackInfo: { rollbackMessage } }), EVENT_CONTEXT);
    expect(JSON.parse(entry!.Detail)).toMatchObject({ state, errorInformation, rollbackMessage });
  });

  it('reports no rollbackMessage for a start', () => {
    const entry = busEntryFor(deploymentChange({ status: 'InProgress', completeTime: undefined, rollbackInfo: { rollbackMessage: 'an earlier note' } }), EVENT_CONTEXT);
    expect(JSON.parse(entry!.Detail)).not.toHaveProperty('rollbackMessage');
  });

  it("dates a start by the deployment's start and names what a rollback rolls back", () => {
    const entry = busEntryFor(
      deploymentChange({ status: 'InProgress', completeTime: undefined, creator: 'codeDeployRollback', rollbackInfo: { rollbackTriggeringDeploymentId: 'd-FFFFFFFFF' } }),
      EVENT_CONTEXT,
    );
    expect(entry?.Time).toEqual(new Date('2015-11-05T17:23:09.000Z'));
    expect(JSON.parse(entry!.Detail)).toMatchObject({ state: 'START', creator: 'codeDeployRollback', rollbackTriggeringDeploymentId: 'd-FFFFFFFFF' });
  });

  it('puts the instance ARN first and the instance id in the detail of an instance event', () => {
    expect(busEntryFor(targetChange(), EVENT_CONTEXT)).toEqual({
      Source: 'cutover',
      DetailType: 'Cutover Instance State-change Notification',
      Resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-0000000aaaaaaaaaa', APP_ARN, GROUP_ARN],
      Time: new Date('2015-11-05T17:23:27.564Z'),
      Detail:
        '{"instanceGroupId":"9fd2fbef-2157-40d8-91e7-6845af69e2d2","region":"us-east-1","application":"shop",' +
        '"deploymentId":"d-AAAAAAAAA","state":"SUCCESS","deploymentGroup":"web","instanceId":"i-0000000aaaaaaaaaa","status":"Succeeded"}',
    });
  });

  it('names the failed lifecycle event of an instance failure, without its log tail, its message capped', () => {
    const failed = targetChange({
      status: 'Failed',
      lifecycleEvents: [
        { lifecycleEventName: 'ApplicationStop', status: 'Succeeded' },
        {
          lifecycleEventName: 'Install',
          status: 'Failed',
          diagnostics: { errorCode: 'ScriptFailed', scriptName: 'scripts/install.sh', message: 'x'.repeat(2000), logTail: 'secret output' },
        },
      ],
    });
    const entry = busEntryFor(failed, EVENT_CONTEXT);
    expect(entry?.Detail).not.toContain('secret output');
    expect(JSON.parse(entry!.Detail)).toMatchObject({
      state: 'FAILURE',
      status: 'Failed',
      failedLifecycleEvent: { lifecycleEventName: 'Install', errorCode: 'ScriptFailed', scriptName: 'scripts/install.sh', message: 'x'.repeat(1024) },
    });
  });

  it.each<[string, PublishedChange]>([
    ['a created deployment', deploymentChange({ status: 'Created' })],
    ['a failed deployment republished with its rollback', deploymentChange({ status: 'Failed', rollbackInfo: ROLLBACK_INFO })],
    ['a skipped target', targetChange({ status: 'Skipped' })],
    ['a pending target', targetChange({ status: 'Pending' })],
    ['the alias target of a Lambda deployment', { kind: 'target', deployment: { ...deployment(), computePlatform: 'Lambda' }, target: target({ status: 'Succeeded' }) }],
  ])('makes no entry for %s', (_what, change) => {
    expect(busEntryFor(change, EVENT_CONTEXT)).toBeUndefined();
  });

  it('sends no instance trigger for the alias target of a Lambda deployment', () => {
    const change: PublishedChange = { kind: 'target', deployment: { ...deployment(), computePlatform: 'Lambda' }, target: target({ status: 'Failed' }) };
    expect(triggerEventTypesOf(change)).toEqual([]);
    expect(triggerEventTypesOf({ ...change, deployment: deployment() })).toEqual(['InstanceFailure']);
  });

  it('uses the local placeholders in the embedded runtime', () => {
    const entry = busEntryFor({ kind: 'target', deployment: deployment(), target: target({ targetId: 'web-1' }) }, LOCAL_EVENT_CONTEXT);
    expect(entry?.Resources).toEqual([
      'arn:aws:codedeploy:local:000000000000:instance/web-1',
      'arn:aws:codedeploy:local:000000000000:application:shop',
      'arn:aws:codedeploy:local:000000000000:deploymentgroup:shop/web',
    ]);
    expect(JSON.parse(entry!.Detail)).toMatchObject({ region: 'local' });
  });
});

describe('instanceArn', () => {
  it.each([
    ['i-0123456789abcdef0', 'arn:aws-cn:ec2:cn-north-1:123456789012:instance/i-0123456789abcdef0'],
    ['mi-0123456789abcdef0', 'arn:aws-cn:ssm:cn-north-1:123456789012:managed-instance/mi-0123456789abcdef0'],
    ['web-1', 'arn:aws-cn:codedeploy:cn-north-1:123456789012:instance/web-1'],
  ])('%s → %s', (targetId, arn) => {
    expect(instanceArn(targetId, { partition: 'aws-cn', region: 'cn-north-1', accountId: '123456789012' })).toBe(arn);
  });
});

describe('eventContextFromArn', () => {
  it('reads partition, region and account from the state machine ARN', () => {
    expect(eventContextFromArn('arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:cutover')).toEqual({
      partition: 'aws-us-gov',
      region: 'us-gov-west-1',
      accountId: '123456789012',
    });
  });

  it('refuses something that is not a regional ARN', () => {
    expect(() => eventContextFromArn('cutover')).toThrow('Cannot read partition, region and account from "cutover"');
  });
});

describe('epochSeconds', () => {
  it.each([
    ['2015-11-05T17:23:08.595Z', '1446744188.595'],
    ['2015-11-05T17:23:08Z', '1446744188.000'],
    ['2015-11-05T17:23:08.007Z', '1446744188.007'],
    [undefined, undefined],
    ['not a time', undefined],
  ])('%s → %s', (iso, seconds) => {
    expect(epochSeconds(iso)).toBe(seconds);
  });
});

describe('triggerEventTypesOf', () => {
  it.each<[string, TriggerEventType[], PublishedChange]>([
    ['a deployment start', ['DeploymentStart'], deploymentChange({ status: 'InProgress' })],
    ['a deployment success', ['DeploymentSuccess'], deploymentChange({ status: 'Succeeded' })],
    ['a deployment failure', ['DeploymentFailure'], deploymentChange({ status: 'Failed' })],
    ['a deployment stop', ['DeploymentStop'], deploymentChange({ status: 'Stopped' })],
    ['a rollback start', ['DeploymentStart', 'DeploymentRollback'], deploymentChange({ status: 'InProgress', creator: 'codeDeployRollback' })],
    ['a rollback success', ['DeploymentSuccess'], deploymentChange({ status: 'Succeeded', creator: 'codeDeployRollback' })],
    ['a created deployment', [], deploymentChange({ status: 'Created' })],
    ['a failure republished with its rollback', [], deploymentChange({ status: 'Failed', rollbackInfo: ROLLBACK_INFO })],
    ['an instance start', ['InstanceStart'], targetChange({ status: 'InProgress' })],
    ['an instance success', ['InstanceSuccess'], targetChange({ status: 'Succeeded' })],
    ['an instance failure', ['InstanceFailure'], targetChange({ status: 'Failed' })],
    ['an instance ready', ['InstanceReady'], targetChange({ status: 'Ready' })],
    ['a skipped instance', [], targetChange({ status: 'Skipped' })],
  ])('%s → %j', (_what, types, change) => {
    expect(triggerEventTypesOf(change)).toEqual(types);
  });
});

describe('triggerMessagesFor', () => {
  const failures: TriggerConfig = { triggerName: 'failures', triggerTargetArn: 'arn:aws:sns:us-east-1:123456789012:failures', triggerEvents: ['DeploymentFailure', 'InstanceFailure'] };
  const rollbacks: TriggerConfig = { triggerName: 'rollbacks', triggerTargetArn: 'arn:aws:sns:us-east-1:123456789012:rollbacks', triggerEvents: ['DeploymentRollback'] };

  it('sends a deployment success in CodeDeploy body shape to the triggers that ask for it', () => {
    const messages = triggerMessagesFor(deploymentChange(), [failures, ALL_EVENTS], EVENT_CONTEXT);
    expect(messages).toEqual([
      {
        TopicArn: 'arn:aws:sns:us-east-1:123456789012:all',
        Subject: 'DeploymentSuccess: Cutover deployment d-AAAAAAAAA of shop/web',
        triggerName: 'everything',
        eventType: 'DeploymentSuccess',
        Message:
          '{"region":"us-east-1","accountId":"123456789012","eventTriggerName":"everything","applicationName":"shop",' +
          '"deploymentId":"d-AAAAAAAAA","deploymentGroupName":"web","createTime":"1446744188.595","completeTime":"1446744190.402",' +
          '"deploymentOverview":{"Failed":"0","InProgress":"0","Pending":"0","Skipped":"0","Succeeded":"2"},"status":"Succeeded"}',
      },
    ]);
  });

  it('sends a failure with errorInformation in PascalCase', () => {
    const change = deploymentChange({
      status: 'Failed',
      deploymentOverview: { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 10, Skipped: 0, Ready: 0 },
      errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'The overall deployment failed because too many individual instances failed deployment' },
    });
    expect(triggerMessagesFor(change, [failures], EVENT_CONTEXT).map((m) => m.Message)).toEqual([
      '{"region":"us-east-1","accountId":"123456789012","eventTriggerName":"failures","applicationName":"shop",' +
        '"deploymentId":"d-AAAAAAAAA","deploymentGroupName":"web","createTime":"1446744188.595","completeTime":"1446744190.402",' +
        '"deploymentOverview":{"Failed":"10","InProgress":"0","Pending":"0","Skipped":"0","Succeeded":"0"},"status":"Failed",' +
        '"errorInformation":{"ErrorCode":"HEALTH_CONSTRAINTS","ErrorMessage":"The overall deployment failed because too many individual instances failed deployment"}}',
    ]);
  });

  it("sends DeploymentRollback to the failed deployment's group when its rollback starts", () => {
    const rollback = deploymentChange({
      deploymentId: 'd-RRRRRRRRR',
      status: 'InProgress',
      creator: 'codeDeployRollback',
      createTime: '2015-11-05T17:24:00.100Z',
      completeTime: undefined,
      deploymentOverview: { Pending: 2, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 },
      rollbackInfo: { rollbackTriggeringDeploymentId: 'd-AAAAAAAAA', rollbackMessage: 'Rollback of deployment d-AAAAAAAAA' },
    });
    expect(triggerMessagesFor(rollback, [failures, rollbacks], EVENT_CONTEXT)).toEqual([
      {
        TopicArn: 'arn:aws:sns:us-east-1:123456789012:rollbacks',
        Subject: 'DeploymentRollback: Cutover deployment d-RRRRRRRRR of shop/web',
        triggerName: 'rollbacks',
        eventType: 'DeploymentRollback',
        Message:
          '{"region":"us-east-1","accountId":"123456789012","eventTriggerName":"rollbacks","applicationName":"shop",' +
          '"deploymentId":"d-RRRRRRRRR","deploymentGroupName":"web","createTime":"1446744240.100",' +
          '"deploymentOverview":{"Failed":"0","InProgress":"0","Pending":"2","Skipped":"0","Succeeded":"0"},"status":"InProgress",' +
          '"rollbackTriggeringDeploymentId":"d-AAAAAAAAA"}',
      },
    ]);
  });

  it('sends a trigger asking for both DeploymentStart and DeploymentRollback one message of each for a rollback start', () => {
    const rollback = deploymentChange({ status: 'InProgress', creator: 'codeDeployRollback' });
    expect(triggerMessagesFor(rollback, [ALL_EVENTS], EVENT_CONTEXT).map((m) => [m.eventType, m.Subject])).toEqual([
      ['DeploymentStart', 'DeploymentStart: Cutover deployment d-AAAAAAAAA of shop/web'],
      ['DeploymentRollback', 'DeploymentRollback: Cutover deployment d-AAAAAAAAA of shop/web'],
    ]);
  });

  it('sends an instance success with its lifecycle events, times as epoch seconds, the instance as an ARN', () => {
    const messages = triggerMessagesFor(targetChange(), [ALL_EVENTS], EVENT_CONTEXT);
    expect(messages).toEqual([
      {
        TopicArn: 'arn:aws:sns:us-east-1:123456789012:all',
        Subject: 'InstanceSuccess: instance i-0000000aaaaaaaaaa in Cutover deployment d-AAAAAAAAA',
        triggerName: 'everything',
        eventType: 'InstanceSuccess',
        Message:
          '{"region":"us-east-1","accountId":"123456789012","eventTriggerName":"everything","deploymentId":"d-AAAAAAAAA",' +
          '"instanceId":"arn:aws:ec2:us-east-1:123456789012:instance/i-0000000aaaaaaaaaa","lastUpdatedAt":"1446744207.564",' +
          '"instanceStatus":"Succeeded","lifecycleEvents":[' +
          '{"LifecycleEvent":"ApplicationStop","LifecycleEventStatus":"Succeeded","StartTime":"1446744188.595","EndTime":"1446744188.711"},' +
          '{"LifecycleEvent":"Install","LifecycleEventStatus":"Succeeded","StartTime":"1446744189.000","EndTime":"1446744207.564"}]}',
      },
    ]);
  });

  it('leaves out the times a lifecycle event does not have yet', () => {
    const started = targetChange({ status: 'InProgress', lifecycleEvents: [{ lifecycleEventName: 'ApplicationStop', status: 'Pending' }] });
    const [message] = triggerMessagesFor(started, [ALL_EVENTS], EVENT_CONTEXT);
    expect(JSON.parse(message.Message).lifecycleEvents).toEqual([{ LifecycleEvent: 'ApplicationStop', LifecycleEventStatus: 'Pending' }]);
  });

  it.each<[string, PublishedChange, TriggerConfig[] | undefined]>([
    ['a group without triggers', deploymentChange({ status: 'Failed' }), undefined],
    ['triggers that ask for other events', deploymentChange({ status: 'Succeeded' }), [failures, rollbacks]],
    ['a change that reports no state', deploymentChange({ status: 'Failed', rollbackInfo: ROLLBACK_INFO }), [ALL_EVENTS]],
    ['a skipped instance', targetChange({ status: 'Skipped' }), [ALL_EVENTS]],
  ])('sends nothing for %s', (_what, change, triggers) => {
    expect(triggerMessagesFor(change, triggers, EVENT_CONTEXT)).toEqual([]);
  });

  it('keeps the Subject printable ASCII under 100 characters', () => {
    const change: PublishedChange = { kind: 'target', deployment: deployment({ deploymentGroupName: 'wéb' }), target: target({ targetId: `host-${'é'.repeat(200)}` }) };
    const [message] = triggerMessagesFor(change, [ALL_EVENTS], EVENT_CONTEXT);
    expect(message.Subject).toMatch(/^[\x20-\x7e]{1,99}$/);
    expect(message.Subject.startsWith('InstanceSuccess: instance host-???')).toBe(true);
  });
});

describe('detail-types', () => {
  it("are Cutover's own, so rules for CodeDeploy's events never match them", () => {
    expect([DEPLOYMENT_DETAIL_TYPE, INSTANCE_DETAIL_TYPE]).toEqual(['Cutover Deployment State-change Notification', 'Cutover Instance State-change Notification']);
  });
});
