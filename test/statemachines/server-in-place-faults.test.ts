// Fault injection on the server in-place flow (issue #6, item 6): a step that fails for good or only for a while, a
// host that dies mid-event, reports that never come, come twice or come late, and conditional writes that conflict.
// Whatever the fault, the deployment ends terminal with its cause recorded, no host or event left open, the group
// lock released, and (its policy asking, a good revision there) a rollback that puts the hosts back on it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { requestStop } from '../../functions/api/deployment-stop';
import { ConflictError } from '../../functions/core/errors';
import type { DeploymentView } from '../../functions/core/types';
import type { HostDispatch, HostReport, HostRunner } from '../../functions/ports';
import { hostReport, type HostReportOutcome } from '../../functions/steps/host-report';
import { deployLocally, type LocalDeployRequest } from '../../lib/cli/local-deploy';
import { LocalHostRunner } from '../../lib/local/local-host-runner';
import type { LocalRuntimeOptions } from '../../lib/local/local-runtime';
import { loggingBundle, readLines } from '../support/bundles';
import { deployRequest } from '../support/deploy-requests';
import { leftOpen } from '../support/fault-outcomes';
import { FaultInjector, permanentError, transientAwsError, transientStoreError, UNDER_FAULT } from '../support/fault-injection';
import { type Harness, openHarness } from '../support/local-runtime-harness';

const HOSTS = ['host-1', 'host-2'];
const ONE_AT_A_TIME = 'CodeDeployDefault.OneAtATime';
const ALL_AT_ONCE = 'CodeDeployDefault.AllAtOnce';
/** The 4,500 s event limit passes in 1 s: long enough for a real script, short enough for a lost one. */
const TOKEN_TIMEOUT_SCALE = 4_500;

let h: Harness;
let faults: FaultInjector;
/** The group of the running test: each test deploys to a group of its own, on hosts wiped before it. */
let group = '';
let groups = 0;

/**
 * One runtime for the tests of a describe block (opening one takes as long as a deployment): each test gets a fresh
 * group, hosts with nothing installed and no faults but its own.
 */
function useRuntime(options: Omit<LocalRuntimeOptions, 'stateDir' | 'persist' | 'decorate'> = {}): void {
  beforeAll(async () => {
    faults = new FaultInjector();
    h = await openHarness({ ...options, decorate: faults.decorate });
  });
  afterAll(async () => h.runtime.close());
  beforeEach(() => {
    faults.reset();
    groups += 1;
    group = `group-${groups}`;
    fs.rmSync(h.runtime.hostsDir, { recursive: true, force: true });
  });
}

interface Deploy {
  /** AllAtOnce unless said: the fewest steps, where a case needs no second batch. */
  readonly config?: string;
  readonly loadBalancer?: boolean;
  /** Fails host-1 at ValidateService. */
  readonly failing?: boolean;
}

function request(label: string, { config = ALL_AT_ONCE, loadBalancer = false, failing = false }: Deploy): LocalDeployRequest {
  const bundle = loggingBundle(path.join(h.dir, group, label), label, failing ? { host: 'host-1' } : {});
  return deployRequest(bundle, {
    deploymentGroupName: group,
    hosts: HOSTS,
    deploymentConfigName: config,
    ...(loadBalancer ? { loadBalancers: ['web-tg'] } : {}),
  });
}

/** v1 on every host: the last good revision a rollback goes back to. */
async function deployBaseline(deploy: Deploy = {}): Promise<void> {
  expect((await deployLocally(h.runtime, request('v1', { ...deploy, config: ALL_AT_ONCE }))).status).toBe('Succeeded');
}

/** v2 with automatic rollback on failure, marked as the deployment the faults hit; waits for it and its rollback. */
function deployUnderFault(deploy: Deploy = {}): Promise<DeploymentView> {
  return deployLocally(h.runtime, { ...request('v2', deploy), autoRollback: true, description: UNDER_FAULT });
}

/** Terminal with the cause, nothing open, the lock free. */
async function expectEnded(view: DeploymentView, status: DeploymentView['status'], code?: string, cause?: string | RegExp): Promise<void> {
  expect(view.status).toBe(status);
  if (code === undefined) expect(view.errorInformation).toBeUndefined();
  else expect(view.errorInformation).toEqual({ code, message: typeof cause === 'string' ? expect.stringContaining(cause) : expect.stringMatching(cause!) });
  expect(view.completeTime).toBeDefined();
  expect(leftOpen(view)).toEqual([]);
  expect(await h.runtime.store.getGroupLock(view.deploymentGroupId)).toBeUndefined();
}

