// The fault cases the Lambda traffic-shift and ECS blue/green flows share (issue #6, item 6), written once and run by
// each platform's file on its own harness: a step that fails for good or only for a while, a hook that never reports,
// statuses that come twice, late or for another execution, and conditional writes that conflict. Whatever the fault,
// the deployment ends terminal with its cause, its target and hooks closed, the group lock released, and with
// automatic rollback all traffic back on the original (how that is read is the platform's).
import { requestStop } from '../../functions/api/deployment-stop';
import { ConflictError } from '../../functions/core/errors';
import type { DeploymentTarget, DeploymentView, TrafficDeployment } from '../../functions/core/types';
import type { HookInvocation } from '../../functions/ports';
import type { LocalRuntimeOptions } from '../../lib/local/local-runtime';
import { type Fault, FaultInjector, permanentError, transientAwsError } from './fault-injection';
import { HookReports, hooksStillPending, leftOpen } from './fault-outcomes';
import type { Harness } from './local-runtime-harness';
import type { HookBehaviour } from './scripted-hooks';

/** What the Lambda and ECS harnesses both offer: scripted hook functions and their invocations. */
export interface TrafficHarness extends Harness {
  /** Per hook function name; a hook not listed reports Succeeded. */
  readonly hooks: Record<string, HookBehaviour>;
  /** Every hook invocation, in order. */
  readonly invocations: { readonly hook: string; readonly event: HookInvocation }[];
}

export type TrafficHookEvent = 'BeforeAllowTraffic' | 'AfterAllowTraffic';

export interface TrafficDeployOptions {
  readonly config: string;
  readonly hooks?: readonly TrafficHookEvent[];
}

/** A deployment read back once it has ended, with its targets. */
export type TrafficView = TrafficDeployment & { readonly targets: readonly DeploymentTarget[] };

export interface Ending {
  readonly status: DeploymentView['status'];
  readonly code?: string;
  readonly cause?: string;
  /** What serves all traffic, where the platform can say (ECS: the task definition); its default when absent. */
  readonly serving?: string;
}

/** A step made to fail where only it calls a port. */
export interface StepFault {
  readonly step: string;
  readonly deploy: TrafficDeployOptions;
  /** Contained in the rollback message after the step failed for good; no message checked when absent. */
  readonly rollbackMessage?: string;
  /** Failed before any traffic moved: no shift recorded. */
  readonly neverShifted?: boolean;
  /** What serves all traffic after the step failed for good (see Ending). */
  readonly serving?: string;
  readonly inject: (faults: FaultInjector, error: () => Error, times?: number) => Fault;
}

export type HarnessOptions = Omit<LocalRuntimeOptions, 'stateDir' | 'persist' | 'hooks'>;

export interface TrafficFaultPlatform<H extends TrafficHarness, V extends TrafficView> {
  /** Starts every describe: "<name> fault: …". */
  readonly name: string;
  readonly configs: { readonly linear: string; readonly allAtOnce: string };
  /** The state machine's first and last steps, as their errors name them. */
  readonly steps: { readonly start: string; readonly finish: string };
  /** Every lifecycle event of the deployment's target, in order. */
  readonly lifecycleEvents: readonly string[];
  /** The function the appspec gives each hook event. */
  readonly hookFunctions: Readonly<Record<TrafficHookEvent, string>>;
  open(options: HarnessOptions): Promise<H>;
  /** Deploys with automatic rollback on failure and waits for the end. */
  deploy(h: H, options: TrafficDeployOptions): Promise<V>;
  /** All traffic where it must be once the deployment ended so. */
  expectTraffic(h: H, ending: Ending): Promise<void>;
  /** After a success: the last shift recorded put all traffic on the new version. */
  expectAllMoved(view: V): void;
  /** In a rollback message once traffic had moved: it went back to the original. */
  readonly restored: string;
  /** In the rollback message when the record of the second shift could not be written. */
  readonly secondShiftConflictRollback: string;
  /** Test titles: where traffic is after a failure, for a step fault and otherwise. */
  readonly titles: { readonly stepFailed: (fault: StepFault) => string; readonly failed: string };
  /** The call only the start step makes. */
  readonly startStepCall: StepFault['inject'];
  /** The faults in the platform's own steps, between the start step and the last hook. */
  readonly stepFaults: readonly StepFault[];
}

