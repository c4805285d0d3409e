// The concurrency policy through the real router, on the embedded runtime: set on a group and on one deployment,
// shown by GetDeploymentGroup and GetDeployment, a queued deployment stopped by StopDeployment, and a group that keeps
// queued deployments refusing to be deleted or renamed. A Lambda canary (timeScale 1) keeps the group busy for as
// long as a test needs: it waits 30 minutes unless continued or stopped.
import { localApiClients } from '../../support/api-client';
import { appSpecContentRevision, lambdaAppSpec, publishFunction, untilDeployment } from '../../support/lambda-api';
import { type Harness, openHarness } from '../../support/local-runtime-harness';

const CANARY = 'CodeDeployDefault.LambdaCanary10Percent30Minutes';
const GROUPS = '/applications/fn/deployment-groups';

type Json = Record<string, unknown>;

describe('concurrency policy routes', () => {
  let h: Harness;
  const { call } = localApiClients(() => h);
  let functions = 0;

  async function createGroup(deploymentGroupName: string, settings: Json = {}): Promise<void> {
    expect((await call('POST', GROUPS, { deploymentGroupName, ...settings })).status).toBe(201);
  }

  /** A deployment of a function of its own, so any order of deployments can run. */
  async function deploy(group: string, extra: Json = {}) {
    functions += 1;
    const name = `fn-${functions}`;
    await publishFunction(h, name);
    return call('POST', '/deployments', { applicationName: 'fn', deploymentGroupName: group, revision: appSpecContentRevision(lambdaAppSpec(name)), ...extra });
  }

  async function deployed(group: string, extra: Json = {}): Promise<string> {
    const answer = await deploy(group, extra);
    expect(answer.status).toBe(201);
    return answer.body?.deploymentId as string;
  }

  async function info(deploymentId: string): Promise<Json> {
    return (await call('GET', `/deployments/${deploymentId}`)).body?.deploymentInfo as Json;
  }

  /** A canary that holds the group until the test continues it. */
  async function holder(group: string): Promise<string> {
    const id = await deployed(group, { deploymentConfigName: CANARY });
    await untilDeployment(h, id, (d) => d.computePlatform === 'Lambda' && d.currentWait?.kind === 'shift');
    return id;
  }

  beforeAll(async () => {
    h = await openHarness({ timeScale: 1 });
    expect((await call('POST', '/applications', { applicationName: 'fn', computePlatform: 'Lambda' })).status).toBe(201);
  });
  afterAll(async () => {
    for (const status of ['Queued', 'Created', 'InProgress'] as const) {
      for (const d of await h.runtime.store.listDeployments({ statuses: [status] })) await call('POST', `/deployments/${d.deploymentId}/stop`, {});
    }
    await h.runtime.close();
  });

  it('sets a group policy on create and update, shows it, and leaves it out of groups that never set one', async () => {
    await createGroup('plain');
    expect((await call('GET', `${GROUPS}/plain`)).body?.deploymentGroupInfo).not.toHaveProperty('concurrencyPolicy');

    await createGroup('waits', { concurrencyPolicy: 'queue' });
    expect((await call('GET', `${GROUPS}/waits`)).body?.deploymentGroupInfo).toMatchObject({ concurrencyPolicy: 'queue' });
    expect((await call('PATCH', `${GROUPS}/waits`, { concurrencyPolicy: 'supersede' })).status).toBe(200);
    expect((await call('GET', `${GROUPS}/waits`)).body?.deploymentGroupInfo).toMatchObject({ concurrencyPolicy: 'supersede' });
    // An update that names other settings keeps the policy.
    expect((await call('PATCH', `${GROUPS}/waits`, { deploymentConfigName: CANARY })).status).toBe(200);
    expect((await call('GET', `${GROUPS}/waits`)).body?.deploymentGroupInfo).toMatchObject({ concurrencyPolicy: 'supersede', deploymentConfigName: CANARY });
  });

  it.each([
    ['POST', GROUPS, { deploymentGroupName: 'bad', concurrencyPolicy: 'fifo' }],
    ['POST', '/deployments', { applicationName: 'fn', deploymentGroupName: 'plain', revision: appSpecContentRevision(lambdaAppSpec('fn-x')), concurrencyPolicy: 'wait' }],
  ])('refuses an unknown policy on %s %s, naming the field and what is allowed', async (method, path, body) => {
    const answer = await call(method, path, body);
    expect(answer).toEqual({
      status: 400,
      body: { code: 'ValidationError', message: expect.stringMatching(/^concurrencyPolicy: must be one of reject, queue, supersede \(got "(fifo|wait)"\)/), field: 'concurrencyPolicy' },
    });
  });

  it("queues a deployment that asks to in a reject group, shows its place, and stops it at once on request", async () => {
    await createGroup('stops');
    const running = await holder('stops');
    const refused = await deploy('stops');
    expect(refused).toMatchObject({ status: 409, body: { code: 'DeploymentLimitExceeded', message: expect.stringContaining(running) } });

    const waiting = await deployed('stops', { concurrencyPolicy: 'queue' });
    expect(await info(waiting)).toMatchObject({ status: 'Queued', concurrencyPolicy: 'queue', queuePosition: 1 });
    expect(await info(running)).not.toHaveProperty('queuePosition');
    expect(await call('GET', `/deployments/${waiting}/targets`)).toMatchObject({ status: 400, body: { code: 'DeploymentNotStarted' } });

    expect(await call('POST', `/deployments/${waiting}/stop`, {})).toEqual({
      status: 200,
      body: { status: 'Succeeded', statusMessage: "The deployment was waiting in its group's queue: it is Stopped and will not run" },
    });
    expect(await info(waiting)).toMatchObject({ status: 'Stopped', errorInformation: { code: 'MANUAL_STOP' } });
    expect(await call('POST', `/deployments/${waiting}/stop`, {})).toMatchObject({ status: 409, body: { code: 'DeploymentAlreadyCompleted' } });

    expect((await call('POST', `/deployments/${running}/continue`, {})).status).toBe(204);
    expect((await h.runtime.waitForDeployment(running)).status).toBe('Succeeded');
    expect((await info(waiting)).status).toBe('Stopped');
  });

  it('refuses to delete or rename a group while a deployment runs or waits in its queue, naming them, and allows it once they ended', async () => {
    await createGroup('busy', { concurrencyPolicy: 'queue', deploymentConfigName: CANARY });
    const running = await holder('busy');
    const waiting = [await deployed('busy'), await deployed('busy')];

    expect(await call('DELETE', `${GROUPS}/busy`)).toEqual({
      status: 409,
      body: {
        code: 'DeploymentInProgress',
        message: `Deployment group 'busy' is running deployment ${running}, and 2 deployment(s) wait in its queue (${waiting.join(', ')}); stop them or wait for them to end, then delete the group`,
        field: 'deploymentGroupName',
      },
    });
    // Stopped, the running one makes way for the first waiting one, which holds the group in its turn.
    expect((await call('POST', `/deployments/${running}/stop`, {})).status).toBe(200);
    await untilDeployment(h, waiting[0], (d) => d.computePlatform === 'Lambda' && d.currentWait?.kind === 'shift');
    expect(await call('PATCH', `${GROUPS}/busy`, { newDeploymentGroupName: 'renamed' })).toMatchObject({
      status: 409,
      body: { message: `Deployment group 'busy' is running deployment ${waiting[0]}, and 1 deployment(s) wait in its queue (${waiting[1]}); stop them or wait for them to end, then rename the group` },
    });

    expect((await call('POST', `/deployments/${waiting[1]}/stop`, {})).body?.status).toBe('Succeeded');
    expect((await call('POST', `/deployments/${waiting[0]}/continue`, {})).status).toBe(204);
    expect((await h.runtime.waitForDeployment(waiting[0])).status).toBe('Succeeded');
    expect((await call('PATCH', `${GROUPS}/busy`, { newDeploymentGroupName: 'renamed' })).status).toBe(200);
    expect((await call('DELETE', `${GROUPS}/renamed`)).status).toBe(200);
  });

  it('names five waiting deployments and counts the rest when only the queue is in the way, and drops entries of ones that ended', async () => {
    await createGroup('crowd', { concurrencyPolicy: 'queue', deploymentConfigName: CANARY });
    const running = await holder('crowd');
    const waiting: string[] = [];
    for (let i = 0; i < 8; i += 1) waiting.push(await deployed('crowd'));
    // A stop that died before dropping its entry, and a lock its holder let go of without starting the next.
    await h.runtime.store.updateDeployment(waiting[0], { status: 'Stopped' }, ['Queued']);
    const group = (await h.runtime.store.getDeploymentGroup('fn', 'crowd'))!;
    await h.runtime.store.releaseGroupLock(group.deploymentGroupId, running);

    expect(await call('DELETE', `${GROUPS}/crowd`)).toEqual({
      status: 409,
      body: {
        code: 'DeploymentInProgress',
        message: `Deployment group 'crowd' has 7 deployment(s) waiting in its queue (${waiting.slice(1, 6).join(', ')} and 2 more); stop them or wait for them to run, then delete the group`,
        field: 'deploymentGroupName',
      },
    });
    expect((await h.runtime.store.listQueue(group.deploymentGroupId)).map((e) => e.deploymentId)).toEqual(waiting.slice(1));
  });
});