/** CodeDeploy's automatic rollback: a new deployment of v1 that succeeded and left every host on v1. */
async function expectRolledBack(failed: DeploymentView): Promise<void> {
  const rollbackId = failed.rollbackInfo?.rollbackDeploymentId;
  expect(failed.rollbackInfo?.rollbackMessage).toBe(`Automatic rollback succeeded: deployment ${rollbackId}`);
  const rollback = await h.runtime.view(rollbackId!);
  expect(rollback).toMatchObject({ creator: 'codeDeployRollback', status: 'Succeeded', rollbackInfo: { rollbackTriggeringDeploymentId: failed.deploymentId } });
  expect(leftOpen(rollback)).toEqual([]);
  for (const host of HOSTS) expect(fs.readFileSync(path.join(h.hostRoot(host), 'srv/app/VERSION'), 'utf8')).toBe('v1\n');
  expect(await h.runtime.store.getGroupLock(failed.deploymentGroupId)).toBeUndefined();
}

/** Every hook of v2 ran once on every host, and v2 is what the hosts have. */
function expectDeployedOnce(): void {
  for (const host of HOSTS) {
    expect(readLines(path.join(h.hostRoot(host), 'events.log')).filter((line) => line.endsWith(' v2'))).toEqual([
      'BeforeInstall v2',
      'AfterInstall v2',
      'ApplicationStart v2',
      'ValidateService v2',
    ]);
    expect(fs.readFileSync(path.join(h.hostRoot(host), 'srv/app/VERSION'), 'utf8')).toBe('v2\n');
  }
}

/** Whether the deployment records a wait on its load balancers right now. */
async function waitRecorded(deploymentId: string): Promise<boolean> {
  const deployment = await h.runtime.store.getDeployment(deploymentId);
  return deployment !== undefined && 'trafficWait' in deployment && deployment.trafficWait !== undefined;
}

/** Where each step is hit: a call only that step makes, for the deployment under test. */
const STEP_FAULTS = [
  {
    step: 'StartDeployment',
    deploy: {},
    inject: (error: () => Error, times?: number) =>
      faults.inject('store', 'updateDeployment', { when: async (id, changes) => changes.status === 'InProgress' && (await faults.subject(id)), error, times }),
  },
  {
    step: 'PlanNextBatch (batch 2)',
    deploy: { config: ONE_AT_A_TIME },
    inject: (error: () => Error, times?: number) =>
      faults.inject('store', 'putBatch', { when: async (batch) => batch.batchNumber === 2 && (await faults.subject(batch.deploymentId)), error, times }),
  },
  {
    step: 'RunLifecycleEvent (AfterInstall)',
    deploy: {},
    inject: (error: () => Error, times?: number) =>
      faults.inject('hosts', 'dispatch', { when: async (d) => d.eventName === 'AfterInstall' && (await faults.subject(d.deploymentId)), error, times }),
  },
  {
    step: 'RunLifecycleEvent (AfterInstall, once the hosts were sent it)',
    deploy: {},
    inject: (error: () => Error, times?: number) =>
      faults.inject('hosts', 'dispatch', { when: async (d) => d.eventName === 'AfterInstall' && (await faults.subject(d.deploymentId)), after: true, error, times }),
  },
  {
    step: 'CheckTraffic',
    deploy: { loadBalancer: true },
    inject: (error: () => Error, times?: number) => {
      // The load balancer takes a while to drain the batch's hosts, so the flow waits and CheckTraffic looks again.
      faults.inject('traffic', 'deregister', {
        answer: (progress, _info, targetIds) => ({
          ...progress,
          done: false,
          pending: targetIds.map((targetId) => ({ targetId, loadBalancer: 'web-tg', state: 'draining' })),
        }),
      });
      return faults.inject('store', 'updateDeployment', {
        // Ending the recorded wait: what CheckTraffic writes once the load balancer is done.
        when: async (id, changes) =>
          'trafficWait' in changes && changes.trafficWait === undefined && changes.status === undefined && (await faults.subject(id)) && (await waitRecorded(id)),
        error,
        times,
      });
    },
  },
];

describe('server in-place fault: a step handler that fails', () => {
  useRuntime();

  it.each(STEP_FAULTS)('fault in $step for good: Failed with the cause, hosts closed, lock free, rolled back to v1', async ({ step, deploy, inject }) => {
    await deployBaseline(deploy);
    const fault = inject(() => permanentError(`${step} refused`));
    const view = await deployUnderFault(deploy);

    expect(fault.hits).toBe(1);
    await expectEnded(view, 'Failed', 'INTERNAL_ERROR', `injected: ${step} refused`);
    await expectRolledBack(view);
  });

  it.each(STEP_FAULTS)('fault in $step twice, transient: retried with backoff, and the deployment succeeds', async ({ step, deploy, inject }) => {
    const fault = inject(() => (step.startsWith('RunLifecycleEvent') ? transientAwsError(`${step} throttled`) : transientStoreError(`${step} throttled`)), 2);
    const view = await deployUnderFault(deploy);

    expect(fault.hits).toBe(2);
    await expectEnded(view, 'Succeeded');
    expect(view.rollbackInfo).toBeUndefined();
    expectDeployedOnce();
  });
});

