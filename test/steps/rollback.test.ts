// Automatic rollback on a deployment whose rollbackInfo already says something: a manual rollback names the deployment
// it rolls back (rollbackTriggeringDeploymentId), and starting, or failing to start, its own automatic rollback, and
// that rollback's end, must keep that link. Executions here are recorded but never run.
import type { StepDependencies } from '../../functions/ports';
import { createDeployment, type CreateDeploymentRequest } from '../../functions/steps/create-deployment';
import { serverDeployment } from '../../functions/steps/deployment-context';
import { ensureRollback, noteRollbackResult } from '../../functions/steps/rollback';
import { type Harness, openHarness } from '../support/local-runtime-harness';
import { localServerRequest } from '../support/local-server-request';

const EARLIER = 'd-EARLIER01';
const MANUAL_LINK = { rollbackTriggeringDeploymentId: EARLIER, rollbackMessage: `Manual rollback of ${EARLIER} to the revision of d-OLDER0001` };

describe('ensureRollback of a manual rollback', () => {
  let h: Harness;
  let base: CreateDeploymentRequest;

  beforeEach(async () => {
    h = await openHarness();
    base = { ...(await localServerRequest(h)), autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] } };
  });
  afterEach(async () => {
    await h.runtime.close();
  });

  const deps = (): StepDependencies => ({
    ...h.runtime.deps,
    executions: { start: async ({ deploymentId }) => ({ executionArn: `arn:${deploymentId}` }), isRunning: async () => true },
  });
  const store = () => h.runtime.store;
  const group = async () => (await store().getDeploymentGroup('app', 'group'))!;

  /** A manual rollback (creator user, linked to EARLIER) that failed while holding the group's lock. */
  async function failedManualRollback(): Promise<string> {
    const manual = await createDeployment(deps(), base);
    await store().updateDeployment(manual.deploymentId, {
      status: 'Failed',
      rollbackInfo: MANUAL_LINK,
      errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'too many hosts failed' },
    });
    return manual.deploymentId;
  }

  it('keeps naming what it rolled back while its own rollback runs, and once that rollback has ended', async () => {
    const good = await createDeployment(deps(), base);
    await store().updateDeployment(good.deploymentId, { status: 'Succeeded' });
    const summary = { deploymentId: good.deploymentId, status: 'Succeeded' as const, createTime: good.createTime };
    await store().recordGroupOutcome('app', 'group', { lastAttemptedDeployment: summary, lastSuccessfulDeployment: summary });
    await store().releaseGroupLock((await group()).deploymentGroupId, good.deploymentId);
    const manualId = await failedManualRollback();

    expect(await ensureRollback(deps(), await group(), serverDeployment((await store().getDeployment(manualId))!))).toBe(true);

    const named = (await store().getDeployment(manualId))!.rollbackInfo;
    expect(named).toEqual({
      rollbackTriggeringDeploymentId: EARLIER,
      rollbackDeploymentId: expect.stringMatching(/^d-/),
      rollbackMessage: expect.stringMatching(/^Automatic rollback in progress/),
    });
    const rollback = await store().updateDeployment(named!.rollbackDeploymentId!, { status: 'Succeeded' });
    await noteRollbackResult(deps(), rollback);
    expect((await store().getDeployment(manualId))!.rollbackInfo).toEqual({
      rollbackTriggeringDeploymentId: EARLIER,
      rollbackDeploymentId: rollback.deploymentId,
      rollbackMessage: `Automatic rollback succeeded: deployment ${rollback.deploymentId}`,
    });
  });

  it('keeps naming what it rolled back when no earlier revision is there to roll back to', async () => {
    const manualId = await failedManualRollback();

    expect(await ensureRollback(deps(), await group(), serverDeployment((await store().getDeployment(manualId))!))).toBe(false);

    expect((await store().getDeployment(manualId))!.rollbackInfo).toEqual({
      rollbackTriggeringDeploymentId: EARLIER,
      rollbackMessage: 'Automatic rollback could not be attempted: the deployment group has no earlier successful revision',
    });
  });
});
