import fc from 'fast-check';
import {
  HEALTH_CONSTRAINTS_MESSAGE,
  checkStart,
  orderTargets,
  planNextBatch,
} from '../../functions/core/batch-planning';
import type { Outcome, PlanningTarget, RevisionHealth } from '../../functions/core/batch-planning';
import { findConfig, minimumHealthyCount } from '../../functions/core/deployment-configs';
import type { DeploymentConfig, MinimumHealthyHostsType } from '../../functions/core/types';

const ONE = findConfig('CodeDeployDefault.OneAtATime', []);
const HALF = findConfig('CodeDeployDefault.HalfAtATime', []);
const ALL = findConfig('CodeDeployDefault.AllAtOnce', []);
const custom = (type: MinimumHealthyHostsType, value: number): DeploymentConfig => ({
  deploymentConfigName: `Custom${type}${value}`,
  computePlatform: 'Server',
  minimumHealthyHosts: { type, value },
});

interface Host {
  targetId: string;
  initiallyHealthy: boolean;
}

/** host-1 … host-n, in deployment order (unhealthy ones first), the listed numbers unhealthy. */
function hosts(count: number, unhealthy: readonly number[] = []): Host[] {
  const all = Array.from({ length: count }, (_, i) => ({
    targetId: `host-${i + 1}`,
    initiallyHealthy: !unhealthy.includes(i + 1),
    revisionHealth: 'Old' as RevisionHealth,
  }));
  return orderTargets(all).map(({ targetId, initiallyHealthy }) => ({ targetId, initiallyHealthy }));
}

const ids = (...numbers: number[]): string[] => numbers.map((n) => `host-${n}`);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Healthy hosts that are not in flight: done with success, or untouched and healthy at the start. */
const healthyNow = (targets: readonly PlanningTarget[]): number =>
  targets.filter((t) => t.status === 'Succeeded' || (t.initiallyHealthy && (t.status === 'Pending' || t.status === 'Skipped'))).length;

interface Run {
  batches: string[][];
  outcome: Outcome;
  targets: PlanningTarget[];
  /** Healthy hosts left serving while each batch was in flight. */
  healthyDuringBatch: number[];
}

/** Plans, runs each batch with the hosts in `failing` failing, and plans again until the deployment finishes. */
function simulate(config: DeploymentConfig, fleet: readonly Host[], failing: ReadonlySet<string>): Run {
  const targets: PlanningTarget[] = fleet.map((host) => ({ ...host, status: 'Pending' }));
  const byId = new Map(targets.map((target) => [target.targetId, target]));
  const batches: string[][] = [];
  const healthyDuringBatch: number[] = [];
  for (let round = 0; round <= targets.length; round += 1) {
    const plan = planNextBatch(config, targets);
    if (plan.kind === 'finished') {
      if (plan.outcome.status === 'Failed') {
        for (const id of plan.outcome.skipTargetIds) byId.get(id)!.status = 'Skipped';
      }
      return { batches, outcome: plan.outcome, targets, healthyDuringBatch };
    }
    batches.push(plan.targetIds);
    for (const id of plan.targetIds) {
      const target = byId.get(id);
      if (target?.status !== 'Pending') throw new Error(`batch took ${id}, which is ${target?.status ?? 'unknown'}`);
      target.status = 'InProgress';
    }
    healthyDuringBatch.push(healthyNow(targets));
    for (const id of plan.targetIds) byId.get(id)!.status = failing.has(id) ? 'Failed' : 'Succeeded';
  }
  throw new Error('planning did not finish within one round per host');
}

const succeeded: Outcome = { status: 'Succeeded' };
const failed = (skip: string[]): Outcome => ({
  status: 'Failed',
  code: 'HEALTH_CONSTRAINTS',
  message: HEALTH_CONSTRAINTS_MESSAGE,
  skipTargetIds: skip,
});

