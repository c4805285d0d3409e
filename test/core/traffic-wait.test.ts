import { MAX_TRAFFIC_CHECKS, nextTrafficWait, secondsBetween } from '../../functions/core/traffic-wait';

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
