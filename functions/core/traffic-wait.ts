// How the engine waits on a BlockTraffic or AllowTraffic change: a Wait state between checks, no Lambda running.
// Checks are bounded per change, so a slow load balancer costs a known number of history events.

/** At most this many looks at one change: the Wait state stretches instead when the limit is long. */
export const MAX_TRAFFIC_CHECKS = 20;

/** What the adapter says about a change in progress. */
export interface TrafficTiming {
  readonly checkAfterSeconds: number;
  readonly limitSeconds: number;
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
