// The Lambda traffic-shift state machine on the embedded runtime, end to end: hooks, shifts and their waits, and
// everything that ends a deployment early (a failing or silent hook, an alarm, a continue, a stop).
import type { DeploymentView, LambdaDeployment } from '../../functions/core/types';
import type { StateChange, StepDependencies } from '../../functions/ports';
import { TransientAwsError, TransientStoreError } from '../../functions/core/errors';
import { reportHookStatus } from '../../functions/steps/traffic/hook-status';
import { continueTrafficShift } from '../../functions/steps/traffic/traffic-wait-control';
import { requestStop } from '../../functions/api/deployment-stop';
import { lambdaDeployment } from '../../functions/steps/deployment-context';
import { type LambdaHarness, openLambdaHarness, startLambdaDeployment } from '../support/lambda-harness';

const LINEAR = 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute';
const CANARY = 'CodeDeployDefault.LambdaCanary10Percent30Minutes';

let h: LambdaHarness;
afterEach(async () => h.runtime.close());

async function finished(deploymentId: string): Promise<DeploymentView & LambdaDeployment> {
  const view = await h.runtime.waitForDeployment(deploymentId);
  return { ...lambdaDeployment(view), targets: view.targets };
}

/** Percent on version 2 after each recorded change of the alias. */
const onTarget = (view: LambdaDeployment): number[] => view.trafficShifts.map((shift) => shift.weights['2'] ?? 0);

const eventStatuses = (view: DeploymentView): Record<string, string> =>
  Object.fromEntries(view.targets[0].lifecycleEvents.map((e) => [e.lifecycleEventName, e.status]));

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Runs `action` once, on the first traffic change that puts `percent` on version 2. */
function onShiftTo(percent: number, action: (deploymentId: string) => Promise<void>): void {
  let done = false;
  h.runtime.events.subscribe((change: StateChange) => {
    if (done || change.kind !== 'traffic' || change.shift.weights['2'] !== percent) return;
    done = true;
    void action(change.deploymentId);
  });
}

