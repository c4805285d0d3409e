// ECS deployments through the real router, on the embedded runtime: an application, a group and an AppSpecContent
// deployment created through the API replace a simulated service's task set; hook functions hand their invocation to
// the test, which reports the status through the API route itself. At 20 times faster, the replacement's polls take
// under a second while a 15-minute canary wait (45 s) or a 60-minute termination wait (3 min) ends within a test only
// by ContinueDeployment or StopDeployment.
import { isTerminationWait } from '../../../functions/core/traffic-course';
import type { Deployment, EcsDeployment } from '../../../functions/core/types';
import { localApiClients } from '../../support/api-client';
import { createEcsService, type EcsServiceSetup, prodTraffic, taskSetsOf } from '../../support/ecs-api';
import { ecsAppSpec, NEW_TASK_DEFINITION, ORIGINAL_TASK_DEFINITION } from '../../support/ecs-harness';
import { appSpecContentRevision, HookInbox, lambdaAppSpec, untilDeployment } from '../../support/lambda-api';
import { type Harness, openHarness } from '../../support/local-runtime-harness';
import { ISO_TIME, SUCCEEDED_TRAFFIC_INFO, trafficApi } from '../../support/traffic-api';

const CANARY = 'CodeDeployDefault.ECSCanary10Percent15Minutes';
const STOP_MESSAGE =
  "The deployment stops at once if it waits on a hook, for its next traffic shift or for its original task set's removal, else after its current step; " +
  'production traffic not yet all on the replacement task set goes back to the original, and the replacement is removed';

type Json = Record<string, unknown>;
type TaskSetInfo = { identifer: string; status: string; trafficWeight: number; targetGroup: { name: string }; taskSetLabel: string };