describe('planNextBatch over a whole run', () => {
  it.each<[string, DeploymentConfig, Host[], string[], string[][], Outcome]>([
    ['HalfAtATime, 5 hosts, all succeed', HALF, hosts(5), [], [ids(1, 2), ids(3, 4), ids(5)], succeeded],
    ['HalfAtATime, 9 hosts: 4 at a time (M=5)', HALF, hosts(9), [], [ids(1, 2, 3, 4), ids(5, 6, 7, 8), ids(9)], succeeded],
    ['HOST_COUNT 9 of 10: one at a time', custom('HOST_COUNT', 9), hosts(10), [], range(1, 10).map((n) => ids(n)), succeeded],
    ['HOST_COUNT 8 of 10: two at a time', custom('HOST_COUNT', 8), hosts(10), [], [ids(1, 2), ids(3, 4), ids(5, 6), ids(7, 8), ids(9, 10)], succeeded],
    ['HOST_COUNT 0 of 10: all at once', custom('HOST_COUNT', 0), hosts(10), [], [ids(...range(1, 10))], succeeded],
    ['AllAtOnce, 1 success of 3', ALL, hosts(3), ids(1, 2), [ids(1, 2, 3)], succeeded],
    ['AllAtOnce, all 3 fail', ALL, hosts(3), ids(1, 2, 3), [ids(1, 2, 3)], failed([])],
    ['HalfAtATime, 5 hosts, host-3 fails in batch 2', HALF, hosts(5), ids(3), [ids(1, 2), ids(3, 4), ids(5)], succeeded],
    ['HalfAtATime, 4 hosts, batch 1 fails', HALF, hosts(4), ids(1, 2), [ids(1, 2)], failed(ids(3, 4))],
    ['OneAtATime, 5 hosts, host-3 fails', ONE, hosts(5), ids(3), [ids(1), ids(2), ids(3)], failed(ids(4, 5))],
    ['OneAtATime, 5 hosts, last host fails', ONE, hosts(5), ids(5), range(1, 5).map((n) => ids(n)), succeeded],
    ['OneAtATime, 5 hosts, first host fails', ONE, hosts(5), ids(1), [ids(1)], failed(ids(2, 3, 4, 5))],
    ['OneAtATime, 2 hosts, last host fails', ONE, hosts(2), ids(2), [ids(1), ids(2)], succeeded],
    ['OneAtATime, 1 host fails', ONE, hosts(1), ids(1), [ids(1)], failed([])],
    ['OneAtATime, 1 host succeeds', ONE, hosts(1), [], [ids(1)], succeeded],
    // Deploying to host-4 could not lower the healthy count, but OneAtATime stops at the first failure anyway.
    ['OneAtATime, first unhealthy host fails', ONE, hosts(4, [3, 4]), ids(3), [ids(3)], failed(ids(4, 1, 2))],
    ['OneAtATime, unhealthy hosts go first, still one at a time', ONE, hosts(3, [3]), [], [ids(3), ids(1), ids(2)], succeeded],
    ['HOST_COUNT 9 of 10, host-2 fails: healthy count reaches M', custom('HOST_COUNT', 9), hosts(10), ids(2), [ids(1), ids(2)], failed(ids(...range(3, 10)))],
    ['HOST_COUNT 9 of 10, last host fails', custom('HOST_COUNT', 9), hosts(10), ids(10), range(1, 10).map((n) => ids(n)), succeeded],
    // 8 healthy < M=9: both unhealthy hosts go first, together, although no slot is free.
    ['unhealthy hosts first and free (slots 0)', custom('HOST_COUNT', 9), hosts(10, [4, 7]), [], [ids(4, 7), ...[1, 2, 3, 5, 6, 8, 9, 10].map((n) => ids(n))], succeeded],
    ['unhealthy host fails, group stays below M', custom('HOST_COUNT', 9), hosts(10, [4, 7]), ids(4), [ids(4, 7)], failed(ids(1, 2, 3, 5, 6, 8, 9, 10))],
    ['HalfAtATime, unhealthy host rides along with 2 slots', HALF, hosts(6, [6]), [], [ids(6, 1, 2), ids(3, 4, 5)], succeeded],
    ['FLEET_PERCENT 33 of 10 (M=4): 6 then 4', custom('FLEET_PERCENT', 33), hosts(10), [], [ids(...range(1, 6)), ids(...range(7, 10))], succeeded],
    ['FLEET_PERCENT 1 of 1 (M=1) never starts a host', custom('FLEET_PERCENT', 1), hosts(1), [], [], failed(ids(1))],
    ['HalfAtATime on 5 (M=3), failures shrink batches, then stop', HALF, hosts(5), ids(1, 4), [ids(1, 2), ids(3), ids(4)], failed(ids(5))],
  ])('%s', (_label, config, fleet, failing, expectedBatches, expectedOutcome) => {
    const run = simulate(config, fleet, new Set(failing));
    expect(run.batches).toEqual(expectedBatches);
    expect(run.outcome).toEqual(expectedOutcome);
  });

  it('HalfAtATime on 5 with host-3 failing ends with 4 succeeded and 1 failed', () => {
    const run = simulate(HALF, hosts(5), new Set(ids(3)));
    expect(run.targets.map((t) => `${t.targetId}:${t.status}`)).toEqual([
      'host-1:Succeeded',
      'host-2:Succeeded',
      'host-3:Failed',
      'host-4:Succeeded',
      'host-5:Succeeded',
    ]);
  });

  it('refuses to plan while a batch is in flight', () => {
    const targets: PlanningTarget[] = [
      { targetId: 'host-1', status: 'InProgress', initiallyHealthy: true },
      { targetId: 'host-2', status: 'Pending', initiallyHealthy: true },
    ];
    expect(() => planNextBatch(HALF, targets)).toThrow('still InProgress: host-1');
  });

  it('with no Pending hosts left, decides on succeeded ≥ max(M, 1)', () => {
    const done = (statuses: PlanningTarget['status'][]): PlanningTarget[] =>
      statuses.map((status, i) => ({ targetId: `host-${i + 1}`, status, initiallyHealthy: true }));
    expect(planNextBatch(ALL, done(['Failed', 'Skipped']))).toEqual({ kind: 'finished', outcome: failed([]) });
    expect(planNextBatch(ALL, done(['Failed', 'Succeeded']))).toEqual({ kind: 'finished', outcome: succeeded });
    expect(planNextBatch(HALF, done(['Succeeded', 'Failed', 'Failed']))).toEqual({ kind: 'finished', outcome: failed([]) });
  });
});

