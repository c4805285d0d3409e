// Automatic rollback (CodeDeploy: a new deployment of the last good revision, creator codeDeployRollback, rollbackInfo
// on both deployments), when the deployment's policy asks for it for the way it ended: a failure per DEPLOYMENT_FAILURE,
// an alarm stop per DEPLOYMENT_STOP_ON_ALARM, a stop on request as StopDeployment decided. The ended deployment names
// its rollback before the rollback exists, so a retried finish step completes the same rollback instead of starting a
// second one.
import { newDeploymentId } from '../core/deployment-ids';
import { ConflictError } from '../core/errors';
import type { Deployment, DeploymentGroup, ServerDeployment } from '../core/types';
import type { StepDependencies } from '../ports';
import { createRollbackDeployment } from './create-deployment';
import { serverDeployment } from './deployment-context';
import { rollsBack } from './deployment-outcome';

/** Starts (or completes starting) the rollback the policy asks for; true when the lock went to the rollback. */
export async function ensureRollback(deps: StepDependencies, group: DeploymentGroup, ended: ServerDeployment): Promise<boolean> {
  if (!ended.errorInformation || !rollsBack(ended, ended.errorInformation)) return false;
  // A failed rollback is not rolled back again: that could loop between two bad revisions.
  if (ended.creator === 'codeDeployRollback') return false;

  const lastGoodId = group.lastSuccessfulDeployment?.deploymentId;
  const lastGood = lastGoodId ? await deps.store.getDeployment(lastGoodId).then((d) => d && serverDeployment(d)) : undefined;
  let rollbackId = ended.rollbackInfo?.rollbackDeploymentId;
  if (!rollbackId) {
    if (!lastGood) {
      await deps.store.updateDeployment(ended.deploymentId, {
        rollbackInfo: { ...ended.rollbackInfo, rollbackMessage: 'Automatic rollback could not be attempted: the deployment group has no earlier successful revision' },
      });
      return false;
    }
    rollbackId = newDeploymentId();
    const named = await deps.store.updateDeployment(ended.deploymentId, {
      // What the deployment already says stands: a manual rollback names the deployment it rolls back.
      rollbackInfo: {
        ...ended.rollbackInfo,
        rollbackDeploymentId: rollbackId,
        rollbackMessage: `Automatic rollback in progress: deployment ${rollbackId} redeploys the revision of ${lastGood.deploymentId}`,
      },
    });
    await deps.events.publish({ kind: 'deployment', deployment: named });
  }
  const existing = await deps.store.getDeployment(rollbackId);
  if (existing) {
    // Created on an earlier attempt: only its start may be missing, and starting is idempotent by name.
    if (existing.status === 'Created') await deps.executions.start(existing);
    return true;
  }
  if (!lastGood) throw new ConflictError(`Rollback ${rollbackId} of ${ended.deploymentId} has no last good revision to deploy`);
  await createRollbackDeployment(deps, group, ended, lastGood, rollbackId);
  return true;
}

/** Once a rollback ends, the deployment it rolled back says how it went. */
export async function noteRollbackResult(deps: StepDependencies, rollback: Deployment): Promise<void> {
  const triggeringId = rollback.rollbackInfo?.rollbackTriggeringDeploymentId;
  if (!triggeringId) return;
  const verdict = rollback.status === 'Succeeded' ? 'succeeded' : `ended ${rollback.status}`;
  const message = `Automatic rollback ${verdict}: deployment ${rollback.deploymentId}`;
  const triggering = await deps.store.getDeployment(triggeringId);
  if (triggering?.rollbackInfo?.rollbackMessage === message) return;
  const updated = await deps.store.updateDeployment(triggeringId, {
    rollbackInfo: { ...triggering?.rollbackInfo, rollbackDeploymentId: rollback.deploymentId, rollbackMessage: message },
  });
  await deps.events.publish({ kind: 'deployment', deployment: updated });
}
