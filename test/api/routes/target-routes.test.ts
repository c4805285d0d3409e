// The deployment target routes through the real router, on the embedded runtime's store.
import type { DeploymentTarget, ServerDeployment } from '../../../functions/core/types';
import { serverDeployment } from '../../../functions/steps/deployment-context';
import { deployLoggingBundle, localApiClients } from '../../support/api-client';
import { addAppGroup, type Harness, openHarness } from '../../support/local-runtime-harness';

const MISSING_ID = 'd-AAAAAAAAA';
const EXECUTION_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:cutover-server-in-place:d-AWSTARGET';

describe('deployment target routes', () => {
  let h: Harness;
  let deployed: ServerDeployment;
  const { call, callOnAws } = localApiClients(() => h);

  /** A deployment record written straight to the store, with targets of our choosing. */
  async function recorded(deploymentId: string, changes: Partial<ServerDeployment>, targetIds: readonly string[]): Promise<void> {
    await h.runtime.store.createDeployment({ ...deployed, deploymentId, ...changes });
    const targets: DeploymentTarget[] = targetIds.map((targetId) => ({
      deploymentId,
      targetId,
      status: 'Pending',
      lastUpdatedAt: '2026-01-01T00:00:00.000Z',
      initiallyHealthy: true,
      lifecycleEvents: [{ lifecycleEventName: 'DownloadBundle', status: 'Pending' }],
    }));
    if (targets.length > 0) await h.runtime.store.putTargets(targets);
  }

  beforeAll(async () => {
    h = await openHarness();
    await addAppGroup(h, { defaultHosts: ['host-1', 'host-2'], deploymentConfigName: 'CodeDeployDefault.AllAtOnce' });
    const created = await deployLoggingBundle(call, h, 'v1');
    deployed = serverDeployment(await h.runtime.waitForDeployment(created.body?.deploymentId as string));
    await recorded('d-NOTSTART1', { status: 'Created' }, []);
    await recorded('d-AWSTARGET', { executionArn: EXECUTION_ARN }, ['i-0123456789abcdef0', 'mi-0123456789abcdef0', 'web-1']);
    await recorded('d-MANYHOST1', {}, Array.from({ length: 105 }, (_, i) => `host-${String(i).padStart(3, '0')}`));
  });
  afterAll(async () => {
    await h.runtime.close();
  });

  it('lists the target ids of a deployment, optionally by status', async () => {
    const list = (query: Record<string, string> = {}) => call('GET', `/deployments/${deployed.deploymentId}/targets`, undefined, query);

    expect(await list()).toEqual({ status: 200, body: { targetIds: ['host-1', 'host-2'] } });
    expect(await list({ targetStatus: 'Succeeded' })).toEqual({ status: 200, body: { targetIds: ['host-1', 'host-2'] } });
    expect(await list({ targetStatus: 'Failed,Skipped' })).toEqual({ status: 200, body: { targetIds: [] } });
  });

  it('pages through many targets with nextToken', async () => {
    const first = await call('GET', '/deployments/d-MANYHOST1/targets');
    const second = await call('GET', '/deployments/d-MANYHOST1/targets', undefined, { nextToken: first.body?.nextToken as string });

    expect(first.status).toBe(200);
    expect(first.body?.targetIds).toHaveLength(100);
    expect(first.body?.nextToken).toEqual(expect.any(String));
    expect(second).toEqual({ status: 200, body: { targetIds: ['host-100', 'host-101', 'host-102', 'host-103', 'host-104'] } });
  });

  it('gets a target as CodeDeploy InstanceTarget with its lifecycle events', async () => {
    const got = await call('GET', `/deployments/${deployed.deploymentId}/targets/host-1`);

    expect(got).toEqual({
      status: 200,
      body: {
        deploymentTarget: {
          deploymentTargetType: 'InstanceTarget',
          instanceTarget: {
            deploymentId: deployed.deploymentId,
            targetId: 'host-1',
            targetArn: 'host-1',
            status: 'Succeeded',
            lastUpdatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
            lifecycleEvents: expect.any(Array),
            instanceLabel: 'Blue',
          },
        },
      },
    });
    const events = ((got.body?.deploymentTarget as { instanceTarget: { lifecycleEvents: Record<string, unknown>[] } }).instanceTarget).lifecycleEvents;
    expect(events.map((e) => [e.lifecycleEventName, e.status])).toEqual(
      ['ApplicationStop', 'DownloadBundle', 'BeforeInstall', 'Install', 'AfterInstall', 'ApplicationStart', 'ValidateService'].map((name) => [name, 'Succeeded']),
    );
    expect(events[2]).toEqual({
      lifecycleEventName: 'BeforeInstall',
      status: 'Succeeded',
      startTime: expect.any(String),
      endTime: expect.any(String),
      diagnostics: { errorCode: 'Success', scriptName: '', message: 'Succeeded', logTail: expect.stringContaining('scripts/hook.sh') },
    });
  });

  it.each([
    ['an EC2 instance', 'i-0123456789abcdef0', 'arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0'],
    ['an SSM managed instance', 'mi-0123456789abcdef0', 'arn:aws:ssm:eu-west-1:123456789012:managed-instance/mi-0123456789abcdef0'],
    ['an on-premises name', 'web-1', 'arn:aws:codedeploy:eu-west-1:123456789012:instance/web-1'],
  ])('names %s by its ARN on AWS, in the account and region of the deployment', async (_case, targetId, targetArn) => {
    const got = await callOnAws('GET', `/deployments/d-AWSTARGET/targets/${targetId}`);

    expect(got.status).toBe(200);
    expect((got.body?.deploymentTarget as { instanceTarget: { targetArn: string } }).instanceTarget.targetArn).toBe(targetArn);
  });

  it.each([
    ['an unknown target status', '/deployments/{id}/targets', { targetStatus: 'Succeeded,Done' }, 400, 'ValidationError', 'targetStatus'],
    ['an unknown query parameter', '/deployments/{id}/targets', { instanceType: 'Blue' }, 400, 'ValidationError', 'instanceType'],
    ['a foreign nextToken', '/deployments/{id}/targets', { nextToken: 'not-a-token-this-store-made' }, 400, 'ValidationError', 'nextToken'],
    ['a malformed deployment id', '/deployments/d-1/targets', {}, 400, 'ValidationError', 'deploymentId'],
    ['the targets of a missing deployment', `/deployments/${MISSING_ID}/targets`, {}, 404, 'DeploymentDoesNotExist', 'deploymentId'],
    ['the targets of a deployment not started yet', '/deployments/d-NOTSTART1/targets', {}, 400, 'DeploymentNotStarted', 'deploymentId'],
    ['a target of a missing deployment', `/deployments/${MISSING_ID}/targets/host-1`, {}, 404, 'DeploymentDoesNotExist', 'deploymentId'],
    ['a missing target', '/deployments/{id}/targets/host-9', {}, 404, 'DeploymentTargetDoesNotExist', 'targetId'],
    ['a target id over 255 characters', `/deployments/{id}/targets/${'x'.repeat(256)}`, {}, 400, 'ValidationError', 'targetId'],
  ])('refuses %s', async (_case, pathTemplate, query, status, code, field) => {
    const response = await call('GET', pathTemplate.replace('{id}', deployed.deploymentId), undefined, query);

    expect(response).toEqual({ status, body: { code, message: expect.any(String), field } });
  });

  it('refuses a body on a GET', async () => {
    expect(await call('GET', `/deployments/${deployed.deploymentId}/targets`, {})).toEqual({
      status: 400,
      body: { code: 'ValidationError', message: 'This operation takes no body', field: 'body' },
    });
  });
});
