// StopDeployment: the request is recorded on the deployment, and the engine acts on it. A Server deployment stops
// between batches (the batch under way finishes, no other starts; see steps/plan-next-batch.ts). A Lambda or ECS
// deployment waiting on a hook or for its next traffic shift (or, ECS, for its original task set's removal) stops at
// once (the wait is ended through its task token), else at its next step; either way it ends Stopped with MANUAL_STOP.
import { ConflictError } from '../core/errors';
import { TERMINAL_DEPLOYMENT_STATUSES, type ComputePlatform, type Deployment, type DeploymentStatus } from '../core/types';
import type { StepDependencies } from '../ports';
import { endWaitOnStop } from '../steps/traffic/traffic-wait-control';
import { ApiError } from './api-errors';
import { requireDeployment } from './deployment-lookup';

const RUNNING: readonly DeploymentStatus[] = ['Created', 'Queued', 'InProgress'];

const STOP_STATUS_MESSAGES: Readonly<Record<ComputePlatform, string>> = {
  Server: 'The deployment stops after the hosts in its current batch finish',
  Lambda:
    'The deployment stops at once if it waits on a hook or for its next traffic shift, else after its current step; ' +
    'an alias split between the two versions goes back to CurrentVersion',
  ECS:
    "The deployment stops at once if it waits on a hook, for its next traffic shift or for its original task set's removal, else after its current step; " +
    'production traffic not yet all on the replacement task set goes back to the original, and the replacement is removed',
};

export interface StopAnswer {
  readonly status: 'Pending';
  readonly statusMessage: string;
}

/**
 * Records the stop; asking again changes nothing (the first request's rollback choice stands). Without
 * autoRollbackEnabled, the deployment's own policy decides: CodeDeploy's DEPLOYMENT_STOP_ON_REQUEST event.
 */
export async function requestStop(deps: StepDependencies, deploymentId: string, autoRollbackEnabled: boolean | undefined): Promise<StopAnswer> {
  const deployment = await requireDeployment(deps.store, deploymentId);
  if (TERMINAL_DEPLOYMENT_STATUSES.includes(deployment.status)) throw alreadyCompleted(deployment.deploymentId, deployment.status);
  const recorded = deployment.stopRequested ? deployment : await recordStop(deps, deployment, autoRollbackEnabled);
  // Asked again too: a first request may have died between recording the stop and ending the wait. A wait that has
  // ended meanwhile is not one the engine still listens to, so ending it again changes nothing.
  await endWaitOnStop(deps, recorded);
  return { status: 'Pending', statusMessage: STOP_STATUS_MESSAGES[deployment.computePlatform] };
}

async function recordStop(deps: StepDependencies, deployment: Deployment, autoRollbackEnabled: boolean | undefined): Promise<Deployment> {
  const stopRequested = { at: deps.clock().toISOString(), autoRollbackEnabled: autoRollbackEnabled ?? rollsBackOnStop(deployment) };
  try {
    return await deps.store.updateDeployment(deployment.deploymentId, { stopRequested }, RUNNING);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // It ended between the read and the write.
    const ended = await requireDeployment(deps.store, deployment.deploymentId);
    throw alreadyCompleted(deployment.deploymentId, ended.status);
  }
}

function rollsBackOnStop(deployment: Deployment): boolean {
  const policy = deployment.autoRollbackConfiguration;
  return policy?.enabled === true && policy.events.includes('DEPLOYMENT_STOP_ON_REQUEST');
}

function alreadyCompleted(deploymentId: string, status: DeploymentStatus): ApiError {
  return new ApiError(409, 'DeploymentAlreadyCompleted', `Deployment ${deploymentId} has already ended (${status}); there is nothing to stop`, 'deploymentId');
}
