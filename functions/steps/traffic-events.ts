// BlockTraffic and AllowTraffic for one batch: the engine itself (de)registers the hosts with the group's load
// balancers, then waits in the state machine, not in a Lambda, until the load balancers are done or the change's
// limit passes. While it waits, the deployment record says what for and why it takes that long.
import { CutoverError, isTransientError } from '../core/errors';
import { expiredMessage, nextTrafficWait, secondsBetween, trafficWaitRecord } from '../core/traffic-wait';
import type { ServerDeployment, DeploymentTarget, EventDiagnostics, LoadBalancerInfo } from '../core/types';
import type { StepDependencies, TrafficControl, TrafficDirection, TrafficProgress } from '../ports';
import { failTarget, withEvent } from './target-updates';

/** Where a traffic event stands after a step looked at it: the targets it changed, and the wait if not done. */
export interface TrafficStep {
  readonly changed: readonly DeploymentTarget[];
  readonly waitSeconds?: number;
}

export function trafficDirection(eventName: string): TrafficDirection {
  if (eventName === 'BlockTraffic') return 'deregister';
  if (eventName === 'AllowTraffic') return 'register';
  throw new CutoverError(`${eventName} is not a traffic event`);
}

/**
 * Starts the change for the hosts of the batch still without a result at this event. Starting again (a retried
 * step) is harmless: the adapter leaves hosts already in the wanted state alone, and the first start time stays.
 */
export async function startTrafficEvent(
  deps: StepDependencies,
  deployment: ServerDeployment,
  batchNumber: number,
  index: number,
  waiting: readonly DeploymentTarget[],
): Promise<TrafficStep> {
  const lifecycleEventName = deployment.lifecycleEventNames[index];
  const now = deps.clock().toISOString();
  const started = waiting.map((t) => {
    const event = t.lifecycleEvents[index];
    if (event?.status === 'InProgress') return t;
    return withEvent(t, index, { lifecycleEventName, status: 'InProgress', startTime: now }, now);
  });
  await deps.store.updateTargets(started);
  const progress = await attempt(() => {
    const { traffic, info } = trafficControlFor(deps, deployment);
    return traffic[trafficDirection(lifecycleEventName)](info, started.map((t) => t.targetId));
  });
  return settle(deps, deployment, batchNumber, index, started, progress);
}

/** Looks again at a change started earlier, after the state machine's Wait. */
export async function checkTrafficEvent(
  deps: StepDependencies,
  deployment: ServerDeployment,
  batchNumber: number,
  index: number,
  waiting: readonly DeploymentTarget[],
): Promise<TrafficStep> {
  const lifecycleEventName = deployment.lifecycleEventNames[index];
  const progress = await attempt(() => {
    const { traffic, info } = trafficControlFor(deps, deployment);
    return traffic.check(info, waiting.map((t) => t.targetId), trafficDirection(lifecycleEventName));
  });
  return settle(deps, deployment, batchNumber, index, waiting, progress);
}

/** The adapter and the load balancers; a deployment that reached a traffic event without them fails its hosts. */
function trafficControlFor(deps: StepDependencies, deployment: ServerDeployment): { traffic: TrafficControl; info: LoadBalancerInfo } {
  if (!deps.traffic || !deployment.loadBalancerInfo) {
    throw new CutoverError("this installation has no load balancer adapter for the deployment group's loadBalancerInfo");
  }
  return { traffic: deps.traffic, info: deployment.loadBalancerInfo };
}

type Attempted = { readonly ok: true; readonly progress: TrafficProgress } | { readonly ok: false; readonly message: string };

/** A refused change fails the hosts with the reason; a transient failure is the state machine's to retry. */
async function attempt(call: () => Promise<TrafficProgress>): Promise<Attempted> {
  try {
    return { ok: true, progress: await call() };
  } catch (error) {
    if (isTransientError(error)) throw error;
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** Ends the event for every waiting host (done, failed, or out of time), or records the wait and asks for one. */
async function settle(
  deps: StepDependencies,
  deployment: ServerDeployment,
  batchNumber: number,
  index: number,
  waiting: readonly DeploymentTarget[],
  attempted: Attempted,
): Promise<TrafficStep> {
  const lifecycleEventName = deployment.lifecycleEventNames[index];
  const now = deps.clock().toISOString();
  const since = earliestStart(waiting, index, now);
  if (!attempted.ok) {
    return finish(deps, deployment, index, waiting, new Set(waiting.map((t) => t.targetId)), `${lifecycleEventName} failed: ${attempted.message}`);
  }
  const { progress } = attempted;
  if (progress.done) return finish(deps, deployment, index, waiting, new Set(), progress.reason);

  const decision = nextTrafficWait(progress, since, now);
  if (decision.kind === 'expired') {
    const stuck = new Set(progress.pending.map((p) => p.targetId));
    return finish(deps, deployment, index, waiting, stuck, expiredMessage(lifecycleEventName, progress));
  }
  const event = lifecycleEventName === 'BlockTraffic' ? 'BlockTraffic' : 'AllowTraffic';
  const trafficWait = trafficWaitRecord({ batchNumber, lifecycleEventName: event, since, now, waitSeconds: decision.seconds, progress });
  await deps.store.updateDeployment(deployment.deploymentId, { trafficWait });
  return { changed: [], waitSeconds: decision.seconds };
}

/** Hosts in `failing` fail the event with `message`; the others succeed, and their record says how long it took. */
async function finish(
  deps: StepDependencies,
  deployment: ServerDeployment,
  index: number,
  waiting: readonly DeploymentTarget[],
  failing: ReadonlySet<string>,
  message: string,
): Promise<TrafficStep> {
  const lifecycleEventName = deployment.lifecycleEventNames[index];
  const now = deps.clock().toISOString();
  const changed = waiting.map((t) => {
    const event = t.lifecycleEvents[index];
    const startTime = event?.startTime ?? now;
    if (failing.has(t.targetId)) {
      const diagnostics: EventDiagnostics = { errorCode: 'UnknownError', scriptName: '', message, logTail: '' };
      return failTarget(withEvent(t, index, { lifecycleEventName, status: 'InProgress', startTime }, now), diagnostics, now);
    }
    const took = `Took ${secondsBetween(startTime, now)} s: ${message}`;
    const diagnostics: EventDiagnostics = { errorCode: 'Success', scriptName: '', message: took, logTail: '' };
    return withEvent(t, index, { lifecycleEventName, status: 'Succeeded', startTime, endTime: now, diagnostics }, now);
  });
  // Cleared before the results are written: a retry that finds the results written has no wait left to clear.
  await clearTrafficWait(deps, deployment.deploymentId);
  await deps.store.updateTargets(changed);
  for (const target of changed) {
    if (target.status === 'Failed') await deps.events.publish({ kind: 'target', deploymentId: deployment.deploymentId, target });
  }
  return { changed };
}

/** Removing an absent attribute is a no-op, so this is safe to repeat whatever the loaded record said. */
async function clearTrafficWait(deps: StepDependencies, deploymentId: string): Promise<void> {
  await deps.store.updateDeployment(deploymentId, { trafficWait: undefined });
}

function earliestStart(targets: readonly DeploymentTarget[], index: number, fallback: string): string {
  const starts = targets.map((t) => t.lifecycleEvents[index]?.startTime).filter((s): s is string => s !== undefined);
  return starts.sort()[0] ?? fallback;
}
