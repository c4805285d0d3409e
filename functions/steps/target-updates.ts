// Pure changes to a target record that several steps make the same way.
import type { DeploymentTarget, EventDiagnostics, LifecycleEvent } from '../core/types';
import type { Cursor } from './step-inputs';

/** A target that never started: it and all its events end Skipped. */
export function skipTarget(target: DeploymentTarget, now: string): DeploymentTarget {
  return {
    ...target,
    status: 'Skipped',
    lastUpdatedAt: now,
    lifecycleEvents: target.lifecycleEvents.map((e) => (e.status === 'Pending' ? { ...e, status: 'Skipped' } : e)),
  };
}

/** Sets one event of a target, leaving the others as they are. */
export function withEvent(target: DeploymentTarget, index: number, event: LifecycleEvent, now: string): DeploymentTarget {
  const lifecycleEvents = target.lifecycleEvents.map((e, i) => (i === index ? event : e));
  return { ...target, lifecycleEvents, lastUpdatedAt: now };
}

/** A target that stopped mid-flight: the running event fails with `diagnostics`, later events are Skipped. */
export function failTarget(target: DeploymentTarget, diagnostics: EventDiagnostics, now: string): DeploymentTarget {
  return {
    ...target,
    status: 'Failed',
    lastUpdatedAt: now,
    lifecycleEvents: target.lifecycleEvents.map((e) => {
      if (e.status === 'InProgress') return { ...e, status: 'Failed', endTime: now, diagnostics };
      if (e.status === 'Pending') return { ...e, status: 'Skipped' };
      return e;
    }),
  };
}

/** Nothing stays Pending or InProgress once a deployment ends: returns every target and the ones that changed. */
export function closeOutTargets(targets: readonly DeploymentTarget[], now: string): { all: DeploymentTarget[]; changed: DeploymentTarget[] } {
  const changed: DeploymentTarget[] = [];
  const all = targets.map((t) => {
    if (t.status !== 'Pending' && t.status !== 'InProgress') return t;
    const closed =
      t.status === 'Pending'
        ? skipTarget(t, now)
        : failTarget(t, { errorCode: 'UnknownError', scriptName: '', message: 'The deployment ended before this host finished', logTail: '' }, now);
    changed.push(closed);
    return closed;
  });
  return { all, changed };
}

export function isActive(target: DeploymentTarget): boolean {
  return target.status === 'InProgress';
}

/** True once an event has its result: what a report (or the timeout) wrote, never to be overwritten. */
export function hasResult(event: LifecycleEvent | undefined): boolean {
  return event?.status === 'Succeeded' || event?.status === 'Failed';
}

/** After an event of a batch is done: its next event while some host is still going, else plan the next batch. */
export function cursorAfterEvent(batchTargets: readonly DeploymentTarget[], batchNumber: number, eventIndex: number): Cursor {
  return { action: batchTargets.some(isActive) ? 'run' : 'plan', batchNumber, eventIndex: eventIndex + 1 };
}
