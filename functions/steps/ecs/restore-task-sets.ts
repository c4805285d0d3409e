// An ECS deployment that did not succeed gives production (and test) traffic back to the original task set and
// removes the replacement: always when traffic was split or had not reached the replacement, and after a full shift
// when the rollback policy asks. Without one, a full shift is completed instead (the replacement primary, the
// original removed): either way the service is left with one task set, which the next deployment starts from.
// What is done goes by the task sets ECS has, not only by the record: a step that died after changing the service
// (the replacement made primary, the original removed) left the record behind.
import { isTransientError } from '../../core/errors';
import type { EcsDeployment, ErrorInformation, TaskSetRef } from '../../core/types';
import type { StepDependencies } from '../../ports';
import { ecsOf } from '../traffic/traffic-context';
import { rollsBack } from '../deployment-outcome';
import type { TrafficRestore } from '../traffic/traffic-rollback';
import { taskSetWeights } from '../../core/ecs-traffic';

/** The task sets the service has and the primary one, as ECS reports them (or as the record says, if ECS cannot). */
interface ServiceNow {
  /** Undefined when ECS could not say: every task set the record names is taken to be there. */
  readonly taskSetIds?: ReadonlySet<string>;
  readonly primaryId?: string;
}

function has(service: ServiceNow, taskSet: TaskSetRef): boolean {
  return service.taskSetIds?.has(taskSet.id) ?? true;
}

