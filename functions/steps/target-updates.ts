// Pure changes to a target record that several steps make the same way.
import type { DeploymentTarget, EventDiagnostics, LifecycleEvent } from '../core/types';

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

export function isActive(target: DeploymentTarget): boolean {
  return target.status === 'InProgress';
}
