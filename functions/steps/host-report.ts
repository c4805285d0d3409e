// One host's result for one lifecycle event. The result is written at most once (a conditional write on the event
// being InProgress), and everything after that write is idempotent: a retry after a partial failure, a duplicate
// or an out-of-order report completes the same follow-ups without changing the outcome. The report that completes
// the batch's event resumes the waiting execution with the next cursor.
import { ConflictError } from '../core/errors';
import { parseHostReport } from '../core/host-script';
import { nextEventAfterFailure } from '../core/lifecycle-order';
import type { Deployment, LifecycleEvent } from '../core/types';
import type { Batch, HostReport, StepDependencies } from '../ports';
import { loadBatch, loadBatchTargets, loadServerDeployment } from './deployment-context';
import { hostReportInput, parseStepInput } from './step-inputs';
import { cursorAfterEvent, hasResult } from './target-updates';

export type HostReportOutcome = 'recorded' | 'duplicate' | 'stale';

export async function hostReport(deps: StepDependencies, raw: unknown): Promise<{ outcome: HostReportOutcome }> {
  const report: HostReport = parseStepInput(hostReportInput, raw, 'host-report');
  const { store } = deps;
  const deployment = await loadServerDeployment(store, report.deploymentId);
  const batch = await loadBatch(store, report.deploymentId, report.batchNumber);
  if (batch.eventIndex !== report.eventIndex) return { outcome: 'stale' };

  const eventName = deployment.lifecycleEventNames[report.eventIndex];
  const parsed = parseHostReport(report.exitCode, report.output);
  const failed = parsed.status === 'Failed';
  // ignoreApplicationStopFailures lets a failed stop hook pass: the host goes on to the next event.
  const fatal = failed && nextEventAfterFailure(eventName, deployment.ignoreApplicationStopFailures) === 'fail';
  const event: LifecycleEvent = {
    lifecycleEventName: eventName,
    status: failed ? 'Failed' : 'Succeeded',
    startTime: report.startTime,
    endTime: report.endTime,
    diagnostics: parsed.diagnostics,
  };
  const recorded = await store.recordTargetEvent({
    deploymentId: report.deploymentId,
    targetId: report.targetId,
    eventIndex: report.eventIndex,
    event,
    targetStatus: fatal ? 'Failed' : undefined,
    skipRemaining: fatal,
    at: deps.clock().toISOString(),
  });

  // Written now, the stored result is this one: the target is read only to publish a failure, or to see what a
  // duplicate or retry finds stored.
  const target = recorded && !fatal ? undefined : await store.getTarget(report.deploymentId, report.targetId);
  const stored = recorded ? event : target?.lifecycleEvents[report.eventIndex];
  // Not written and no result there either: a report for an event this host was never sent.
  if (!recorded && !hasResult(stored)) return { outcome: 'stale' };

  if (eventName === 'Install' && stored?.status === 'Succeeded') await rememberInstall(deps, deployment, report.targetId);
  if (recorded && fatal && target) await deps.events.publish({ kind: 'target', deploymentId: report.deploymentId, target });

  let counted: Batch;
  try {
    counted = await store.countBatchReport(report.deploymentId, report.batchNumber, report.eventIndex, report.targetId);
  } catch (error) {
    // The batch moved on (the event timed out and the execution went ahead): this report changes nothing more.
    if (error instanceof ConflictError) return { outcome: 'stale' };
    throw error;
  }
  if (counted.reported >= counted.expected && counted.taskToken) {
    const targets = await loadBatchTargets(store, counted);
    await deps.callbacks.succeed(counted.taskToken, cursorAfterEvent(targets, report.batchNumber, report.eventIndex));
  }
  return { outcome: recorded ? 'recorded' : 'duplicate' };
}

/** The agent records the last successful install per host and group: later stop hooks run that revision's scripts. */
async function rememberInstall(deps: StepDependencies, deployment: Deployment, targetId: string): Promise<void> {
  const current = await deps.store.getHostRecord(deployment.deploymentGroupId, targetId);
  if (current?.lastSuccessfulInstall === deployment.deploymentId) return;
  await deps.store.putHostRecords([
    {
      deploymentGroupId: deployment.deploymentGroupId,
      targetId,
      instanceHealth: current?.instanceHealth ?? 'Healthy',
      revisionKey: current?.revisionKey,
      lastSuccessfulInstall: deployment.deploymentId,
    },
  ]);
}
