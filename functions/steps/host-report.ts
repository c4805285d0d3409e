// One host's result for one lifecycle event. Reports are recorded at most once (a conditional write on the event
// being InProgress), so duplicate, late and out-of-order reports change nothing. The report that completes the
// batch's event resumes the waiting execution with the next cursor.
import { parseHostReport } from '../core/host-script';
import { nextEventAfterFailure } from '../core/lifecycle-order';
import type { Deployment, LifecycleEvent } from '../core/types';
import type { HostReport, StepDependencies } from '../ports';
import { loadBatch, loadBatchTargets, loadDeployment } from './deployment-context';
import { type Cursor, hostReportInput, parseStepInput } from './step-inputs';
import { isActive } from './target-updates';

export type HostReportOutcome = 'recorded' | 'duplicate' | 'stale';

export async function hostReport(deps: StepDependencies, raw: unknown): Promise<{ outcome: HostReportOutcome }> {
  const report: HostReport = parseStepInput(hostReportInput, raw, 'host-report');
  const { store } = deps;
  const deployment = await loadDeployment(store, report.deploymentId);
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
  const now = deps.clock().toISOString();
  const recorded = await store.recordTargetEvent({
    deploymentId: report.deploymentId,
    targetId: report.targetId,
    eventIndex: report.eventIndex,
    event,
    targetStatus: fatal ? 'Failed' : undefined,
    skipRemaining: fatal,
    at: now,
  });
  if (!recorded) return { outcome: 'duplicate' };

  if (eventName === 'Install' && !failed) await rememberInstall(deps, deployment, report.targetId);
  if (fatal) {
    const target = await store.getTarget(report.deploymentId, report.targetId);
    if (target) await deps.events.publish({ kind: 'target', deploymentId: report.deploymentId, target });
  }

  const counted = await store.countBatchReport(report.deploymentId, report.batchNumber, report.eventIndex);
  if (counted.reported === counted.expected && counted.taskToken) {
    const targets = await loadBatchTargets(store, counted);
    const anyActive = targets.some(isActive);
    const next: Cursor = anyActive
      ? { action: 'run', batchNumber: report.batchNumber, eventIndex: report.eventIndex + 1 }
      : { action: 'plan', batchNumber: report.batchNumber, eventIndex: report.eventIndex + 1 };
    await deps.callbacks.succeed(counted.taskToken, next);
  }
  return { outcome: 'recorded' };
}

/** The agent records the last successful install per host and group: later stop hooks run that revision's scripts. */
async function rememberInstall(deps: StepDependencies, deployment: Deployment, targetId: string): Promise<void> {
  const current = await deps.store.getHostRecord(deployment.deploymentGroupId, targetId);
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
