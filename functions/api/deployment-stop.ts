// StopDeployment: the request is recorded on the deployment, and the engine acts on it (steps/stop-deployment.ts). A
// Server deployment stops between batches (the batch under way finishes, no other starts; see steps/plan-next-batch.ts):
// only an alarm, an emergency, cancels the hosts of a batch mid-event (steps/alarm-state-changed.ts).
// A Lambda or ECS deployment waiting on a hook or for its next traffic shift (or, ECS, for its original task set's
// removal) stops at once (the wait is ended through its task token), else at its next step; either way it ends Stopped
// with MANUAL_STOP. A deployment still waiting in its group's queue never runs: it is Stopped at once.
import type { ComputePlatform, DeploymentStatus } from '../core/types';
import type { StepDependencies } from '../ports';
import { stopDeployment } from '../steps/stop-deployment';
import { ApiError } from './api-errors';
import { requireDeployment } from './deployment-lookup';

const STOP_STATUS_MESSAGES: Readonly<Record<ComputePlatform, string>> = {
  Server: 'The deployment stops after the hosts in its current batch finish',
  Lambda:
    'The deployment stops at once if it waits on a hook or for its next traffic shift, else after its current step; ' +
    'an alias split between the two versions goes back to CurrentVersion',
  ECS:
    "The deployment stops at once if it waits on a hook, for its next traffic shift or for its original task set's removal, else after its current step; " +
    'production traffic not yet all on the replacement task set goes back to the original, and the replacement is removed',
};

const QUEUED_STOP_MESSAGE = "The deployment was waiting in its group's queue: it is Stopped and will not run";

/** CodeDeploy's StopDeployment answer: Pending while the engine stops it, Succeeded when it is Stopped already. */
export interface StopAnswer {
  readonly status: 'Pending' | 'Succeeded';
  readonly statusMessage: string;
}

/**
 * Records the stop; asking again changes nothing (the first request's rollback choice stands). Without
 * autoRollbackEnabled, the deployment's own policy decides: CodeDeploy's DEPLOYMENT_STOP_ON_REQUEST event.
 */
export async function requestStop(deps: StepDependencies, deploymentId: string, autoRollbackEnabled: boolean | undefined): Promise<StopAnswer> {
  const outcome = await stopDeployment(deps, await requireDeployment(deps.store, deploymentId), { autoRollbackEnabled });
  switch (outcome.kind) {
    case 'ended':
      throw alreadyCompleted(deploymentId, outcome.deployment.status);
    case 'stopped':
      return { status: 'Succeeded', statusMessage: QUEUED_STOP_MESSAGE };
    case 'stopping':
      return { status: 'Pending', statusMessage: STOP_STATUS_MESSAGES[outcome.deployment.computePlatform] };
  }
}

function alreadyCompleted(deploymentId: string, status: DeploymentStatus): ApiError {
  return new ApiError(409, 'DeploymentAlreadyCompleted', `Deployment ${deploymentId} has already ended (${status}); there is nothing to stop`, 'deploymentId');
}
