// ContinueDeployment. A Lambda deployment in progress skips its remaining traffic waits: the next shift happens now
// and goes straight to TargetVersion. In-place Server deployments have no wait to end early.
import { ConflictError } from '../core/errors';
import type { LambdaDeployment } from '../core/types';
import type { StepDependencies } from '../ports';
import { continueTrafficShift } from '../steps/traffic/traffic-wait-control';
import { ApiError } from './api-errors';
import { requireDeployment, unservedDeployment } from './deployment-lookup';

export type DeploymentWaitType = 'READY_WAIT' | 'TERMINATION_WAIT';

export async function continueDeployment(deps: StepDependencies, deploymentId: string, waitType: DeploymentWaitType | undefined): Promise<void> {
  const deployment = await requireDeployment(deps.store, deploymentId);
  switch (deployment.computePlatform) {
    case 'Server':
      throw new ApiError(
        400,
        'UnsupportedActionForDeploymentType',
        `Deployment ${deployment.deploymentId} is an in-place deployment; ContinueDeployment applies to blue/green and traffic-shifting deployments, which wait to be continued`,
        'deploymentId',
      );
    case 'Lambda':
      return continueLambda(deps, deployment, waitType);
    default:
      throw unservedDeployment(deployment);
  }
}

async function continueLambda(deps: StepDependencies, deployment: LambdaDeployment, waitType: DeploymentWaitType | undefined): Promise<void> {
  if (waitType === 'TERMINATION_WAIT') {
    const message = 'is TERMINATION_WAIT, but a Lambda deployment has no termination wait (no original environment is kept to terminate); send READY_WAIT or leave it out';
    throw new ApiError(400, 'InvalidDeploymentWaitType', message, 'deploymentWaitType');
  }
  if (deployment.status !== 'InProgress') throw notReady(deployment);
  try {
    await continueTrafficShift(deps, deployment);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // It ended (or was never started) between the read and the write.
    throw notReady(await requireDeployment(deps.store, deployment.deploymentId));
  }
}

function notReady(deployment: { readonly deploymentId: string; readonly status: string }): ApiError {
  const message = `Deployment ${deployment.deploymentId} is ${deployment.status}; only a Lambda deployment in progress has traffic waits to skip`;
  return new ApiError(400, 'DeploymentIsNotInReadyState', message, 'deploymentId');
}
