// Runs the batch's next lifecycle event that has work on some host. Events that are no-ops on every active host
// are recorded and passed over in this same call, so the state machine only pauses where a host really works.
// When the batch has no event left, the execution is resumed at once with a 'plan' cursor. A deployment an alarm has
// stopped (ServerDeployment.alarmStop) dispatches nothing more: the step fails with AlarmActiveError instead.
import { eventWork, type EventWork } from '../core/event-scripts';
import { usesPreviousRevision } from '../core/lifecycle-order';
import type { DeploymentTarget, ServerDeployment } from '../core/types';
import { ConflictError } from '../core/errors';
import { unreachableHostReport } from '../core/host-script';
import type { Batch, HostDispatch, StepDependencies, UnreachableHost } from '../ports';
import { cancelRunningEvent, refuseIfAlarmStopped } from './alarm-stop';
import { loadBatch, loadBatchTargets, loadServerDeployment, serverDeployment } from './deployment-context';
import { hostReport } from './host-report';
import { type Cursor, parseStepInput, runLifecycleEventInput } from './step-inputs';
import { cursorAfterEvent, hasResult, isActive, withEvent } from './target-updates';
import { startTrafficEvent } from './traffic-events';

export async function runLifecycleEvent(deps: StepDependencies, raw: unknown): Promise<{ dispatched: number }> {
  const input = parseStepInput(runLifecycleEventInput, raw, 'run-lifecycle-event');
  const { store } = deps;
  const deployment = await loadServerDeployment(store, input.deploymentId);
  const batch = await loadBatch(store, input.deploymentId, input.batchNumber);
  // A retry of an attempt whose cancel failed (or an event after one whose hosts were closed) cancels again first.
  await stopIfAlarmStopped(deps, deployment, batch);
  let targets = await loadBatchTargets(store, batch);
  const events = deployment.lifecycleEventNames;
  // Host records matter only for the stop hooks, which come first in a batch: skip the read for later events.
  const needsPrevious = events.slice(input.eventIndex).some(usesPreviousRevision);
  const previousInstalls = needsPrevious ? await previousInstallsOf(deps, deployment, targets) : new Map<string, ServerDeployment | undefined>();
  const bundle = await deps.revisions.bundleFetch(deployment.revision);

  for (let index = input.eventIndex; index < events.length; index += 1) {
    const active = targets.filter(isActive);
    if (active.length === 0) break;
    const now = deps.clock().toISOString();
    const work = new Map<string, EventWork>(
      active.map((t) => [t.targetId, eventWork({ event: events[index], deployment, previousInstall: previousInstalls.get(t.targetId), bundle })]),
    );
    if ([...work.values()].some((w) => w.kind === 'traffic')) {
      // An earlier attempt that got past this event already moved the traffic: never redo it (or overwrite results).
      const waiting = active.filter((t) => !hasResult(t.lifecycleEvents[index]));
      if (waiting.length === 0) continue;
      const step = await startTrafficEvent(deps, deployment, batch.batchNumber, index, waiting);
      targets = targets.map((t) => step.changed.find((u) => u.targetId === t.targetId) ?? t);
      if (step.waitSeconds === undefined) continue;
      const cursor: Cursor = { action: 'traffic', batchNumber: batch.batchNumber, eventIndex: index, waitSeconds: step.waitSeconds };
      await deps.callbacks.succeed(input.taskToken, cursor);
      return { dispatched: 0 };
    }
    // Results already written (by an earlier attempt of this step) are kept: only events not yet started change.
    const updated = active
      .filter((t) => t.lifecycleEvents[index]?.status === 'Pending')
      .map((t) => {
        const status = work.get(t.targetId)?.kind === 'script' ? ('InProgress' as const) : ('Succeeded' as const);
        const endTime = status === 'Succeeded' ? now : undefined;
        return withEvent(t, index, { lifecycleEventName: events[index], status, startTime: now, endTime }, now);
      });
    await store.updateTargets(updated);
    targets = targets.map((t) => updated.find((u) => u.targetId === t.targetId) ?? t);

    const scripted = targets.filter((t) => isActive(t) && work.get(t.targetId)?.kind === 'script');
    if (scripted.length === 0) continue;
    return waitForHosts(deps, deployment, batch, index, work, scripted, input.taskToken);
  }

  await completeBatch(deps, deployment, targets);
  const cursor: Cursor = { action: 'plan', batchNumber: batch.batchNumber, eventIndex: events.length };
  await deps.callbacks.succeed(input.taskToken, cursor);
  return { dispatched: 0 };
}

