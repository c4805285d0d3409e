// The safety net behind host reports: the wait for an event ran out. First the host runner is asked for results
// whose callback got lost (SSM: the invocation's status), and those are recorded like a late report. Hosts still
// silent after that fail the event (their later reports are refused as late); the others carry on. A timed-out
// stop hook is treated like a failed one, so ignoreApplicationStopFailures lets the host go on.
import { nextEventAfterFailure } from '../core/lifecycle-order';
import type { DeploymentTarget, EventDiagnostics, ServerLifecycleEventName } from '../core/types';
import type { Batch, StepDependencies } from '../ports';
import { loadBatch, loadBatchTargets, loadServerDeployment } from './deployment-context';
import { hostReport } from './host-report';
import { type Cursor, cursorInput, parseStepInput } from './step-inputs';
import { cursorAfterEvent } from './target-updates';

export async function handleEventTimeout(deps: StepDependencies, raw: unknown): Promise<Cursor> {
  const input = parseStepInput(cursorInput, raw, 'handle-event-timeout');
  const { store } = deps;
  const deployment = await loadServerDeployment(store, input.deploymentId);
  const batch = await loadBatch(store, input.deploymentId, input.batchNumber);
  const eventName = deployment.lifecycleEventNames[batch.eventIndex];
  const fatal = nextEventAfterFailure(eventName, deployment.ignoreApplicationStopFailures) === 'fail';
  const now = deps.clock().toISOString();
  const diagnostics: EventDiagnostics = {
    errorCode: 'UnknownError',
    scriptName: '',
    message: `No result came back from the host for ${eventName} within the event's time limit`,
    logTail: '',
  };

  const loaded = await loadBatchTargets(store, batch);
  // Only lost reports found and recorded change the batch's targets: read them again then.
  const targets = (await collectLostReports(deps, batch, eventName, loaded)) > 0 ? await loadBatchTargets(store, batch) : loaded;
  for (const target of targets) {
    const event = target.lifecycleEvents[batch.eventIndex];
    if (event?.status !== 'InProgress') continue;
    const recorded = await store.recordTargetEvent({
      deploymentId: deployment.deploymentId,
      targetId: target.targetId,
      eventIndex: batch.eventIndex,
      event: { ...event, status: 'Failed', endTime: now, diagnostics },
      targetStatus: fatal ? 'Failed' : undefined,
      skipRemaining: fatal,
      at: now,
    });
    if (recorded && fatal) {
      const failed = await store.getTarget(deployment.deploymentId, target.targetId);
      if (failed) await deps.events.publish({ kind: 'target', deploymentId: deployment.deploymentId, target: failed });
    }
  }
  return cursorAfterEvent(await loadBatchTargets(store, batch), batch.batchNumber, batch.eventIndex);
}

/**
 * Results the runner still has for hosts whose callback never came, recorded through the usual report step.
 * Returns how many it found.
 */
async function collectLostReports(
  deps: StepDependencies,
  batch: Batch,
  eventName: ServerLifecycleEventName,
  batchTargets: readonly DeploymentTarget[],
): Promise<number> {
  const silent = batchTargets.filter((t) => t.lifecycleEvents[batch.eventIndex]?.status === 'InProgress');
  if (silent.length === 0) return 0;
  const starts = silent.map((t) => t.lifecycleEvents[batch.eventIndex]?.startTime).filter((s): s is string => s !== undefined);
  const found = await deps.hosts.collect({
    deploymentId: batch.deploymentId,
    batchNumber: batch.batchNumber,
    eventIndex: batch.eventIndex,
    eventName,
    targetIds: silent.map((t) => t.targetId),
    dispatchedAt: starts.sort()[0] ?? deps.clock().toISOString(),
  });
  for (const report of found) await hostReport(deps, report);
  return found.length;
}
