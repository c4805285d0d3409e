// Lambda deployments through the real router, on the embedded runtime: an AppSpecContent revision shifts a simulated
// alias, hook functions hand their invocation to the test, which reports the status through the API route itself.
// Waits last as long as the config says (timeScale 1): a canary's 30 minutes end only by ContinueDeployment or
// StopDeployment.
import { localApiClients } from '../../support/api-client';
import { appSpecContentRevision, HookInbox, lambdaAppSpec, publishFunction, untilDeployment } from '../../support/lambda-api';
import { addAppGroup, type Harness, openHarness } from '../../support/local-runtime-harness';
import { ISO_TIME, SUCCEEDED_TRAFFIC_INFO, trafficApi } from '../../support/traffic-api';

const CANARY = 'CodeDeployDefault.LambdaCanary10Percent30Minutes';
const PRE = 'CodeDeployHook_pre';
const POST = 'CodeDeployHook_post';
const MISSING_ID = 'd-AAAAAAAAA';
const STOP_MESSAGE =
  'The deployment stops at once if it waits on a hook or for its next traffic shift, else after its current step; an alias split between the two versions goes back to CurrentVersion';

type Json = Record<string, unknown>;

describe('Lambda deployment routes', () => {
  let h: Harness;
  const inbox = new HookInbox();
  const { call, callOnAws } = localApiClients(() => h);
  const { info, hookStatus, continueWith, stopRunning, expectRecordedSuccess, expectSecondStatusRefused } = trafficApi(call);

  /** A Lambda group of application `fn`, created through the API. */
  async function createGroup(deploymentGroupName: string, settings: Json = {}): Promise<void> {
    const created = await call('POST', '/applications/fn/deployment-groups', { deploymentGroupName, ...settings });
    expect(created.status).toBe(201);
  }

  function deploy(deploymentGroupName: string, content: string, extra: Json = {}) {
    return call('POST', '/deployments', { applicationName: 'fn', deploymentGroupName, revision: appSpecContentRevision(content), ...extra });
  }

  /** A function of its own, a group of its own, and a deployment of the two (not waited for). */
  async function startDeployment(name: string, options: { hooks?: string[]; group?: Json; extra?: Json } = {}): Promise<string> {
    await publishFunction(h, name);
    await createGroup(name, options.group);
    const created = await deploy(name, lambdaAppSpec(name, options.hooks), options.extra);
    expect(created).toEqual({ status: 201, body: { deploymentId: expect.stringMatching(/^d-[A-Z0-9]{9}$/) } });
    return created.body?.deploymentId as string;
  }

  async function lambdaTarget(deploymentId: string, targetId: string): Promise<Json> {
    const got = await call('GET', `/deployments/${deploymentId}/targets/${targetId}`);
    expect(got.status).toBe(200);
    return (got.body?.deploymentTarget as { lambdaTarget: Json }).lambdaTarget;
  }

  const alias = (functionName: string) => h.runtime.lambdaFunctions.getAlias(functionName, 'live');

  async function deploymentsOf(group: string): Promise<string[]> {
    const page = await h.runtime.store.listDeploymentsPage({ applicationName: 'fn', deploymentGroupName: group });
    return page.items.map((d) => d.deploymentId);
  }

  /** Until the deployment waits for its next traffic shift (a canary's 30 minutes). */
  const untilShiftWait = (deploymentId: string) =>
    untilDeployment(h, deploymentId, (d) => d.computePlatform === 'Lambda' && d.currentWait?.kind === 'shift');

  let doneId: string;

  beforeAll(async () => {
    h = await openHarness({ timeScale: 1, hooks: inbox.hooks([PRE, POST]) });
    expect((await call('POST', '/applications', { applicationName: 'fn', computePlatform: 'Lambda' })).status).toBe(201);
    await addAppGroup(h, { defaultHosts: ['host-1'] });
    doneId = await startDeployment('done');
    await h.runtime.waitForDeployment(doneId);
  });
  afterAll(async () => {
    await stopRunning(h);
    await h.runtime.close();
  });

  it('runs a deployment of an AppSpecContent revision to Succeeded and shows it as CodeDeploy DeploymentInfo for Lambda', async () => {
    await publishFunction(h, 'alpha');
    await createGroup('alpha');
    const content = lambdaAppSpec('alpha');
    const created = await deploy('alpha', content, { description: 'all at once' });
    expect(created.status).toBe(201);
    const deploymentId = created.body?.deploymentId as string;

    expect((await h.runtime.waitForDeployment(deploymentId)).status).toBe('Succeeded');

    expect(await info(deploymentId)).toEqual({
      applicationName: 'fn',
      deploymentGroupName: 'alpha',
      deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
      deploymentId,
      revision: appSpecContentRevision(content),
      ...SUCCEEDED_TRAFFIC_INFO,
      description: 'all at once',
      computePlatform: 'Lambda',
      trafficShifts: [{ time: expect.stringMatching(ISO_TIME), weights: { '2': 100 } }],
    });
    expect(await alias('alpha')).toEqual({ functionVersion: '2', additionalVersionWeights: {} });
    await expectRecordedSuccess('fn', 'alpha', deploymentId, content);
  });

  it('shows the one target of a Lambda deployment as CodeDeploy LambdaTarget', async () => {
    expect(await call('GET', `/deployments/${doneId}/targets`)).toEqual({ status: 200, body: { targetIds: ['done:live'] } });
    expect(await call('GET', `/deployments/${doneId}/targets`, undefined, { targetStatus: 'Failed' })).toEqual({ status: 200, body: { targetIds: [] } });

    const got = await call('GET', `/deployments/${doneId}/targets/done:live`);

    expect(got).toEqual({
      status: 200,
      body: {
        deploymentTarget: {
          deploymentTargetType: 'LambdaTarget',
          lambdaTarget: {
            deploymentId: doneId,
            targetId: 'done:live',
            status: 'Succeeded',
            lastUpdatedAt: expect.stringMatching(ISO_TIME),
            lifecycleEvents: [
              { lifecycleEventName: 'BeforeAllowTraffic', status: 'Skipped' },
              { lifecycleEventName: 'AllowTraffic', status: 'Succeeded', startTime: expect.any(String), endTime: expect.any(String) },
              { lifecycleEventName: 'AfterAllowTraffic', status: 'Skipped' },
            ],
            lambdaFunctionInfo: { functionName: 'done', functionAlias: 'live', currentVersion: '1', targetVersion: '2', targetVersionWeight: 1 },
          },
        },
      },
    });
  });

  it('names the alias by its ARN on AWS, in the account and region of the deployment', async () => {
    const executionArn = 'arn:aws:states:eu-west-1:123456789012:execution:cutover-lambda-traffic-shift:d-LAMBDAARN';
    const done = await h.runtime.store.getDeployment(doneId);
    await h.runtime.store.createDeployment({ ...done!, deploymentId: 'd-LAMBDAARN', executionArn });
    await h.runtime.store.putTargets([{ ...(await h.runtime.store.getTarget(doneId, 'done:live'))!, deploymentId: 'd-LAMBDAARN' }]);

    const got = await callOnAws('GET', '/deployments/d-LAMBDAARN/targets/done:live');

    expect((got.body?.deploymentTarget as { lambdaTarget: Json }).lambdaTarget.targetArn).toBe('arn:aws:lambda:eu-west-1:123456789012:function:done:live');
  });

  it('waits on a hook until its status comes through the API, then resumes; a second status is refused', async () => {
    const deploymentId = await startDeployment('beta', { hooks: [`BeforeAllowTraffic: ${PRE}`, `AfterAllowTraffic: ${POST}`] });
    const before = await inbox.invocation(PRE, deploymentId);
    expect(before.DeploymentId).toBe(deploymentId);
    expect(await info(deploymentId)).toMatchObject({ status: 'InProgress', trafficShifts: [] });
    expect(await alias('beta')).toEqual({ functionVersion: '1', additionalVersionWeights: {} });

    expect(await hookStatus(deploymentId, before.LifecycleEventHookExecutionId, 'Succeeded')).toEqual({
      status: 200,
      body: { lifecycleEventHookExecutionId: before.LifecycleEventHookExecutionId },
    });

    const after = await inbox.invocation(POST, deploymentId);
    // AfterAllowTraffic runs once all traffic moved.
    expect(await alias('beta')).toEqual({ functionVersion: '2', additionalVersionWeights: {} });
    expect((await hookStatus(deploymentId, after.LifecycleEventHookExecutionId, 'Succeeded')).status).toBe(200);
    expect((await h.runtime.waitForDeployment(deploymentId)).status).toBe('Succeeded');
    const events = (await lambdaTarget(deploymentId, 'beta:live')).lifecycleEvents as Json[];
    expect(events.map((e) => [e.lifecycleEventName, e.status])).toEqual([
      ['BeforeAllowTraffic', 'Succeeded'],
      ['AllowTraffic', 'Succeeded'],
      ['AfterAllowTraffic', 'Succeeded'],
    ]);

    for (const [execution, status] of [
      [before.LifecycleEventHookExecutionId, 'Succeeded'],
      [after.LifecycleEventHookExecutionId, 'Failed'],
    ]) {
      await expectSecondStatusRefused(h, deploymentId, execution, status);
    }
  });

  it('fails the deployment when a hook reports Failed through the API, before any traffic moves', async () => {
    const deploymentId = await startDeployment('gamma', { hooks: [`BeforeAllowTraffic: ${PRE}`] });
    const before = await inbox.invocation(PRE, deploymentId);

    expect((await hookStatus(deploymentId, before.LifecycleEventHookExecutionId, 'Failed')).status).toBe(200);

    const ended = await h.runtime.waitForDeployment(deploymentId);
    expect(ended.status).toBe('Failed');
    expect(ended.errorInformation?.code).toBe('HOOK_EXECUTION_FAILURE');
    expect(await alias('gamma')).toEqual({ functionVersion: '1', additionalVersionWeights: {} });
    expect((await info(deploymentId)).trafficShifts).toEqual([]);
  });

  it.each([
    ['an execution id the deployment never handed out', '{done}', 'BeforeAllowTraffic-00000000-0000-4000-8000-000000000000', 400, 'InvalidLifecycleEventHookExecutionId', 'lifecycleEventHookExecutionId'],
    ['an execution id Cutover never makes', '{done}', 'not-a-hook-execution', 400, 'InvalidLifecycleEventHookExecutionId', 'lifecycleEventHookExecutionId'],
    ['a missing deployment', MISSING_ID, 'BeforeAllowTraffic-x', 404, 'DeploymentDoesNotExist', 'deploymentId'],
  ])('refuses a hook status for %s', async (_case, id, executionId, status, code, field) => {
    const response = await hookStatus(id.replace('{done}', doneId), executionId, 'Succeeded');

    expect(response).toEqual({ status, body: { code, message: expect.any(String), field } });
  });

  it.each([
    ['READY_WAIT', { deploymentWaitType: 'READY_WAIT' }],
    ['no wait type', {}],
  ])('ends a canary wait on ContinueDeployment with %s, moving all traffic to the target', async (name, body) => {
    const functionName = name === 'READY_WAIT' ? 'canary-ready' : 'canary-plain';
    const deploymentId = await startDeployment(functionName, { group: { deploymentConfigName: CANARY } });
    const waiting = await untilShiftWait(deploymentId);
    expect(waiting).toHaveProperty('currentWait');
    const shown = await info(deploymentId);
    expect(shown).toMatchObject({
      status: 'InProgress',
      deploymentConfigName: CANARY,
      trafficShifts: [{ time: expect.any(String), weights: { '1': 90, '2': 10 } }],
      nextShift: { time: expect.any(String), weights: { '2': 100 } },
    });
    expect(shown).not.toHaveProperty('currentWait');
    expect(JSON.stringify(shown)).not.toContain('taskToken');
    expect((await lambdaTarget(deploymentId, `${functionName}:live`)).lambdaFunctionInfo).toMatchObject({ targetVersionWeight: 0.1 });
    expect(await alias(functionName)).toEqual({ functionVersion: '1', additionalVersionWeights: { '2': 10 } });

    expect(await continueWith(deploymentId, body)).toEqual({ status: 204, body: undefined });

    expect((await h.runtime.waitForDeployment(deploymentId)).status).toBe('Succeeded');
    expect(await alias(functionName)).toEqual({ functionVersion: '2', additionalVersionWeights: {} });
    const ended = await info(deploymentId);
    expect((ended.trafficShifts as Json[]).map((shift) => shift.weights)).toEqual([{ '1': 90, '2': 10 }, { '2': 100 }]);
    expect(ended).not.toHaveProperty('nextShift');
    expect(await continueWith(deploymentId, body)).toEqual({
      status: 400,
      body: { code: 'DeploymentIsNotInReadyState', message: expect.stringContaining(`Deployment ${deploymentId} is Succeeded`), field: 'deploymentId' },
    });
  });

  it('stops a deployment during its canary wait at once, and puts the alias back on CurrentVersion', async () => {
    const deploymentId = await startDeployment('canary-stop', { group: { deploymentConfigName: CANARY } });
    await untilShiftWait(deploymentId);
    expect(await alias('canary-stop')).toEqual({ functionVersion: '1', additionalVersionWeights: { '2': 10 } });

    expect(await call('POST', `/deployments/${deploymentId}/stop`, {})).toEqual({ status: 200, body: { status: 'Pending', statusMessage: STOP_MESSAGE } });

    const ended = await h.runtime.waitForDeployment(deploymentId);
    expect(ended.status).toBe('Stopped');
    expect(ended.errorInformation?.code).toBe('MANUAL_STOP');
    expect(await alias('canary-stop')).toEqual({ functionVersion: '1', additionalVersionWeights: {} });
    expect(((await info(deploymentId)).trafficShifts as Json[]).map((shift) => shift.weights)).toEqual([{ '1': 90, '2': 10 }, { '1': 100 }]);
    expect((await lambdaTarget(deploymentId, 'canary-stop:live')).lambdaFunctionInfo).toMatchObject({ targetVersionWeight: 0 });
    expect(await call('POST', `/deployments/${deploymentId}/stop`, {})).toEqual({
      status: 409,
      body: { code: 'DeploymentAlreadyCompleted', message: expect.stringContaining('Stopped'), field: 'deploymentId' },
    });
  });

  it.each([
    ['TERMINATION_WAIT', { deploymentWaitType: 'TERMINATION_WAIT' }, 'InvalidDeploymentWaitType', 'deploymentWaitType', /no termination wait/],
    ['a finished deployment with READY_WAIT', { deploymentWaitType: 'READY_WAIT' }, 'DeploymentIsNotInReadyState', 'deploymentId', /is Succeeded; only a Lambda or ECS deployment in progress/],
    ['a finished deployment without a wait type', {}, 'DeploymentIsNotInReadyState', 'deploymentId', /is Succeeded/],
  ])('refuses ContinueDeployment of a Lambda deployment with %s', async (_case, body, code, field, message) => {
    expect(await continueWith(doneId, body)).toEqual({ status: 400, body: { code, field, message: expect.stringMatching(message) } });
  });

  it('answers a repeated clientToken with the first Lambda deployment and creates only one', async () => {
    await publishFunction(h, 'token');
    await createGroup('token');
    await createGroup('token-other');
    const content = lambdaAppSpec('token');

    const first = await deploy('token', content, { clientToken: 'lambda-release-1' });
    const repeat = await deploy('token', content, { clientToken: 'lambda-release-1' });

    expect(first).toEqual({ status: 201, body: { deploymentId: expect.stringMatching(/^d-/) } });
    expect(repeat).toEqual(first);
    await h.runtime.waitForDeployment(first.body?.deploymentId as string);
    expect(await deploy('token', content, { clientToken: 'lambda-release-1' })).toEqual(first);
    expect(await deploymentsOf('token')).toEqual([first.body?.deploymentId]);
    expect(await deploy('token-other', content, { clientToken: 'lambda-release-1' })).toEqual({
      status: 409,
      body: { code: 'IdempotentParameterMismatch', message: expect.stringContaining('deployment group token, not token-other'), field: 'clientToken' },
    });
  });

  it('frees a clientToken whose Lambda request failed on its appspec, so the retry creates the deployment', async () => {
    await publishFunction(h, 'retry');
    await createGroup('retry');
    const broken = lambdaAppSpec('retry').replace('TargetVersion: "2"', 'TargetVersion: "1"');

    const failed = await deploy('retry', broken, { clientToken: 'fix-the-appspec' });
    expect(failed).toEqual({ status: 400, body: { code: 'InvalidRevision', message: expect.stringContaining('TargetVersion'), field: 'revision.appSpecContent.content' } });
    const retried = await deploy('retry', lambdaAppSpec('retry'), { clientToken: 'fix-the-appspec' });

    expect(retried.status).toBe(201);
    expect((await h.runtime.waitForDeployment(retried.body?.deploymentId as string)).status).toBe('Succeeded');
    expect(await deploymentsOf('retry')).toEqual([retried.body?.deploymentId]);
  });

  describe('CreateDeployment refusals', () => {
    const content = lambdaAppSpec('refused');
    const base = { applicationName: 'fn', deploymentGroupName: 'refused', revision: appSpecContentRevision(content) };

    beforeAll(async () => {
      await publishFunction(h, 'refused');
      await createGroup('refused');
      await h.runtime.store.createDeploymentConfig({ deploymentConfigName: 'Quarter', computePlatform: 'Server', minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 75 } });
    });

    it.each<[string, Json, number, string, string, RegExp]>([
      ['an S3 revision', { revision: { revisionType: 'S3', s3Location: { bucket: 'my-bundles', key: 'a.zip', bundleType: 'zip' } } }, 400, 'ValidationError', 'revision.revisionType', /is 'S3', a bundle for hosts; application 'fn' deploys to Lambda.*AppSpecContent/],
      ['a Local revision', { revision: { revisionType: 'Local', localLocation: { bundlePath: '/srv/bundle' } } }, 400, 'ValidationError', 'revision.revisionType', /is 'Local', a bundle for hosts.*AppSpecContent/],
      ['a sha256 that is not the content’s', { revision: { revisionType: 'AppSpecContent', appSpecContent: { content, sha256: '0'.repeat(64) } } }, 400, 'ValidationError', 'revision.appSpecContent.sha256', /is not the SHA-256 of content: content hashes to [0-9a-f]{64}/],
      ['a sha256 that is not hex', { revision: { revisionType: 'AppSpecContent', appSpecContent: { content, sha256: 'abc' } } }, 400, 'ValidationError', 'revision.appSpecContent.sha256', /must be 64 hex characters/],
      ['empty content', { revision: { revisionType: 'AppSpecContent', appSpecContent: { content: '' } } }, 400, 'ValidationError', 'revision.appSpecContent.content', /must not be empty/],
      ['no appSpecContent', { revision: { revisionType: 'AppSpecContent' } }, 400, 'ValidationError', 'revision.appSpecContent', /is required/],
      ['an unknown field of appSpecContent', { revision: { revisionType: 'AppSpecContent', appSpecContent: { content, url: 'x' } } }, 400, 'ValidationError', 'revision.appSpecContent.url', /is not a field/],
      ['an appspec that shifts nothing', { revision: appSpecContentRevision(content.replace('TargetVersion: "2"', 'TargetVersion: "1"')) }, 400, 'InvalidRevision', 'revision.appSpecContent.content', /^The revision's appspec cannot be deployed: .*TargetVersion \(line \d+\): must differ from CurrentVersion/],
      ['an appspec that is not YAML', { revision: appSpecContentRevision('{{{') }, 400, 'InvalidRevision', 'revision.appSpecContent.content', /^The revision's appspec cannot be deployed: revision\.appSpecContent\.content \(line 1\)/],
      ['ignoreApplicationStopFailures', { ignoreApplicationStopFailures: true }, 400, 'ValidationError', 'ignoreApplicationStopFailures', /applies to Server deployments only/],
      ['fileExistsBehavior', { fileExistsBehavior: 'OVERWRITE' }, 400, 'ValidationError', 'fileExistsBehavior', /applies to Server deployments only/],
      ['a Server deployment config', { deploymentConfigName: 'CodeDeployDefault.OneAtATime' }, 400, 'ValidationError', 'deploymentConfigName', /names a deployment config for Server, not Lambda/],
      ['a custom Server deployment config', { deploymentConfigName: 'Quarter' }, 400, 'ValidationError', 'deploymentConfigName', /names a deployment config for Server, not Lambda \(got "Quarter"\)$/],
      ['a missing deployment config', { deploymentConfigName: 'Nowhere' }, 404, 'DeploymentConfigDoesNotExist', 'deploymentConfigName', /Nowhere/],
    ])('refuses %s in a Lambda application and creates nothing', async (_case, change, status, code, field, message) => {
      const response = await call('POST', '/deployments', { ...base, ...change });

      expect(response).toEqual({ status, body: { code, field, message: expect.stringMatching(message) } });
      expect(await deploymentsOf('refused')).toEqual([]);
    });

    it.each([
      ['on the embedded runtime', call],
      ['on AWS', callOnAws],
    ])('refuses an AppSpecContent revision for a Server application %s', async (_case, client) => {
      const response = await client('POST', '/deployments', { applicationName: 'app', deploymentGroupName: 'group', revision: appSpecContentRevision(content) });

      expect(response).toEqual({
        status: 400,
        body: { code: 'ValidationError', field: 'revision.revisionType', message: expect.stringMatching(/is 'AppSpecContent', which Lambda and ECS applications deploy; application 'app' deploys to Server/) },
      });
    });
  });
});
