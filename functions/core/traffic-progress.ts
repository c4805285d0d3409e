// How long BlockTraffic and AllowTraffic take on real load balancers, and why: each load balancer reports its own part
// (how long its settings say the change takes, which hosts it has not finished with), and these pure functions turn
// the parts into the one TrafficProgress the engine waits on. The engine never waits inside a Lambda: it sleeps in a
// Wait state for `checkAfterSeconds`, so these numbers decide how often a deployment is looked at and when it gives up.
import type { PendingTarget, TrafficDirection, TrafficProgress } from '../ports';

export type LoadBalancerKind = 'target group' | 'classic ELB';

/** How long one load balancer's part of a change should take by its settings, and the settings that say so. */
export interface ChangeTiming {
  readonly expectedSeconds: number;
  readonly reason: string;
}

/** Where one load balancer's part of a change stands. */
export interface BalancerProgress {
  readonly timing: ChangeTiming;
  /** Hosts this load balancer has not finished with; empty when its part is done. */
  readonly pending: readonly PendingTarget[];
  /**
   * Time the change takes that no check can see: a classic ELB shows an instance OutOfService the moment it is
   * deregistered while its connections still drain. The first check comes no sooner, since it would report done.
   */
  readonly unobservableSeconds?: number;
}

/** One load balancer's side of a traffic change; the AWS adapters implement it per target group and classic ELB. */
export interface LoadBalancerTraffic {
  /** Starts the change (harmless when the hosts are already where it puts them) and reports where it stands. */
  change(direction: TrafficDirection, targetIds: readonly string[]): Promise<BalancerProgress>;
  check(direction: TrafficDirection, targetIds: readonly string[]): Promise<BalancerProgress>;
}

/** Whether the progress answers the call that started the change or a later check. */
export type ProgressStage = 'started' | 'checked';

/** Nothing on a load balancer settles faster; keeps a zero drain from turning the wait into a busy loop. */
export const MIN_CHECK_SECONDS = 5;
/**
 * The first look comes at the expected time but no later than this: an ELBv2 target with no open connections
 * finishes draining before its deregistration delay, and a long delay should not hold the batch for nothing.
 */
export const MAX_FIRST_CHECK_SECONDS = 300;
/** Later looks come every 15 s, the interval of AWS's own load balancer waiters... */
export const POLL_SECONDS = 15;
/** ...or every twentieth of the expected time, at most this, so an hour-long drain is looked at 30 times, not 220. */
export const MAX_POLL_SECONDS = 120;
/** Headroom past the expected time: a Network Load Balancer may take minutes to register a target before checking it. */
export const MIN_MARGIN_SECONDS = 300;
/**
 * The longest a BlockTraffic or AllowTraffic may take, however slow the load balancer's settings: the longest
 * deregistration delay AWS allows (an hour) with the minimum margin, so a host draining for all of it still passes.
 */
export const MAX_LIMIT_SECONDS = 3600 + MIN_MARGIN_SECONDS;

const DRAIN_SETTING: Readonly<Record<LoadBalancerKind, { readonly name: string; readonly whenZero: string }>> = {
  'target group': { name: 'deregistration_delay.timeout_seconds', whenZero: 'deregistration_delay.timeout_seconds is 0' },
  'classic ELB': { name: 'connection draining', whenZero: 'connection draining is off' },
};

const HEALTH_SETTINGS: Readonly<Record<LoadBalancerKind, string>> = {
  'target group': 'HealthyThresholdCount × HealthCheckIntervalSeconds',
  'classic ELB': 'HealthCheck.HealthyThreshold × HealthCheck.Interval',
};

/** Deregistration: in-flight requests may run for the drain time; 0 means the load balancer lets go at once. */
export function drainTiming(kind: LoadBalancerKind, name: string, drainSeconds: number): ChangeTiming {
  const setting = DRAIN_SETTING[kind];
  if (drainSeconds <= 0) {
    return { expectedSeconds: 0, reason: `${kind} ${name} deregisters at once (${setting.whenZero})` };
  }
  return { expectedSeconds: drainSeconds, reason: `${kind} ${name} drains for up to ${drainSeconds} s (${setting.name})` };
}

/** Registration: a host takes traffic after the healthy threshold of consecutive passing health checks. */
export function healthTiming(
  kind: LoadBalancerKind,
  name: string,
  healthCheck: { readonly healthyThreshold: number; readonly intervalSeconds: number },
): ChangeTiming {
  const { healthyThreshold, intervalSeconds } = healthCheck;
  const checks = healthyThreshold === 1 ? '1 check' : `${healthyThreshold} checks`;
  return {
    expectedSeconds: healthyThreshold * intervalSeconds,
    reason: `${kind} ${name}: healthy after ${checks} every ${intervalSeconds} s (${HEALTH_SETTINGS[kind]})`,
  };
}

/** Longest the whole change may take from its start: the expected time, plus half again (at least 5 min), capped. */
export function limitSeconds(expectedSeconds: number): number {
  const margin = Math.max(MIN_MARGIN_SECONDS, Math.ceil(expectedSeconds / 2));
  return Math.min(MAX_LIMIT_SECONDS, Math.ceil(expectedSeconds) + margin);
}

/** When to look first after starting a change that should take `expectedSeconds`. */
export function firstCheckSeconds(expectedSeconds: number): number {
  return clamp(Math.ceil(expectedSeconds), MIN_CHECK_SECONDS, MAX_FIRST_CHECK_SECONDS);
}

/** When to look again after a check found a change that should take `expectedSeconds` still running. */
export function pollSeconds(expectedSeconds: number): number {
  return clamp(Math.ceil(expectedSeconds / 20), POLL_SECONDS, MAX_POLL_SECONDS);
}

/**
 * The load balancers' parts as one progress. They run side by side (every change is started before any is waited
 * for), so the slowest one sets the pace. The limit counts every load balancer, finished or not, so each check of
 * the same change reports the same limit.
 */
export function combineProgress(balancers: readonly BalancerProgress[], stage: ProgressStage): TrafficProgress {
  const pending = balancers.flatMap((balancer) => balancer.pending);
  const reason = balancers.length === 0 ? 'no host or load balancer to change' : balancers.map((b) => b.timing.reason).join('; ');
  const limit = limitSeconds(Math.max(0, ...balancers.map((b) => b.timing.expectedSeconds)));
  if (pending.length === 0) {
    return { done: true, checkAfterSeconds: 0, limitSeconds: limit, reason, pending };
  }
  const waiting = balancers.filter((balancer) => balancer.pending.length > 0);
  const expected = Math.max(...waiting.map((b) => b.timing.expectedSeconds));
  const unobservable = Math.max(0, ...waiting.map((b) => b.unobservableSeconds ?? 0));
  const next = stage === 'started' ? Math.max(unobservable, firstCheckSeconds(expected)) : pollSeconds(expected);
  return { done: false, checkAfterSeconds: Math.min(next, limit), limitSeconds: limit, reason, pending };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