describe('ECS deployment routes', () => {
  let h: Harness;
  const inbox = new HookInbox();
  const { call, callOnAws } = localApiClients(() => h);
  const { info, hookStatus, continueWith, stopRunning, expectRecordedSuccess, expectSecondStatusRefused } = trafficApi(call);

  /** A service of its own, a group of its own in application `svc`, and a deployment of the two (not waited for). */
  async function startDeployment(
    name: string,
    options: { hooks?: Parameters<typeof ecsAppSpec>[0]; group?: Json; extra?: Json; testListener?: boolean } = {},
  ): Promise<{ deploymentId: string; setup: EcsServiceSetup; content: string }> {
    const setup = await createEcsService(h, name, { testListener: options.testListener });
    const group = await call('POST', '/applications/svc/deployment-groups', { deploymentGroupName: name, ...setup.groupSettings, ...options.group });
    expect(group.status).toBe(201);
    const content = ecsAppSpec(options.hooks);
    const created = await call('POST', '/deployments', { applicationName: 'svc', deploymentGroupName: name, revision: appSpecContentRevision(content), ...options.extra });
    expect(created).toEqual({ status: 201, body: { deploymentId: expect.stringMatching(/^d-[A-Z0-9]{9}$/) } });
    return { deploymentId: created.body?.deploymentId as string, setup, content };
  }

  async function ecsTarget(deploymentId: string, serviceName: string): Promise<Json> {
    const got = await call('GET', `/deployments/${deploymentId}/targets/main:${serviceName}`);
    expect(got.status).toBe(200);
    expect(got.body?.deploymentTarget).toMatchObject({ deploymentTargetType: 'ECSTarget' });
    return (got.body?.deploymentTarget as { ecsTarget: Json }).ecsTarget;
  }

  const taskSetsInfo = async (deploymentId: string, serviceName: string) => (await ecsTarget(deploymentId, serviceName)).taskSetsInfo as TaskSetInfo[];
  const ecs = (deployment: Deployment): EcsDeployment => {
    if (deployment.computePlatform !== 'ECS') throw new Error(`${deployment.deploymentId} is not an ECS deployment`);
    return deployment;
  };

  /** Until the deployment waits for its next traffic shift, `shiftsDone` shifts made. */
  const untilShiftWait = async (deploymentId: string, shiftsDone: number) =>
    ecs(await untilDeployment(h, deploymentId, (d) => d.computePlatform === 'ECS' && d.currentWait?.kind === 'shift' && d.shiftsDone === shiftsDone && !isTerminationWait(d)));
  /** Until all traffic moved and the original task set waits to be removed. */
  const untilTerminationWait = async (deploymentId: string) =>
    ecs(await untilDeployment(h, deploymentId, (d) => d.computePlatform === 'ECS' && isTerminationWait(d) && d.currentWait?.kind === 'shift'));

  let done: { deploymentId: string; setup: EcsServiceSetup; content: string };

  beforeAll(async () => {
    h = await openHarness({ timeScale: 20, hooks: inbox.hooks(['BeforeInstall', 'AfterInstall', 'AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AfterAllowTraffic']) });
    expect((await call('POST', '/applications', { applicationName: 'svc', computePlatform: 'ECS' })).status).toBe(201);
    done = await startDeployment('done', { extra: { description: 'all at once' } });
    expect((await h.runtime.waitForDeployment(done.deploymentId)).status).toBe('Succeeded');
  });
  afterAll(async () => {
    await stopRunning(h);
    await h.runtime.close();
  });

  it('runs a deployment of an AppSpecContent revision to Succeeded and shows it as CodeDeploy DeploymentInfo for ECS', async () => {
    const { deploymentId, setup, content } = done;
    const deployment = ecs((await h.runtime.store.getDeployment(deploymentId))!);
    const replacement = deployment.replacementTaskSet!.id;

    expect(await info(deploymentId)).toEqual({
      applicationName: 'svc',
      deploymentGroupName: 'done',
      deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
      deploymentId,
      revision: appSpecContentRevision(content),
      ...SUCCEEDED_TRAFFIC_INFO,
      description: 'all at once',
      computePlatform: 'ECS',
      loadBalancerInfo: setup.groupSettings.loadBalancerInfo,
      blueGreenDeploymentConfiguration: { terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 0 } },
      instanceTerminationWaitTimeStarted: true,
      trafficShifts: [{ time: expect.stringMatching(ISO_TIME), weights: { [replacement]: 100 } }],
    });
    expect(await taskSetsOf(h, setup)).toEqual([{ id: replacement, taskDefinition: NEW_TASK_DEFINITION, status: 'PRIMARY' }]);
    expect(await prodTraffic(h, setup)).toEqual({ [replacement]: 100 });
    await expectRecordedSuccess('svc', 'done', deploymentId, content);
  });

  it('shows the one target of an ECS deployment as CodeDeploy ECSTarget, with both task sets', async () => {
    const { deploymentId } = done;
    const { originalTaskSet, replacementTaskSet } = ecs((await h.runtime.store.getDeployment(deploymentId))!);
    expect(await call('GET', `/deployments/${deploymentId}/targets`)).toEqual({ status: 200, body: { targetIds: ['main:done'] } });
    expect(await call('GET', `/deployments/${deploymentId}/targets`, undefined, { targetStatus: 'Failed' })).toEqual({ status: 200, body: { targetIds: [] } });

    const got = await call('GET', `/deployments/${deploymentId}/targets/main:done`);

    const succeeded = (lifecycleEventName: string) => ({ lifecycleEventName, status: 'Succeeded', startTime: expect.any(String), endTime: expect.any(String) });
    const skipped = (lifecycleEventName: string) => ({ lifecycleEventName, status: 'Skipped' });
    expect(got).toEqual({
      status: 200,
      body: {
        deploymentTarget: {
          deploymentTargetType: 'ECSTarget',
          ecsTarget: {
            deploymentId,
            targetId: 'main:done',
            status: 'Succeeded',
            lastUpdatedAt: expect.stringMatching(ISO_TIME),
            lifecycleEvents: [
              skipped('BeforeInstall'),
              succeeded('Install'),
              skipped('AfterInstall'),
              skipped('AllowTestTraffic'),
              skipped('AfterAllowTestTraffic'),
              skipped('BeforeAllowTraffic'),
              succeeded('AllowTraffic'),
              skipped('AfterAllowTraffic'),
            ],
            taskSetsInfo: [
              { identifer: originalTaskSet!.id, status: 'DRAINING', trafficWeight: 0, targetGroup: { name: 'done-blue' }, taskSetLabel: 'Blue' },
              { identifer: replacementTaskSet!.id, status: 'PRIMARY', trafficWeight: 100, targetGroup: { name: 'done-green' }, taskSetLabel: 'Green' },
            ],
          },
        },
      },
    });
  });

  it('names the service by its ARN on AWS, in the account and region of the deployment', async () => {
    const executionArn = 'arn:aws:states:eu-west-1:123456789012:execution:cutover-ecs-blue-green:d-ECSSVCARN';
    await h.runtime.store.createDeployment({ ...(await h.runtime.store.getDeployment(done.deploymentId))!, deploymentId: 'd-ECSSVCARN', executionArn });
    await h.runtime.store.putTargets([{ ...(await h.runtime.store.getTarget(done.deploymentId, 'main:done'))!, deploymentId: 'd-ECSSVCARN' }]);

    const onAws = await callOnAws('GET', '/deployments/d-ECSSVCARN/targets/main:done');

    expect((onAws.body?.deploymentTarget as { ecsTarget: Json }).ecsTarget.targetArn).toBe('arn:aws:ecs:eu-west-1:123456789012:service/main/done');
    expect(await ecsTarget(done.deploymentId, 'done')).not.toHaveProperty('targetArn');
  });

  it('waits on each hook until its status comes through the API, then resumes; a second status is refused', async () => {
    const { deploymentId, setup } = await startDeployment('hooked', { hooks: ['BeforeInstall', 'AfterAllowTestTraffic', 'AfterAllowTraffic'], testListener: true });
    const beforeInstall = await inbox.invocation('BeforeInstall', deploymentId);
    expect(beforeInstall.DeploymentId).toBe(deploymentId);
    const [original] = await taskSetsOf(h, setup);
    expect(await info(deploymentId)).toMatchObject({ status: 'InProgress', trafficShifts: [], instanceTerminationWaitTimeStarted: false });
    expect(await taskSetsInfo(deploymentId, 'hooked')).toEqual([
      { identifer: original.id, status: 'PRIMARY', trafficWeight: 100, targetGroup: { name: 'hooked-blue' }, taskSetLabel: 'Blue' },
    ]);
    expect(await taskSetsOf(h, setup)).toHaveLength(1);

    expect(await hookStatus(deploymentId, beforeInstall.LifecycleEventHookExecutionId, 'Succeeded')).toEqual({
      status: 200,
      body: { lifecycleEventHookExecutionId: beforeInstall.LifecycleEventHookExecutionId },
    });

    // Test traffic reaches the replacement before its hook runs; production traffic does not yet.
    const afterTestTraffic = await inbox.invocation('AfterAllowTestTraffic', deploymentId);
    const replacement = ecs((await h.runtime.store.getDeployment(deploymentId))!).replacementTaskSet!;
    expect(await prodTraffic(h, { ...setup, prodListener: setup.testListener! })).toEqual({ [replacement.id]: 100 });
    expect(await prodTraffic(h, setup)).toEqual({ [original.id]: 100 });
    expect((await taskSetsInfo(deploymentId, 'hooked')).map((t) => [t.taskSetLabel, t.status, t.trafficWeight])).toEqual([
      ['Blue', 'PRIMARY', 100],
      ['Green', 'ACTIVE', 0],
    ]);
    expect((await hookStatus(deploymentId, afterTestTraffic.LifecycleEventHookExecutionId, 'Succeeded')).status).toBe(200);

    const afterAllowTraffic = await inbox.invocation('AfterAllowTraffic', deploymentId);
    expect(await prodTraffic(h, setup)).toEqual({ [replacement.id]: 100 });
    expect((await hookStatus(deploymentId, afterAllowTraffic.LifecycleEventHookExecutionId, 'Succeeded')).status).toBe(200);
    expect((await h.runtime.waitForDeployment(deploymentId)).status).toBe('Succeeded');
    const events = (await ecsTarget(deploymentId, 'hooked')).lifecycleEvents as Json[];
    expect(events.map((e) => [e.lifecycleEventName, e.status])).toEqual([
      ['BeforeInstall', 'Succeeded'],
      ['Install', 'Succeeded'],
      ['AfterInstall', 'Skipped'],
      ['AllowTestTraffic', 'Succeeded'],
      ['AfterAllowTestTraffic', 'Succeeded'],
      ['BeforeAllowTraffic', 'Skipped'],
      ['AllowTraffic', 'Succeeded'],
      ['AfterAllowTraffic', 'Succeeded'],
    ]);

    await expectSecondStatusRefused(h, deploymentId, afterAllowTraffic.LifecycleEventHookExecutionId, 'Failed');
  });

  it('fails the deployment when a hook reports Failed through the API, and removes the replacement', async () => {
    const { deploymentId, setup } = await startDeployment('refusing', { hooks: ['AfterInstall'] });
    const afterInstall = await inbox.invocation('AfterInstall', deploymentId);
    expect(await taskSetsOf(h, setup)).toHaveLength(2);

    expect((await hookStatus(deploymentId, afterInstall.LifecycleEventHookExecutionId, 'Failed')).status).toBe(200);

    const ended = await h.runtime.waitForDeployment(deploymentId);
    expect(ended.status).toBe('Failed');
    expect(ended.errorInformation?.code).toBe('HOOK_EXECUTION_FAILURE');
    expect(await taskSetsOf(h, setup)).toEqual([{ id: expect.any(String), taskDefinition: ORIGINAL_TASK_DEFINITION, status: 'PRIMARY' }]);
    expect((await info(deploymentId)).trafficShifts).toEqual([]);
    expect((await taskSetsInfo(deploymentId, 'refusing')).map((t) => [t.taskSetLabel, t.status, t.trafficWeight])).toEqual([
      ['Blue', 'PRIMARY', 100],
      ['Green', 'DRAINING', 0],
    ]);
  });

  it.each([
    ['READY_WAIT', { deploymentWaitType: 'READY_WAIT' }],
    ['no wait type', {}],
  ])('ends a canary wait on ContinueDeployment with %s, moving all production traffic to the replacement', async (name, body) => {
    const serviceName = name === 'READY_WAIT' ? 'canary-ready' : 'canary-plain';
    const { deploymentId, setup } = await startDeployment(serviceName, { group: { deploymentConfigName: CANARY } });
    const waiting = await untilShiftWait(deploymentId, 1);
    const original = waiting.originalTaskSet!.id;
    const replacement = waiting.replacementTaskSet!.id;
    const shown = await info(deploymentId);
    expect(shown).toMatchObject({
      status: 'InProgress',
      deploymentConfigName: CANARY,
      instanceTerminationWaitTimeStarted: false,
      trafficShifts: [{ time: expect.any(String), weights: { [original]: 90, [replacement]: 10 } }],
      nextShift: { time: expect.any(String), weights: { [replacement]: 100 } },
    });
    expect(JSON.stringify(shown)).not.toMatch(/currentWait|taskToken|polls|schedule/);
    expect((await taskSetsInfo(deploymentId, serviceName)).map((t) => [t.identifer, t.status, t.trafficWeight])).toEqual([
      [original, 'PRIMARY', 90],
      [replacement, 'ACTIVE', 10],
    ]);
    expect(await prodTraffic(h, setup)).toEqual({ [original]: 90, [replacement]: 10 });
    expect(await continueWith(deploymentId, { deploymentWaitType: 'TERMINATION_WAIT' })).toEqual({
      status: 400,
      body: {
        code: 'InvalidDeploymentWaitType',
        field: 'deploymentWaitType',
        message: `is TERMINATION_WAIT, but deployment ${deploymentId} has not moved all its production traffic yet (1 of 2 shifts made), so its original task set is not waiting to be removed; send READY_WAIT or leave it out to skip the remaining shift waits`,
      },
    });
    expect(ecs((await h.runtime.store.getDeployment(deploymentId))!)).not.toHaveProperty('terminationContinued');

    expect(await continueWith(deploymentId, body)).toEqual({ status: 204, body: undefined });

    expect((await h.runtime.waitForDeployment(deploymentId)).status).toBe('Succeeded');
    expect(await prodTraffic(h, setup)).toEqual({ [replacement]: 100 });
    const ended = await info(deploymentId);
    expect((ended.trafficShifts as Json[]).map((shift) => shift.weights)).toEqual([{ [original]: 90, [replacement]: 10 }, { [replacement]: 100 }]);
    expect(ended).not.toHaveProperty('nextShift');
    expect(await continueWith(deploymentId, body)).toEqual({
      status: 400,
      body: { code: 'DeploymentIsNotInReadyState', message: `Deployment ${deploymentId} is Succeeded; only a Lambda or ECS deployment in progress has waits to end early`, field: 'deploymentId' },
    });
  });

  it.each([
    ['TERMINATION_WAIT', { deploymentWaitType: 'TERMINATION_WAIT' }],
    ['no wait type', {}],
  ])('keeps the original task set through the termination wait until ContinueDeployment with %s ends it', async (name, body) => {
    const serviceName = name === 'TERMINATION_WAIT' ? 'kept-termination' : 'kept-plain';
    const { deploymentId, setup } = await startDeployment(serviceName, {
      group: { blueGreenDeploymentConfiguration: { terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 60 } } },
    });
    const waiting = await untilTerminationWait(deploymentId);
    const original = waiting.originalTaskSet!.id;
    const replacement = waiting.replacementTaskSet!.id;
    expect(await info(deploymentId)).toMatchObject({
      status: 'InProgress',
      instanceTerminationWaitTimeStarted: true,
      blueGreenDeploymentConfiguration: { terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 60 } },
      trafficShifts: [{ time: expect.any(String), weights: { [replacement]: 100 } }],
    });
    expect((await taskSetsInfo(deploymentId, serviceName)).map((t) => [t.identifer, t.status, t.trafficWeight])).toEqual([
      [original, 'ACTIVE', 0],
      [replacement, 'PRIMARY', 100],
    ]);
    expect((await taskSetsOf(h, setup)).map((t) => [t.id, t.status])).toEqual(
      expect.arrayContaining([
        [original, 'ACTIVE'],
        [replacement, 'PRIMARY'],
      ]),
    );
    expect(await continueWith(deploymentId, { deploymentWaitType: 'READY_WAIT' })).toEqual({
      status: 400,
      body: {
        code: 'InvalidDeploymentWaitType',
        field: 'deploymentWaitType',
        message: `is READY_WAIT, but deployment ${deploymentId} has moved all its production traffic and waits only to remove its original task set; send TERMINATION_WAIT or leave it out to remove it now`,
      },
    });
    expect(await taskSetsOf(h, setup)).toHaveLength(2);

    expect(await continueWith(deploymentId, body)).toEqual({ status: 204, body: undefined });

    const ended = ecs(await h.runtime.waitForDeployment(deploymentId));
    expect(ended.status).toBe('Succeeded');
    expect(ended.terminationContinued).toEqual({ at: expect.stringMatching(ISO_TIME) });
    expect(await taskSetsOf(h, setup)).toEqual([{ id: replacement, taskDefinition: NEW_TASK_DEFINITION, status: 'PRIMARY' }]);
  });

  it('stops a deployment during its canary wait at once, and gives production traffic back to the original task set', async () => {
    const { deploymentId, setup } = await startDeployment('canary-stop', { group: { deploymentConfigName: CANARY } });
    const waiting = await untilShiftWait(deploymentId, 1);
    const original = waiting.originalTaskSet!.id;
    const replacement = waiting.replacementTaskSet!.id;
    expect(await prodTraffic(h, setup)).toEqual({ [original]: 90, [replacement]: 10 });

    expect(await call('POST', `/deployments/${deploymentId}/stop`, {})).toEqual({ status: 200, body: { status: 'Pending', statusMessage: STOP_MESSAGE } });

    const ended = await h.runtime.waitForDeployment(deploymentId);
    expect(ended.status).toBe('Stopped');
    expect(ended.errorInformation?.code).toBe('MANUAL_STOP');
    expect(await prodTraffic(h, setup)).toEqual({ [original]: 100 });
    expect(await taskSetsOf(h, setup)).toEqual([{ id: original, taskDefinition: ORIGINAL_TASK_DEFINITION, status: 'PRIMARY' }]);
    expect(((await info(deploymentId)).trafficShifts as Json[]).map((shift) => shift.weights)).toEqual([{ [original]: 90, [replacement]: 10 }, { [original]: 100 }]);
    expect((await taskSetsInfo(deploymentId, 'canary-stop')).map((t) => [t.identifer, t.status, t.trafficWeight])).toEqual([
      [original, 'PRIMARY', 100],
      [replacement, 'DRAINING', 0],
    ]);
    expect(await call('POST', `/deployments/${deploymentId}/stop`, {})).toEqual({
      status: 409,
      body: { code: 'DeploymentAlreadyCompleted', message: expect.stringContaining('Stopped'), field: 'deploymentId' },
    });
  });

  it.each([
    ['READY_WAIT', { deploymentWaitType: 'READY_WAIT' }],
    ['TERMINATION_WAIT', { deploymentWaitType: 'TERMINATION_WAIT' }],
    ['no wait type', {}],
  ])('refuses ContinueDeployment of a finished ECS deployment with %s', async (_case, body) => {
    expect(await continueWith(done.deploymentId, body)).toEqual({
      status: 400,
      body: { code: 'DeploymentIsNotInReadyState', field: 'deploymentId', message: expect.stringMatching(/is Succeeded; only a Lambda or ECS deployment in progress/) },
    });
  });

  describe('CreateDeployment refusals', () => {
    const content = ecsAppSpec();
    const base = { applicationName: 'svc', deploymentGroupName: 'done', revision: appSpecContentRevision(content) };
    const deploymentsOfDone = async () => (await h.runtime.store.listDeploymentsPage({ applicationName: 'svc', deploymentGroupName: 'done' })).items.map((d) => d.deploymentId);

    beforeAll(async () => {
      await h.runtime.store.createDeploymentConfig({ deploymentConfigName: 'Quarter', computePlatform: 'Server', minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 75 } });
    });

    it.each<[string, Json, number, string, string, RegExp]>([
      ['an S3 revision', { revision: { revisionType: 'S3', s3Location: { bucket: 'my-bundles', key: 'a.zip', bundleType: 'zip' } } }, 400, 'ValidationError', 'revision.revisionType', /^revision\.revisionType: is 'S3', a bundle for hosts; application 'svc' deploys to ECS, whose deployments take their appspec inline/],
      ['a Local revision', { revision: { revisionType: 'Local', localLocation: { bundlePath: '/srv/bundle' } } }, 400, 'ValidationError', 'revision.revisionType', /is 'Local', a bundle for hosts; application 'svc' deploys to ECS/],
      ['a sha256 that is not the content’s', { revision: { revisionType: 'AppSpecContent', appSpecContent: { content, sha256: '0'.repeat(64) } } }, 400, 'ValidationError', 'revision.appSpecContent.sha256', /is not the SHA-256 of content/],
      ['a Lambda appspec', { revision: appSpecContentRevision(lambdaAppSpec('fn')) }, 400, 'InvalidRevision', 'revision.appSpecContent.content', /^The revision's appspec cannot be deployed: .*AWS::ECS::Service/],
      ['an appspec without its task definition', { revision: appSpecContentRevision(content.replace(/ +TaskDefinition: .*\n/, '')) }, 400, 'InvalidRevision', 'revision.appSpecContent.content', /^The revision's appspec cannot be deployed: .*TaskDefinition/],
      ['ignoreApplicationStopFailures', { ignoreApplicationStopFailures: true }, 400, 'ValidationError', 'ignoreApplicationStopFailures', /^ignoreApplicationStopFailures: applies to Server deployments only; application 'svc' deploys to ECS$/],
      ['fileExistsBehavior', { fileExistsBehavior: 'OVERWRITE' }, 400, 'ValidationError', 'fileExistsBehavior', /applies to Server deployments only; application 'svc' deploys to ECS/],
      ['a Lambda deployment config', { deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce' }, 400, 'ValidationError', 'deploymentConfigName', /names a deployment config for Lambda, not ECS/],
      ['a Server deployment config', { deploymentConfigName: 'CodeDeployDefault.OneAtATime' }, 400, 'ValidationError', 'deploymentConfigName', /names a deployment config for Server, not ECS/],
      ['a custom Server deployment config', { deploymentConfigName: 'Quarter' }, 400, 'ValidationError', 'deploymentConfigName', /names a deployment config for Server, not ECS \(got "Quarter"\)$/],
      ['a missing deployment config', { deploymentConfigName: 'Nowhere' }, 404, 'DeploymentConfigDoesNotExist', 'deploymentConfigName', /Nowhere/],
    ])('refuses %s in an ECS application and creates nothing', async (_case, change, status, code, field, message) => {
      const before = await deploymentsOfDone();

      const response = await call('POST', '/deployments', { ...base, ...change });

      expect(response).toEqual({ status, body: { code, field, message: expect.stringMatching(message) } });
      expect(await deploymentsOfDone()).toEqual(before);
    });
  });
});
