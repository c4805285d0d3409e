// The safety net behind host reports: the wait for an event ran out. Hosts that never reported fail the event
// (their later reports are refused as late); hosts that did report carry on. A timed-out stop hook is treated like
// a failed one, so ignoreApplicationStopFailures lets the host go on.
import { nextEventAfterFailure } from '../core/lifecycle-order';
import type { EventDiagnostics } from '../core/types';
import type { StepDependencies } from '../ports';
import { loadBatch, loadBatchTargets, loadDeployment } from './deployment-context';
import { type Cursor, cursorInput, parseStepInput } from './step-inputs';
import { cursorAfterEvent } from './target-updates';

export async function handleEventTimeout(deps: StepDependencies, raw: unknown): Promise<Cursor> {
  const input = parseStepInput(cursorInput, raw, 'handle-event-timeout');
  const { store } = deps;
  const deployment = await loadDeployment(store, input.deploymentId);
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

  for (const target of await loadBatchTargets(store, batch)) {
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
