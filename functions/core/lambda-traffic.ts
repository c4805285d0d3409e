// The course of a Lambda deployment, decided from its record alone: which hook or shift comes next, how long to wait
// for it, and what the alias serves after each step. Steps call these after every change, so a retried or resumed
// execution picks up exactly where the record says it is.
import { LAMBDA_HOOK_EVENTS, type LambdaAppSpec } from './appspec/lambda-appspec';
import { eventDone, finishCursor, hookCursor, initialEvents, shiftCursor, type TrafficCursor } from './traffic-course';
import type { DeploymentTarget, LambdaDeployment, LambdaLifecycleEventName, LifecycleEvent } from './types';

export const LAMBDA_LIFECYCLE_EVENTS: readonly LambdaLifecycleEventName[] = ['BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'];

/** `arn:aws:lambda:us-east-1:123456789012:function:pre-traffic:live` → `pre-traffic`; a plain name stays as it is. */
export function functionNameOf(reference: string): string {
  const marker = ':function:';
  const at = reference.indexOf(marker);
  return (at < 0 ? reference : reference.slice(at + marker.length)).split(':')[0];
}

/** The one target of a Lambda deployment, named as CodeDeploy names it. */
export function lambdaTargetId(appSpec: Pick<LambdaAppSpec, 'functionName' | 'alias'>): string {
  return `${appSpec.functionName}:${appSpec.alias}`;
}

/** Percent per version when `targetPercent` of the traffic is on TargetVersion; a version with nothing is left out. */
export function aliasWeights(appSpec: Pick<LambdaAppSpec, 'currentVersion' | 'targetVersion'>, targetPercent: number): Record<string, number> {
  const weights: Record<string, number> = {};
  if (targetPercent < 100) weights[appSpec.currentVersion] = 100 - targetPercent;
  if (targetPercent > 0) weights[appSpec.targetVersion] = targetPercent;
  return weights;
}

/**
 * The next thing to do: BeforeAllowTraffic's hook, then the shifts (waiting until each is due), then
 * AfterAllowTraffic's hook, then finish. A hook event the appspec gives no function starts Skipped, so it is done.
 */
export function nextLambdaCursor(deployment: LambdaDeployment, target: DeploymentTarget, now: Date): TrafficCursor {
  if (!eventDone(target, 'BeforeAllowTraffic')) return hookCursor('BeforeAllowTraffic', deployment);
  if (deployment.shiftsDone < deployment.schedule.length) return shiftCursor(deployment, now);
  if (!eventDone(target, 'AfterAllowTraffic')) return hookCursor('AfterAllowTraffic', deployment);
  return finishCursor(deployment);
}

/** The target's events when the deployment starts: hook events the appspec names no function for are Skipped. */
export function initialLambdaEvents(appSpec: LambdaAppSpec): LifecycleEvent[] {
  return initialEvents(LAMBDA_LIFECYCLE_EVENTS, appSpec.hooks, LAMBDA_HOOK_EVENTS);
}
