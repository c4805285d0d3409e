// A Standard workflow fails at 25,000 history events. A batch costs at most about 90 of them (a Task is ~5 events,
// a Choice 2; a batch behind a load balancer with every hook scripted runs 12 waits, 12 choices, a plan and its
// choice), so one execution runs at most this many batches and then hands the deployment to a new one. OneAtATime
// on CodeDeploy's maximum of 1,000 hosts becomes 5 executions.
export const BATCHES_PER_EXECUTION = 200;

/** The execution's name: the deployment id, then `<id>-from-<batch>` for each execution that takes over. */
export function executionName(deploymentId: string, firstBatch: number): string {
  return firstBatch <= 1 ? deploymentId : `${deploymentId}-from-${firstBatch}`;
}

/** The execution input every segment starts with. */
export function executionInput(deploymentId: string, firstBatch: number): { deploymentId: string; firstBatch: number } {
  return { deploymentId, firstBatch: Math.max(1, firstBatch) };
}
