// The course of an ECS blue/green deployment (spec §4.3), decided from its record alone: BeforeInstall, Install
// (the replacement task set, until stable), AfterInstall, AllowTestTraffic (test listeners to the replacement),
// AfterAllowTestTraffic, BeforeAllowTraffic, AllowTraffic (production listeners shifted per the schedule, then the
// replacement made primary), AfterAllowTraffic, then the termination wait and the original task set's removal.
import { ECS_HOOK_EVENTS, type EcsAppSpec } from './appspec/ecs-appspec';
import { advanceCursor, eventDone, finishCursor, hookCursor, initialEvents, shiftCursor, waitOrAdvance, type TrafficCursor } from './traffic-course';
import type { DeploymentTarget, EcsDeployment, EcsLifecycleEventName, EcsServiceRef, LifecycleEvent, TargetGroupPairInfo } from './types';

export const ECS_LIFECYCLE_EVENTS: readonly EcsLifecycleEventName[] = [
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'AllowTestTraffic',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AllowTraffic',
  'AfterAllowTraffic',
];

const HOOK_EVENTS: readonly string[] = ECS_HOOK_EVENTS;

/** The one target of an ECS deployment, named as CodeDeploy names it. */
export function ecsTargetId(service: EcsServiceRef): string {
  return `${service.clusterName}:${service.serviceName}`;
}

/** The events at the start: hooks without a function are Skipped, and the test-traffic pair without a test listener. */
export function initialEcsEvents(appSpec: EcsAppSpec, pair: TargetGroupPairInfo): LifecycleEvent[] {
  const testTraffic = (pair.testTrafficRoute?.listenerArns.length ?? 0) > 0;
  return initialEvents(ECS_LIFECYCLE_EVENTS, appSpec.hooks, HOOK_EVENTS, testTraffic ? [] : ['AllowTestTraffic', 'AfterAllowTestTraffic']);
}

/** Percent per task set when `percent` of production traffic is on the replacement; a task set with none is left out. */
export function taskSetWeights(deployment: Pick<EcsDeployment, 'originalTaskSet' | 'replacementTaskSet'>, percent: number): Record<string, number> {
  const weights: Record<string, number> = {};
  if (percent < 100 && deployment.originalTaskSet) weights[deployment.originalTaskSet.id] = 100 - percent;
  if (percent > 0 && deployment.replacementTaskSet) weights[deployment.replacementTaskSet.id] = percent;
  return weights;
}

/** When the original task set may go: the termination wait after the last shift (at once after a continue). */
export function terminationDueAt(deployment: EcsDeployment): Date | undefined {
  const last = deployment.trafficShifts[deployment.trafficShifts.length - 1];
  if (last === undefined || deployment.terminationContinued || deployment.terminationWaitMinutes === 0) return undefined;
  return new Date(Date.parse(last.time) + deployment.terminationWaitMinutes * 60_000);
}

/**
 * The next thing to do. Install, AllowTestTraffic, each shift and the removal of the original are `advance` (the
 * advance step polls stability and health itself); hooks are `hook`; the waits between shifts and before the
 * original goes are `wait`, which a continue ends.
 */
export function nextEcsCursor(deployment: EcsDeployment, target: DeploymentTarget, now: Date): TrafficCursor {
  for (const name of ECS_LIFECYCLE_EVENTS) {
    if (eventDone(target, name)) continue;
    if (name === 'Install' || name === 'AllowTestTraffic') return advanceCursor(deployment);
    if (name === 'AllowTraffic') return deployment.shiftsDone < deployment.schedule.length ? shiftCursor(deployment, now) : advanceCursor(deployment);
    return hookCursor(name, deployment);
  }
  if (!deployment.terminationWaitDone) return waitOrAdvance(terminationDueAt(deployment), now, deployment);
  return finishCursor(deployment);
}
