// Renaming or deleting a group while a deployment runs in it would pull the group from under the deployment: its
// finish step records the outcome on the group by name, and a rollback reads the group's settings. Both are refused
// until the deployment ends. A lock left by a dead deployment does not count: it is recovered on the way.
import { recoverAbandonedLock } from '../steps/lock-recovery';
import type { DeploymentGroup } from '../core/types';
import type { StepDependencies } from '../ports';
import { ApiError } from './api-errors';

/** 409 DeploymentInProgress naming the running deployment, if there is one. */
export async function assertNoActiveDeployment(deps: StepDependencies, group: DeploymentGroup, action: 'rename' | 'delete'): Promise<void> {
  const lock = await deps.store.getGroupLock(group.deploymentGroupId);
  if (!lock) return;
  const freed = await recoverAbandonedLock(deps, group, lock.deploymentId);
  // Freed, or handed on (a rollback took it over): only a lock still there now blocks.
  const holder = freed ? await deps.store.getGroupLock(group.deploymentGroupId) : lock;
  if (!holder) return;
  const message = `Deployment group '${group.deploymentGroupName}' is running deployment ${holder.deploymentId}; stop it or wait for it to end, then ${action} the group`;
  throw new ApiError(409, 'DeploymentInProgress', message, 'deploymentGroupName');
}
