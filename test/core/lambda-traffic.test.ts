import { aliasWeights, initialLambdaEvents, lambdaTargetId, nextLambdaCursor } from '../../functions/core/lambda-traffic';
import { nextShiftIndex, shiftDueAt, upcomingShift } from '../../functions/core/traffic-course';
import { trafficSchedule } from '../../functions/core/traffic-schedule';
import { lambdaRecord } from '../support/traffic-records';
import type { DeploymentTarget, LambdaDeployment, LifecycleEventStatus } from '../../functions/core/types';

const APPSPEC = { functionName: 'fn', alias: 'live', currentVersion: '1', targetVersion: '2', hooks: { BeforeAllowTraffic: 'pre' } };
const LINEAR_25 = trafficSchedule({ type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 25, linearInterval: 2 } });
const T0 = '2026-01-01T00:00:00.000Z';

function deployment(overrides: Partial<LambdaDeployment> = {}): LambdaDeployment {
  return lambdaRecord({ deploymentId: 'd-AAAAAAAAA', deploymentConfigName: 'custom', createTime: T0, appSpec: APPSPEC, schedule: LINEAR_25, ...overrides });
}

function target(before: LifecycleEventStatus, after: LifecycleEventStatus = 'Pending'): DeploymentTarget {
  return {
    deploymentId: 'd-AAAAAAAAA',
    targetId: 'fn:live',
    status: 'InProgress',
    lastUpdatedAt: T0,
    initiallyHealthy: true,
    lifecycleEvents: [
      { lifecycleEventName: 'BeforeAllowTraffic', status: before },
      { lifecycleEventName: 'AllowTraffic', status: 'Pending' },
      { lifecycleEventName: 'AfterAllowTraffic', status: after },
    ],
  };
}

const shiftAt = (seconds: number, percent: number) => ({ time: new Date(Date.parse(T0) + seconds * 1000).toISOString(), weights: aliasWeights(APPSPEC, percent) });

describe('aliasWeights', () => {
  it.each([
    [0, { '1': 100 }],
    [10, { '1': 90, '2': 10 }],
    [99, { '1': 1, '2': 99 }],
    [100, { '2': 100 }],
  ])('%i %% on the target → %j', (percent, weights) => {
    expect(aliasWeights(APPSPEC, percent)).toEqual(weights);
  });
});

describe('nextLambdaCursor', () => {
  const now = new Date(Date.parse(T0) + 30_000);
  it.each<[string, Partial<LambdaDeployment>, DeploymentTarget, unknown]>([
    ['BeforeAllowTraffic pending → its hook', {}, target('Pending'), { action: 'hook', event: 'BeforeAllowTraffic', waitSeconds: 0 }],
    ['BeforeAllowTraffic still running → its hook (a retried step)', {}, target('InProgress'), { action: 'hook', event: 'BeforeAllowTraffic', waitSeconds: 0 }],
    ['hook done, nothing shifted → shift now', {}, target('Succeeded'), { action: 'advance', event: '', waitSeconds: 0 }],
    ['no hook (Skipped) → shift now', {}, target('Skipped'), { action: 'advance', event: '', waitSeconds: 0 }],
    ['one shift done 30 s ago, 2-minute interval → wait 90 s', { shiftsDone: 1, trafficShifts: [shiftAt(0, 25)] }, target('Succeeded'), { action: 'wait', event: '', waitSeconds: 90 }],
    ['the next shift is overdue → shift now', { shiftsDone: 1, trafficShifts: [shiftAt(-600, 25)] }, target('Succeeded'), { action: 'advance', event: '', waitSeconds: 0 }],
    ['a continue was asked → shift now', { shiftsDone: 1, trafficShifts: [shiftAt(0, 25)], continueRequested: { at: T0 } }, target('Succeeded'), { action: 'advance', event: '', waitSeconds: 0 }],
    ['every shift done, AfterAllowTraffic pending → its hook', { shiftsDone: 4, trafficShifts: [shiftAt(0, 100)] }, target('Succeeded', 'Pending'), { action: 'hook', event: 'AfterAllowTraffic', waitSeconds: 0 }],
    ['everything done → finish', { shiftsDone: 4, trafficShifts: [shiftAt(0, 100)] }, target('Succeeded', 'Skipped'), { action: 'finish', event: '', waitSeconds: 0 }],
  ])('%s', (_case, overrides, t, cursor) => {
    const d = deployment(overrides);
    expect(nextLambdaCursor(d, t, now)).toEqual({ ...(cursor as object), shiftsDone: d.shiftsDone });
  });
});

describe('the next shift', () => {
  it('is due one interval after the previous shift, not after the first', () => {
    const d = deployment({ shiftsDone: 2, trafficShifts: [shiftAt(0, 25), shiftAt(150, 50)] });
    expect(shiftDueAt(d, 2)?.toISOString()).toBe(new Date(Date.parse(T0) + 270_000).toISOString());
  });

  it('jumps to the last step once a continue was asked', () => {
    expect(nextShiftIndex(deployment({ shiftsDone: 1, continueRequested: { at: T0 } }))).toBe(3);
    expect(nextShiftIndex(deployment({ shiftsDone: 1 }))).toBe(1);
  });

  it('is recorded with its time and weights while there is one', () => {
    expect(upcomingShift(deployment({ shiftsDone: 1, trafficShifts: [shiftAt(0, 25)] }), (percent) => aliasWeights(APPSPEC, percent))).toEqual({
      time: new Date(Date.parse(T0) + 120_000).toISOString(),
      weights: { '1': 50, '2': 50 },
    });
    expect(upcomingShift(deployment({ shiftsDone: 4, trafficShifts: [shiftAt(0, 100)] }), (percent) => aliasWeights(APPSPEC, percent))).toBeUndefined();
  });
});

describe('the alias target', () => {
  it('is named <function>:<alias> and starts with hook events Skipped where no function is given', () => {
    expect(lambdaTargetId(APPSPEC)).toBe('fn:live');
    expect(initialLambdaEvents(APPSPEC)).toEqual([
      { lifecycleEventName: 'BeforeAllowTraffic', status: 'Pending' },
      { lifecycleEventName: 'AllowTraffic', status: 'Pending' },
      { lifecycleEventName: 'AfterAllowTraffic', status: 'Skipped' },
    ]);
  });
});
