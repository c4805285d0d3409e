import { ecsTargetId, initialEcsEvents, nextEcsCursor, taskSetWeights, terminationDueAt } from '../../functions/core/ecs-traffic';
import { trafficSchedule } from '../../functions/core/traffic-schedule';
import { ecsRecord } from '../support/traffic-records';
import type { DeploymentTarget, EcsDeployment, EcsLifecycleEventName, LifecycleEventStatus, TargetGroupPairInfo } from '../../functions/core/types';

const T0 = '2026-01-01T00:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000);
const APPSPEC = { taskDefinition: 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:7', containerName: 'web', containerPort: 80, hooks: { AfterInstall: 'check' } };
const PAIR: TargetGroupPairInfo = { targetGroups: [{ name: 'blue' }, { name: 'green' }], prodTrafficRoute: { listenerArns: ['prod'] } };
const ORIGINAL = { id: 'ecs-svc/1', arn: 'arn:ts/1', targetGroupName: 'blue', targetGroupArn: 'arn:tg/blue' };
const REPLACEMENT = { id: 'ecs-svc/2', arn: 'arn:ts/2', targetGroupName: 'green', targetGroupArn: 'arn:tg/green' };

function deployment(overrides: Partial<EcsDeployment> = {}): EcsDeployment {
  return ecsRecord({
    deploymentId: 'd-AAAAAAAAA',
    deploymentConfigName: 'c',
    createTime: T0,
    appSpec: APPSPEC,
    targetGroupPair: PAIR,
    terminationWaitMinutes: 5,
    schedule: trafficSchedule({ type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5 } }),
    originalTaskSet: ORIGINAL,
    replacementTaskSet: REPLACEMENT,
    ...overrides,
  });
}

/** The target with every event up to (not including) `pending` done, and the rest Pending. */
function targetAt(pending: EcsLifecycleEventName | 'all-done', skipped: readonly EcsLifecycleEventName[] = []): DeploymentTarget {
  const events = initialEcsEvents(APPSPEC, PAIR).map((e) => e.lifecycleEventName);
  const doneUpTo = pending === 'all-done' ? events.length : events.indexOf(pending);
  return {
    deploymentId: 'd-AAAAAAAAA',
    targetId: 'main:web',
    status: 'InProgress',
    lastUpdatedAt: T0,
    initiallyHealthy: true,
    lifecycleEvents: events.map((lifecycleEventName, i) => ({
      lifecycleEventName,
      status: (skipped.includes(lifecycleEventName as EcsLifecycleEventName) ? 'Skipped' : i < doneUpTo ? 'Succeeded' : 'Pending') as LifecycleEventStatus,
    })),
  };
}

describe('initialEcsEvents', () => {
  it('skips hooks without a function, and the test-traffic events without a test listener', () => {
    expect(initialEcsEvents(APPSPEC, PAIR).map((e) => `${e.lifecycleEventName}:${e.status}`)).toEqual([
      'BeforeInstall:Skipped',
      'Install:Pending',
      'AfterInstall:Pending',
      'AllowTestTraffic:Skipped',
      'AfterAllowTestTraffic:Skipped',
      'BeforeAllowTraffic:Skipped',
      'AllowTraffic:Pending',
      'AfterAllowTraffic:Skipped',
    ]);
  });

  it('runs AllowTestTraffic when the pair has a test listener', () => {
    const events = initialEcsEvents({ ...APPSPEC, hooks: { AfterAllowTestTraffic: 'probe' } }, { ...PAIR, testTrafficRoute: { listenerArns: ['test'] } });
    expect(events.filter((e) => e.status === 'Pending').map((e) => e.lifecycleEventName)).toEqual([
      'Install',
      'AllowTestTraffic',
      'AfterAllowTestTraffic',
      'AllowTraffic',
    ]);
  });
});

describe('nextEcsCursor', () => {
  const now = at(60);
  it.each<[string, Partial<EcsDeployment>, DeploymentTarget, unknown]>([
    ['Install pending → advance (create, then poll for stability)', {}, targetAt('Install'), { action: 'advance', event: '', waitSeconds: 0 }],
    ['AfterInstall pending → its hook', {}, targetAt('AfterInstall'), { action: 'hook', event: 'AfterInstall', waitSeconds: 0 }],
    ['AllowTestTraffic pending → advance', {}, targetAt('AllowTestTraffic'), { action: 'advance', event: '', waitSeconds: 0 }],
    ['AllowTraffic, nothing shifted → advance (the canary)', {}, targetAt('AllowTraffic'), { action: 'advance', event: '', waitSeconds: 0 }],
    [
      'AllowTraffic, canary made 60 s ago, 5-minute interval → wait 240 s',
      { shiftsDone: 1, trafficShifts: [{ time: T0, weights: {} }] },
      targetAt('AllowTraffic'),
      { action: 'wait', event: '', waitSeconds: 240 },
    ],
    ['every shift made, not yet primary → advance', { shiftsDone: 2, trafficShifts: [{ time: T0, weights: {} }] }, targetAt('AllowTraffic'), { action: 'advance', event: '', waitSeconds: 0 }],
    [
      'all events done, 5-minute termination wait from the last shift → wait',
      { shiftsDone: 2, trafficShifts: [{ time: T0, weights: {} }] },
      targetAt('all-done'),
      { action: 'wait', event: '', waitSeconds: 240 },
    ],
    [
      'termination wait continued → advance (remove the original)',
      { shiftsDone: 2, trafficShifts: [{ time: T0, weights: {} }], terminationContinued: { at: T0 } },
      targetAt('all-done'),
      { action: 'advance', event: '', waitSeconds: 0 },
    ],
    ['no termination wait → advance', { shiftsDone: 2, trafficShifts: [{ time: T0, weights: {} }], terminationWaitMinutes: 0 }, targetAt('all-done'), { action: 'advance', event: '', waitSeconds: 0 }],
    ['original removed → finish', { shiftsDone: 2, trafficShifts: [{ time: T0, weights: {} }], terminationWaitDone: true }, targetAt('all-done'), { action: 'finish', event: '', waitSeconds: 0 }],
  ])('%s', (_case, overrides, target, cursor) => {
    const d = deployment(overrides);
    expect(nextEcsCursor(d, target, now)).toEqual({ ...(cursor as object), shiftsDone: d.shiftsDone });
  });
});

describe('taskSetWeights and terminationDueAt', () => {
  it.each([
    [0, { 'ecs-svc/1': 100 }],
    [10, { 'ecs-svc/1': 90, 'ecs-svc/2': 10 }],
    [100, { 'ecs-svc/2': 100 }],
  ])('%i %% on the replacement → %j', (percent, weights) => {
    expect(taskSetWeights(deployment(), percent)).toEqual(weights);
  });

  it('counts the termination wait from the last shift', () => {
    expect(terminationDueAt(deployment({ trafficShifts: [{ time: T0, weights: {} }] }))?.toISOString()).toBe(at(300).toISOString());
    expect(terminationDueAt(deployment({ trafficShifts: [{ time: T0, weights: {} }], terminationWaitMinutes: 0 }))).toBeUndefined();
  });

  it('names the target <cluster>:<service>', () => {
    expect(ecsTargetId({ clusterName: 'main', serviceName: 'web' })).toBe('main:web');
  });
});