export async function restoreTaskSets(
  deps: StepDependencies,
  deployment: EcsDeployment,
  errorInformation: ErrorInformation,
  now: string,
): Promise<TrafficRestore | undefined> {
  const { originalTaskSet: original, replacementTaskSet: replacement } = deployment;
  if (!original) return undefined;
  if (!replacement) return removeUnrecorded(deps, deployment, original);
  const last = deployment.trafficShifts[deployment.trafficShifts.length - 1];
  const onReplacement = last?.weights[replacement.id] ?? 0;
  const rollBack = onReplacement < 100 || rollsBack(deployment, errorInformation);
  let originalGone = false;
  try {
    const service = await serviceNow(deps, deployment);
    // Nothing to give traffic back to: the replacement is all the service has, so it keeps (or takes) all traffic.
    originalGone = !has(service, original) && has(service, replacement);
    if (rollBack && !originalGone) await putBack(deps, deployment, service, original, replacement);
    else await keepReplacement(deps, deployment, service, { original, replacement, routeAll: onReplacement < 100 });
  } catch (error) {
    // Throttling is retried by the state machine, which runs the finish step again: traffic is given back then.
    if (isTransientError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    const what = rollBack && !originalGone ? `Traffic could not be given back to task set ${original.id}` : `Task set ${original.id} could not be removed`;
    return { trafficShifts: deployment.trafficShifts, rollbackInfo: { rollbackMessage: `${what}: ${reason}` } };
  }
  if (originalGone) {
    return {
      trafficShifts: onReplacement === 100 ? deployment.trafficShifts : [...deployment.trafficShifts, { time: now, weights: taskSetWeights(deployment, 100) }],
      rollbackInfo: {
        rollbackMessage: `Traffic could not be given back: the original task set ${original.id} was already removed, so task set ${replacement.id} keeps all traffic`,
      },
    };
  }
  if (!rollBack) {
    return {
      trafficShifts: deployment.trafficShifts,
      rollbackInfo: { rollbackMessage: `No rollback configured: task set ${replacement.id} keeps all traffic, and the original ${original.id} was removed` },
    };
  }
  if (onReplacement === 0) {
    return {
      trafficShifts: deployment.trafficShifts,
      rollbackInfo: { rollbackMessage: `Replacement task set ${replacement.id} removed; production traffic never reached it` },
    };
  }
  return {
    trafficShifts: [...deployment.trafficShifts, { time: now, weights: taskSetWeights(deployment, 0) }],
    rollbackInfo: {
      rollbackMessage: `Traffic restored to task set ${original.id} (it had ${onReplacement}% on ${replacement.id}), and the replacement removed`,
    },
  };
}

/**
 * A replacement the record does not know of: the step that created it died before recording it. The start refused a
 * service with task sets besides its primary one, so any such task set now is this deployment's; none took traffic.
 */
async function removeUnrecorded(deps: StepDependencies, deployment: EcsDeployment, original: TaskSetRef): Promise<TrafficRestore | undefined> {
  const ecs = ecsOf(deps);
  const { clusterName, serviceName } = deployment.service;
  let removed: string[] = [];
  try {
    const state = await ecs.describeService(clusterName, serviceName);
    const strays = state.taskSets.filter((taskSet) => taskSet.id !== original.id && taskSet.status !== 'DRAINING');
    for (const taskSet of strays) await ecs.deleteTaskSet(clusterName, serviceName, taskSet.arn);
    removed = strays.map((taskSet) => taskSet.id);
  } catch (error) {
    if (isTransientError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    return { trafficShifts: deployment.trafficShifts, rollbackInfo: { rollbackMessage: `A replacement task set may be left on ${clusterName}/${serviceName}: ${reason}` } };
  }
  if (removed.length === 0) return undefined;
  return {
    trafficShifts: deployment.trafficShifts,
    rollbackInfo: { rollbackMessage: `Replacement task set ${removed.join(', ')} removed; production traffic never reached it` },
  };
}

/**
 * What ECS reports. A service ECS cannot describe for good is judged by the record (its task sets were checked when
 * the deployment started); the changes that follow then fail with ECS's own reason.
 */
async function serviceNow(deps: StepDependencies, deployment: EcsDeployment): Promise<ServiceNow> {
  const { clusterName, serviceName } = deployment.service;
  try {
    const state = await ecsOf(deps).describeService(clusterName, serviceName);
    return { taskSetIds: new Set(state.taskSets.map((taskSet) => taskSet.id)), primaryId: state.primaryTaskSetId };
  } catch (error) {
    if (isTransientError(error)) throw error;
    return { primaryId: deployment.replacementPrimary ? deployment.replacementTaskSet?.id : deployment.originalTaskSet?.id };
  }
}

/**
 * The cut-over completed: the replacement primary, the original gone. `routeAll` when traffic had not all reached the
 * replacement (its original removed from under it): every listener then moves to it, the only task set left.
 */
async function keepReplacement(
  deps: StepDependencies,
  deployment: EcsDeployment,
  service: ServiceNow,
  { original, replacement, routeAll }: { original: TaskSetRef; replacement: TaskSetRef; routeAll: boolean },
): Promise<void> {
  const ecs = ecsOf(deps);
  const { clusterName, serviceName } = deployment.service;
  const { prodTrafficRoute, testTrafficRoute } = deployment.targetGroupPair;
  const listeners = routeAll ? [...prodTrafficRoute.listenerArns, ...(testTrafficRoute?.listenerArns ?? [])] : [];
  for (const listenerArn of listeners) await ecs.routeTraffic(listenerArn, [{ targetGroupArn: replacement.targetGroupArn, percent: 100 }]);
  if (service.primaryId !== replacement.id) await ecs.makePrimary(clusterName, serviceName, replacement.arn);
  if (has(service, original)) await ecs.deleteTaskSet(clusterName, serviceName, original.arn);
}

/** Every listener on the original's target group, the original primary again, the replacement gone. */
async function putBack(deps: StepDependencies, deployment: EcsDeployment, service: ServiceNow, original: TaskSetRef, replacement: TaskSetRef): Promise<void> {
  const ecs = ecsOf(deps);
  const { prodTrafficRoute, testTrafficRoute } = deployment.targetGroupPair;
  for (const listenerArn of [...prodTrafficRoute.listenerArns, ...(testTrafficRoute?.listenerArns ?? [])]) {
    await ecs.routeTraffic(listenerArn, [{ targetGroupArn: original.targetGroupArn, percent: 100 }]);
  }
  const { clusterName, serviceName } = deployment.service;
  if (service.primaryId !== original.id) await ecs.makePrimary(clusterName, serviceName, original.arn);
  await ecs.deleteTaskSet(clusterName, serviceName, replacement.arn);
}
