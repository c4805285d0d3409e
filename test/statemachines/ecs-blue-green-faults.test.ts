// Fault injection on the ECS blue/green flow (issue #6, item 6): a step that fails for good or only for a while, a
// hook that never reports, statuses that come twice, late or for another execution, and conditional writes that
// conflict. Whatever the fault, the deployment ends terminal with its cause, its target and hooks closed, the group
// lock released, and with automatic rollback the service back on its original task set alone, with all traffic.
import { requestStop } from '../../functions/api/deployment-stop';
import { ConflictError } from '../../functions/core/errors';
import type { DeploymentView, EcsDeployment } from '../../functions/core/types';
import { ecsDeployment } from '../../functions/steps/deployment-context';
import type { LocalRuntimeOptions } from '../../lib/local/local-runtime';
import { type EcsDeployOptions, type EcsHarness, openEcsHarness, startEcsDeployment } from '../support/ecs-harness';
import { type Fault, FaultInjector, permanentError, transientAwsError } from '../support/fault-injection';
import { HookReports, hooksStillPending, leftOpen } from '../support/fault-outcomes';

const LINEAR = 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes';
const ALL_AT_ONCE = 'CodeDeployDefault.ECSAllAtOnce';

let h: EcsHarness;
let faults: FaultInjector;
/** The task set serving before the deployment, which a rollback goes back to. */
let originalArn: string;
afterEach(async () => h.runtime.close());

async function open(options: Omit<LocalRuntimeOptions, 'stateDir' | 'persist' | 'hooks' | 'decorate'> = {}): Promise<void> {
  faults = new FaultInjector();
  h = await openEcsHarness({ ...options, decorate: faults.decorate });
  originalArn = (await h.runtime.ecsServices.describe('main', 'web')).taskSets[0].arn;
}

/** With automatic rollback on failure, as every deployment here. */
async function deploy(options: Omit<EcsDeployOptions, 'autoRollback'>): Promise<DeploymentView & EcsDeployment> {
  const view = await h.runtime.waitForDeployment(await startEcsDeployment(h, { ...options, autoRollback: true }));
  return { ...ecsDeployment(view), targets: view.targets };
}

/** The service's task sets, as "<task definition> <status> <percent of production traffic>". */
async function taskSets(): Promise<string[]> {
  const service = await h.runtime.ecsServices.describe('main', 'web');
  return service.taskSets.map((taskSet) => {
    const share = taskSet.trafficWeights.find((w) => w.listenerArn === h.listeners.prod)?.percent ?? 0;
    return `${taskSet.taskDefinition.split('/').pop()} ${taskSet.status} ${share}%`;
  });
}

/**
 * Terminal with the cause, target and hooks closed, the lock free, one task set with all traffic: the new one after a
 * success, else the original (or, once the original was removed, the only one left).
 */
async function expectEnded(
  view: DeploymentView & EcsDeployment,
  expected: { status: DeploymentView['status']; code?: string; cause?: string; serving?: 'web:1' | 'web:2' },
): Promise<void> {
  expect(view.status).toBe(expected.status);
  if (expected.code === undefined) expect(view.errorInformation).toBeUndefined();
  else expect(view.errorInformation).toEqual({ code: expected.code, message: expect.stringContaining(expected.cause ?? '') });
  expect(view.completeTime).toBeDefined();
  expect(leftOpen(view)).toEqual([]);
  expect(await hooksStillPending(h.runtime, view.deploymentId)).toEqual([]);
  expect(await h.runtime.store.getGroupLock(view.deploymentGroupId)).toBeUndefined();
  const serving = expected.serving ?? (expected.status === 'Succeeded' ? 'web:2' : 'web:1');
  expect(await taskSets()).toEqual([`${serving} PRIMARY 100%`]);
}

