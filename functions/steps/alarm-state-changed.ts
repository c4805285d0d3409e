// An alarm changed state (CloudWatch's Alarm State Change event, or the local simulation). On ALARM, every deployment
// in progress that watches the alarm (its override, else its group's) stops within seconds, not at its next poll:
// - a Lambda or ECS deployment waiting on a hook or a shift has that wait ended with AlarmActiveError; its execution
//   then finishes, restoring the traffic. One between two waits meets the alarm at its next poll, a moment later;
// - a Server deployment has the stop recorded on it first, so whichever step of its flow runs next ends it even if
//   nothing was waiting; then the hosts running the batch's event are cancelled, and the batch's wait is ended with
//   AlarmActiveError. The finish step closes every target, ends it Stopped (ALARM_ACTIVE) and rolls back when the
//   deployment's policy has DEPLOYMENT_STOP_ON_ALARM.
import { ConflictError } from '../core/errors';
import type { AlarmStop, Deployment, DeploymentGroup, ServerDeployment, TrafficDeployment } from '../core/types';
import type { Batch, StepDependencies } from '../ports';
import { alarmOwner, watchesAlarm } from './alarm-check';
import { alarmStopMessage, cancelRunningEvent } from './alarm-stop';

/** Returns the deployments it stopped (or, for a repeated event, found stopped by this alarm and completed). */
export async function alarmStateChanged(deps: StepDependencies, alarmName: string, state: string): Promise<string[]> {
  if (state !== 'ALARM') return [];
  const stopped: string[] = [];
  const failures: unknown[] = [];
  for (const listed of await deps.store.listDeployments({ statuses: ['InProgress'] })) {
    // One deployment whose stop fails (its scripts' cancel refused or throttled) must not spare the others: each is
    // stopped on its own, and the first failure rejects at the end, so the event is delivered again for the rest.
    try {
      if (await stopIfWatching(deps, listed.deploymentId, alarmName)) stopped.push(listed.deploymentId);
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
  return stopped;
}

async function stopIfWatching(deps: StepDependencies, deploymentId: string, alarmName: string): Promise<boolean> {
  // The list is read from an index that may lag: whether it still runs, and what it waits on, come from the record.
  const deployment = await deps.store.getDeployment(deploymentId);
  const group = deployment?.status === 'InProgress' ? await watchingGroup(deps, deployment, alarmName) : undefined;
  if (!deployment || !group) return false;
  return deployment.computePlatform === 'Server'
    ? stopServerDeployment(deps, deployment, alarmName)
    : endTrafficWait(deps, deployment, group, alarmName);
}

/**
 * The deployment's group when the deployment watches the alarm: a Lambda or ECS one only while it waits (its next poll
 * catches the alarm otherwise), a Server one whatever it is doing.
 */
async function watchingGroup(deps: StepDependencies, deployment: Deployment, alarmName: string): Promise<DeploymentGroup | undefined> {
  if (deployment.computePlatform !== 'Server' && !deployment.currentWait) return undefined;
  const group = await deps.store.getDeploymentGroup(deployment.applicationName, deployment.deploymentGroupName);
  return group && watchesAlarm(deployment, group, alarmName) ? group : undefined;
}

async function endTrafficWait(deps: StepDependencies, deployment: TrafficDeployment, group: DeploymentGroup, alarmName: string): Promise<boolean> {
  if (!deployment.currentWait) return false;
  await deps.callbacks.fail(deployment.currentWait.taskToken, 'AlarmActiveError', `Alarm ${alarmName} of ${alarmOwner(deployment, group)} went to ALARM`);
  return true;
}

/**
 * Records the stop (the first alarm's stands), cancels what the current batch runs and ends its wait. Each part is
 * safe to repeat, so an event delivered again completes a stop cut short. False when the deployment ended meanwhile.
 */
async function stopServerDeployment(deps: StepDependencies, deployment: ServerDeployment, alarmName: string): Promise<boolean> {
  let stop: AlarmStop | undefined = deployment.alarmStop;
  if (!stop) {
    stop = { alarmName, at: deps.clock().toISOString() };
    try {
      await deps.store.updateDeployment(deployment.deploymentId, { alarmStop: stop }, ['InProgress']);
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }
  const batch = await currentBatch(deps, deployment.deploymentId);
  if (!batch) return true;
  await cancelRunningEvent(deps, deployment, batch, stop);
  // A token the execution no longer waits on (the batch moved on to a load balancer wait, or to its next event) is
  // refused as closed; the step that runs next reads the recorded stop instead.
  if (batch.taskToken) await deps.callbacks.fail(batch.taskToken, 'AlarmActiveError', alarmStopMessage(stop));
  return true;
}

/** The batch planned last: the one under way, if any. Reads the targets, which an alarm's rare event can afford. */
async function currentBatch(deps: StepDependencies, deploymentId: string): Promise<Batch | undefined> {
  const numbers = (await deps.store.getTargets(deploymentId)).map((t) => t.batchNumber ?? 0);
  const last = Math.max(0, ...numbers);
  return last > 0 ? deps.store.getBatch(deploymentId, last) : undefined;
}
