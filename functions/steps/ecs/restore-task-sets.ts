// An ECS deployment that did not succeed gives production (and test) traffic back to the original task set and
// removes the replacement: always when traffic was split or had not reached the replacement, and after a full shift
// when the rollback policy asks. Without one, a full shift is completed instead (the replacement primary, the
// original removed): either way the service is left with one task set, which the next deployment starts from.
import type { EcsDeployment, ErrorInformation, TaskSetRef } from '../../core/types';
import type { StepDependencies } from '../../ports';
import { ecsOf } from '../traffic/traffic-context';
import { isTransient, rollsBack, type TrafficRestore } from '../traffic/traffic-rollback';
import { taskSetWeights } from '../../core/ecs-traffic';

export async function restoreTaskSets(
  deps: StepDependencies,
  deployment: EcsDeployment,
  errorInformation: ErrorInformation,
  now: string,
): Promise<TrafficRestore | undefined> {
  const { originalTaskSet: original, replacementTaskSet: replacement } = deployment;
  if (!original || !replacement) return undefined;
  const last = deployment.trafficShifts[deployment.trafficShifts.length - 1];
  const onReplacement = last?.weights[replacement.id] ?? 0;
  const rollBack = onReplacement < 100 || rollsBack(deployment, errorInformation);
  try {
    await (rollBack ? putBack(deps, deployment, original, replacement) : keepReplacement(deps, deployment, original, replacement));
  } catch (error) {
    // Throttling is retried by the state machine, which runs the finish step again: traffic is given back then.
    if (isTransient(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    const what = rollBack ? `Traffic could not be given back to task set ${original.id}` : `Task set ${original.id} could not be removed`;
    return { trafficShifts: deployment.trafficShifts, rollbackInfo: { rollbackMessage: `${what}: ${reason}` } };
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

/** The cut-over completed: the replacement primary, the original gone. */
async function keepReplacement(deps: StepDependencies, deployment: EcsDeployment, original: TaskSetRef, replacement: TaskSetRef): Promise<void> {
  const ecs = ecsOf(deps);
  const { clusterName, serviceName } = deployment.service;
  if (!deployment.replacementPrimary) await ecs.makePrimary(clusterName, serviceName, replacement.arn);
  await ecs.deleteTaskSet(clusterName, serviceName, original.arn);
}

/** Every listener on the original's target group, the original primary again, the replacement gone. */
async function putBack(deps: StepDependencies, deployment: EcsDeployment, original: TaskSetRef, replacement: TaskSetRef): Promise<void> {
  const ecs = ecsOf(deps);
  const { prodTrafficRoute, testTrafficRoute } = deployment.targetGroupPair;
  for (const listenerArn of [...prodTrafficRoute.listenerArns, ...(testTrafficRoute?.listenerArns ?? [])]) {
    await ecs.routeTraffic(listenerArn, [{ targetGroupArn: original.targetGroupArn, percent: 100 }]);
  }
  const { clusterName, serviceName } = deployment.service;
  if (deployment.replacementPrimary) await ecs.makePrimary(clusterName, serviceName, original.arn);
  await ecs.deleteTaskSet(clusterName, serviceName, replacement.arn);
}
