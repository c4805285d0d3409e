// Every ECS step that changes something, one per call, chosen from the record: create the replacement task set and
// poll until it is stable (Install), send test traffic to it (AllowTestTraffic), make the next shift of production
// traffic and, after the last, make the replacement primary (AllowTraffic), and remove the original task set once
// the termination wait is over. The replacement's targets must all be healthy before any traffic moves to them.
import { EcsUpdateError } from '../../core/errors';
import { ECS_LIFECYCLE_EVENTS, nextEcsCursor, taskSetWeights } from '../../core/ecs-traffic';
import { eventDone, nextShiftIndex, pollCursor, type TrafficCursor } from '../../core/traffic-course';
import type { DeploymentTarget, EcsDeployment, TaskSetRef } from '../../core/types';
import type { StepDependencies, TaskSetTraffic } from '../../ports';
import { ecsDeployment, loadEcsDeployment } from '../deployment-context';
import { parseStepInput } from '../step-inputs';
import { ecsOf, loadTrafficTarget, markEvent, recordShift, refuseIfStoppedOrAlarmed } from '../traffic/traffic-context';
import { advanceInput } from '../traffic/traffic-step-inputs';

/** How often a replacement that is not stable (or not healthy) yet is looked at again. */
export const ECS_POLL_SECONDS = 15;
/** Looks at a replacement task set before giving up on it becoming stable: an hour, as CodeDeploy gives it. */
export const STABILITY_POLLS = 3600 / ECS_POLL_SECONDS;
/** Looks before giving up on its targets' health: they pass their checks within minutes, or something is wrong. */
export const HEALTH_POLLS = 900 / ECS_POLL_SECONDS;

export async function advanceEcs(deps: StepDependencies, raw: unknown): Promise<TrafficCursor> {
  const input = parseStepInput(advanceInput, raw, 'advance-ecs');
  const deployment = await loadEcsDeployment(deps.store, input.deploymentId);
  const target = await loadTrafficTarget(deps, deployment);
  const cursor = nextEcsCursor(deployment, target, deps.clock());
  // A retried call whose first attempt already did the work finds a hook or the end next. A wait that was cut short
  // (its timeout, which the embedded runtime's --time-scale shortens, or a continue) means the step is due now.
  if (cursor.action === 'hook' || cursor.action === 'finish') return cursor;
  await refuseIfStoppedOrAlarmed(deps, deployment);

  const pending = ECS_LIFECYCLE_EVENTS.find((name) => !eventDone(target, name));
  if (pending === 'Install') return install(deps, deployment, target);
  if (pending === 'AllowTestTraffic') return allowTestTraffic(deps, deployment, target);
  if (pending === 'AllowTraffic') return shiftProductionTraffic(deps, deployment, target, input.shiftsDone);
  return removeOriginal(deps, deployment, target);
}

async function install(deps: StepDependencies, deployment: EcsDeployment, target: DeploymentTarget): Promise<TrafficCursor> {
  const ecs = ecsOf(deps);
  const { clusterName, serviceName } = deployment.service;
  if (!deployment.replacementTaskSet) {
    const original = requireOriginal(deployment);
    const other = deployment.targetGroupPair.targetGroups.find((group) => group.name !== original.targetGroupName);
    if (!other) throw new EcsUpdateError(`The target group pair of ${clusterName}/${serviceName} has no second target group for the replacement`);
    const targetGroupArn = await ecs.targetGroupArn(other.name);
    const { appSpec } = deployment;
    const created = await ecs.createTaskSet({
      cluster: clusterName,
      service: serviceName,
      taskDefinition: appSpec.taskDefinition,
      containerName: appSpec.containerName,
      containerPort: appSpec.containerPort,
      targetGroupArn,
      platformVersion: appSpec.platformVersion,
      networkConfiguration: appSpec.networkConfiguration,
      capacityProviderStrategy: appSpec.capacityProviderStrategy,
      externalId: deployment.deploymentId,
    });
    const replacementTaskSet: TaskSetRef = { id: created.taskSetId, arn: created.taskSetArn, targetGroupName: other.name, targetGroupArn };
    await deps.store.updateDeployment(deployment.deploymentId, { replacementTaskSet, polls: 0 }, ['InProgress']);
    await markEvent(deps, target, 'Install', 'InProgress');
    return pollCursor(ECS_POLL_SECONDS, deployment);
  }
  if (!(await ecs.isStable(clusterName, serviceName, deployment.replacementTaskSet.arn))) {
    return pollUntil(deps, deployment, STABILITY_POLLS, `Replacement task set ${deployment.replacementTaskSet.id} did not reach a steady state`);
  }
  return phaseDone(deps, deployment, target, 'Install');
}

async function allowTestTraffic(deps: StepDependencies, deployment: EcsDeployment, target: DeploymentTarget): Promise<TrafficCursor> {
  const replacement = requireReplacement(deployment);
  const unhealthy = await unhealthyTargets(ecsOf(deps), replacement);
  if (unhealthy) return pollUntil(deps, deployment, HEALTH_POLLS, unhealthy);
  for (const listenerArn of deployment.targetGroupPair.testTrafficRoute?.listenerArns ?? []) {
    await ecsOf(deps).routeTraffic(listenerArn, [{ targetGroupArn: replacement.targetGroupArn, percent: 100 }]);
  }
  return phaseDone(deps, deployment, target, 'AllowTestTraffic');
}

