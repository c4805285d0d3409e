// What ends a waiting Lambda or ECS deployment from outside its execution: ContinueDeployment (skip the remaining waits),
// StopDeployment, and an alarm going to ALARM. Each is recorded on the deployment first, so the execution finds it
// even if it was between two waits when it came; then the wait in progress, if any, is ended through its token.
import { advanceCursor, isTerminationWait } from '../../core/traffic-course';
import type { Deployment, TrafficDeployment } from '../../core/types';
import type { StepDependencies } from '../../ports';
import { watchesAlarm } from '../alarm-check';
import { trafficDeployment } from '../deployment-context';

export function stoppedMessage(deploymentId: string): string {
  return `Deployment ${deploymentId} was stopped on request`;
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
  await deps.callbacks.fail(deployment.currentWait.taskToken, 'DeploymentStoppedError', stoppedMessage(deployment.deploymentId));
}

/**
 * An alarm changed state (CloudWatch's Alarm State Change event, or the local simulation). On ALARM, every Lambda or
 * ECS deployment in progress whose group watches the alarm has its wait ended with AlarmActiveError; the execution then
 * finishes, restoring the traffic. Returns the deployments it stopped.
 */
export async function alarmStateChanged(deps: StepDependencies, alarmName: string, state: string): Promise<string[]> {
  if (state !== 'ALARM') return [];
  const stopped: string[] = [];
  for (const listed of await deps.store.listDeployments({ statuses: ['InProgress'] })) {
    if (listed.computePlatform === 'Server') continue;
    // The list is read from an index that may lag: the token of the wait in progress comes from the record itself.
    const deployment = await deps.store.getDeployment(listed.deploymentId);
    if (deployment?.status !== 'InProgress' || deployment.computePlatform === 'Server' || !deployment.currentWait) continue;
    const group = await deps.store.getDeploymentGroup(deployment.applicationName, deployment.deploymentGroupName);
    if (!group || !watchesAlarm(group, alarmName)) continue;
    const message = `Alarm ${alarmName} of deployment group ${group.deploymentGroupName} went to ALARM`;
    await deps.callbacks.fail(deployment.currentWait.taskToken, 'AlarmActiveError', message);
    stopped.push(deployment.deploymentId);
  }
  return stopped;
}

