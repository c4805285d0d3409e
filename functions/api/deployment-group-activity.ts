// Renaming or deleting a group while a deployment runs in it would pull the group from under the deployment: its
// finish step records the outcome on the group by name, and a rollback reads the group's settings. Deployments
// waiting in the group's queue would be stranded the same way (they name the group, and nothing would start them),
// so both are refused until the deployment ends and the queue is empty, naming what is in the way. A lock left by a
// dead deployment does not count: it is recovered on the way, and the queue moves on.
import { TERMINAL_DEPLOYMENT_STATUSES, type DeploymentGroup } from '../core/types';
import type { StepDependencies } from '../ports';
import { startNextQueued } from '../steps/deployment-queue';
import { recoverAbandonedLock } from '../steps/lock-recovery';
import { ApiError } from './api-errors';

/** Waiting deployments a refusal names; the rest are counted. */
const NAMED_WAITING = 5;

/** 409 DeploymentInProgress naming the running deployment and the ones waiting in the queue, if there are any. */
export async function assertNoActiveDeployment(deps: StepDependencies, group: DeploymentGroup, action: 'rename' | 'delete'): Promise<void> {
  const running = await runningDeployment(deps, group);
  const waiting = await queuedDeployments(deps, group);
  if (running === undefined && waiting.length === 0) return;
  const named = waiting.slice(0, NAMED_WAITING).join(', ') + (waiting.length > NAMED_WAITING ? ` and ${waiting.length - NAMED_WAITING} more` : '');
  const queue = `${waiting.length} deployment(s) ${running === undefined ? 'waiting' : 'wait'} in its queue (${named})`;
  const message =
    running === undefined
      ? `Deployment group '${group.deploymentGroupName}' has ${queue}; stop them or wait for them to run, then ${action} the group`
      : waiting.length === 0
        ? `Deployment group '${group.deploymentGroupName}' is running deployment ${running}; stop it or wait for it to end, then ${action} the group`
        : `Deployment group '${group.deploymentGroupName}' is running deployment ${running}, and ${queue}; stop them or wait for them to end, then ${action} the group`;
  throw new ApiError(409, 'DeploymentInProgress', message, 'deploymentGroupName');
}

async function runningDeployment(deps: StepDependencies, group: DeploymentGroup): Promise<string | undefined> {
  const lock = await deps.store.getGroupLock(group.deploymentGroupId);
  if (!lock) return undefined;
  const freed = await recoverAbandonedLock(deps, group, lock.deploymentId);
  if (!freed) return lock.deploymentId;
  // A dead holder's queue would otherwise wait for the sweep: its first deployment starts now.
  await startNextQueued(deps, group);
  // Freed, or handed on (a rollback took it over, or the queue started its first): only a lock still there now blocks.
  return (await deps.store.getGroupLock(group.deploymentGroupId))?.deploymentId;
}

async function queuedDeployments(deps: StepDependencies, group: DeploymentGroup): Promise<string[]> {
  const waiting: string[] = [];
  for (const entry of await deps.store.listQueue(group.deploymentGroupId)) {
    const deployment = await deps.store.getDeployment(entry.deploymentId);
    // An entry whose deployment ended (a stop that died before dropping it) is only left to be dropped; one that
    // started and is still to be dropped is the running deployment.
    if (deployment === undefined || TERMINAL_DEPLOYMENT_STATUSES.includes(deployment.status)) await deps.store.dequeue(entry.deploymentGroupId, entry.queuePosition);
    else if (deployment.status === 'Queued') waiting.push(entry.deploymentId);
  }
  return waiting;
}
