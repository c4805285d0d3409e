// A Standard workflow fails at 25,000 history events. A batch costs at most about 90 of them (a Task is ~5 events,
// a Choice 2; a batch behind a load balancer with every hook scripted runs 12 waits, 12 choices, a plan and its
// choice), so one execution runs at most this many batches and then hands the deployment to a new one. OneAtATime
// on CodeDeploy's maximum of 1,000 hosts becomes 5 executions.
import { MAX_TRAFFIC_CHECKS } from './traffic-wait';

export const HISTORY_EVENTS_PER_BATCH = 90;

/** One look at a load balancer change: its Wait state (2 events), the check Task (5) and the Choice after it (2). */
export const HISTORY_EVENTS_PER_TRAFFIC_CHECK = 9;

/** What one execution may spend, below the 25,000 limit with room for its start and finish. */
export const HISTORY_EVENT_BUDGET = 24_000;

export const BATCHES_PER_EXECUTION = 200;

/**
 * Batches one execution runs. Behind a load balancer each batch may also wait on BlockTraffic and AllowTraffic,
 * up to MAX_TRAFFIC_CHECKS looks each, so fewer batches fit.
 */
export function batchesPerExecution(withLoadBalancer: boolean): number {
  if (!withLoadBalancer) return BATCHES_PER_EXECUTION;
  const perBatch = HISTORY_EVENTS_PER_BATCH + 2 * MAX_TRAFFIC_CHECKS * HISTORY_EVENTS_PER_TRAFFIC_CHECK;
  return Math.min(BATCHES_PER_EXECUTION, Math.floor(HISTORY_EVENT_BUDGET / perBatch));
}

/** The execution's name: the deployment id, then `<id>-from-<batch>` for each execution that takes over. */
export function executionName(deploymentId: string, firstBatch: number): string {
  return firstBatch <= 1 ? deploymentId : `${deploymentId}-from-${firstBatch}`;
}

/** The execution input every segment starts with. */
export function executionInput(deploymentId: string, firstBatch: number): { deploymentId: string; firstBatch: number } {
  return { deploymentId, firstBatch: Math.max(1, firstBatch) };
}
