// stopDeployment, the step behind StopDeployment and behind a superseding deployment: a queued deployment ends Stopped
// at once and leaves the queue, a launched one has the stop recorded (with the reason a superseding one gives) and its
// wait ended, an ended one is left as it is; and the reason becomes the MANUAL_STOP message the engine writes.
import { deploymentOverview } from '../../functions/core/deployment-overview';
import type { Deployment, DeploymentStatus, DeploymentTarget } from '../../functions/core/types';
import type { StepDependencies, TaskCallbacks } from '../../functions/ports';
import { planNextBatch } from '../../functions/steps/plan-next-batch';
import { FINISH_CURSOR } from '../../functions/steps/step-inputs';
import { stopDeployment } from '../../functions/steps/stop-deployment';
import { addAppGroup, type Harness, openHarness } from '../support/local-runtime-harness';
import { deploymentRecord } from '../support/state-change-fixtures';
import { lambdaRecord } from '../support/traffic-records';

const ID = 'd-STOPSTEP1';
const REASON = 'Superseded by deployment d-LATER0001, which arrived later with concurrency policy supersede';

describe('stopDeployment', () => {
  let h: Harness;
  let groupId: string;
  const failed: Parameters<TaskCallbacks['fail']>[] = [];
  let deps: StepDependencies;

  beforeEach(async () => {
    h = await openHarness();
    groupId = (await addAppGroup(h, { defaultHosts: ['host-1', 'host-2'] })).deploymentGroupId;
    failed.length = 0;
    deps = {
      ...h.runtime.deps,
      callbacks: {
        succeed: async () => undefined,
        fail: async (...args) => {
          failed.push(args);
        },
      },
    };
  });
  afterEach(async () => {
    await h.runtime.close();
  });

  async function stored(overrides: Partial<Deployment>): Promise<Deployment> {
    const deployment = deploymentRecord({
      deploymentId: ID,
      applicationName: 'app',
      deploymentGroupName: 'group',
      deploymentGroupId: groupId,
      status: 'InProgress',
      completeTime: undefined,
      ...(overrides as object),
    });
    await h.runtime.store.createDeployment(deployment);
    return deployment;
  }

  it.each([
    ['its own reason', REASON, REASON],
    ['no reason (StopDeployment)', undefined, /^The deployment was stopped on request at .* while it waited in the queue; it never ran$/],
  ])('stops a queued deployment at once with %s, and drops its queue entry', async (_case, reason, message) => {
    const queued = await stored({ status: 'Queued', queuePosition: 3, startTime: undefined });
    await h.runtime.store.enqueue({ deploymentGroupId: groupId, deploymentId: ID, queuePosition: 3, queuedAt: queued.createTime });

    const outcome = await stopDeployment(deps, queued, { reason, autoRollbackEnabled: true });

    expect(outcome).toMatchObject({ kind: 'stopped', deployment: { status: 'Stopped' } });
    expect(await h.runtime.store.getDeployment(ID)).toMatchObject({
      status: 'Stopped',
      completeTime: expect.any(String),
      errorInformation: { code: 'MANUAL_STOP', message: typeof message === 'string' ? message : expect.stringMatching(message) },
    });
    expect(await h.runtime.store.listQueue(groupId)).toEqual([]);
  });

  it.each<[DeploymentStatus, string]>([
    ['Created', 'stopping'],
    ['InProgress', 'stopping'],
    ['Succeeded', 'ended'],
    ['Failed', 'ended'],
    ['Stopped', 'ended'],
  ])('stopping a deployment %s: %s', async (status, kind) => {
    const deployment = await stored({ status });

    const outcome = await stopDeployment(deps, deployment, { reason: REASON, autoRollbackEnabled: false });

    expect(outcome.kind).toBe(kind);
    const after = await h.runtime.store.getDeployment(ID);
    if (kind === 'stopping') expect(after?.stopRequested).toEqual({ at: expect.any(String), autoRollbackEnabled: false, reason: REASON });
    else expect(after).toEqual(deployment);
  });

  it('reads the deployment again when it moved under the stop: queued when read, launched when written', async () => {
    const seen = await stored({ status: 'Queued', queuePosition: 1 });
    await h.runtime.store.updateDeployment(ID, { status: 'Created' }, ['Queued']);

    const outcome = await stopDeployment(deps, seen, { reason: REASON, autoRollbackEnabled: false });

    expect(outcome).toMatchObject({ kind: 'stopping', deployment: { status: 'Created', stopRequested: { reason: REASON } } });
  });

  it("keeps the first stop's reason and rollback choice when asked again", async () => {
    const deployment = await stored({});
    await stopDeployment(deps, deployment, { autoRollbackEnabled: true });

    await stopDeployment(deps, (await h.runtime.store.getDeployment(ID))!, { reason: REASON, autoRollbackEnabled: false });

    expect((await h.runtime.store.getDeployment(ID))?.stopRequested).toEqual({ at: expect.any(String), autoRollbackEnabled: true });
  });

  it('ends the wait of a waiting Lambda deployment with the reason as the cause', async () => {
    const waiting = lambdaRecord({
      deploymentId: ID,
      deploymentGroupId: groupId,
      deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      appSpec: { functionName: 'fn', alias: 'live', currentVersion: '1', targetVersion: '2', hooks: {} },
      schedule: [],
      currentWait: { kind: 'shift', taskToken: 'token-1' },
    });
    await h.runtime.store.createDeployment(waiting);

    await stopDeployment(deps, waiting, { reason: REASON, autoRollbackEnabled: false });

    expect(failed).toEqual([['token-1', 'DeploymentStoppedError', REASON]]);
  });

  it('makes the reason the MANUAL_STOP message of a Server deployment stopped between batches', async () => {
    const pending = (targetId: string): DeploymentTarget => ({
      deploymentId: ID,
      targetId,
      status: 'Pending',
      lastUpdatedAt: '2026-01-01T00:00:00.000Z',
      initiallyHealthy: true,
      lifecycleEvents: [{ lifecycleEventName: 'Install', status: 'Pending' }],
    });
    const targets = [pending('host-1'), pending('host-2')];
    const deployment = await stored({ deploymentOverview: deploymentOverview(targets) });
    await h.runtime.store.putTargets(targets);
    await stopDeployment(deps, deployment, { reason: REASON, autoRollbackEnabled: false });

    expect(await planNextBatch(deps, { deploymentId: ID, firstBatch: 1 })).toEqual(FINISH_CURSOR);

    expect((await h.runtime.store.getDeployment(ID))?.errorInformation).toEqual({ code: 'MANUAL_STOP', message: `${REASON}: hosts that had not started were skipped` });
  });
});