/**
 * Sends the event to the hosts and leaves the execution waiting on `taskToken`. A retried step (the batch already
 * at this event) keeps the reports counted so far, swaps in the new token, and sends nothing to a host twice: hosts
 * are marked sent as each part of the dispatch goes out.
 */
async function waitForHosts(
  deps: StepDependencies,
  deployment: ServerDeployment,
  batch: Batch,
  index: number,
  work: Map<string, EventWork>,
  scripted: readonly DeploymentTarget[],
  taskToken: string,
): Promise<{ dispatched: number }> {
  const { store } = deps;
  const { deploymentId, batchNumber } = batch;
  // Built field by field: nothing of the previous event (its reports, its sent hosts) may carry over.
  const fresh: Batch = {
    deploymentId,
    batchNumber,
    targetIds: batch.targetIds,
    eventIndex: index,
    expected: scripted.length,
    reported: 0,
    taskToken,
    dispatched: false,
  };
  const begun = !(batch.eventIndex === index && batch.expected > 0) && (await store.beginBatchEvent(fresh));
  // Not begun here: an earlier or overlapping attempt already began this event; only the waiting token changes.
  let current = begun ? fresh : await store.updateBatchWait(deploymentId, batchNumber, index, { taskToken });
  let sent = 0;
  if (!current.dispatched) {
    // Hosts an interrupted earlier attempt already sent the event to, or that already answered, are not sent it again.
    const alreadySent = new Set(current.sentTargetIds ?? []);
    const toSend = scripted.filter((t) => !hasResult(t.lifecycleEvents[index]) && !alreadySent.has(t.targetId));
    // A retry: a result an earlier attempt recorded but did not get to count (an unreachable host's report cut short)
    // would never be counted otherwise, and the event would wait for its timeout. Only hosts this event was sent to
    // or found unreachable for are counted (the batch's other hosts are not expected), and counting is a set.
    if (!begun && alreadySent.size > 0) {
      const settled = (await loadBatchTargets(store, current)).filter((t) => alreadySent.has(t.targetId) && hasResult(t.lifecycleEvents[index]));
      for (const target of settled) await store.countBatchReport(deploymentId, batchNumber, index, target.targetId);
    }
    const eventName = deployment.lifecycleEventNames[index];
    const { unreachable } = await deps.hosts.dispatch(groupScripts(deployment, batchNumber, index, eventName, work, toSend), async (ids) => {
      await store.markBatchSent(deploymentId, batchNumber, index, ids);
    });
    await cancelIfAlarmStopped(deps, current);
    // Before the dispatch counts as done, so a retry that finds it done has nothing of it left to do. The last of
    // these reports may complete the event and resume the execution, which then moves the batch on. Marked as sent
    // first, so a retry after a report cut short knows to count its result.
    if (unreachable.length > 0) await store.markBatchSent(deploymentId, batchNumber, index, unreachable.map((host) => host.targetId));
    await reportUnreachable(deps, batch, index, unreachable);
    try {
      current = await store.updateBatchWait(deploymentId, batchNumber, index, { taskToken, dispatched: true });
    } catch (error) {
      if (error instanceof ConflictError) return { dispatched: toSend.length - unreachable.length };
      throw error;
    }
    sent = toSend.length - unreachable.length;
  } else {
    // A retry that found the event sent has just swapped in its token: an alarm's event that read the batch before
    // failed the old one, which nothing waits on any more. Nothing would end this wait but the hosts it cancelled.
    await cancelIfAlarmStopped(deps, current);
  }
  // Every host has already reported (on an earlier attempt, or faster than this write): resume now. A second
  // callback for the same token is harmless.
  if (current.reported >= current.expected) {
    const batchTargets = await loadBatchTargets(store, current);
    await deps.callbacks.succeed(taskToken, cursorAfterEvent(batchTargets, batchNumber, index));
  }
  return { dispatched: sent };
}

