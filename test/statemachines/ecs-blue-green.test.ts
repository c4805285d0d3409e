// The ECS blue/green state machine on the embedded runtime, end to end: the replacement task set, test traffic,
// hooks, production shifts with a health check before each, the termination wait, and everything that ends a
// deployment early (a failing or silent hook, an alarm, a continue, unhealthy targets), with the rollback each needs.
import type { DeploymentView, EcsDeployment } from '../../functions/core/types';
import type { StateChange } from '../../functions/ports';
import { ecsDeployment } from '../../functions/steps/deployment-context';
import { continueTrafficShift } from '../../functions/steps/traffic/traffic-wait-control';
import { type EcsHarness, NEW_TASK_DEFINITION, openEcsHarness, startEcsDeployment } from '../support/ecs-harness';

const LINEAR = 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes';
const CANARY = 'CodeDeployDefault.ECSCanary10Percent15Minutes';
const ALL_AT_ONCE = 'CodeDeployDefault.ECSAllAtOnce';

let h: EcsHarness;
afterEach(async () => h.runtime.close());

async function finished(deploymentId: string): Promise<DeploymentView & EcsDeployment> {
  const view = await h.runtime.waitForDeployment(deploymentId);
  return { ...ecsDeployment(view), targets: view.targets };
}

const eventStatuses = (view: DeploymentView): Record<string, string> =>
  Object.fromEntries(view.targets[0].lifecycleEvents.map((e) => [e.lifecycleEventName, e.status]));

/** Percent of production traffic on the replacement after each recorded change. */
const onReplacement = (view: EcsDeployment): number[] => view.trafficShifts.map((shift) => shift.weights[view.replacementTaskSet!.id] ?? 0);

async function service() {
  return h.runtime.ecsServices.describe('main', 'web');
}

/** The production listener's forward, as percent per target group name. */
async function prodWeights(): Promise<Record<string, number>> {
  const view = await service();
  const weights: Record<string, number> = {};
  for (const taskSet of view.taskSets) {
    const share = taskSet.trafficWeights.find((w) => w.listenerArn === h.listeners.prod);
    if (share) weights[taskSet.taskDefinition.split('/').pop()!] = share.percent;
  }
  return weights;
}

function onShiftTo(percent: number, action: (deploymentId: string) => Promise<void>): void {
  let done = false;
  h.runtime.events.subscribe((change: StateChange) => {
    if (done || change.kind !== 'traffic' || !Object.values(change.shift.weights).includes(percent) || Object.keys(change.shift.weights).length !== 2) return;
    done = true;
    void action(change.deploymentId);
  });
}

