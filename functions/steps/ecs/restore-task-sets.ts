// An ECS deployment that did not succeed gives production (and test) traffic back to the original task set and
// removes the replacement: always when traffic was split or had not reached the replacement, and after a full shift
// only when the rollback policy asks (the replacement then stays, serving, with the original kept beside it).
import type { DeploymentStatus, EcsDeployment, ErrorInformation, TaskSetRef } from '../../core/types';
import type { StepDependencies } from '../../ports';
import { ecsOf } from '../traffic/traffic-context';
import { rollsBack, type TrafficRestore } from '../traffic/traffic-rollback';
import { taskSetWeights } from '../../core/ecs-traffic';

export async function restoreTaskSets(
  deps: StepDependencies,
  deployment: EcsDeployment,
  status: DeploymentStatus,
  errorInformation: ErrorInformation,
  now: string,
): Promise<TrafficRestore | undefined> {
  const { originalTaskSet: original, replacementTaskSet: replacement } = deployment;
  if (!original || !replacement) return undefined;
  const last = deployment.trafficShifts[deployment.trafficShifts.length - 1];
  const onReplacement = last?.weights[replacement.id] ?? 0;
  if (onReplacement === 100 && !rollsBack(deployment, status, errorInformation)) return undefined;
  try {
    await putBack(deps, deployment, original, replacement);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      trafficShifts: deployment.trafficShifts,
      rollbackInfo: { rollbackMessage: `Traffic could not be given back to task set ${original.id}: ${reason}` },
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