describe('Lambda traffic shift', () => {
  it('runs BeforeAllowTraffic, shifts ten times 10 %, points the alias at the target and runs AfterAllowTraffic', async () => {
    h = await openLambdaHarness({ timeScale: 600 });
    const id = await startLambdaDeployment(h, { config: LINEAR, hooks: ['BeforeAllowTraffic', 'AfterAllowTraffic'] });
    const view = await finished(id);

    expect(view.status).toBe('Succeeded');
    expect(onTarget(view)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(view.trafficShifts[0].weights).toEqual({ '1': 90, '2': 10 });
    expect(view.trafficShifts[9].weights).toEqual({ '2': 100 });
    expect(view.nextShift).toBeUndefined();
    expect(await h.runtime.lambdaFunctions.getAlias('fn', 'live')).toEqual({ functionVersion: '2', additionalVersionWeights: {} });
    expect(view.targets.map((t) => [t.targetId, t.status])).toEqual([['fn:live', 'Succeeded']]);
    expect(eventStatuses(view)).toEqual({ BeforeAllowTraffic: 'Succeeded', AllowTraffic: 'Succeeded', AfterAllowTraffic: 'Succeeded' });
    expect(h.invocations.map((i) => [i.hook, i.event.DeploymentId])).toEqual([
      ['pre', id],
      ['post', id],
    ]);
    expect(await h.runtime.store.getGroupLock(view.deploymentGroupId)).toBeUndefined();
  });

  it('shifts all at once with AllAtOnce, and skips hook events the appspec names no function for', async () => {
    h = await openLambdaHarness();
    const view = await finished(await startLambdaDeployment(h, { config: 'CodeDeployDefault.LambdaAllAtOnce' }));

    expect(view.status).toBe('Succeeded');
    expect(onTarget(view)).toEqual([100]);
    expect(eventStatuses(view)).toEqual({ BeforeAllowTraffic: 'Skipped', AllowTraffic: 'Succeeded', AfterAllowTraffic: 'Skipped' });
    expect(h.invocations).toEqual([]);
  });

  it('fails with HOOK_EXECUTION_FAILURE when BeforeAllowTraffic reports Failed, before any weight moves', async () => {
    h = await openLambdaHarness();
    h.hooks.pre = 'Failed';
    const view = await finished(await startLambdaDeployment(h, { config: LINEAR, hooks: ['BeforeAllowTraffic', 'AfterAllowTraffic'] }));

    expect(view.status).toBe('Failed');
    expect(view.errorInformation?.code).toBe('HOOK_EXECUTION_FAILURE');
    expect(view.errorInformation?.message).toContain('pre');
    expect(view.trafficShifts).toEqual([]);
    expect(await h.runtime.lambdaFunctions.getAlias('fn', 'live')).toEqual({ functionVersion: '1', additionalVersionWeights: {} });
    expect(eventStatuses(view)).toEqual({ BeforeAllowTraffic: 'Failed', AllowTraffic: 'Skipped', AfterAllowTraffic: 'Skipped' });
    expect(view.targets[0].status).toBe('Failed');
    expect(h.invocations.map((i) => i.hook)).toEqual(['pre']);
  });

  it('fails the event with TIMEOUT when a hook never reports, and refuses a status that comes after', async () => {
    h = await openLambdaHarness({ tokenTimeoutScale: 36_000 });
    h.hooks.pre = 'silent';
    const id = await startLambdaDeployment(h, { config: LINEAR, hooks: ['BeforeAllowTraffic'] });
    const view = await finished(id);

    expect(view.status).toBe('Failed');
    expect(view.errorInformation?.code).toBe('TIMEOUT');
    expect(view.trafficShifts).toEqual([]);
    const execution = await h.runtime.store.getHookExecution(id, 'BeforeAllowTraffic');
    expect(execution).toMatchObject({ status: 'Failed', message: 'No status was reported for this hook within one hour' });
    await expect(
      reportHookStatus(h.runtime.deps, { deploymentId: id, lifecycleEventHookExecutionId: h.invocations[0].event.LifecycleEventHookExecutionId, status: 'Succeeded' }),
    ).rejects.toMatchObject({ name: 'ConflictError' });
    expect((await h.runtime.view(id)).status).toBe('Failed');
  });

  it('stops on an alarm during the third linear step: no further shift, the alias restored, the rollback recorded', async () => {
    h = await openLambdaHarness({ timeScale: 60 });
    onShiftTo(30, async () => h.runtime.alarms.set('errors', 'ALARM'));
    const view = await finished(await startLambdaDeployment(h, { config: LINEAR, alarms: ['errors'], autoRollback: true }));

    expect(view.status).toBe('Stopped');
    expect(view.errorInformation?.code).toBe('ALARM_ACTIVE');
    expect(view.errorInformation?.message).toContain('errors');
    expect(onTarget(view)).toEqual([10, 20, 30, 0]);
    expect(view.trafficShifts[3].weights).toEqual({ '1': 100 });
    expect(view.rollbackInfo?.rollbackMessage).toContain('Traffic restored to version 1');
    expect(await h.runtime.lambdaFunctions.getAlias('fn', 'live')).toEqual({ functionVersion: '1', additionalVersionWeights: {} });
    expect(eventStatuses(view)).toMatchObject({ AllowTraffic: 'Failed' });
  });

  it('ends a 30-minute canary wait at once when an alarm goes to ALARM during it', async () => {
    // Real time: only the alarm's state change event can end this wait within the test.
    h = await openLambdaHarness({ timeScale: 1 });
    onShiftTo(10, async (id) => {
      await waitUntil(async () => lambdaDeployment((await h.runtime.store.getDeployment(id))!).currentWait?.kind === 'shift');
      await h.runtime.alarms.set('errors', 'ALARM');
    });
    const view = await finished(await startLambdaDeployment(h, { config: CANARY, alarms: ['errors'] }));

    expect(view.errorInformation?.code).toBe('ALARM_ACTIVE');
    expect(onTarget(view)).toEqual([10, 0]);
  });

  it('ends a hook wait at once when an alarm goes to ALARM during it', async () => {
    h = await openLambdaHarness();
    h.hooks.pre = () => void h.runtime.alarms.set('errors', 'ALARM');
    const view = await finished(await startLambdaDeployment(h, { config: LINEAR, alarms: ['errors'], hooks: ['BeforeAllowTraffic'] }));

    expect(view.errorInformation?.code).toBe('ALARM_ACTIVE');
    expect(view.trafficShifts).toEqual([]);
    expect(eventStatuses(view)).toMatchObject({ BeforeAllowTraffic: 'Failed' });
  });

  it('does not start shifting while an alarm of the group is already in ALARM', async () => {
    h = await openLambdaHarness();
    await h.runtime.alarms.set('errors', 'ALARM');
    const view = await finished(await startLambdaDeployment(h, { config: LINEAR, alarms: ['errors'] }));

    expect(view.errorInformation?.code).toBe('ALARM_ACTIVE');
    expect(view.trafficShifts).toEqual([]);
  });

  it('ends a canary wait at once on continue and shifts straight to the target version', async () => {
    // Real time: the 30-minute wait would outlast the test by far, so only the continue can end it.
    h = await openLambdaHarness({ timeScale: 1 });
    onShiftTo(10, async (id) => continueTrafficShift(h.runtime.deps, lambdaDeployment(await h.runtime.store.getDeployment(id).then((d) => d!))));
    const view = await finished(await startLambdaDeployment(h, { config: CANARY }));

    expect(view.status).toBe('Succeeded');
    expect(onTarget(view)).toEqual([10, 100]);
    expect(view.continueRequested).toBeDefined();
    expect(await h.runtime.lambdaFunctions.getAlias('fn', 'live')).toEqual({ functionVersion: '2', additionalVersionWeights: {} });
  });

  it('records the next shift and its time while it waits', async () => {
    h = await openLambdaHarness({ timeScale: 1 });
    let seen: LambdaDeployment['nextShift'];
    onShiftTo(10, async (id) => {
      const waiting = lambdaDeployment((await h.runtime.store.getDeployment(id))!);
      seen = waiting.nextShift;
      await continueTrafficShift(h.runtime.deps, waiting);
    });
    const view = await finished(await startLambdaDeployment(h, { config: CANARY }));

    expect(seen?.weights).toEqual({ '2': 100 });
    expect(Date.parse(seen!.time) - Date.parse(view.trafficShifts[0].time)).toBe(30 * 60_000);
  });

  it('ends Stopped with MANUAL_STOP on a stop during a wait, with the alias back on the current version', async () => {
    h = await openLambdaHarness({ timeScale: 1 });
    onShiftTo(10, async (id) => {
      await requestStop(h.runtime.deps, id, undefined);
    });
    const view = await finished(await startLambdaDeployment(h, { config: CANARY }));

    expect(view.status).toBe('Stopped');
    expect(view.errorInformation?.code).toBe('MANUAL_STOP');
    expect(onTarget(view)).toEqual([10, 0]);
    expect(await h.runtime.lambdaFunctions.getAlias('fn', 'live')).toEqual({ functionVersion: '1', additionalVersionWeights: {} });
  });

  it.each([
    [true, { functionVersion: '1', additionalVersionWeights: {} }, [100, 0]],
    [false, { functionVersion: '2', additionalVersionWeights: {} }, [100]],
  ])('after a failing AfterAllowTraffic, auto rollback %s leaves the alias at %j', async (autoRollback, alias, shifts) => {
    h = await openLambdaHarness();
    h.hooks.post = 'Failed';
    const view = await finished(await startLambdaDeployment(h, { config: 'CodeDeployDefault.LambdaAllAtOnce', hooks: ['AfterAllowTraffic'], autoRollback }));

    expect(view.errorInformation?.code).toBe('HOOK_EXECUTION_FAILURE');
    expect(await h.runtime.lambdaFunctions.getAlias('fn', 'live')).toEqual(alias);
    expect(onTarget(view)).toEqual(shifts);
  });

  it('puts the alias back even when the step that moved it died before recording the shift', async () => {
    let first = true;
    h = await openLambdaHarness({
      decorate: (deps) => ({
        ...deps,
        aliases: {
          ...deps.aliases!,
          describe: (fn, alias) => deps.aliases!.describe(fn, alias),
          versionExists: (fn, version) => deps.aliases!.versionExists(fn, version),
          invokeHook: (fn, payload) => deps.aliases!.invokeHook(fn, payload),
          shift: async (...args) => {
            await deps.aliases!.shift(...args);
            if (first && args[4] > 0) {
              first = false;
              throw new Error('the step died after moving the alias');
            }
          },
        },
      }),
    });
    const view = await finished(await startLambdaDeployment(h, { config: LINEAR }));

    expect(view.status).toBe('Failed');
    expect(view.trafficShifts.map((shift) => shift.weights)).toEqual([{ '1': 100 }]);
    expect(view.rollbackInfo?.rollbackMessage).toContain('it had 10% on version 2');
    expect(await h.runtime.lambdaFunctions.getAlias('fn', 'live')).toEqual({ functionVersion: '1', additionalVersionWeights: {} });
  });

  it('waits for the next shift when a step is retried after recording its shift, instead of shifting again', async () => {
    let failOnce = true;
    h = await openLambdaHarness({
      timeScale: 1,
      decorate: (deps) => ({
        ...deps,
        events: {
          publish: async (change) => {
            await deps.events.publish(change);
            // As if the step's answer were lost after its work was done: Step Functions runs it again.
            if (change.kind === 'traffic' && failOnce) {
              failOnce = false;
              throw new TransientStoreError('answer lost');
            }
          },
        },
      }),
    });
    const id = await startLambdaDeployment(h, { config: CANARY });
    const load = async () => lambdaDeployment((await h.runtime.store.getDeployment(id))!);
    while ((await load()).currentWait?.kind !== 'shift') await new Promise((resolve) => setTimeout(resolve, 5));

    expect(onTarget(await load())).toEqual([10]);
    await continueTrafficShift(h.runtime.deps, await load());
    expect(onTarget(await finished(id))).toEqual([10, 100]);
  });

  it('retries giving the alias back when Lambda throttles, rather than settling for a message', async () => {
    let throttle = true;
    h = await openLambdaHarness({
      decorate: (deps) => ({
        ...deps,
        aliases: Object.assign(Object.create(Object.getPrototypeOf(deps.aliases!)) as NonNullable<StepDependencies['aliases']>, deps.aliases!, {
          shift: async (...args: Parameters<NonNullable<StepDependencies['aliases']>['shift']>) => {
            if (args[4] === 0 && throttle) {
              throttle = false;
              throw new TransientAwsError('TooManyRequestsException: Rate exceeded');
            }
            return deps.aliases!.shift(...args);
          },
        }),
      }),
    });
    h.hooks.post = 'Failed';
    const view = await finished(await startLambdaDeployment(h, { config: 'CodeDeployDefault.LambdaAllAtOnce', hooks: ['AfterAllowTraffic'], autoRollback: true }));

    expect(throttle).toBe(false);
    expect(view.rollbackInfo?.rollbackMessage).toContain('Traffic restored to version 1');
    expect(await h.runtime.lambdaFunctions.getAlias('fn', 'live')).toEqual({ functionVersion: '1', additionalVersionWeights: {} });
  });

  it('refuses to start when the alias does not serve CurrentVersion alone', async () => {
    h = await openLambdaHarness();
    await h.runtime.lambdaFunctions.publishVersions('fn', ['3']);
    await h.runtime.lambdaFunctions.shift('fn', 'live', '1', '3', 100);
    const view = await finished(await startLambdaDeployment(h, { config: LINEAR }));

    expect(view.status).toBe('Failed');
    expect(view.errorInformation?.code).toBe('INVALID_LAMBDA_CONFIGURATION');
    expect(view.errorInformation?.message).toContain('serves version 3, not CurrentVersion 1');
    expect(view.trafficShifts).toEqual([]);
    expect(await h.runtime.lambdaFunctions.getAlias('fn', 'live')).toEqual({ functionVersion: '3', additionalVersionWeights: {} });
  });
});
