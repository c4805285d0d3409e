// Automatic rollback on failure (CodeDeploy: a new deployment of the last good revision, creator
// codeDeployRollback, rollbackInfo on both deployments).
import type { Deployment, DeploymentGroup } from '../core/types';
import type { StepDependencies } from '../ports';

type RollbackFactory = (deps: StepDependencies, group: DeploymentGroup, failed: Deployment, lastGood: Deployment) => Promise<Deployment>;

/** Starts the rollback when the deployment's (or group's) policy asks for it; true when the lock was handed over. */
export async function startRollbackIfWanted(
  deps: StepDependencies,
  group: DeploymentGroup,
  failed: Deployment,
  createRollback: RollbackFactory,
): Promise<boolean> {
  const policy = failed.autoRollbackConfiguration;
  if (!policy?.enabled || !policy.events.includes('DEPLOYMENT_FAILURE')) return false;
  // A failed rollback is not rolled back again: that could loop between two bad revisions.
  if (failed.creator === 'codeDeployRollback') return false;

  const lastGoodId = group.lastSuccessfulDeployment?.deploymentId;
  const lastGood = lastGoodId ? await deps.store.getDeployment(lastGoodId) : undefined;
  if (!lastGood) {
    await deps.store.updateDeployment(failed.deploymentId, {
      rollbackInfo: { rollbackMessage: 'Automatic rollback could not be attempted: the deployment group has no earlier successful revision' },
    });
    return false;
  }
  const rollback = await createRollback(deps, group, failed, lastGood);
  const updated = await deps.store.updateDeployment(failed.deploymentId, {
    rollbackInfo: {
      rollbackDeploymentId: rollback.deploymentId,
      rollbackMessage: `Automatic rollback in progress: deployment ${rollback.deploymentId} redeploys the revision of ${lastGood.deploymentId}`,
    },
  });
  await deps.events.publish({ kind: 'deployment', deployment: updated });
  return true;
}

/** Once a rollback ends, the deployment it rolled back says how it went. */
export async function noteRollbackResult(deps: StepDependencies, rollback: Deployment): Promise<void> {
  const triggeringId = rollback.rollbackInfo?.rollbackTriggeringDeploymentId;
  if (!triggeringId) return;
  const verdict = rollback.status === 'Succeeded' ? 'succeeded' : `ended ${rollback.status}`;
  const updated = await deps.store.updateDeployment(triggeringId, {
    rollbackInfo: {
      rollbackDeploymentId: rollback.deploymentId,
      rollbackMessage: `Automatic rollback ${verdict}: deployment ${rollback.deploymentId}`,
    },
  });
  await deps.events.publish({ kind: 'deployment', deployment: updated });
}
