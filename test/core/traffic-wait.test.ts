import {
  expiredMessage,
  MAX_PENDING_DESCRIBED,
  MAX_PENDING_SHOWN,
  MAX_TRAFFIC_CHECKS,
  nextTrafficWait,
  secondsBetween,
  trafficWaitRecord,
} from '../../functions/core/traffic-wait';
import type { PendingTarget } from '../../functions/core/types';

const START = '2026-11-26T10:00:00.000Z';
const at = (seconds: number): string => new Date(Date.parse(START) + seconds * 1000).toISOString();

describe('nextTrafficWait', () => {
  it.each([
    // checkAfter, limit, waited → decision
    [300, 600, 0, { kind: 'wait', seconds: 300 }],
    [15, 600, 300, { kind: 'wait', seconds: 30 }], // 600 s over 20 checks: never closer than 30 s apart
    [15, 200, 0, { kind: 'wait', seconds: 15 }],
    [300, 600, 500, { kind: 'wait', seconds: 100 }], // the last check lands on the limit
    [0, 10, 0, { kind: 'wait', seconds: 1 }], // at least a second
    [15, 600, 599.5, { kind: 'wait', seconds: 1 }],
    [15, 600, 600, { kind: 'expired', waitedSeconds: 600 }],
    [15, 600, 750.7, { kind: 'expired', waitedSeconds: 750 }],
    [15, 0, 0, { kind: 'wait', seconds: 1 }], // a limit below one second counts as one second
    [15, 0, 1, { kind: 'expired', waitedSeconds: 1 }],
  ])('asks to wait %p s with a %p s limit after %p s: %p', (checkAfterSeconds, limitSeconds, waited, expected) => {
    expect(nextTrafficWait({ checkAfterSeconds, limitSeconds }, START, at(waited))).toEqual(expected);
  });

  it.each([
    [{ checkAfterSeconds: Number.NaN, limitSeconds: 600 }, START],
    [{ checkAfterSeconds: 15, limitSeconds: Number.POSITIVE_INFINITY }, START],
    [{ checkAfterSeconds: 15, limitSeconds: 600 }, 'not a time'],
  ])('refuses timings a Wait state could not take: %j since %s', (timing, startedAt) => {
    expect(() => nextTrafficWait(timing, startedAt, at(10))).toThrow(RangeError);
  });

  it('never needs more than MAX_TRAFFIC_CHECKS looks to reach the limit, whatever the adapter asks for', () => {
    for (const limitSeconds of [1, 59, 300, 3600]) {
      let waited = 0;
      let checks = 0;
      for (;;) {
        const decision = nextTrafficWait({ checkAfterSeconds: 1, limitSeconds }, START, at(waited));
        if (decision.kind === 'expired') break;
        waited += decision.seconds;
        checks += 1;
      }
      expect(checks).toBeLessThanOrEqual(MAX_TRAFFIC_CHECKS);
    }
  });
});

describe('secondsBetween', () => {
  it.each([
    [START, at(12.4), 12],
    [START, at(12.6), 13],
    [at(5), START, 0],
  ])('%s → %s is %p s', (from, to, seconds) => {
    expect(secondsBetween(from, to)).toBe(seconds);
  });
});

const pendingHosts = (count: number): PendingTarget[] =>
  Array.from({ length: count }, (_, n) => ({ targetId: `i-${String(n).padStart(17, '0')}`, loadBalancer: 'web', state: 'draining' }));

describe('trafficWaitRecord', () => {
  it('says when the next look and the limit come, and why', () => {
    const progress = { checkAfterSeconds: 300, limitSeconds: 600, reason: 'target group web drains for up to 300 s', pending: pendingHosts(2) };

    expect(trafficWaitRecord({ batchNumber: 3, lifecycleEventName: 'BlockTraffic', since: START, now: at(10), waitSeconds: 300, progress })).toEqual({
      batchNumber: 3,
      lifecycleEventName: 'BlockTraffic',
      since: START,
      nextCheck: at(310),
      until: at(600),
      reason: 'target group web drains for up to 300 s',
      pending: pendingHosts(2),
      pendingCount: 2,
    });
  });

  it.each([
    [MAX_PENDING_SHOWN - 1, MAX_PENDING_SHOWN - 1],
    [MAX_PENDING_SHOWN, MAX_PENDING_SHOWN],
    [3000, MAX_PENDING_SHOWN],
  ])('keeps the first of %p pending hosts (%p) and counts them all, so the record fits one item', (count, kept) => {
    const progress = { checkAfterSeconds: 15, limitSeconds: 600, reason: 'r', pending: pendingHosts(count) };

    const record = trafficWaitRecord({ batchNumber: 1, lifecycleEventName: 'AllowTraffic', since: START, now: START, waitSeconds: 15, progress });

    expect(record.pending).toEqual(pendingHosts(count).slice(0, kept));
    expect(record.pendingCount).toBe(count);
  });
});

describe('expiredMessage', () => {
  it.each([
    [0, 'still waiting on no host the load balancer named'],
    [1, 'still waiting on i-00000000000000000 draining in web'],
    [MAX_PENDING_DESCRIBED + 5, `i-00000000000000009 draining in web and 5 more`],
  ])('names the first pending hosts of %p and counts the rest', (count, ending) => {
    const message = expiredMessage('BlockTraffic', { checkAfterSeconds: 15, limitSeconds: 600, reason: 'web drains for up to 300 s', pending: pendingHosts(count) });

    expect(message.startsWith('BlockTraffic did not finish within 600 s (web drains for up to 300 s); still waiting on ')).toBe(true);
    expect(message.endsWith(ending)).toBe(true);
  });

  it('stays short however many hosts are pending', () => {
    const message = expiredMessage('AllowTraffic', { checkAfterSeconds: 15, limitSeconds: 600, reason: 'r', pending: pendingHosts(1000) });

    expect(message.length).toBeLessThan(600);
  });
});
