// PutLifecycleEventHookExecutionStatus through the real router: Server deployments refuse it, as CodeDeploy does.
import { deployLoggingBundle, localApiClients } from '../../support/api-client';
import { addAppGroup, type Harness, openHarness } from '../../support/local-runtime-harness';

describe('lifecycle hook routes', () => {
  let h: Harness;
  let deploymentId: string;
  const { call } = localApiClients(() => h);

  beforeAll(async () => {
    h = await openHarness();
    await addAppGroup(h, { defaultHosts: ['host-1'] });
    const created = await deployLoggingBundle(call, h, 'v1');
    deploymentId = created.body?.deploymentId as string;
    await h.runtime.waitForDeployment(deploymentId);
  });
  afterAll(async () => {
    await h.runtime.close();
  });

  const hookPath = (id: string, hookExecutionId = 'a1b2c3d4-hook') => `/deployments/${id}/lifecycle-hook-executions/${hookExecutionId}`;

  it.each([
    ['a Server deployment', '{id}', { status: 'Succeeded' }, 400, 'UnsupportedActionForDeploymentType', 'deploymentId'],
    ['a missing deployment', 'd-AAAAAAAAA', { status: 'Failed' }, 404, 'DeploymentDoesNotExist', 'deploymentId'],
    ['a malformed deployment id', 'd-x', { status: 'Failed' }, 400, 'ValidationError', 'deploymentId'],
    ['a status other than Succeeded or Failed', '{id}', { status: 'InProgress' }, 400, 'ValidationError', 'status'],
    ['a missing status', '{id}', {}, 400, 'ValidationError', 'status'],
    ['an unknown field', '{id}', { status: 'Failed', reason: 'x' }, 400, 'ValidationError', 'reason'],
    ['malformed JSON', '{id}', '{"status": ', 400, 'MalformedJson', 'body'],
    ['no body', '{id}', undefined, 400, 'ValidationError', 'body'],
  ])('refuses %s', async (_case, id, body, status, code, field) => {
    const response = await call('POST', hookPath(id.replace('{id}', deploymentId)), body);

    expect(response).toEqual({ status, body: { code, message: expect.any(String), field } });
  });

  it('says why a Server deployment takes no hook status', async () => {
    const response = await call('POST', hookPath(deploymentId), { status: 'Succeeded' });

    expect(response.body?.message).toBe(
      `Deployment ${deploymentId} is a Server deployment: its hooks are scripts on the hosts, which report by themselves; lifecycle hook executions belong to Lambda and ECS deployments`,
    );
  });

  it('refuses a hook execution id over 1024 characters', async () => {
    const response = await call('POST', hookPath(deploymentId, 'h'.repeat(1025)), { status: 'Succeeded' });

    expect(response).toEqual({ status: 400, body: { code: 'ValidationError', message: expect.stringContaining('at most 1024'), field: 'lifecycleEventHookExecutionId' } });
  });
});
