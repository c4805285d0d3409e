import {
  type BalancerProgress,
  type ChangeTiming,
  type LoadBalancerKind,
  type ProgressStage,
  combineProgress,
  drainTiming,
  firstCheckSeconds,
  healthTiming,
  limitSeconds,
  pollSeconds,
} from '../../functions/core/traffic-progress';
import type { PendingTarget, TrafficProgress } from '../../functions/ports';

describe('drainTiming', () => {
  it.each<[LoadBalancerKind, string, number, ChangeTiming]>([
    ['target group', 'web-blue', 300, { expectedSeconds: 300, reason: 'target group web-blue drains for up to 300 s (deregistration_delay.timeout_seconds)' }],
    ['target group', 'web-blue', 1, { expectedSeconds: 1, reason: 'target group web-blue drains for up to 1 s (deregistration_delay.timeout_seconds)' }],
    ['target group', 'api', 0, { expectedSeconds: 0, reason: 'target group api deregisters at once (deregistration_delay.timeout_seconds is 0)' }],
    ['classic ELB', 'legacy', 60, { expectedSeconds: 60, reason: 'classic ELB legacy drains for up to 60 s (connection draining)' }],
    ['classic ELB', 'legacy', 0, { expectedSeconds: 0, reason: 'classic ELB legacy deregisters at once (connection draining is off)' }],
  ])('%s %s draining %d s', (kind, name, seconds, expected) => {
    expect(drainTiming(kind, name, seconds)).toEqual(expected);
  });
});

describe('healthTiming', () => {
  it.each<[LoadBalancerKind, string, number, number, ChangeTiming]>([
    [
      'target group',
      'web-blue',
      3,
      10,
      { expectedSeconds: 30, reason: 'target group web-blue: healthy after 3 checks every 10 s (HealthyThresholdCount × HealthCheckIntervalSeconds)' },
    ],
    [
      'target group',
      'web-green',
      1,
      5,
      { expectedSeconds: 5, reason: 'target group web-green: healthy after 1 check every 5 s (HealthyThresholdCount × HealthCheckIntervalSeconds)' },
    ],
    [
      'classic ELB',
      'legacy',
      10,
      30,
      { expectedSeconds: 300, reason: 'classic ELB legacy: healthy after 10 checks every 30 s (HealthCheck.HealthyThreshold × HealthCheck.Interval)' },
    ],
  ])('%s %s with threshold %d and interval %d s', (kind, name, healthyThreshold, intervalSeconds, expected) => {
    expect(healthTiming(kind, name, { healthyThreshold, intervalSeconds })).toEqual(expected);
  });
});

describe('timing rules', () => {
  it.each([
    [0, 300],
    [30, 330],
    [300, 600],
    [1000, 1500],
    [2000, 3000],
    [2400, 3600],
    [3000, 3900],
    [3600, 3900],
    [10.5, 311],
  ])('limitSeconds(%d) is %d: the expected time plus half again, at least 5 min, at most an hour and 5 min', (expected, limit) => {
    expect(limitSeconds(expected)).toBe(limit);
  });

  it.each([
    [0, 5],
    [4.2, 5],
    [30, 30],
    [29.1, 30],
    [300, 300],
    [3600, 300],
  ])('firstCheckSeconds(%d) is %d: the expected time, within 5 s and 5 min', (expected, first) => {
    expect(firstCheckSeconds(expected)).toBe(first);
  });

  it.each([
    [0, 15],
    [300, 15],
    [301, 16],
    [900, 45],
    [2400, 120],
    [3600, 120],
  ])('pollSeconds(%d) is %d: every 15 s, or a twentieth of a long change, at most 2 min', (expected, poll) => {
    expect(pollSeconds(expected)).toBe(poll);
  });
});