/** Hosts that die at AfterInstall of the deployment under test, in the running test. */
let dying: readonly string[] = [];

/**
 * Local hosts, except that the dying ones are gone for the deployment under test from AfterInstall on: the event is
 * sent to them (SSM accepted the command), nothing runs, nothing reports, and there is nothing to collect.
 */
function runnerWithDeadHosts(): NonNullable<LocalRuntimeOptions['hostRunner']> {
  const dies = (dispatch: HostDispatch, targetId: string): boolean => dispatch.eventName === 'AfterInstall' && dying.includes(targetId);
  return (report, hostsDir): HostRunner => {
    const local = new LocalHostRunner({ hostsDir, report, concurrency: 4 });
    return {
      dispatch: async (dispatch, onSent) => {
        if (!(await faults.subject(dispatch.deploymentId))) return local.dispatch(dispatch, onSent);
        const scripts = dispatch.scripts.map((s) => ({ ...s, targetIds: s.targetIds.filter((id) => !dies(dispatch, id)) }));
        const dead = dispatch.scripts.flatMap((s) => s.targetIds.filter((id) => dies(dispatch, id)));
        const outcome = await local.dispatch({ ...dispatch, scripts }, onSent);
        if (dead.length > 0) await onSent?.(dead);
        return outcome;
      },
      collect: (collection) => local.collect(collection),
      cancel: (cancellation) => local.cancel(cancellation),
    };
  };
}

describe('server in-place fault: hosts that die mid-event, reports that never come', () => {
  useRuntime({ tokenTimeoutScale: TOKEN_TIMEOUT_SCALE, hostRunner: runnerWithDeadHosts() });

  it.each([
    { who: 'host-1 dies (the first batch)', dies: ['host-1'], config: ONE_AT_A_TIME, status: 'Failed', rolledBack: true },
    { who: 'host-2 dies (the last host, which OneAtATime lets fail)', dies: ['host-2'], config: ONE_AT_A_TIME, status: 'Succeeded', rolledBack: false },
    { who: 'every host dies: no report comes back at all', dies: HOSTS, config: ALL_AT_ONCE, status: 'Failed', rolledBack: true },
  ] as const)('fault: $who at AfterInstall; the event times out and the deployment ends per minimum healthy hosts', async ({ dies, config, status, rolledBack }) => {
    dying = dies;
    await deployBaseline();
    const view = await deployUnderFault({ config });

    if (rolledBack) {
      await expectEnded(view, 'Failed', 'HEALTH_CONSTRAINTS', 'too many individual instances failed deployment');
      await expectRolledBack(view);
    } else {
      await expectEnded(view, status);
      expect(view.rollbackInfo).toBeUndefined();
    }
    for (const host of dies) {
      const target = view.targets.find((t) => t.targetId === host)!;
      expect(target.status).toBe('Failed');
      expect(target.lifecycleEvents.find((e) => e.status === 'Failed')).toMatchObject({
        lifecycleEventName: 'AfterInstall',
        diagnostics: { message: "No result came back from the host for AfterInstall within the event's time limit" },
      });
    }
  });
});

/** Flipped: a late or repeated report that says the opposite of what the host reported first. */
function flipped(report: HostReport): HostReport {
  return { ...report, exitCode: report.exitCode === 0 ? 1 : 0, output: `${report.output}\nreplayed with the opposite result` };
}

type Replay = { readonly kind: 'repeat' | 'earlier event' | 'earlier batch'; readonly outcome: HostReportOutcome };

/** How each replayed report of the running test was answered. */
let replays: Replay[] = [];

/**
 * Local hosts whose every report for the deployment under test arrives twice, the second time saying the opposite,
 * and is followed by the report before it (an earlier event or batch), late and flipped too.
 */
function runnerReplayingReports(): NonNullable<LocalRuntimeOptions['hostRunner']> {
  const delivered: HostReport[] = [];
  return (report, hostsDir) =>
    new LocalHostRunner({
      hostsDir,
      concurrency: 4,
      report: async (r) => {
        await report(r);
        if (!(await faults.subject(r.deploymentId))) return;
        replays.push({ kind: 'repeat', outcome: (await hostReport(h.runtime.deps, flipped(r))).outcome });
        const earlier = delivered.findLast((d) => d.deploymentId === r.deploymentId && (d.batchNumber !== r.batchNumber || d.eventIndex !== r.eventIndex));
        if (earlier) {
          const kind = earlier.batchNumber === r.batchNumber ? 'earlier event' : 'earlier batch';
          replays.push({ kind, outcome: (await hostReport(h.runtime.deps, flipped(earlier))).outcome });
        }
        delivered.push(r);
      },
    });
}

