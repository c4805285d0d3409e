import {
  STOP_EVENTS,
  nextEventAfterFailure,
  serverInPlaceEvents,
  usesPreviousRevision,
} from '../../functions/core/lifecycle-order';
import { SCRIPTABLE_EVENTS } from '../../functions/core/types';
import type { ServerLifecycleEventName } from '../../functions/core/types';

const ALL_EVENTS = serverInPlaceEvents({ withLoadBalancer: true });

describe('serverInPlaceEvents', () => {
  it.each([
    [
      true,
      [
        'BeforeBlockTraffic',
        'BlockTraffic',
        'AfterBlockTraffic',
        'ApplicationStop',
        'DownloadBundle',
        'BeforeInstall',
        'Install',
        'AfterInstall',
        'ApplicationStart',
        'ValidateService',
        'BeforeAllowTraffic',
        'AllowTraffic',
        'AfterAllowTraffic',
      ],
    ],
    [
      false,
      ['ApplicationStop', 'DownloadBundle', 'BeforeInstall', 'Install', 'AfterInstall', 'ApplicationStart', 'ValidateService'],
    ],
  ])('withLoadBalancer %s gives the spec §4.1 order', (withLoadBalancer, expected) => {
    expect(serverInPlaceEvents({ withLoadBalancer })).toEqual(expected);
  });

  it('covers every scriptable event once with a load balancer, and no Start or End', () => {
    expect(new Set(ALL_EVENTS).size).toBe(ALL_EVENTS.length);
    for (const event of SCRIPTABLE_EVENTS) expect(ALL_EVENTS).toContain(event);
    expect(ALL_EVENTS).not.toContain('Start');
    expect(ALL_EVENTS).not.toContain('End');
  });

  it('returns a fresh array each call, so callers may not corrupt the order', () => {
    const first = serverInPlaceEvents({ withLoadBalancer: false });
    first.pop();
    expect(serverInPlaceEvents({ withLoadBalancer: false })).toHaveLength(7);
  });
});

describe('per-event rules', () => {
  // event, runs the previous revision's scripts, failure with ignore=false / ignore=true
  it.each<[ServerLifecycleEventName, boolean, 'continue' | 'fail', 'continue' | 'fail']>([
    ['BeforeBlockTraffic', true, 'fail', 'continue'],
    ['BlockTraffic', false, 'fail', 'fail'],
    ['AfterBlockTraffic', true, 'fail', 'continue'],
    ['ApplicationStop', true, 'fail', 'continue'],
    ['DownloadBundle', false, 'fail', 'fail'],
    ['BeforeInstall', false, 'fail', 'fail'],
    ['Install', false, 'fail', 'fail'],
    ['AfterInstall', false, 'fail', 'fail'],
    ['ApplicationStart', false, 'fail', 'fail'],
    ['ValidateService', false, 'fail', 'fail'],
    ['BeforeAllowTraffic', false, 'fail', 'fail'],
    ['AllowTraffic', false, 'fail', 'fail'],
    ['AfterAllowTraffic', false, 'fail', 'fail'],
  ])('%s: previous revision %s, failure → %s / %s when ignoring stop failures', (event, previous, strict, ignoring) => {
    expect(usesPreviousRevision(event)).toBe(previous);
    expect(nextEventAfterFailure(event, false)).toBe(strict);
    expect(nextEventAfterFailure(event, true)).toBe(ignoring);
  });

  it('STOP_EVENTS lists exactly the events run from the last successful install', () => {
    expect([...STOP_EVENTS].sort()).toEqual(['AfterBlockTraffic', 'ApplicationStop', 'BeforeBlockTraffic']);
    expect(ALL_EVENTS.filter(usesPreviousRevision)).toEqual(['BeforeBlockTraffic', 'AfterBlockTraffic', 'ApplicationStop']);
  });
});
