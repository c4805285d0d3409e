// The steps' side of StopDeployment, retried as Step Functions retries them: plan-next-batch records the stop and
// skips the unstarted hosts once, finish-deployment ends the deployment Stopped, and no retry plans over the stop.
import { deploymentOverview } from '../../functions/core/deployment-overview';
import type { DeploymentTarget, TargetStatus } from '../../functions/core/types';
import { finishDeployment } from '../../functions/steps/finish-deployment';
import { planNextBatch } from '../../functions/steps/plan-next-batch';
import { FINISH_CURSOR } from '../../functions/steps/step-inputs';
import { addAppGroup, type Harness, openHarness } from '../support/local-runtime-harness';
import { deploymentRecord } from '../support/state-change-fixtures';

const DEPLOYMENT_ID = 'd-STOPTEST1';
const EVENTS = ['DownloadBundle', 'Install'] as const;

function target(targetId: string, status: TargetStatus): DeploymentTarget {
  const done = status === 'Succeeded';
  return {
    deploymentId: DEPLOYMENT_ID,
    targetId,
    status,
    lastUpdatedAt: '2026-01-01T00:00:00.000Z',
    initiallyHealthy: true,
    ...(done ? { batchNumber: 1 } : {}),
    lifecycleEvents: EVENTS.map((lifecycleEventName) => ({ lifecycleEventName, status: done ? 'Succeeded' : 'Pending' })),
  };
}

describe('stop in the steps', () => {
  let h: Harness;
  let groupId: string;

  beforeEach(async () => {
    h = await openHarness();
    const group = await addAppGroup(h, { defaultHosts: ['host-1', 'host-2', 'host-3'] });
    groupId = group.deploymentGroupId;
    const targets = [target('host-1', 'Succeeded'), target('host-2', 'Pending'), target('host-3', 'Pending')];
    const deployment = deploymentRecord({
      deploymentId: DEPLOYMENT_ID,
      applicationName: 'app',
      deploymentGroupName: 'group',
      deploymentGroupId: groupId,
      status: 'InProgress',
      createTime: '2026-01-01T00:00:00.000Z',
      startTime: '2026-01-01T00:00:01.000Z',
      completeTime: undefined,
      revision: { revisionType: 'Local', localLocation: { bundlePath: '/nowhere.tar', bundleType: 'tar', sha256: 'ab'.repeat(32) } },
      lifecycleEventNames: [...EVENTS],
      deploymentOverview: deploymentOverview(targets),
      stopRequested: { at: '2026-01-01T00:00:05.000Z', autoRollbackEnabled: false },
    });
    await h.runtime.store.createDeployment(deployment);
    await h.runtime.store.putTargets(targets);
    await h.runtime.store.acquireGroupLock({ deploymentGroupId: groupId, deploymentId: DEPLOYMENT_ID, acquiredAt: deployment.createTime }, 'group');
  });
  afterEach(async () => {
    await h.runtime.close();
  });

  it('plans no further batch, however often the step is retried, and finishes Stopped with the lock freed', async () => {
    const plan = { deploymentId: DEPLOYMENT_ID, firstBatch: 1 };

    expect(await planNextBatch(h.runtime.deps, plan)).toEqual(FINISH_CURSOR);
    expect(await planNextBatch(h.runtime.deps, plan)).toEqual(FINISH_CURSOR);

    const stopped = await h.runtime.store.getDeployment(DEPLOYMENT_ID);
    expect(stopped?.errorInformation).toEqual({
      code: 'MANUAL_STOP',
      message: 'The deployment was stopped on request at 2026-01-01T00:00:05.000Z: hosts that had not started were skipped',
    });
    expect((await h.runtime.store.getTargets(DEPLOYMENT_ID)).map((t) => [t.targetId, t.status, t.lifecycleEvents.map((e) => e.status)])).toEqual([
      ['host-1', 'Succeeded', ['Succeeded', 'Succeeded']],
      ['host-2', 'Skipped', ['Skipped', 'Skipped']],
      ['host-3', 'Skipped', ['Skipped', 'Skipped']],
    ]);

    expect(await finishDeployment(h.runtime.deps, { deploymentId: DEPLOYMENT_ID, error: null })).toEqual({ status: 'Stopped' });
    expect(await finishDeployment(h.runtime.deps, { deploymentId: DEPLOYMENT_ID, error: null })).toEqual({ status: 'Stopped' });
    expect(await h.runtime.store.getDeployment(DEPLOYMENT_ID)).toMatchObject({
      status: 'Stopped',
      completeTime: expect.any(String),
      deploymentOverview: { Pending: 0, InProgress: 0, Succeeded: 1, Failed: 0, Skipped: 2, Ready: 0 },
    });
    expect(await h.runtime.store.getGroupLock(groupId)).toBeUndefined();
  });

  it('skips the hosts a first attempt left Pending after it had recorded the stop', async () => {
    await h.runtime.store.updateDeployment(DEPLOYMENT_ID, { errorInformation: { code: 'MANUAL_STOP', message: 'recorded by the first attempt' } });

    expect(await planNextBatch(h.runtime.deps, { deploymentId: DEPLOYMENT_ID, firstBatch: 1 })).toEqual(FINISH_CURSOR);

    expect((await h.runtime.store.getTargets(DEPLOYMENT_ID)).map((t) => t.status)).toEqual(['Succeeded', 'Skipped', 'Skipped']);
    expect((await h.runtime.store.getDeployment(DEPLOYMENT_ID))?.errorInformation?.message).toBe('recorded by the first attempt');
  });

  it('ends Failed, not Stopped, when the execution itself failed', async () => {
    await h.runtime.store.updateTargets([target('host-2', 'Succeeded'), target('host-3', 'Succeeded')]);

    expect(await finishDeployment(h.runtime.deps, { deploymentId: DEPLOYMENT_ID, error: { Error: 'States.Timeout', Cause: 'too slow' } })).toEqual({ status: 'Failed' });
    expect((await h.runtime.store.getDeployment(DEPLOYMENT_ID))?.errorInformation?.code).toBe('TIMEOUT');
  });
});
