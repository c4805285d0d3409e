// Fault injection on the Lambda traffic-shift flow (issue #6, item 6): a step that fails for good or only for a
// while, a hook that never reports, statuses that come twice, late or for another execution, and conditional writes
// that conflict. Whatever the fault, the deployment ends terminal with its cause, its target and hooks closed, the
// group lock released, and with automatic rollback the alias back on CurrentVersion alone.
import { requestStop } from '../../functions/api/deployment-stop';
import { ConflictError } from '../../functions/core/errors';
import type { DeploymentView, LambdaDeployment } from '../../functions/core/types';
import { lambdaDeployment } from '../../functions/steps/deployment-context';
import type { LocalRuntimeOptions } from '../../lib/local/local-runtime';
import { FaultInjector, permanentError, transientAwsError } from '../support/fault-injection';
import { HookReports, hooksStillPending, leftOpen } from '../support/fault-outcomes';
import { type LambdaDeployOptions, type LambdaHarness, openLambdaHarness, startLambdaDeployment } from '../support/lambda-harness';

const LINEAR = 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute';
const ALL_AT_ONCE = 'CodeDeployDefault.LambdaAllAtOnce';
const ON_CURRENT = { functionVersion: '1', additionalVersionWeights: {} };
const ON_TARGET = { functionVersion: '2', additionalVersionWeights: {} };

let h: LambdaHarness;
let faults: FaultInjector;
afterEach(async () => h.runtime.close());

async function open(options: Omit<LocalRuntimeOptions, 'stateDir' | 'persist' | 'hooks' | 'decorate'> = {}): Promise<void> {
  faults = new FaultInjector();
  h = await openLambdaHarness({ ...options, decorate: faults.decorate });
}

/** With automatic rollback on failure, as every deployment here. */
async function deploy(options: Omit<LambdaDeployOptions, 'autoRollback'>): Promise<DeploymentView & LambdaDeployment> {
  const view = await h.runtime.waitForDeployment(await startLambdaDeployment(h, { ...options, autoRollback: true }));
  return { ...lambdaDeployment(view), targets: view.targets };
}

/** Terminal with the cause, target and hooks closed, the lock free, the alias where it must be. */
async function expectEnded(
  view: DeploymentView & LambdaDeployment,
  expected: { status: DeploymentView['status']; code?: string; cause?: string },
): Promise<void> {
  expect(view.status).toBe(expected.status);
  if (expected.code === undefined) expect(view.errorInformation).toBeUndefined();
  else expect(view.errorInformation).toEqual({ code: expected.code, message: expect.stringContaining(expected.cause ?? '') });
  expect(view.completeTime).toBeDefined();
  expect(leftOpen(view)).toEqual([]);
  expect(await hooksStillPending(h.runtime, view.deploymentId)).toEqual([]);
  expect(await h.runtime.store.getGroupLock(view.deploymentGroupId)).toBeUndefined();
  expect(await h.runtime.lambdaFunctions.getAlias('fn', 'live')).toEqual(expected.status === 'Succeeded' ? ON_TARGET : ON_CURRENT);
}

/** Where each step is hit: a call only that step makes. */
const STEP_FAULTS = [
  {
    step: 'StartLambdaDeployment',
    deploy: { config: ALL_AT_ONCE },
    moved: false,
    inject: (error: () => Error, times?: number) => faults.inject('aliases', 'versionExists', { error, times }),
  },
  {
    step: 'ShiftAlias (the second shift, to 20 %)',
    deploy: { config: LINEAR },
    moved: true,
    inject: (error: () => Error, times?: number) => faults.inject('aliases', 'shift', { when: (...args) => args[4] === 20, error, times }),
  },
  {
    step: 'RunHook (AfterAllowTraffic, all traffic moved)',
    deploy: { config: ALL_AT_ONCE, hooks: ['AfterAllowTraffic'] as const },
    moved: true,
    inject: (error: () => Error, times?: number) => faults.inject('aliases', 'invokeHook', { when: (hookFunction) => hookFunction === 'post', error, times }),
  },
];