/** Where each step is hit: a call only that step makes. */
const STEP_FAULTS: readonly {
  readonly step: string;
  readonly deploy: Omit<EcsDeployOptions, 'autoRollback'>;
  readonly rollbackMessage: string | undefined;
  readonly serving: 'web:1' | 'web:2';
  readonly inject: (error: () => Error, times?: number) => Fault;
}[] = [
  {
    step: 'StartEcsDeployment',
    deploy: { config: ALL_AT_ONCE },
    rollbackMessage: undefined,
    serving: 'web:1',
    inject: (error: () => Error, times?: number) => faults.inject('ecs', 'describeService', { error, times }),
  },
  {
    step: 'AdvanceEcs (creating the replacement task set)',
    deploy: { config: ALL_AT_ONCE },
    rollbackMessage: undefined,
    serving: 'web:1',
    inject: (error: () => Error, times?: number) => faults.inject('ecs', 'createTaskSet', { error, times }),
  },
  {
    step: 'AdvanceEcs (the replacement task set created, the answer lost)',
    deploy: { config: ALL_AT_ONCE },
    rollbackMessage: 'production traffic never reached it',
    serving: 'web:1',
    inject: (error: () => Error, times?: number) => faults.inject('ecs', 'createTaskSet', { after: true, error, times }),
  },
  {
    step: 'AdvanceEcs (the second production shift, to 20 %)',
    deploy: { config: LINEAR },
    rollbackMessage: 'Traffic restored to task set',
    serving: 'web:1',
    inject: (error: () => Error, times?: number) =>
      faults.inject('ecs', 'routeTraffic', { when: (_listener, weights) => weights.some((w) => w.percent === 20), error, times }),
  },
  {
    step: 'AdvanceEcs (making the replacement primary, all traffic moved)',
    deploy: { config: ALL_AT_ONCE },
    rollbackMessage: 'Traffic restored to task set',
    serving: 'web:1',
    inject: (error: () => Error, times?: number) => faults.inject('ecs', 'makePrimary', { when: (...args) => args[2] !== originalArn, error, times }),
  },
  {
    step: 'AdvanceEcs (the replacement made primary, the answer lost)',
    deploy: { config: ALL_AT_ONCE },
    rollbackMessage: 'Traffic restored to task set',
    serving: 'web:1',
    inject: (error: () => Error, times?: number) =>
      faults.inject('ecs', 'makePrimary', { when: (...args) => args[2] !== originalArn, after: true, error, times }),
  },
  {
    step: 'AdvanceEcs (the original task set removed, the answer lost)',
    deploy: { config: ALL_AT_ONCE },
    // Nothing to give traffic back to: the replacement, all the service has left, keeps it.
    rollbackMessage: 'was already removed, so task set',
    serving: 'web:2',
    inject: (error: () => Error, times?: number) =>
      faults.inject('ecs', 'deleteTaskSet', { when: (...args) => args[2] === originalArn, after: true, error, times }),
  },
  {
    step: 'RunHook (AfterAllowTraffic, all traffic moved)',
    deploy: { config: ALL_AT_ONCE, hooks: ['AfterAllowTraffic'] as const },
    rollbackMessage: 'Traffic restored to task set',
    serving: 'web:1',
    inject: (error: () => Error, times?: number) =>
      faults.inject('aliases', 'invokeHook', { when: (hookFunction) => hookFunction === 'AfterAllowTraffic', error, times }),
  },
];

describe('ECS blue/green fault: a step handler that fails', () => {
  it.each(STEP_FAULTS)('fault in $step for good: Failed with the cause, $serving alone with all traffic', async ({ step, deploy: options, rollbackMessage, serving, inject }) => {
    await open();
    const fault = inject(() => permanentError(`${step} refused`));
    const view = await deploy(options);

    expect(fault.hits).toBe(1);
    await expectEnded(view, { status: 'Failed', code: 'INTERNAL_ERROR', cause: `injected: ${step} refused`, serving });
    if (rollbackMessage) expect(view.rollbackInfo?.rollbackMessage).toContain(rollbackMessage);
  });

  it.each(STEP_FAULTS)('fault in $step twice, transient: retried with backoff, and the deployment succeeds', async ({ step, deploy: options, inject }) => {
    await open();
    const fault = inject(() => transientAwsError(`${step} throttled`), 2);
    const view = await deploy(options);

    expect(fault.hits).toBe(2);
    await expectEnded(view, { status: 'Succeeded' });
    expect(h.invocations.map((i) => i.hook)).toEqual([...(options.hooks ?? [])]);
  });
});

describe('ECS blue/green fault: a hook that never reports', () => {
  /** AfterAllowTraffic silent after all traffic moved; its one-hour limit passes in 0.1 s. */
  async function deploySilent(): Promise<DeploymentView & EcsDeployment> {
    await open({ tokenTimeoutScale: 36_000 });
    h.hooks.AfterAllowTraffic = 'silent';
    return deploy({ config: ALL_AT_ONCE, hooks: ['AfterAllowTraffic'] });
  }

  it('fault: AfterAllowTraffic never reports after all traffic moved: TIMEOUT, the hook closed, the original task set back', async () => {
    const view = await deploySilent();

    await expectEnded(view, { status: 'Failed', code: 'TIMEOUT' });
    expect(view.rollbackInfo?.rollbackMessage).toContain('Traffic restored to task set');
    expect(await h.runtime.store.getHookExecution(view.deploymentId, 'AfterAllowTraffic')).toMatchObject({
      status: 'Failed',
      message: 'No status was reported for this hook within one hour',
    });
  });

  // Step Functions' timeout says nothing of the hook (on AWS it has no cause at all): the finish step names it.
  it('fault: AfterAllowTraffic never reports: the TIMEOUT message names the silent hook', async () => {
    const view = await deploySilent();

    expect(view.errorInformation?.message).toContain('AfterAllowTraffic');
  });
});