describe('planNextBatch properties', () => {
  const configArb = (size: number): fc.Arbitrary<DeploymentConfig> =>
    fc.oneof(
      fc.constantFrom(ONE, HALF, ALL),
      fc.integer({ min: 0, max: size + 1 }).map((n) => custom('HOST_COUNT', n)),
      fc.integer({ min: 0, max: 99 }).map((pct) => custom('FLEET_PERCENT', pct)),
    );
  const scenarioArb = fc.integer({ min: 0, max: 14 }).chain((size) =>
    fc.record({
      config: configArb(size),
      unhealthy: fc.array(fc.boolean(), { minLength: size, maxLength: size }),
      failing: fc.array(fc.boolean(), { minLength: size, maxLength: size }),
    }),
  );

  it('keeps M healthy, batches only Pending hosts, and batches or skips every host exactly once', () => {
    fc.assert(
      fc.property(scenarioArb, ({ config, unhealthy, failing }) => {
        const fleet = hosts(unhealthy.length, unhealthy.flatMap((bad, i) => (bad ? [i + 1] : [])));
        const failingIds = new Set(failing.flatMap((bad, i) => (bad ? [`host-${i + 1}`] : [])));
        const start = checkStart(config, fleet.map((host) => ({ ...host, status: 'Pending' })));
        fc.pre(start.ok);
        const m = minimumHealthyCount(config, fleet.length);
        const initiallyHealthy = fleet.filter((host) => host.initiallyHealthy).length;

        const run = simulate(config, fleet, failingIds); // throws if a batch takes a non-Pending host

        for (const healthy of run.healthyDuringBatch) expect(healthy).toBeGreaterThanOrEqual(Math.min(m, initiallyHealthy));
        const skipped = run.outcome.status === 'Failed' ? run.outcome.skipTargetIds : [];
        expect([...run.batches.flat(), ...skipped].sort()).toEqual(fleet.map((host) => host.targetId).sort());
        expect(run.targets.every((t) => t.status !== 'Pending')).toBe(true);
        for (const batch of run.batches) expect(batch.length).toBeGreaterThan(0);
        if (config === ONE) for (const batch of run.batches) expect(batch).toHaveLength(1);
        const succeededCount = run.targets.filter((t) => t.status === 'Succeeded').length;
        expect(run.outcome.status === 'Succeeded').toBe(skipped.length === 0 && succeededCount >= Math.max(m, 1));
      }),
      { numRuns: 500 },
    );
  });
});