describe('server in-place fault: duplicate and out-of-order host reports', () => {
  useRuntime({ hostRunner: runnerReplayingReports() });
  beforeEach(() => {
    replays = [];
  });

  it('fault: every report repeated with the opposite result, and an earlier event\'s or batch\'s report arriving late, are all refused', async () => {
    const failedReports = h.runtime.failedReports.length;
    const view = await deployUnderFault({ config: ONE_AT_A_TIME });

    await expectEnded(view, 'Succeeded');
    expect(view.rollbackInfo).toBeUndefined();
    for (const target of view.targets) expect(target.lifecycleEvents.map((e) => e.status)).toEqual(Array(7).fill('Succeeded'));
    expect(new Set(replays.map((r) => r.kind))).toEqual(new Set(['repeat', 'earlier event', 'earlier batch']));
    expect(replays.filter((r) => r.outcome === 'recorded')).toEqual([]);
    expect(h.runtime.failedReports.slice(failedReports)).toEqual([]);
  });

  it('fault: a failed host reporting success afterwards stays failed, and the deployment rolls back', async () => {
    await deployBaseline();
    const view = await deployUnderFault({ config: ONE_AT_A_TIME, failing: true });

    await expectEnded(view, 'Failed', 'HEALTH_CONSTRAINTS', 'too many individual instances failed deployment');
    const failed = view.targets.find((t) => t.targetId === 'host-1')!;
    expect(failed.status).toBe('Failed');
    expect(failed.lifecycleEvents.find((e) => e.lifecycleEventName === 'ValidateService')).toMatchObject({ status: 'Failed', diagnostics: { errorCode: 'ScriptFailed' } });
    expect(replays.length).toBeGreaterThan(0);
    expect(replays.filter((r) => r.outcome === 'recorded')).toEqual([]);
    await expectRolledBack(view);
  });
});

function conflict(write: string): Error {
  return new ConflictError(`injected: ConditionalCheckFailedException on ${write}`);
}

describe('server in-place fault: conditional writes that conflict mid-step', () => {
  useRuntime({ tokenTimeoutScale: TOKEN_TIMEOUT_SCALE });

  it.each([
    {
      write: 'the overview update of PlanNextBatch (batch 2)',
      config: ONE_AT_A_TIME,
      inject: () =>
        faults.inject('store', 'updateDeployment', {
          when: async (id, changes) =>
            Object.keys(changes).join() === 'deploymentOverview' && (await faults.subject(id)) && (await h.runtime.store.getBatch(id, 2)) !== undefined,
          error: () => conflict('the overview update of PlanNextBatch (batch 2)'),
        }),
    },
    {
      write: 'setGroupLockExecution in StartDeployment',
      config: ALL_AT_ONCE,
      inject: () =>
        faults.inject('store', 'setGroupLockExecution', {
          when: (_group, id) => faults.subject(id),
          error: () => conflict('setGroupLockExecution in StartDeployment'),
        }),
    },
    {
      write: "recordTargetEvent of host-1's AfterInstall",
      config: ALL_AT_ONCE,
      inject: () =>
        faults.inject('store', 'recordTargetEvent', {
          when: async (result) => result.targetId === 'host-1' && result.eventIndex === 4 && (await faults.subject(result.deploymentId)),
          error: () => conflict("recordTargetEvent of host-1's AfterInstall"),
        }),
    },
  ])('fault: $write conflicts on every attempt: Failed with the conflict, hosts closed, lock free, rolled back', async ({ write, config, inject }) => {
    await deployBaseline();
    const fault = inject();
    const view = await deployUnderFault({ config });

    expect(fault.hits).toBeGreaterThan(0);
    await expectEnded(view, 'Failed', 'INTERNAL_ERROR', `injected: ConditionalCheckFailedException on ${write}`);
    await expectRolledBack(view);
  });

  it('fault: the finish step\'s status write conflicts once as a stop lands: the retried finish ends it, once', async () => {
    const fault = faults.inject('store', 'updateDeployment', {
      when: async (id, changes, expected) => changes.status !== undefined && expected?.includes('InProgress') === true && (await faults.subject(id)),
      times: 1,
      meanwhile: async () => {
        const [deployment] = await h.runtime.store.listDeployments({ deploymentGroupName: group, statuses: ['InProgress'] });
        await requestStop(h.runtime.deps, deployment.deploymentId, undefined);
      },
      error: () => conflict('the status write of FinishDeployment'),
    });
    const view = await deployUnderFault();

    expect(fault.hits).toBe(1);
    // Every batch was done when the stop came: there was nothing left to stop.
    await expectEnded(view, 'Succeeded');
    expect(view.stopRequested).toBeDefined();
    expect(view.rollbackInfo).toBeUndefined();
    expectDeployedOnce();
  });
});