describe('ECS blue/green fault: duplicate, late and foreign hook statuses', () => {
  it.each([
    { first: 'Succeeded', then: 'Failed', status: 'Succeeded', code: undefined },
    { first: 'Failed', then: 'Succeeded', status: 'Failed', code: 'HOOK_EXECUTION_FAILURE' },
  ] as const)(
    'fault: AfterAllowTraffic reports $first, then again, then $then, and BeforeAllowTraffic reports again late: only the first counts',
    async ({ first, then, status, code }) => {
      await open();
      const reports = new HookReports(() => h.runtime);
      const earlierExecution = () => h.invocations.find((i) => i.hook === 'BeforeAllowTraffic')!.event.LifecycleEventHookExecutionId;
      h.hooks.AfterAllowTraffic = reports.behaviour([
        { label: 'first', status: first },
        { label: 'repeated', status: first },
        { label: 'opposite', status: then },
        { label: 'earlier hook, late', status: 'Failed', executionId: earlierExecution },
      ]);
      const view = await deploy({ config: ALL_AT_ONCE, hooks: ['BeforeAllowTraffic', 'AfterAllowTraffic'] });

      expect(await reports.settled()).toEqual([
        { label: 'first', answer: 'accepted' },
        { label: 'repeated', answer: 'ConflictError' },
        { label: 'opposite', answer: 'ConflictError' },
        { label: 'earlier hook, late', answer: 'ConflictError' },
      ]);
      await expectEnded(view, { status, code, cause: code && 'AfterAllowTraffic' });
      const events = Object.fromEntries(view.targets[0].lifecycleEvents.map((e) => [e.lifecycleEventName, e.status]));
      expect(events).toMatchObject({ BeforeAllowTraffic: 'Succeeded', AllowTraffic: 'Succeeded', AfterAllowTraffic: first });
      expect(await h.runtime.store.getHookExecution(view.deploymentId, 'AfterAllowTraffic')).toMatchObject({ status: first });
    },
  );

  it("fault: a status for another deployment's hook execution is refused, both ways, and changes neither deployment", async () => {
    await open();
    h.hooks.BeforeAllowTraffic = 'Failed';
    const earlier = await deploy({ config: ALL_AT_ONCE, hooks: ['BeforeAllowTraffic'] });
    const earlierExecution = h.invocations[0].event.LifecycleEventHookExecutionId;
    const reports = new HookReports(() => h.runtime);
    h.hooks.BeforeAllowTraffic = reports.behaviour([
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

describe('ECS blue/green fault: conditional writes that conflict mid-step', () => {
  it.each([
    {
      write: 'the record of the second shift',
      // The listeners had 20 % on the replacement, but its record still says 10 %, and the message goes by the record.
      rollbackMessage: 'Traffic restored to task set',
      inject: () =>
        faults.inject('store', 'updateDeployment', { when: (_id, changes) => 'shiftsDone' in changes && changes.shiftsDone === 2, error: () => conflict('the record of the second shift') }),
    },
    {
      write: 'setGroupLockExecution in StartEcsDeployment',
      rollbackMessage: undefined,
      inject: () => faults.inject('store', 'setGroupLockExecution', { error: () => conflict('setGroupLockExecution in StartEcsDeployment') }),
    },
  ])('fault: $write conflicts on every attempt: Failed with the conflict, the original task set alone with all traffic', async ({ write, rollbackMessage, inject }) => {
    await open();
    const fault = inject();
    const view = await deploy({ config: LINEAR });

    // CreateDeployment also records the execution on the lock; it lets a conflict pass and leaves it to the step.
    expect(fault.hits).toBeGreaterThan(0);
    await expectEnded(view, { status: 'Failed', code: 'INTERNAL_ERROR', cause: `injected: ConditionalCheckFailedException on ${write}` });
    if (rollbackMessage) expect(view.rollbackInfo?.rollbackMessage).toContain(rollbackMessage);
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
      error: () => conflict('the status write of FinishEcsDeployment'),
    });
    const finishes: string[] = [];
    h.runtime.events.subscribe((change) => {
      if (change.kind === 'deployment' && change.deployment.completeTime) finishes.push(change.deployment.status);
    });
    const view = await deploy({ config: ALL_AT_ONCE, hooks: ['AfterAllowTraffic'] });

    expect(fault.hits).toBe(1);
    // All traffic had moved, every hook succeeded and the original was gone when the stop came: nothing left to stop.
    await expectEnded(view, { status: 'Succeeded' });
    expect(view.stopRequested).toBeDefined();
    expect(finishes).toEqual(['Succeeded']);
  });
});
