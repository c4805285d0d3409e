// The hook steps one call at a time, against the real store: a retried run-hook never invokes the function twice,
// a status is taken once, and a repeated status still resumes an execution whose first report was cut short.
import { lambdaAppSpec } from '../../support/lambda-harness';
import { parseLambdaAppSpec } from '../../../functions/core/appspec';
import { initialLambdaEvents, lambdaTargetId } from '../../../functions/core/lambda-traffic';
import type { AliasTraffic, HookInvocation, StepDependencies, TaskCallbacks } from '../../../functions/ports';
import { reportHookStatus } from '../../../functions/steps/traffic/hook-status';
import { hookEventOfExecutionId, runHook } from '../../../functions/steps/traffic/run-hook';
import { type Harness, openHarness } from '../../support/local-runtime-harness';
import { lambdaRecord, storeWithGroup } from '../../support/traffic-records';

const DEPLOYMENT_ID = 'd-HOOKSTEP1';
const APPSPEC = parseLambdaAppSpec(lambdaAppSpec(['BeforeAllowTraffic']));

let h: Harness;
let deps: StepDependencies;
let invoked: { fn: string; payload: HookInvocation }[];
let settled: { token: string; outcome: string }[];

beforeEach(async () => {
  h = await openHarness();
  invoked = [];
  settled = [];
  const callbacks: TaskCallbacks = {
    succeed: async (token, output) => void settled.push({ token, outcome: `succeed ${JSON.stringify(output)}` }),
    fail: async (token, error) => void settled.push({ token, outcome: `fail ${error}` }),
  };
  const aliases = { invokeHook: async (fn: string, payload: HookInvocation) => void invoked.push({ fn, payload }) } as unknown as AliasTraffic;
  deps = { ...h.runtime.deps, callbacks, aliases };
  const deployment = lambdaRecord({ deploymentId: DEPLOYMENT_ID, deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce', appSpec: APPSPEC, schedule: [{ atSeconds: 0, weight: 100 }] });
  await storeWithGroup(h.runtime.store, deployment);
  await h.runtime.store.putTargets([
    { deploymentId: DEPLOYMENT_ID, targetId: lambdaTargetId(APPSPEC), status: 'InProgress', lastUpdatedAt: deployment.createTime, initiallyHealthy: true, lifecycleEvents: initialLambdaEvents(APPSPEC) },
  ]);
});
afterEach(async () => h.runtime.close());

/** The cursor a status through the API resumes with: the hook step again, which records it. */
const AGAIN = '{"action":"hook","event":"BeforeAllowTraffic","waitSeconds":0,"shiftsDone":0}';

const run = (taskToken: string) => runHook(deps, { deploymentId: DEPLOYMENT_ID, lifecycleEventName: 'BeforeAllowTraffic', taskToken });
const report = (status: 'Succeeded' | 'Failed', id = invoked[0].payload.LifecycleEventHookExecutionId) =>
  reportHookStatus(deps, { deploymentId: DEPLOYMENT_ID, lifecycleEventHookExecutionId: id, status });

describe('run-hook', () => {
  it('invokes the function once with the CodeDeploy payload, and a retry only renews the token', async () => {
    await run('token-1');
    await run('token-2');

    expect(invoked).toHaveLength(1);
    expect(invoked[0].fn).toBe('pre');
    expect(Object.keys(invoked[0].payload).sort()).toEqual(['DeploymentId', 'LifecycleEventHookExecutionId']);
    expect(hookEventOfExecutionId(invoked[0].payload.LifecycleEventHookExecutionId)).toBe('BeforeAllowTraffic');
    expect((await h.runtime.store.getHookExecution(DEPLOYMENT_ID, 'BeforeAllowTraffic'))?.taskToken).toBe('token-2');
    const target = (await h.runtime.store.getTargets(DEPLOYMENT_ID))[0];
    expect(target.lifecycleEvents[0]).toMatchObject({ lifecycleEventName: 'BeforeAllowTraffic', status: 'InProgress' });
  });

  it('records the status on the target and resumes with the next step, without invoking again, when run after it came', async () => {
    await run('token-1');
    await report('Succeeded');
    await run('token-2');

    expect(invoked).toHaveLength(1);
    expect(settled.map((s) => [s.token, s.outcome])).toEqual([
      ['token-1', `succeed ${AGAIN}`],
      ['token-2', 'succeed {"action":"advance","event":"","waitSeconds":0,"shiftsDone":0}'],
    ]);
    const target = (await h.runtime.store.getTargets(DEPLOYMENT_ID))[0];
    expect(target.lifecycleEvents[0]).toMatchObject({ lifecycleEventName: 'BeforeAllowTraffic', status: 'Succeeded' });
  });
});

describe('a hook status', () => {
  // The API never writes the target: the execution does (RunHook again, or the finish step), so no write races.
  it('resumes the execution into the hook step again when the hook succeeded, leaving the target to it', async () => {
    await run('token-1');
    await report('Succeeded');

    expect(settled).toEqual([{ token: 'token-1', outcome: `succeed ${AGAIN}` }]);
    const target = (await h.runtime.store.getTargets(DEPLOYMENT_ID))[0];
    expect(target.lifecycleEvents[0]).toMatchObject({ status: 'InProgress' });
  });

  it('fails the wait with HookFailedError naming the function when the hook failed', async () => {
    await run('token-1');
    await report('Failed');

    expect(settled).toEqual([{ token: 'token-1', outcome: 'fail HookFailedError' }]);
    expect((await h.runtime.store.getHookExecution(DEPLOYMENT_ID, 'BeforeAllowTraffic'))?.message).toContain('hook function pre reported Failed');
  });

  it.each([
    ['the same status again', 'Succeeded', 1],
    ['another status', 'Failed', 0],
  ] as const)('is refused once one was taken (%s), resuming again only for a repeat of the same', async (_case, second, resumedAgain) => {
    await run('token-1');
    await report('Succeeded');
    await expect(report(second)).rejects.toMatchObject({ name: 'ConflictError' });

    expect(settled).toHaveLength(1 + resumedAgain);
    expect((await h.runtime.store.getHookExecution(DEPLOYMENT_ID, 'BeforeAllowTraffic'))?.status).toBe('Succeeded');
  });

  it.each([
    ['an id no hook was given', 'BeforeAllowTraffic-00000000-0000-0000-0000-000000000000'],
    ['an id of no known event', 'Install-1234'],
    ['an empty id', ''],
  ])('is refused for %s with NotFoundError', async (_case, id) => {
    await run('token-1');
    await expect(report('Succeeded', id)).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(settled).toEqual([]);
  });
});
