// First step of an ECS deployment: find the task set now serving production, check that the service is one Cutover
// can deploy (EXTERNAL controller, one primary task set behind one of the group's two target groups, nothing left
// over from an earlier deployment), write the one target (the service), and move the deployment to InProgress.
import { deploymentOverview } from '../../core/deployment-overview';
import { EcsServiceError } from '../../core/errors';
import { ecsTargetId, initialEcsEvents } from '../../core/ecs-traffic';
import { finishCursor, type TrafficCursor } from '../../core/traffic-course';
import type { DeploymentTarget, EcsDeployment, TaskSetRef } from '../../core/types';
import type { StepDependencies } from '../../ports';
import { ecsDeployment, loadEcsDeployment, loadGroup } from '../deployment-context';
import { parseStepInput, startDeploymentInput } from '../step-inputs';
import { ecsOf, loadTrafficTarget, nextTrafficCursor } from '../traffic/traffic-context';

export async function startEcsDeployment(deps: StepDependencies, raw: unknown): Promise<TrafficCursor> {
  const input = parseStepInput(startDeploymentInput, raw, 'start-ecs-deployment');
  const { store } = deps;
  const deployment = await loadEcsDeployment(store, input.deploymentId);
  if (deployment.status === 'InProgress') {
    await store.setGroupLockExecution(deployment.deploymentGroupId, deployment.deploymentId, input.executionArn);
    return nextTrafficCursor(deployment, await loadTrafficTarget(deps, deployment), deps.clock());
  }
  if (deployment.status !== 'Created') return finishCursor(deployment);

  const group = await loadGroup(store, deployment);
  const now = deps.clock().toISOString();
  const target: DeploymentTarget = {
    deploymentId: deployment.deploymentId,
    targetId: ecsTargetId(deployment.service),
    status: 'Pending',
    lastUpdatedAt: now,
    initiallyHealthy: true,
    lifecycleEvents: initialEcsEvents(deployment.appSpec, deployment.targetGroupPair),
  };
  await store.putTargets([target]);
  await store.updateDeployment(deployment.deploymentId, { executionArn: input.executionArn, deploymentOverview: deploymentOverview([target]) });
  const originalTaskSet = await findOriginal(deps, deployment);

  const running: DeploymentTarget = { ...target, status: 'InProgress' };
  await store.updateTargets([running]);
  const started = ecsDeployment(
    await store.updateDeployment(
      deployment.deploymentId,
      { status: 'InProgress', startTime: now, originalTaskSet, deploymentOverview: deploymentOverview([running]) },
      ['Created'],
    ),
  );
  await store.setGroupLockExecution(group.deploymentGroupId, deployment.deploymentId, input.executionArn);
  await deps.events.publish({ kind: 'deployment', deployment: started });
  await deps.events.publish({ kind: 'target', deploymentId: deployment.deploymentId, target: running });
  return nextTrafficCursor(started, running, deps.clock());
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
