// StopDeployment: the request is recorded on the deployment, and the engine acts on it between batches (the batch
// under way finishes, no other starts, the deployment ends Stopped with MANUAL_STOP; see steps/plan-next-batch.ts).
import { ConflictError } from '../core/errors';
import { TERMINAL_DEPLOYMENT_STATUSES, type Deployment, type DeploymentStatus } from '../core/types';
import type { Store } from '../ports';
import { ApiError } from './api-errors';
import { requireDeployment } from './deployment-lookup';

const RUNNING: readonly DeploymentStatus[] = ['Created', 'Queued', 'InProgress'];

const STOP_STATUS_MESSAGE = 'The deployment stops after the hosts in its current batch finish';

export interface StopAnswer {
  readonly status: 'Pending';
  readonly statusMessage: string;
}

/**
 * Records the stop; asking again changes nothing (the first request's rollback choice stands). Without
 * autoRollbackEnabled, the deployment's own policy decides: CodeDeploy's DEPLOYMENT_STOP_ON_REQUEST event.
 */
export async function requestStop(store: Store, deploymentId: string, autoRollbackEnabled: boolean | undefined, now: Date): Promise<StopAnswer> {
  const deployment = await requireDeployment(store, deploymentId);
  if (TERMINAL_DEPLOYMENT_STATUSES.includes(deployment.status)) throw alreadyCompleted(deployment.deploymentId, deployment.status);
  if (!deployment.stopRequested) {
    const stopRequested = { at: now.toISOString(), autoRollbackEnabled: autoRollbackEnabled ?? rollsBackOnStop(deployment) };
    try {
      await store.updateDeployment(deploymentId, { stopRequested }, RUNNING);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      // It ended between the read and the write.
      const ended = await requireDeployment(store, deploymentId);
      throw alreadyCompleted(deploymentId, ended.status);
    }
  }
  return { status: 'Pending', statusMessage: STOP_STATUS_MESSAGE };
}

function rollsBackOnStop(deployment: Deployment): boolean {
  const policy = deployment.autoRollbackConfiguration;
  return policy?.enabled === true && policy.events.includes('DEPLOYMENT_STOP_ON_REQUEST');
}

function alreadyCompleted(deploymentId: string, status: DeploymentStatus): ApiError {
  return new ApiError(409, 'DeploymentAlreadyCompleted', `Deployment ${deploymentId} has already ended (${status}); there is nothing to stop`, 'deploymentId');
}
