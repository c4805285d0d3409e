// A group lock outlives its deployment when the process or execution that held it died (a killed CLI, an execution
// stopped from the console, a finish step that failed for good). The next request for the group recognises such a
// lock, fails the deployment it belonged to, and frees the group, so no group stays blocked.
import { deploymentOverview } from '../core/deployment-overview';
import { TERMINAL_DEPLOYMENT_STATUSES, type Deployment, type DeploymentGroup } from '../core/types';
import { ConflictError } from '../core/errors';
import type { GroupLock, StepDependencies } from '../ports';
import { closeOutTargets } from './target-updates';

/**
 * How long a lock may have no execution before it counts as abandoned: the time between taking the lock and the
 * execution's first step, which is seconds when all is well.
 */
export const LOCK_START_GRACE_MS = 5 * 60 * 1000;

/** Frees the group if `holderId`'s lock is abandoned; true when the caller should try to take the lock again. */
export async function recoverAbandonedLock(deps: StepDependencies, group: DeploymentGroup, holderId: string): Promise<boolean> {
  const lock = await deps.store.getGroupLock(group.deploymentGroupId);
  if (!lock || lock.deploymentId !== holderId) return true;
  const holder = await deps.store.getDeployment(holderId);
  if (await isAlive(deps, lock, holder)) return false;
  // Freed only if the lock still names the execution found dead: a hand-over to a new execution in the meantime
  // means the deployment is alive after all.
  const freed = await deps.store.releaseGroupLock(group.deploymentGroupId, holderId, lock.executionArn ?? null);
  if (!freed) return false;
  if (holder && !TERMINAL_DEPLOYMENT_STATUSES.includes(holder.status)) await failAbandoned(deps, holder, lock);
  return true;
}

async function isAlive(deps: StepDependencies, lock: GroupLock, holder: Deployment | undefined): Promise<boolean> {
  // Even a finished holder may still be in its finish step (retrying, or handing the lock to a rollback).
  if (lock.executionArn) return deps.executions.isRunning(lock.executionArn);
  if (holder && TERMINAL_DEPLOYMENT_STATUSES.includes(holder.status)) return false;
  return deps.clock().getTime() - Date.parse(lock.acquiredAt) < LOCK_START_GRACE_MS;
}

async function failAbandoned(deps: StepDependencies, holder: Deployment, lock: GroupLock): Promise<void> {
  const now = deps.clock().toISOString();
  const targets = closeOutTargets(await deps.store.getTargets(holder.deploymentId), now);
  await deps.store.updateTargets(targets.changed);
  const how = lock.executionArn ? `its execution ${lock.executionArn} is no longer running` : 'its execution never started';
  try {
    const failed = await deps.store.updateDeployment(
      holder.deploymentId,
      {
        status: 'Failed',
        completeTime: now,
        deploymentOverview: deploymentOverview(targets.all),
        errorInformation: { code: 'INTERNAL_ERROR', message: `The deployment was abandoned: ${how}, so it can no longer finish` },
      },
      ['Created', 'InProgress'],
    );
    await deps.events.publish({ kind: 'deployment', deployment: failed });
  } catch (error) {
    // It finished on its own meanwhile: nothing left to do but free the lock.
    if (!(error instanceof ConflictError)) throw error;
  }
}
