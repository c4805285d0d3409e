// What the Lambda and ECS flows' steps share: their adapters, the deployment's one target (the alias, the service),
// the next step after any change, and how a hook's recorded status reaches the target and the waiting execution.
import { CutoverError, DeploymentStoppedError, NotFoundError } from '../../core/errors';
import { ecsTargetId, initialEcsEvents, nextEcsCursor } from '../../core/ecs-traffic';
import { initialLambdaEvents, lambdaTargetId, nextLambdaCursor } from '../../core/lambda-traffic';
import { hookCursor, upcomingShift, type TrafficCursor } from '../../core/traffic-course';
import type { DeploymentTarget, LifecycleEvent, LifecycleEventName, TrafficDeployment, TrafficShift } from '../../core/types';
import type { AliasTraffic, HookExecution, StepDependencies, TaskSetTraffic } from '../../ports';
import { checkAlarms } from '../alarm-check';
import { loadDeployment, loadGroup, trafficDeployment } from '../deployment-context';
import { stoppedMessage } from './traffic-wait-control';
import { withEvent } from '../target-updates';

export function aliasesOf(deps: StepDependencies): AliasTraffic {
  if (!deps.aliases) throw new CutoverError('This installation has no Lambda adapter: Lambda deployments cannot run here');
  return deps.aliases;
}

export function ecsOf(deps: StepDependencies): TaskSetTraffic {
  if (!deps.ecs) throw new CutoverError('This installation has no ECS adapter: ECS deployments cannot run here');
  return deps.ecs;
}

export async function loadTrafficDeployment(deps: StepDependencies, deploymentId: string): Promise<TrafficDeployment> {
  return trafficDeployment(await loadDeployment(deps.store, deploymentId));
}

export function trafficTargetId(deployment: TrafficDeployment): string {
  return deployment.computePlatform === 'Lambda' ? lambdaTargetId(deployment.appSpec) : ecsTargetId(deployment.service);
}

/** Where the flow goes next, from the record and the target as they are now. */
export function nextTrafficCursor(deployment: TrafficDeployment, target: DeploymentTarget, now: Date): TrafficCursor {
  return deployment.computePlatform === 'Lambda' ? nextLambdaCursor(deployment, target, now) : nextEcsCursor(deployment, target, now);
}

/** The target's events at the start: hooks without a function Skipped (and ECS test traffic without a test listener). */
export function initialTrafficEvents(deployment: TrafficDeployment): LifecycleEvent[] {
  return deployment.computePlatform === 'Lambda' ? initialLambdaEvents(deployment.appSpec) : initialEcsEvents(deployment.appSpec, deployment.targetGroupPair);
}

export async function loadTrafficTarget(deps: StepDependencies, deployment: TrafficDeployment): Promise<DeploymentTarget> {
  const targetId = trafficTargetId(deployment);
  const target = await deps.store.getTarget(deployment.deploymentId, targetId);
  if (!target) throw new NotFoundError('Deployment target', `${deployment.deploymentId}/${targetId}`);
  return target;
}

/**
 * A status arrived through the API: the waiting execution is resumed, and the execution itself records the outcome
 * on the target (RunHook again when the hook succeeded, the finish step when it failed), so that no write of the
 * API's races the execution's own. Settling a token twice is harmless.
 */
export async function settleHookWait(deps: StepDependencies, deployment: TrafficDeployment, execution: HookExecution): Promise<void> {
  if (execution.status === 'Failed') await deps.callbacks.fail(execution.taskToken, 'HookFailedError', hookFailureMessage(execution));
  if (execution.status === 'Succeeded') await deps.callbacks.succeed(execution.taskToken, hookCursor(execution.lifecycleEventName, deployment));
}

/**
 * In the execution (RunHook finding the status there): records the hook's outcome on the target's event, then
 * resumes with the next cursor when the hook succeeded, or a HookFailedError when it failed. Idempotent.
 */
export async function concludeHook(deps: StepDependencies, deployment: TrafficDeployment, execution: HookExecution): Promise<void> {
  // An ended deployment's events are closed for good, and nothing waits any more.
  if (execution.status === 'Pending' || deployment.status !== 'InProgress') return;
  const now = deps.clock();
  const target = await loadTrafficTarget(deps, deployment);
  const recorded = withHookOutcome(target, execution, now.toISOString());
  if (recorded !== target) {
    await deps.store.updateTargets([recorded]);
    await deps.events.publish({ kind: 'target', deploymentId: deployment.deploymentId, target: recorded });
  }
  if (execution.status === 'Failed') {
    await deps.callbacks.fail(execution.taskToken, 'HookFailedError', hookFailureMessage(execution));
    return;
  }
  await deps.callbacks.succeed(execution.taskToken, nextTrafficCursor(deployment, recorded, now));
}

