// What ends a waiting Lambda or ECS deployment from outside its execution: ContinueDeployment (skip the remaining waits)
// and StopDeployment (an alarm going to ALARM: ../alarm-state-changed.ts). Each is recorded on the deployment first, so
// the execution finds it even if it was between two waits when it came; then the wait in progress, if any, is ended
// through its token.
import { advanceCursor, isTerminationWait } from '../../core/traffic-course';
import type { Deployment, TrafficDeployment } from '../../core/types';
import type { StepDependencies } from '../../ports';
import { trafficDeployment } from '../deployment-context';

/** A stop's MANUAL_STOP message: its reason when it has one (a later deployment superseded it). */
export function stoppedMessage(deployment: Pick<Deployment, 'deploymentId' | 'stopRequested'>): string {
  return deployment.stopRequested?.reason ?? `Deployment ${deployment.deploymentId} was stopped on request`;
}

/**
 * ContinueDeployment on a shifting deployment: the next shift happens now and goes straight to the target. Once an
 * ECS deployment has shifted everything, it ends the termination wait instead (unless only READY_WAIT was asked):
 * the original task set goes now.
 * ConflictError when the deployment is not InProgress.
 */
export async function continueTrafficShift(
  deps: StepDependencies,
  deployment: Pick<TrafficDeployment, 'deploymentId'>,
  waitType?: 'READY_WAIT' | 'TERMINATION_WAIT',
): Promise<void> {
  const at = { at: deps.clock().toISOString() };
  // Decided on the record as written, not as read before: the last shift may have been made in between. A continue
  // asked for the shift waits (READY_WAIT) never cuts the termination wait short.
  let continued = trafficDeployment(await deps.store.updateDeployment(deployment.deploymentId, { continueRequested: at }, ['InProgress']));
  if (isTerminationWait(continued) && waitType !== 'READY_WAIT') {
    continued = trafficDeployment(await deps.store.updateDeployment(deployment.deploymentId, { terminationContinued: at }, ['InProgress']));
  }
  const wait = continued.currentWait;
  if (wait?.kind === 'shift' && !(waitType === 'READY_WAIT' && isTerminationWait(continued))) await deps.callbacks.succeed(wait.taskToken, advanceCursor(continued));
}

/** After StopDeployment recorded the stop: a hook or shift wait ends now instead of when it would have. */
export async function endWaitOnStop(deps: StepDependencies, deployment: Deployment): Promise<void> {
  if (deployment.computePlatform === 'Server' || !deployment.currentWait) return;
  await deps.callbacks.fail(deployment.currentWait.taskToken, 'DeploymentStoppedError', stoppedMessage(deployment));
}
