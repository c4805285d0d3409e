// What an alarm going to ALARM does to a Server deployment. Its state change event records the stop on the deployment
// (ServerDeployment.alarmStop), closes and cancels the scripts the batch is running, then ends the execution's wait;
// every step of the flow reads the record first, so one that runs next ends the deployment even if nothing was
// waiting when the event came. Unlike StopDeployment, which lets the batch under way finish, an alarm is an emergency.
import { AlarmActiveError } from '../core/errors';
import type { AlarmStop, DeploymentTarget, EventDiagnostics, ServerDeployment } from '../core/types';
import type { Batch, StepDependencies } from '../ports';
import { loadBatchTargets } from './deployment-context';

/** The errorInformation message of a deployment an alarm's state change stopped, naming the alarm. */
export function alarmStopMessage(stop: AlarmStop): string {
  return `Alarm ${stop.alarmName} went to ALARM at ${stop.at}`;
}

/** Throws the AlarmActiveError that ends the flow (FinishDeployment) once an alarm has stopped the deployment. */
export function refuseIfAlarmStopped(deployment: Pick<ServerDeployment, 'alarmStop'>): void {
  if (deployment.alarmStop) throw new AlarmActiveError(alarmStopMessage(deployment.alarmStop));
}

/** What a host's event says when an alarm ended it before the host finished: `reason` names the alarm. */
export function cancelledDiagnostics(reason: string): EventDiagnostics {
  return { errorCode: 'UnknownError', scriptName: '', message: `Cancelled when the deployment stopped: ${reason}`, logTail: '' };
}

/**
 * Ends the batch's hosts still running its current event as cancelled (the event Failed with why, later events
 * Skipped, the host Failed), then has the runner stop their scripts. Closed before they are stopped, so a result that
 * still arrives (SSM's Cancelled status, a script that ended just then) finds the event over and is refused. A retry
 * cancels again the hosts it closed before: stopping a script that has ended changes nothing. Returns their ids.
 */
export async function cancelRunningEvent(deps: StepDependencies, deployment: ServerDeployment, batch: Batch, stop: AlarmStop): Promise<string[]> {
  const { store } = deps;
  const { eventIndex } = batch;
  const running = (await loadBatchTargets(store, batch)).filter((t) => runningAt(t, eventIndex) || cancelledAt(t, eventIndex, stop));
  if (running.length === 0) return [];
  const now = deps.clock().toISOString();
  const diagnostics = cancelledDiagnostics(alarmStopMessage(stop));
  for (const target of running.filter((t) => runningAt(t, eventIndex))) {
    const event = target.lifecycleEvents[eventIndex];
    const closed = await store.recordTargetEvent({
      deploymentId: deployment.deploymentId,
      targetId: target.targetId,
      eventIndex,
      event: { ...event, status: 'Failed', endTime: now, diagnostics },
      targetStatus: 'Failed',
      skipRemaining: true,
      at: now,
    });
    const failed = closed ? await store.getTarget(deployment.deploymentId, target.targetId) : undefined;
    if (failed) await deps.events.publish({ kind: 'target', deploymentId: deployment.deploymentId, target: failed });
  }
  const starts = running.map((t) => t.lifecycleEvents[eventIndex]?.startTime).filter((s): s is string => s !== undefined);
  const targetIds = running.map((t) => t.targetId);
  await deps.hosts.cancel({
    deploymentId: deployment.deploymentId,
    batchNumber: batch.batchNumber,
    eventIndex,
    eventName: deployment.lifecycleEventNames[eventIndex],
    targetIds,
    dispatchedAt: starts.sort()[0] ?? now,
  });
  return targetIds;
}

function runningAt(target: DeploymentTarget, eventIndex: number): boolean {
  return target.lifecycleEvents[eventIndex]?.status === 'InProgress';
}

/** Closed by this same alarm stop on an earlier attempt, whose cancel may not have gone out. */
function cancelledAt(target: DeploymentTarget, eventIndex: number, stop: AlarmStop): boolean {
  const event = target.lifecycleEvents[eventIndex];
  return event?.status === 'Failed' && event.diagnostics?.message === cancelledDiagnostics(alarmStopMessage(stop)).message;
}
