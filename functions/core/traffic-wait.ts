// How the engine waits on a BlockTraffic or AllowTraffic change: a Wait state between checks, no Lambda running.
// Checks are bounded per change, so a slow load balancer costs a known number of history events.

import type { PendingTarget, TrafficWaitRecord } from './types';

/** At most this many looks at one change: the Wait state stretches instead when the limit is long. */
export const MAX_TRAFFIC_CHECKS = 20;

/** Pending hosts kept on the deployment record while it waits; `pendingCount` has them all. */
export const MAX_PENDING_SHOWN = 50;

/** Pending hosts named in a failure message, which every failed host's record carries. */
export const MAX_PENDING_DESCRIBED = 10;

/** What the adapter says about a change in progress. */
export interface TrafficTiming {
  readonly checkAfterSeconds: number;
  readonly limitSeconds: number;
}

/** What the adapter says, with what is still pending and why. */
export interface TrafficState extends TrafficTiming {
  readonly reason: string;
  readonly pending: readonly PendingTarget[];
}

export type TrafficWaitDecision =
  | { readonly kind: 'wait'; readonly seconds: number }
  /** The limit has passed since the change started: the hosts still pending fail the event. */
  | { readonly kind: 'expired'; readonly waitedSeconds: number };

/**
 * The next wait before looking again: what the adapter asks for, but never shorter than the limit allows for the
 * number of checks, and never past the limit itself (the last check lands on it).
 */
export function nextTrafficWait(timing: TrafficTiming, startedAt: string, now: string): TrafficWaitDecision {
  // The Wait state needs a whole number: an adapter's NaN would end the execution where no Catch reaches it.
  if (![timing.checkAfterSeconds, timing.limitSeconds, Date.parse(startedAt), Date.parse(now)].every(Number.isFinite)) {
    throw new RangeError(`a traffic wait needs finite times (got ${JSON.stringify({ ...timing, startedAt, now })})`);
  }
  const waited = Math.max(0, (Date.parse(now) - Date.parse(startedAt)) / 1000);
  const limit = Math.max(1, timing.limitSeconds);
  if (waited >= limit) return { kind: 'expired', waitedSeconds: Math.floor(waited) };
  const spacing = Math.ceil(limit / MAX_TRAFFIC_CHECKS);
  const wanted = Math.max(1, Math.ceil(timing.checkAfterSeconds), spacing);
  return { kind: 'wait', seconds: Math.min(wanted, Math.ceil(limit - waited)) };
}

/** Whole seconds between two ISO times, for the record of how long a change took. */
export function secondsBetween(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
}

/**
 * The deployment record's account of a wait: a 1,000-host batch behind three target groups would not fit in one
 * item, so only the first few pending hosts are kept, and their count.
 */
export function trafficWaitRecord(input: {
  readonly batchNumber: number;
  readonly lifecycleEventName: TrafficWaitRecord['lifecycleEventName'];
  readonly since: string;
  readonly now: string;
  readonly waitSeconds: number;
  readonly progress: TrafficState;
}): TrafficWaitRecord {
  const { progress } = input;
  return {
    batchNumber: input.batchNumber,
    lifecycleEventName: input.lifecycleEventName,
    since: input.since,
    nextCheck: new Date(Date.parse(input.now) + input.waitSeconds * 1000).toISOString(),
    until: new Date(Date.parse(input.since) + progress.limitSeconds * 1000).toISOString(),
    reason: progress.reason,
    pending: progress.pending.slice(0, MAX_PENDING_SHOWN),
    pendingCount: progress.pending.length,
  };
}

/** Why the hosts still pending fail the event once the limit has passed, naming the first few of them. */
export function expiredMessage(lifecycleEventName: string, progress: TrafficState): string {
  return (
    `${lifecycleEventName} did not finish within ${progress.limitSeconds} s (${progress.reason}); ` +
    `still waiting on ${describePending(progress.pending)}`
  );
}

function describePending(pending: readonly PendingTarget[]): string {
  if (pending.length === 0) return 'no host the load balancer named';
  const shown = pending.slice(0, MAX_PENDING_DESCRIBED);
  const more = pending.length - shown.length;
  const listed = shown.map((p) => `${p.targetId} ${p.state} in ${p.loadBalancer}${p.reason ? ` (${p.reason})` : ''}`).join(', ');
  return more > 0 ? `${listed} and ${more} more` : listed;
}