async function shiftProductionTraffic(deps: StepDependencies, deployment: EcsDeployment, target: DeploymentTarget, cursorShifts: number): Promise<TrafficCursor> {
  const ecs = ecsOf(deps);
  // A retry whose first attempt made this shift goes on from there: the next shift waits its turn.
  if (cursorShifts !== deployment.shiftsDone) return nextEcsCursor(deployment, target, deps.clock());
  const original = requireOriginal(deployment);
  const replacement = requireReplacement(deployment);
  if (deployment.shiftsDone >= deployment.schedule.length) {
    // Every shift made: the replacement becomes primary, and AllowTraffic is over.
    await ecs.makePrimary(deployment.service.clusterName, deployment.service.serviceName, replacement.arn);
    await deps.store.updateDeployment(deployment.deploymentId, { replacementPrimary: true }, ['InProgress']);
    return phaseDone(deps, deployment, target, 'AllowTraffic');
  }
  const unhealthy = await unhealthyTargets(ecs, replacement);
  if (unhealthy) return pollUntil(deps, deployment, HEALTH_POLLS, unhealthy);

  // Marked before the listeners change, so nothing after the shift's record can fail and have a retry shift again.
  const started = await markEvent(deps, target, 'AllowTraffic', 'InProgress');
  const index = nextShiftIndex(deployment);
  const { weight } = deployment.schedule[index];
  for (const listenerArn of deployment.targetGroupPair.prodTrafficRoute.listenerArns) {
    await ecs.routeTraffic(listenerArn, [
      { targetGroupArn: original.targetGroupArn, percent: 100 - weight },
      { targetGroupArn: replacement.targetGroupArn, percent: weight },
    ]);
  }
  const updated = ecsDeployment(await recordShift(deps, deployment, index, (percent) => taskSetWeights(deployment, percent)));
  return nextEcsCursor(updated, started, deps.clock());
}

async function removeOriginal(deps: StepDependencies, deployment: EcsDeployment, target: DeploymentTarget): Promise<TrafficCursor> {
  const original = requireOriginal(deployment);
  await ecsOf(deps).deleteTaskSet(deployment.service.clusterName, deployment.service.serviceName, original.arn);
  const updated = ecsDeployment(await deps.store.updateDeployment(deployment.deploymentId, { terminationWaitDone: true, currentWait: undefined }, ['InProgress']));
  return nextEcsCursor(updated, target, deps.clock());
}

/** The phase's event Succeeded and its polling over; then whatever comes next. */
async function phaseDone(deps: StepDependencies, deployment: EcsDeployment, target: DeploymentTarget, name: 'Install' | 'AllowTestTraffic' | 'AllowTraffic'): Promise<TrafficCursor> {
  const updated = ecsDeployment(await deps.store.updateDeployment(deployment.deploymentId, { polls: undefined }, ['InProgress']));
  return nextEcsCursor(updated, await markEvent(deps, target, name, 'Succeeded'), deps.clock());
}

/** Looks again after a while, unless it has looked `limit` times already: then the deployment fails. */
async function pollUntil(deps: StepDependencies, deployment: EcsDeployment, limit: number, problem: string): Promise<TrafficCursor> {
  const polls = deployment.polls ?? 0;
  if (polls >= limit) throw new EcsUpdateError(`${problem} within ${(limit * ECS_POLL_SECONDS) / 60} minutes`);
  await deps.store.updateDeployment(deployment.deploymentId, { polls: polls + 1 }, ['InProgress']);
  return pollCursor(ECS_POLL_SECONDS, deployment);
}

/** Why traffic cannot move to the replacement yet, or undefined when every one of its targets is healthy. */
async function unhealthyTargets(ecs: TaskSetTraffic, replacement: TaskSetRef): Promise<string | undefined> {
  const health = await ecs.healthyTargets(replacement.targetGroupArn);
  if (health.total > 0 && health.healthy === health.total) return undefined;
  if (health.total === 0) return `Target group ${replacement.targetGroupName} has no registered targets`;
  const shown = health.unhealthy.slice(0, 5).map((t) => `${t.id} ${t.state}${t.reason ? ` (${t.reason})` : ''}`);
  return `Target group ${replacement.targetGroupName} has ${health.total - health.healthy} of ${health.total} targets not healthy: ${shown.join(', ')}`;
}

function requireOriginal(deployment: EcsDeployment): TaskSetRef {
  if (!deployment.originalTaskSet) throw new EcsUpdateError(`Deployment ${deployment.deploymentId} has no original task set recorded`);
  return deployment.originalTaskSet;
}

function requireReplacement(deployment: EcsDeployment): TaskSetRef {
  if (!deployment.replacementTaskSet) throw new EcsUpdateError(`Deployment ${deployment.deploymentId} has no replacement task set yet`);
  return deployment.replacementTaskSet;
}