/** The target with the hook's event ended as the execution says; the same object when it already is. */
export function withHookOutcome(target: DeploymentTarget, execution: HookExecution, now: string): DeploymentTarget {
  const index = target.lifecycleEvents.findIndex((e) => e.lifecycleEventName === execution.lifecycleEventName);
  const event = target.lifecycleEvents[index];
  if (index < 0 || execution.status === 'Pending' || event.status === execution.status || event.status === 'Skipped') return target;
  const failed = execution.status === 'Failed';
  return withEvent(
    target,
    index,
    {
      ...event,
      status: failed ? 'Failed' : 'Succeeded',
      startTime: event.startTime ?? execution.startTime,
      endTime: execution.endTime ?? now,
      ...(failed ? { diagnostics: { errorCode: 'ScriptFailed', scriptName: execution.hookFunction, message: hookFailureMessage(execution), logTail: '' } } : {}),
    },
    now,
  );
}

/**
 * Moves one event of the target to InProgress (keeping its first start) or to an end, records it and tells the
 * event sink; the same target when the event is already there.
 */
export async function markEvent(
  deps: StepDependencies,
  target: DeploymentTarget,
  name: LifecycleEventName,
  status: 'InProgress' | 'Succeeded',
): Promise<DeploymentTarget> {
  const index = target.lifecycleEvents.findIndex((e) => e.lifecycleEventName === name);
  const event = target.lifecycleEvents[index];
  // Only forward: an event never goes back to InProgress once it ended.
  if (index < 0 || event.status === status || (status === 'InProgress' && event.status !== 'Pending')) return target;
  const now = deps.clock().toISOString();
  const updated = withEvent(
    target,
    index,
    { ...event, status, startTime: event.startTime ?? now, ...(status === 'InProgress' ? {} : { endTime: now }) },
    now,
  );
  await deps.store.updateTargets([updated]);
  await deps.events.publish({ kind: 'target', deploymentId: target.deploymentId, target: updated });
  return updated;
}

/**
 * Records the shift just made to step `index` of the schedule, with the one now coming, and tells the event sink.
 * `weightsAt` says what a percent on the target means for this platform (versions, task sets).
 */
export async function recordShift(
  deps: StepDependencies,
  deployment: TrafficDeployment,
  index: number,
  weightsAt: (percent: number) => Record<string, number>,
): Promise<TrafficDeployment> {
  const shift: TrafficShift = { time: deps.clock().toISOString(), weights: weightsAt(deployment.schedule[index].weight) };
  const shifted = { ...deployment, shiftsDone: index + 1, trafficShifts: [...deployment.trafficShifts, shift] };
  const changes = {
    shiftsDone: shifted.shiftsDone,
    trafficShifts: shifted.trafficShifts,
    nextShift: upcomingShift(shifted, weightsAt),
    currentWait: undefined,
    // An ECS deployment's looks at its replacement's health start over for the next shift.
    polls: undefined,
  };
  const updated = trafficDeployment(await deps.store.updateDeployment(deployment.deploymentId, changes, ['InProgress']));
  await deps.events.publish({ kind: 'traffic', deploymentId: deployment.deploymentId, shift });
  return updated;
}

/**
 * Before any traffic changes, and as a wait begins: a recorded stop ends the deployment (DeploymentStoppedError),
 * and so does an alarm of its group in ALARM (AlarmActiveError).
 */
export async function refuseIfStoppedOrAlarmed(deps: StepDependencies, deployment: TrafficDeployment): Promise<void> {
  if (deployment.stopRequested) throw new DeploymentStoppedError(stoppedMessage(deployment));
  await checkAlarms(deps, deployment, await loadGroup(deps.store, deployment));
}

export function hookFailureMessage(execution: HookExecution): string {
  return (
    execution.message ??
    `The ${execution.lifecycleEventName} hook function ${execution.hookFunction} reported Failed (execution ${execution.lifecycleEventHookExecutionId})`
  );
}
