// ContinueDeployment. A Lambda or ECS deployment in progress skips its remaining traffic waits: the next shift happens
// now and goes straight to the target (READY_WAIT). An ECS deployment that has moved all its traffic waits instead for
// its original task set's removal, which a continue makes now (TERMINATION_WAIT). Without a wait type, whichever wait
// the deployment is in ends. In-place Server deployments have no wait to end early.
import { ConflictError } from '../core/errors';
import { isTerminationWait } from '../core/traffic-course';
import type { TrafficDeployment } from '../core/types';
import type { StepDependencies } from '../ports';
import { continueTrafficShift } from '../steps/traffic/traffic-wait-control';
import { ApiError } from './api-errors';
import { requireDeployment } from './deployment-lookup';

export type DeploymentWaitType = 'READY_WAIT' | 'TERMINATION_WAIT';

export async function continueDeployment(deps: StepDependencies, deploymentId: string, waitType: DeploymentWaitType | undefined): Promise<void> {
  const deployment = await requireDeployment(deps.store, deploymentId);
  if (deployment.computePlatform === 'Server') {
    throw new ApiError(
      400,
      'UnsupportedActionForDeploymentType',
      `Deployment ${deployment.deploymentId} is an in-place deployment; ContinueDeployment applies to blue/green and traffic-shifting deployments, which wait to be continued`,
      'deploymentId',
    );
  }
  const wrongWait = waitType && wrongWaitType(deployment, waitType);
  if (wrongWait) throw new ApiError(400, 'InvalidDeploymentWaitType', wrongWait, 'deploymentWaitType');
  if (deployment.status !== 'InProgress') throw notReady(deployment);
  try {
    await continueTrafficShift(deps, deployment, waitType);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // It ended (or was never started) between the read and the write.
    throw notReady(await requireDeployment(deps.store, deployment.deploymentId));
  }
}

/** Why the wait type does not fit the wait the deployment is in (or could be in), or undefined when it does. */
function wrongWaitType(deployment: TrafficDeployment, waitType: DeploymentWaitType): string | undefined {
  if (deployment.computePlatform === 'Lambda') {
    return waitType === 'TERMINATION_WAIT'
      ? 'is TERMINATION_WAIT, but a Lambda deployment has no termination wait (no original environment is kept to terminate); send READY_WAIT or leave it out'
      : undefined;
  }
  if (deployment.status !== 'InProgress') return undefined;
  const { deploymentId, shiftsDone, schedule } = deployment;
  if (waitType === 'TERMINATION_WAIT' && !isTerminationWait(deployment)) {
    return `is TERMINATION_WAIT, but deployment ${deploymentId} has not moved all its production traffic yet (${shiftsDone} of ${schedule.length} shifts made), so its original task set is not waiting to be removed; send READY_WAIT or leave it out to skip the remaining shift waits`;
  }
  if (waitType === 'READY_WAIT' && isTerminationWait(deployment)) {
    return `is READY_WAIT, but deployment ${deploymentId} has moved all its production traffic and waits only to remove its original task set; send TERMINATION_WAIT or leave it out to remove it now`;
  }
  return undefined;
}

function notReady(deployment: { readonly deploymentId: string; readonly status: string }): ApiError {
  const message = `Deployment ${deployment.deploymentId} is ${deployment.status}; only a Lambda or ECS deployment in progress has waits to end early`;
  return new ApiError(400, 'DeploymentIsNotInReadyState', message, 'deploymentId');
}