describe('ECS blue/green', () => {
  it('creates the replacement, runs every hook, shifts 10 % a minute, makes it primary and removes the original', async () => {
    h = await openEcsHarness({ timeScale: 600, testListener: true });
    const hooks = ['BeforeInstall', 'AfterInstall', 'AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AfterAllowTraffic'] as const;
    const view = await finished(await startEcsDeployment(h, { config: LINEAR, hooks: [...hooks] }));

    expect(view.status).toBe('Succeeded');
    expect(h.invocations.map((i) => i.hook)).toEqual([...hooks]);
    expect(eventStatuses(view)).toEqual({
      BeforeInstall: 'Succeeded',
      Install: 'Succeeded',
      AfterInstall: 'Succeeded',
      AllowTestTraffic: 'Succeeded',
      AfterAllowTestTraffic: 'Succeeded',
      BeforeAllowTraffic: 'Succeeded',
      AllowTraffic: 'Succeeded',
      AfterAllowTraffic: 'Succeeded',
    });
    expect(onReplacement(view)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(view.replacementTaskSet?.targetGroupName).toBe('green');
    const after = await service();
    expect(after.taskSets.map((t) => [t.taskDefinition, t.status])).toEqual([[NEW_TASK_DEFINITION, 'PRIMARY']]);
    expect(await prodWeights()).toEqual({ 'web:2': 100 });
    expect(view.targets[0]).toMatchObject({ targetId: 'main:web', status: 'Succeeded' });
  });

  it('puts the next replacement behind the other target group: blue and green swap roles', async () => {
    h = await openEcsHarness();
    const first = await finished(await startEcsDeployment(h, { config: ALL_AT_ONCE }));
    const second = await finished(await startEcsDeployment(h, { config: ALL_AT_ONCE, taskDefinition: 'arn:aws:ecs:local:000000000000:task-definition/web:3' }));

    expect([first.status, second.status]).toEqual(['Succeeded', 'Succeeded']);
    expect([first.originalTaskSet?.targetGroupName, first.replacementTaskSet?.targetGroupName]).toEqual(['blue', 'green']);
    expect([second.originalTaskSet?.targetGroupName, second.replacementTaskSet?.targetGroupName]).toEqual(['green', 'blue']);
  });

  it('fails on a failing BeforeAllowTraffic hook with no production traffic moved, and removes the replacement', async () => {
    h = await openEcsHarness();
    h.hooks.BeforeAllowTraffic = 'Failed';
    const view = await finished(await startEcsDeployment(h, { config: LINEAR, hooks: ['BeforeAllowTraffic'] }));

    expect(view.errorInformation?.code).toBe('HOOK_EXECUTION_FAILURE');
    expect(view.trafficShifts).toEqual([]);
    expect(view.rollbackInfo?.rollbackMessage).toContain('production traffic never reached it');
    expect((await service()).taskSets.map((t) => [t.taskDefinition, t.status])).toEqual([[expect.stringContaining('web:1'), 'PRIMARY']]);
    expect(await prodWeights()).toEqual({ 'web:1': 100 });
  });

  it('times out a hook that never reports', async () => {
    h = await openEcsHarness({ tokenTimeoutScale: 36_000 });
    h.hooks.AfterInstall = 'silent';
    const view = await finished(await startEcsDeployment(h, { config: LINEAR, hooks: ['AfterInstall'] }));

    expect(view.errorInformation?.code).toBe('TIMEOUT');
    expect(eventStatuses(view)).toMatchObject({ Install: 'Succeeded', AfterInstall: 'Failed', AllowTraffic: 'Skipped' });
    expect((await service()).taskSets).toHaveLength(1);
  });

  it('stops on an alarm during the third linear step, gives all traffic back and removes the replacement', async () => {
    h = await openEcsHarness({ timeScale: 60 });
    onShiftTo(30, async () => h.runtime.alarms.set('errors', 'ALARM'));
    const view = await finished(await startEcsDeployment(h, { config: LINEAR, alarms: ['errors'], autoRollback: true }));

    expect(view.status).toBe('Stopped');
    expect(view.errorInformation?.code).toBe('ALARM_ACTIVE');
    expect(onReplacement(view)).toEqual([10, 20, 30, 0]);
    expect(view.rollbackInfo?.rollbackMessage).toContain('Traffic restored to task set');
    expect(await prodWeights()).toEqual({ 'web:1': 100 });
    expect((await service()).taskSets.map((t) => t.status)).toEqual(['PRIMARY']);
  });

  it('ends a canary wait at once on continue and shifts the rest', async () => {
    // The 15-minute canary wait lasts 45 s at this scale: only the continue ends it within the test.
    h = await openEcsHarness({ timeScale: 20 });
    onShiftTo(10, async (id) => continueTrafficShift(h.runtime.deps, ecsDeployment((await h.runtime.store.getDeployment(id))!)));
    const view = await finished(await startEcsDeployment(h, { config: CANARY }));

    expect(view.status).toBe('Succeeded');
    expect(onReplacement(view)).toEqual([10, 100]);
  });

  it('keeps the original task set through the termination wait, until a continue ends it', async () => {
    // At 20 times faster, polls take under a second, while the 60-minute termination wait (3 minutes) can only end
    // by the continue within the test.
    h = await openEcsHarness({ timeScale: 20 });
    let duringWait: string[] = [];
    let seen = false;
    h.runtime.events.subscribe((change) => {
      if (seen || change.kind !== 'target' || change.target.lifecycleEvents.find((e) => e.lifecycleEventName === 'AllowTraffic')?.status !== 'Succeeded') return;
      seen = true;
      void (async () => {
        const load = async () => ecsDeployment((await h.runtime.store.getDeployment(change.deploymentId))!);
        while ((await load()).currentWait?.kind !== 'shift') await new Promise((resolve) => setTimeout(resolve, 5));
        duringWait = (await service()).taskSets.map((t) => t.status);
        await continueTrafficShift(h.runtime.deps, await load());
      })();
    });
    const view = await finished(await startEcsDeployment(h, { config: ALL_AT_ONCE, terminationWaitMinutes: 60 }));

    expect(view.status).toBe('Succeeded');
    expect(view.terminationContinued).toBeDefined();
    expect([...duringWait].sort()).toEqual(['ACTIVE', 'PRIMARY']);
    expect((await service()).taskSets.map((t) => t.status)).toEqual(['PRIMARY']);
  });

  it.each([
    [true, 'web:1', 'Traffic restored to task set'],
    [false, 'web:2', 'No rollback configured'],
  ])('after a failing AfterAllowTraffic, auto rollback %s leaves one task set, running %s', async (autoRollback, serving, message) => {
    h = await openEcsHarness();
    h.hooks.AfterAllowTraffic = 'Failed';
    const view = await finished(await startEcsDeployment(h, { config: ALL_AT_ONCE, hooks: ['AfterAllowTraffic'], autoRollback }));

    expect(view.errorInformation?.code).toBe('HOOK_EXECUTION_FAILURE');
    expect(view.rollbackInfo?.rollbackMessage).toContain(message);
    expect((await service()).taskSets.map((t) => [t.taskDefinition.split('/').pop(), t.status])).toEqual([[serving, 'PRIMARY']]);
    expect(await prodWeights()).toEqual({ [serving]: 100 });
  });

  it('fails with ECS_UPDATE_ERROR when the replacement never becomes stable, and removes it', async () => {
    h = await openEcsHarness({ timeScale: 100_000 });
    await h.runtime.ecsServices.setTaskDefinitionBehaviour(NEW_TASK_DEFINITION, 'never-stable');
    const view = await finished(await startEcsDeployment(h, { config: ALL_AT_ONCE }));

    expect(view.errorInformation?.code).toBe('ECS_UPDATE_ERROR');
    expect(view.errorInformation?.message).toContain('did not reach a steady state');
    expect((await service()).taskSets).toHaveLength(1);
  });

  it('moves no traffic to a replacement whose targets are unhealthy', async () => {
    h = await openEcsHarness({ timeScale: 100_000 });
    await h.runtime.ecsServices.setTaskDefinitionBehaviour(NEW_TASK_DEFINITION, 'unhealthy');
    const view = await finished(await startEcsDeployment(h, { config: LINEAR }));

    expect(view.errorInformation?.code).toBe('ECS_UPDATE_ERROR');
    expect(view.errorInformation?.message).toContain('not healthy');
    expect(view.trafficShifts).toEqual([]);
    expect(await prodWeights()).toEqual({ 'web:1': 100 });
  });
});