describe('checkStart', () => {
  const pending = (fleet: Host[]): PlanningTarget[] => fleet.map((host) => ({ ...host, status: 'Pending' }));

  it.each<[string, DeploymentConfig, Host[], number]>([
    ['OneAtATime on 1 host (M=0)', ONE, hosts(1), 0],
    ['OneAtATime on 5 hosts (M=4)', ONE, hosts(5), 4],
    ['AllAtOnce on 1 host (M=0)', ALL, hosts(1), 0],
    ['HalfAtATime on 9 hosts (M=5)', HALF, hosts(9), 5],
    ['HOST_COUNT 9 on 10 hosts (M=9)', custom('HOST_COUNT', 9), hosts(10), 9],
    ['HOST_COUNT 9 on 10 hosts, 3 already unhealthy (M=9)', custom('HOST_COUNT', 9), hosts(10, [1, 2, 3]), 9],
  ])('%s may start', (_label, config, fleet, minimumHealthy) => {
    expect(checkStart(config, pending(fleet))).toEqual({ ok: true, minimumHealthy });
  });

  it('fails with NO_INSTANCES on an empty group', () => {
    expect(checkStart(HALF, [])).toEqual({ ok: false, code: 'NO_INSTANCES', message: expect.stringContaining('no instances') });
  });

  it.each<[string, DeploymentConfig, number, number]>([
    ['FLEET_PERCENT 95 on 10 hosts', custom('FLEET_PERCENT', 95), 10, 10],
    ['HOST_COUNT 3 on 3 hosts', custom('HOST_COUNT', 3), 3, 3],
    ['HOST_COUNT 5 on 3 hosts', custom('HOST_COUNT', 5), 3, 5],
    ['HalfAtATime on 1 host', HALF, 1, 1],
  ])('%s fails with HEALTH_CONSTRAINTS_INVALID', (_label, config, hostCount, m) => {
    const check = checkStart(config, pending(hosts(hostCount)));
    expect(check).toEqual({ ok: false, code: 'HEALTH_CONSTRAINTS_INVALID', message: expect.any(String) });
    const message = check.ok ? '' : check.message;
    expect(message).toContain(`minimum number of healthy instances (${m})`);
    expect(message).toContain(`'${config.deploymentConfigName}'`);
    expect(message).toContain(`${hostCount} instance`);
  });
});

describe('orderTargets', () => {
  const t = (targetId: string, initiallyHealthy: boolean, revisionHealth: RevisionHealth) => ({ targetId, initiallyHealthy, revisionHealth });

  it.each<[string, ReturnType<typeof t>[], string[]]>([
    ['ids numerically', [t('host-10', true, 'Old'), t('host-2', true, 'Old'), t('host-1', true, 'Old')], ['host-1', 'host-2', 'host-10']],
    ['unhealthy before any healthy', [t('a', true, 'Unknown'), t('b', false, 'Current')], ['b', 'a']],
    ['revision Unknown, Old, Current', [t('a', true, 'Current'), t('b', true, 'Old'), t('c', true, 'Unknown')], ['c', 'b', 'a']],
    [
      'health, then revision, then id',
      [t('i-3', true, 'Old'), t('i-2', false, 'Current'), t('i-1', true, 'Unknown'), t('i-4', false, 'Unknown'), t('i-0', true, 'Old')],
      ['i-4', 'i-2', 'i-1', 'i-0', 'i-3'],
    ],
    ['ids equal to the collator, by code unit', [t('host-1', true, 'Old'), t('host-01', true, 'Old')], ['host-01', 'host-1']],
    ['ids equal to the collator, other input order', [t('host-01', true, 'Old'), t('host-1', true, 'Old')], ['host-01', 'host-1']],
  ])('orders %s', (_label, targets, expected) => {
    expect(orderTargets(targets).map((target) => target.targetId)).toEqual(expected);
  });

  it('returns a new array, keeps extra fields and leaves the input alone', () => {
    const input = [{ ...t('b', true, 'Old'), zone: 'z1' }, { ...t('a', true, 'Old'), zone: 'z2' }];
    const ordered = orderTargets(input);
    expect(ordered).toEqual([input[1], input[0]]);
    expect(input.map((target) => target.targetId)).toEqual(['b', 'a']);
  });
});