describe('Lambda traffic shift fault: a step handler that fails', () => {
  it.each(STEP_FAULTS)('fault in $step for good: Failed with the cause, the alias back on version 1', async ({ step, deploy: options, moved, inject }) => {
    await open();
    const fault = inject(() => permanentError(`${step} refused`));
    const view = await deploy(options);

    expect(fault.hits).toBe(1);
    await expectEnded(view, { status: 'Failed', code: 'INTERNAL_ERROR', cause: `injected: ${step} refused` });
    if (moved) expect(view.rollbackInfo?.rollbackMessage).toContain('Traffic restored to version 1');
    else expect(view.trafficShifts).toEqual([]);
  });

  it.each(STEP_FAULTS)('fault in $step twice, transient: retried with backoff, and the deployment succeeds', async ({ step, deploy: options, inject }) => {
    await open();
    const fault = inject(() => transientAwsError(`${step} throttled`), 2);
    const view = await deploy(options);

    expect(fault.hits).toBe(2);
    await expectEnded(view, { status: 'Succeeded' });
    expect(view.trafficShifts[view.trafficShifts.length - 1].weights).toEqual({ '2': 100 });
    expect(h.invocations.map((i) => i.hook)).toEqual(options.hooks?.length ? ['post'] : []);
  });
});

describe('Lambda traffic shift fault: a hook that never reports', () => {
  /** AfterAllowTraffic silent after all traffic moved; its one-hour limit passes in 0.1 s. */
  async function deploySilent(): Promise<DeploymentView & LambdaDeployment> {
    await open({ tokenTimeoutScale: 36_000 });
    h.hooks.post = 'silent';
    return deploy({ config: ALL_AT_ONCE, hooks: ['AfterAllowTraffic'] });
  }

  it('fault: AfterAllowTraffic never reports after all traffic moved: TIMEOUT, the hook closed, the alias back on version 1', async () => {
    const view = await deploySilent();

    await expectEnded(view, { status: 'Failed', code: 'TIMEOUT' });
    expect(view.rollbackInfo?.rollbackMessage).toContain('Traffic restored to version 1');
    expect(await h.runtime.store.getHookExecution(view.deploymentId, 'AfterAllowTraffic')).toMatchObject({
      status: 'Failed',
      message: 'No status was reported for this hook within one hour',
    });
  });

  // Step Functions' timeout says nothing of the hook (on AWS it has no cause at all): the finish step names it.
  it('fault: AfterAllowTraffic never reports: the TIMEOUT message names the silent hook and its function', async () => {
    const view = await deploySilent();

    expect(view.errorInformation?.message).toContain('AfterAllowTraffic');
    expect(view.errorInformation?.message).toContain('post');
  });
});

describe('Lambda traffic shift fault: duplicate, late and foreign hook statuses', () => {
  it.each([
    { first: 'Succeeded', then: 'Failed', status: 'Succeeded', code: undefined },
    { first: 'Failed', then: 'Succeeded', status: 'Failed', code: 'HOOK_EXECUTION_FAILURE' },
  ] as const)(
    'fault: AfterAllowTraffic reports $first, then again, then $then, and BeforeAllowTraffic reports again late: only the first counts',
    async ({ first, then, status, code }) => {
      await open();
      const reports = new HookReports(() => h.runtime);
      const preExecution = () => h.invocations.find((i) => i.hook === 'pre')!.event.LifecycleEventHookExecutionId;
      h.hooks.post = reports.behaviour([
        { label: 'first', status: first },
        { label: 'repeated', status: first },
        { label: 'opposite', status: then },
        { label: 'earlier hook, late', status: 'Failed', executionId: preExecution },
      ]);
      const view = await deploy({ config: ALL_AT_ONCE, hooks: ['BeforeAllowTraffic', 'AfterAllowTraffic'] });

      expect(await reports.settled()).toEqual([
        { label: 'first', answer: 'accepted' },
        { label: 'repeated', answer: 'ConflictError' },
        { label: 'opposite', answer: 'ConflictError' },
        { label: 'earlier hook, late', answer: 'ConflictError' },
      ]);
      await expectEnded(view, { status, code, cause: code && 'post' });
      const events = Object.fromEntries(view.targets[0].lifecycleEvents.map((e) => [e.lifecycleEventName, e.status]));
      expect(events).toEqual({ BeforeAllowTraffic: 'Succeeded', AllowTraffic: 'Succeeded', AfterAllowTraffic: first });
      expect(await h.runtime.store.getHookExecution(view.deploymentId, 'AfterAllowTraffic')).toMatchObject({ status: first });
    },
  );

  it("fault: a status for another deployment's hook execution is refused, both ways, and changes neither deployment", async () => {
    await open();
    h.hooks.pre = 'Failed';
    const earlier = await deploy({ config: ALL_AT_ONCE, hooks: ['BeforeAllowTraffic'] });
    const earlierExecution = h.invocations[0].event.LifecycleEventHookExecutionId;
    const reports = new HookReports(() => h.runtime);
    h.hooks.pre = reports.behaviour([
      { label: "the earlier deployment's execution", status: 'Succeeded', executionId: () => earlierExecution },
      { label: 'this execution, for the earlier deployment', status: 'Succeeded', deploymentId: () => earlier.deploymentId },
      { label: 'own', status: 'Succeeded' },
    ]);
    const view = await deploy({ config: ALL_AT_ONCE, hooks: ['BeforeAllowTraffic'] });

    expect(await reports.settled()).toEqual([
      { label: "the earlier deployment's execution", answer: 'NotFoundError' },
      { label: 'this execution, for the earlier deployment', answer: 'NotFoundError' },
      { label: 'own', answer: 'accepted' },
    ]);
    await expectEnded(view, { status: 'Succeeded' });
    expect(await h.runtime.view(earlier.deploymentId)).toMatchObject({ status: 'Failed', errorInformation: earlier.errorInformation });
    expect(await h.runtime.store.getHookExecution(earlier.deploymentId, 'BeforeAllowTraffic')).toMatchObject({ status: 'Failed' });
  });
});