function conflict(write: string): Error {
  return new ConflictError(`injected: ConditionalCheckFailedException on ${write}`);
}

/** Registers the shared fault cases for one platform: its harness closed after each test. */
export function trafficFaultSuite<H extends TrafficHarness, V extends TrafficView>(platform: TrafficFaultPlatform<H, V>): void {
  const { name, configs, hookFunctions } = platform;
  let h: H | undefined;
  let faults: FaultInjector;
  afterEach(async () => {
    await h?.runtime.close();
    h = undefined;
  });

  async function open(options: HarnessOptions = {}): Promise<H> {
    faults = new FaultInjector();
    h = await platform.open({ ...options, decorate: faults.decorate });
    return h;
  }

  /** Terminal with the cause, target and hooks closed, the lock free, all traffic where it must be. */
  async function expectEnded(h: H, view: V, expected: Ending): Promise<void> {
    expect(view.status).toBe(expected.status);
    if (expected.code === undefined) expect(view.errorInformation).toBeUndefined();
    else expect(view.errorInformation).toEqual({ code: expected.code, message: expect.stringContaining(expected.cause ?? '') });
    expect(view.completeTime).toBeDefined();
    expect(leftOpen(view)).toEqual([]);
    expect(await hooksStillPending(h.runtime, view.deploymentId)).toEqual([]);
    expect(await h.runtime.store.getGroupLock(view.deploymentGroupId)).toBeUndefined();
    await platform.expectTraffic(h, expected);
  }

  /** Where each step is hit: a call only that step makes. */
  const stepFaults: readonly StepFault[] = [
    { step: platform.steps.start, deploy: { config: configs.allAtOnce }, neverShifted: true, inject: platform.startStepCall },
    ...platform.stepFaults,
    {
      step: 'RunHook (AfterAllowTraffic, all traffic moved)',
      deploy: { config: configs.allAtOnce, hooks: ['AfterAllowTraffic'] },
      rollbackMessage: platform.restored,
      inject: (faults, error, times) =>
        faults.inject('aliases', 'invokeHook', { when: (hookFunction) => hookFunction === hookFunctions.AfterAllowTraffic, error, times }),
    },
  ];

  describe(`${name} fault: a step handler that fails`, () => {
    it.each(stepFaults.map((fault) => ({ ...fault, traffic: platform.titles.stepFailed(fault) })))(
      'fault in $step for good: Failed with the cause, $traffic',
      async ({ step, deploy: options, rollbackMessage, neverShifted, serving, inject }) => {
        const h = await open();
        const fault = inject(faults, () => permanentError(`${step} refused`));
        const view = await platform.deploy(h, options);

        expect(fault.hits).toBe(1);
        await expectEnded(h, view, { status: 'Failed', code: 'INTERNAL_ERROR', cause: `injected: ${step} refused`, serving });
        if (rollbackMessage) expect(view.rollbackInfo?.rollbackMessage).toContain(rollbackMessage);
        if (neverShifted) expect(view.trafficShifts).toEqual([]);
      },
    );

    it.each(stepFaults)('fault in $step twice, transient: retried with backoff, and the deployment succeeds', async ({ step, deploy: options, inject }) => {
      const h = await open();
      const fault = inject(faults, () => transientAwsError(`${step} throttled`), 2);
      const view = await platform.deploy(h, options);

      expect(fault.hits).toBe(2);
      await expectEnded(h, view, { status: 'Succeeded' });
      platform.expectAllMoved(view);
      expect(h.invocations.map((i) => i.hook)).toEqual((options.hooks ?? []).map((event) => hookFunctions[event]));
    });
  });

  describe(`${name} fault: a hook that never reports`, () => {
    /** AfterAllowTraffic silent after all traffic moved; its one-hour limit passes in 0.1 s. */
    async function deploySilent(): Promise<{ h: H; view: V }> {
      const h = await open({ tokenTimeoutScale: 36_000 });
      h.hooks[hookFunctions.AfterAllowTraffic] = 'silent';
      return { h, view: await platform.deploy(h, { config: configs.allAtOnce, hooks: ['AfterAllowTraffic'] }) };
    }

    it(`fault: AfterAllowTraffic never reports after all traffic moved: TIMEOUT, the hook closed, ${platform.titles.failed}`, async () => {
      const { h, view } = await deploySilent();

      await expectEnded(h, view, { status: 'Failed', code: 'TIMEOUT' });
      expect(view.rollbackInfo?.rollbackMessage).toContain(platform.restored);
      expect(await h.runtime.store.getHookExecution(view.deploymentId, 'AfterAllowTraffic')).toMatchObject({
        status: 'Failed',
        message: 'No status was reported for this hook within one hour',
      });
    });

    // Step Functions' timeout says nothing of the hook (on AWS it has no cause at all): the finish step names it.
    it('fault: AfterAllowTraffic never reports: the TIMEOUT message names the silent hook and its function', async () => {
      const { view } = await deploySilent();

      expect(view.errorInformation?.message).toContain('AfterAllowTraffic');
      expect(view.errorInformation?.message).toContain(hookFunctions.AfterAllowTraffic);
    });
  });

  describe(`${name} fault: duplicate, late and foreign hook statuses`, () => {
    it.each([
      { first: 'Succeeded', then: 'Failed', status: 'Succeeded', code: undefined },
      { first: 'Failed', then: 'Succeeded', status: 'Failed', code: 'HOOK_EXECUTION_FAILURE' },
    ] as const)(
      'fault: AfterAllowTraffic reports $first, then again, then $then, and BeforeAllowTraffic reports again late: only the first counts',
      async ({ first, then, status, code }) => {
        const h = await open();
        const reports = new HookReports(() => h.runtime);
        const earlierExecution = () => h.invocations.find((i) => i.hook === hookFunctions.BeforeAllowTraffic)!.event.LifecycleEventHookExecutionId;
        h.hooks[hookFunctions.AfterAllowTraffic] = reports.behaviour([
          { label: 'first', status: first },
          { label: 'repeated', status: first },
          { label: 'opposite', status: then },
          { label: 'earlier hook, late', status: 'Failed', executionId: earlierExecution },
        ]);
        const view = await platform.deploy(h, { config: configs.allAtOnce, hooks: ['BeforeAllowTraffic', 'AfterAllowTraffic'] });

        expect(await reports.settled()).toEqual([
          { label: 'first', answer: 'accepted' },
          { label: 'repeated', answer: 'ConflictError' },
          { label: 'opposite', answer: 'ConflictError' },
          { label: 'earlier hook, late', answer: 'ConflictError' },
        ]);
        await expectEnded(h, view, { status, code, cause: code && hookFunctions.AfterAllowTraffic });
        const events = Object.fromEntries(view.targets[0].lifecycleEvents.map((e) => [e.lifecycleEventName, e.status]));
        expect(Object.keys(events)).toEqual(platform.lifecycleEvents);
        expect(events).toMatchObject({ BeforeAllowTraffic: 'Succeeded', AllowTraffic: 'Succeeded', AfterAllowTraffic: first });
        expect(await h.runtime.store.getHookExecution(view.deploymentId, 'AfterAllowTraffic')).toMatchObject({ status: first });
      },
    );

    it("fault: a status for another deployment's hook execution is refused, both ways, and changes neither deployment", async () => {
      const h = await open();
      const before = hookFunctions.BeforeAllowTraffic;
      h.hooks[before] = 'Failed';
      const earlier = await platform.deploy(h, { config: configs.allAtOnce, hooks: ['BeforeAllowTraffic'] });
      const earlierExecution = h.invocations[0].event.LifecycleEventHookExecutionId;
      const reports = new HookReports(() => h.runtime);
      h.hooks[before] = reports.behaviour([
        { label: "the earlier deployment's execution", status: 'Succeeded', executionId: () => earlierExecution },
        { label: 'this execution, for the earlier deployment', status: 'Succeeded', deploymentId: () => earlier.deploymentId },
        { label: 'own', status: 'Succeeded' },
      ]);
      const view = await platform.deploy(h, { config: configs.allAtOnce, hooks: ['BeforeAllowTraffic'] });

      expect(await reports.settled()).toEqual([
        { label: "the earlier deployment's execution", answer: 'NotFoundError' },
        { label: 'this execution, for the earlier deployment', answer: 'NotFoundError' },
        { label: 'own', answer: 'accepted' },
      ]);
      await expectEnded(h, view, { status: 'Succeeded' });
      expect(await h.runtime.view(earlier.deploymentId)).toMatchObject({ status: 'Failed', errorInformation: earlier.errorInformation });
      expect(await h.runtime.store.getHookExecution(earlier.deploymentId, 'BeforeAllowTraffic')).toMatchObject({ status: 'Failed' });
    });
  });

  describe(`${name} fault: conditional writes that conflict mid-step`, () => {
    const lockWrite = `setGroupLockExecution in ${platform.steps.start}`;
    it.each([
      {
        write: 'the record of the second shift',
        rollbackMessage: platform.secondShiftConflictRollback,
        neverShifted: false,
        inject: () =>
          faults.inject('store', 'updateDeployment', {
            when: (_id, changes) => 'shiftsDone' in changes && changes.shiftsDone === 2,
            error: () => conflict('the record of the second shift'),
          }),
      },
      {
        write: lockWrite,
        rollbackMessage: undefined,
        neverShifted: true,
        inject: () => faults.inject('store', 'setGroupLockExecution', { error: () => conflict(lockWrite) }),
      },
    ])(`fault: $write conflicts on every attempt: Failed with the conflict, ${platform.titles.failed}`, async ({ write, rollbackMessage, neverShifted, inject }) => {
      const h = await open();
      const fault = inject();
      const view = await platform.deploy(h, { config: configs.linear });

      // CreateDeployment also records the execution on the lock; it lets a conflict pass and leaves it to the step.
      expect(fault.hits).toBeGreaterThan(0);
      await expectEnded(h, view, { status: 'Failed', code: 'INTERNAL_ERROR', cause: `injected: ConditionalCheckFailedException on ${write}` });
      if (rollbackMessage) expect(view.rollbackInfo?.rollbackMessage).toContain(rollbackMessage);
      if (neverShifted) expect(view.trafficShifts).toEqual([]);
    });

    it("fault: the finish step's status write conflicts once as a stop lands: the retried finish ends it, once", async () => {
      const h = await open();
      const fault = faults.inject('store', 'updateDeployment', {
        when: (_id, changes, expected) => changes.status !== undefined && expected?.includes('InProgress') === true,
        times: 1,
        meanwhile: async () => {
          const [deployment] = await h.runtime.store.listDeployments({ statuses: ['InProgress'] });
          await requestStop(h.runtime.deps, deployment.deploymentId, undefined);
        },
        error: () => conflict(`the status write of ${platform.steps.finish}`),
      });
      const finishes: string[] = [];
      h.runtime.events.subscribe((change) => {
        if (change.kind === 'deployment' && change.deployment.completeTime) finishes.push(change.deployment.status);
      });
      const view = await platform.deploy(h, { config: configs.allAtOnce, hooks: ['AfterAllowTraffic'] });

      expect(fault.hits).toBe(1);
      // All traffic had moved, every hook succeeded (and, on ECS, the original was gone) when the stop came: there was
      // nothing left to stop.
      await expectEnded(h, view, { status: 'Succeeded' });
      expect(view.stopRequested).toBeDefined();
      expect(finishes).toEqual(['Succeeded']);
    });
  });
}