describe('combineProgress', () => {
  const pendingIn = (loadBalancer: string, ...targetIds: string[]): PendingTarget[] =>
    targetIds.map((targetId) => ({ targetId, loadBalancer, state: 'draining' }));
  const part = (expectedSeconds: number, reason: string, pending: PendingTarget[] = [], unobservableSeconds?: number): BalancerProgress => ({
    timing: { expectedSeconds, reason },
    pending,
    ...(unobservableSeconds === undefined ? {} : { unobservableSeconds }),
  });

  it.each<[string, ProgressStage, BalancerProgress[], TrafficProgress]>([
    [
      'nothing to change is done at once',
      'started',
      [],
      { done: true, checkAfterSeconds: 0, limitSeconds: 300, reason: 'no host or load balancer to change', pending: [] },
    ],
    [
      'every load balancer finished: done, the limit still from the slowest',
      'checked',
      [part(900, 'tg a drains'), part(60, 'elb b drains')],
      { done: true, checkAfterSeconds: 0, limitSeconds: 1350, reason: 'tg a drains; elb b drains', pending: [] },
    ],
    [
      'started: first look at the expected time',
      'started',
      [part(300, 'tg a drains', pendingIn('a', 'i-1', 'i-2'))],
      { done: false, checkAfterSeconds: 300, limitSeconds: 600, reason: 'tg a drains', pending: pendingIn('a', 'i-1', 'i-2') },
    ],
    [
      'started: a long drain is first looked at after 5 min',
      'started',
      [part(3600, 'tg a drains', pendingIn('a', 'i-1'))],
      { done: false, checkAfterSeconds: 300, limitSeconds: 3900, reason: 'tg a drains', pending: pendingIn('a', 'i-1') },
    ],
    [
      'started: a drain no check can see sets the first look, however long',
      'started',
      [part(30, 'tg a registers', pendingIn('a', 'i-1')), part(600, 'elb b drains', pendingIn('b', 'i-1'), 600)],
      {
        done: false,
        checkAfterSeconds: 600,
        limitSeconds: 900,
        reason: 'tg a registers; elb b drains',
        pending: [...pendingIn('a', 'i-1'), ...pendingIn('b', 'i-1')],
      },
    ],
    [
      'started: an unseen hour-long drain is looked at when the limit comes, never after',
      'started',
      [part(3600, 'elb b drains', pendingIn('b', 'i-1'), 3600)],
      { done: false, checkAfterSeconds: 3600, limitSeconds: 3900, reason: 'elb b drains', pending: pendingIn('b', 'i-1') },
    ],
    [
      'started: the pace comes from the load balancers still pending, not from finished slow ones',
      'started',
      [part(900, 'tg a drains'), part(30, 'tg b drains', pendingIn('b', 'i-2'))],
      { done: false, checkAfterSeconds: 30, limitSeconds: 1350, reason: 'tg a drains; tg b drains', pending: pendingIn('b', 'i-2') },
    ],
    [
      'started: a zero drain still waits a few seconds',
      'started',
      [part(0, 'tg a deregisters at once', pendingIn('a', 'i-1'))],
      { done: false, checkAfterSeconds: 5, limitSeconds: 300, reason: 'tg a deregisters at once', pending: pendingIn('a', 'i-1') },
    ],
    [
      'checked: every 15 s',
      'checked',
      [part(300, 'tg a drains', pendingIn('a', 'i-1'))],
      { done: false, checkAfterSeconds: 15, limitSeconds: 600, reason: 'tg a drains', pending: pendingIn('a', 'i-1') },
    ],
    [
      'checked: a long change is looked at less often',
      'checked',
      [part(900, 'tg a drains', pendingIn('a', 'i-1')), part(30, 'tg b registers')],
      { done: false, checkAfterSeconds: 45, limitSeconds: 1350, reason: 'tg a drains; tg b registers', pending: pendingIn('a', 'i-1') },
    ],
  ])('%s', (_label, stage, balancers, expected) => {
    expect(combineProgress(balancers, stage)).toEqual(expected);
  });
});