/**
 * An alarm's state change that came while this step ran found nothing to cancel yet (or a token not yet waiting): the
 * scripts just sent are cancelled here, and the step fails with AlarmActiveError, which ends the deployment. The
 * record is read again for it, once per dispatched event.
 */
async function cancelIfAlarmStopped(deps: StepDependencies, batch: Batch): Promise<void> {
  await stopIfAlarmStopped(deps, await loadServerDeployment(deps.store, batch.deploymentId), batch);
}

/**
 * Once an alarm has stopped the deployment: the batch's hosts still running its event (or closed by this stop, whose
 * cancel may not have gone out) are cancelled, then the step fails with AlarmActiveError.
 */
async function stopIfAlarmStopped(deps: StepDependencies, deployment: ServerDeployment, batch: Batch): Promise<void> {
  if (!deployment.alarmStop) return;
  await cancelRunningEvent(deps, deployment, batch, deployment.alarmStop);
  refuseIfAlarmStopped(deployment);
}

/** Hosts the runner could not reach fail the event now, through the same report step as hosts that ran it. */
async function reportUnreachable(deps: StepDependencies, batch: Batch, eventIndex: number, hosts: readonly UnreachableHost[]): Promise<void> {
  for (const host of hosts) {
    const now = deps.clock().toISOString();
    const { exitCode, output } = unreachableHostReport(host.reason);
    await hostReport(deps, {
      deploymentId: batch.deploymentId,
      batchNumber: batch.batchNumber,
      eventIndex,
      targetId: host.targetId,
      exitCode,
      output,
      startTime: now,
      endTime: now,
    });
  }
}

/** Every event of the batch is done: hosts still active succeeded. The next plan step refreshes the overview. */
async function completeBatch(deps: StepDependencies, deployment: ServerDeployment, targets: DeploymentTarget[]): Promise<void> {
  const now = deps.clock().toISOString();
  const succeeded = targets.filter(isActive).map((t): DeploymentTarget => ({ ...t, status: 'Succeeded', lastUpdatedAt: now }));
  if (succeeded.length === 0) return;
  await deps.store.updateTargets(succeeded);
  for (const target of succeeded) await deps.events.publish({ kind: 'target', deploymentId: deployment.deploymentId, target });
}

function groupScripts(
  deployment: ServerDeployment,
  batchNumber: number,
  eventIndex: number,
  eventName: HostDispatch['eventName'],
  work: Map<string, EventWork>,
  targets: readonly DeploymentTarget[],
): HostDispatch {
  const groups = new Map<string, { script: string; targetIds: string[]; timeoutSeconds: number }>();
  for (const { targetId } of targets) {
    const w = work.get(targetId);
    if (w?.kind !== 'script') continue;
    const group = groups.get(w.key) ?? { script: w.script, targetIds: [], timeoutSeconds: w.timeoutSeconds };
    group.targetIds.push(targetId);
    groups.set(w.key, group);
  }
  const scripts = [...groups.values()];
  return {
    deploymentId: deployment.deploymentId,
    batchNumber,
    eventIndex,
    eventName,
    scripts: scripts.map(({ script, targetIds }) => ({ script, targetIds })),
    timeoutSeconds: Math.max(0, ...scripts.map((s) => s.timeoutSeconds)),
  };
}

/** For each target, the deployment whose Install last succeeded on it (its scripts run the stop hooks). */
async function previousInstallsOf(
  deps: StepDependencies,
  deployment: ServerDeployment,
  targets: readonly DeploymentTarget[],
): Promise<Map<string, ServerDeployment | undefined>> {
  const records = await Promise.all(targets.map((t) => deps.store.getHostRecord(deployment.deploymentGroupId, t.targetId)));
  const byDeployment = new Map<string, ServerDeployment | undefined>();
  for (const id of new Set(records.map((r) => r?.lastSuccessfulInstall).filter((d): d is string => d !== undefined))) {
    byDeployment.set(id, id === deployment.deploymentId ? deployment : await deps.store.getDeployment(id).then((d) => d && serverDeployment(d)));
  }
  return new Map(
    targets.map((t, i) => {
      const previous = records[i]?.lastSuccessfulInstall;
      return [t.targetId, previous ? byDeployment.get(previous) : undefined];
    }),
  );
}
