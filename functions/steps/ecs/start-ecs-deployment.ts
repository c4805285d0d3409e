// First step of an ECS deployment: the shared start, finding the task set now serving production and checking that
// the service is one Cutover can deploy (EXTERNAL controller, one primary task set behind one of the group's two
// target groups, nothing left over from an earlier deployment).
import { EcsServiceError } from '../../core/errors';
import type { TrafficCursor } from '../../core/traffic-course';
import type { EcsDeployment, TaskSetRef } from '../../core/types';
import type { StepDependencies } from '../../ports';
import { ecsDeployment } from '../deployment-context';
import { startTrafficDeployment } from '../traffic/start-traffic-deployment';
import { ecsOf } from '../traffic/traffic-context';

export function startEcsDeployment(deps: StepDependencies, raw: unknown): Promise<TrafficCursor> {
  return startTrafficDeployment(deps, raw, 'start-ecs-deployment', ecsDeployment, async (deployment) => ({
    originalTaskSet: await findOriginal(deps, deployment),
  }));
}

/** The primary task set, behind one of the pair's target groups; the replacement goes behind the other. */
async function findOriginal(deps: StepDependencies, deployment: EcsDeployment): Promise<TaskSetRef> {
  const ecs = ecsOf(deps);
  const { clusterName, serviceName } = deployment.service;
  const name = `${clusterName}/${serviceName}`;
  const state = await ecs.describeService(clusterName, serviceName);
  if (state.deploymentController !== 'EXTERNAL') {
    throw new EcsServiceError(`Service ${name} uses the ${state.deploymentController} deployment controller; Cutover deploys services with the EXTERNAL controller`);
  }
  const primary = state.taskSets.filter((taskSet) => taskSet.status === 'PRIMARY');
  if (primary.length !== 1) {
    throw new EcsServiceError(`Service ${name} has ${primary.length} primary task sets; a blue/green deployment starts from exactly one`);
  }
  const leftovers = state.taskSets.filter((taskSet) => taskSet.status !== 'PRIMARY' && taskSet.status !== 'DRAINING');
  if (leftovers.length > 0) {
    throw new EcsServiceError(
      `Service ${name} still has task set ${leftovers.map((t) => t.id).join(', ')} besides its primary one (left by an earlier deployment?); delete it before deploying`,
    );
  }
  const names = deployment.targetGroupPair.targetGroups.map((group) => group.name);
  const arns = await Promise.all(names.map((groupName) => ecs.targetGroupArn(groupName)));
  const index = arns.indexOf(primary[0].targetGroupArn ?? '');
  if (index < 0) {
    throw new EcsServiceError(`The primary task set ${primary[0].id} of ${name} is behind no target group of the pair (${names.join(', ')})`);
  }
  return { id: primary[0].id, arn: primary[0].arn, targetGroupName: names[index], targetGroupArn: arns[index] };
}