function conflict(write: string): Error {
  return new ConflictError(`injected: ConditionalCheckFailedException on ${write}`);
}

describe('Lambda traffic shift fault: conditional writes that conflict mid-step', () => {
  it.each([
    {
      write: 'the record of the second shift',
      moved: true,
      inject: () =>
        faults.inject('store', 'updateDeployment', { when: (_id, changes) => 'shiftsDone' in changes && changes.shiftsDone === 2, error: () => conflict('the record of the second shift') }),
    },
    {
      write: 'setGroupLockExecution in StartLambdaDeployment',
      moved: false,
      inject: () => faults.inject('store', 'setGroupLockExecution', { error: () => conflict('setGroupLockExecution in StartLambdaDeployment') }),
    },
  ])('fault: $write conflicts on every attempt: Failed with the conflict, the alias back on version 1', async ({ write, moved, inject }) => {
    await open();
    const fault = inject();
    const view = await deploy({ config: LINEAR });

    // CreateDeployment also records the execution on the lock; it lets a conflict pass and leaves it to the step.
    expect(fault.hits).toBeGreaterThan(0);
    await expectEnded(view, { status: 'Failed', code: 'INTERNAL_ERROR', cause: `injected: ConditionalCheckFailedException on ${write}` });
    if (moved) expect(view.rollbackInfo?.rollbackMessage).toContain('it had 20% on version 2');
    else expect(view.trafficShifts).toEqual([]);
  });

  it("fault: the finish step's status write conflicts once as a stop lands: the retried finish ends it, once", async () => {
    await open();
    const fault = faults.inject('store', 'updateDeployment', {
      when: (_id, changes, expected) => changes.status !== undefined && expected?.includes('InProgress') === true,
      times: 1,
      meanwhile: async () => {
        const [deployment] = await h.runtime.store.listDeployments({ statuses: ['InProgress'] });
        await requestStop(h.runtime.deps, deployment.deploymentId, undefined);
      },
      error: () => conflict('the status write of FinishLambdaDeployment'),
    });
    const finishes: string[] = [];
    h.runtime.events.subscribe((change) => {
      if (change.kind === 'deployment' && change.deployment.completeTime) finishes.push(change.deployment.status);
    });
    const view = await deploy({ config: ALL_AT_ONCE, hooks: ['AfterAllowTraffic'] });

    expect(fault.hits).toBe(1);
    // All traffic had moved and every hook succeeded when the stop came: there was nothing left to stop.
    await expectEnded(view, { status: 'Succeeded' });
    expect(view.stopRequested).toBeDefined();
    expect(finishes).toEqual(['Succeeded']);
  });
});
