// The API's InstanceTarget (CodeDeploy's shape) does not say which batch a host was in, but its event times do: a
// batch's hosts move through the events in lockstep, and the next batch starts only once every host of this one has
// finished. So, ordered by when they started, a host that started after every host before it had finished opens a
// new batch.
import type { InstanceTargetInfo } from './api-shapes';

export function withBatches(targets: readonly InstanceTargetInfo[]): InstanceTargetInfo[] {
  if (targets.some((t) => t.batchNumber !== undefined)) return [...targets];
  const started = targets
    .map((target) => ({ target, start: firstStart(target) }))
    .filter((s): s is { target: InstanceTargetInfo; start: number } => s.start !== undefined)
    .sort((a, b) => a.start - b.start);
  const batchOf = new Map<string, number>();
  let batch = 0;
  let groupEnd = Number.NEGATIVE_INFINITY;
  for (const { target, start } of started) {
    if (start > groupEnd) {
      batch += 1;
      groupEnd = Number.NEGATIVE_INFINITY;
    }
    batchOf.set(target.targetId, batch);
    groupEnd = Math.max(groupEnd, lastEnd(target));
  }
  return targets.map((t) => (batchOf.has(t.targetId) ? { ...t, batchNumber: batchOf.get(t.targetId) } : t));
}

function firstStart(target: InstanceTargetInfo): number | undefined {
  const times = (target.lifecycleEvents ?? []).map((e) => (e.startTime === undefined ? Number.NaN : Date.parse(e.startTime))).filter((t) => !Number.isNaN(t));
  return times.length === 0 ? undefined : Math.min(...times);
}

/** When the host was last busy; still busy counts as never finished, so nothing after it opens a new batch. */
function lastEnd(target: InstanceTargetInfo): number {
  const events = target.lifecycleEvents ?? [];
  if (target.status === 'InProgress' || events.some((e) => e.status === 'InProgress')) return Number.POSITIVE_INFINITY;
  const ends = events.map((e) => Date.parse(e.endTime ?? e.startTime ?? '')).filter((t) => !Number.isNaN(t));
  return ends.length === 0 ? Number.POSITIVE_INFINITY : Math.max(...ends);
}
