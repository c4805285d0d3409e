// The first step of a Lambda or ECS execution: write the one target (the alias, the service), check the deployment's
// alarms and run the platform's checks before anything moves, and move the deployment to InProgress. A retried or
// resumed call carries on from where the record says the deployment is.
import { deploymentOverview } from '../../core/deployment-overview';
import { finishCursor, type TrafficCursor } from '../../core/traffic-course';
import type { DeploymentTarget, TrafficDeployment } from '../../core/types';
import type { StepDependencies } from '../../ports';
import { checkAlarms } from '../alarm-check';
import { loadGroup, trafficDeployment } from '../deployment-context';
import { parseStepInput, startDeploymentInput } from '../step-inputs';
import { initialTrafficEvents, loadTrafficDeployment, loadTrafficTarget, nextTrafficCursor, trafficTargetId } from './traffic-context';

/**
 * `checks` refuses a deployment that cannot start (its error fails it) and returns what it found for the record
 * (e.g. the ECS task set serving now); `platformOf` refuses a deployment of another platform.
 */
export async function startTrafficDeployment<T extends TrafficDeployment>(
  deps: StepDependencies,
  raw: unknown,
  step: string,
  platformOf: (deployment: TrafficDeployment) => T,
  checks: (deployment: T) => Promise<Partial<T>>,
): Promise<TrafficCursor> {
  const input = parseStepInput(startDeploymentInput, raw, step);
  const { store } = deps;
  const deployment = platformOf(await loadTrafficDeployment(deps, input.deploymentId));
  if (deployment.status === 'InProgress') {
    await store.setGroupLockExecution(deployment.deploymentGroupId, deployment.deploymentId, input.executionArn);
    return nextTrafficCursor(deployment, await loadTrafficTarget(deps, deployment), deps.clock());
  }
  if (deployment.status !== 'Created') return finishCursor(deployment);

  const group = await loadGroup(store, deployment);
  const now = deps.clock().toISOString();
  // The target first, so that a deployment refused below still shows what it was about.
  const target: DeploymentTarget = {
    deploymentId: deployment.deploymentId,
    targetId: trafficTargetId(deployment),
    status: 'Pending',
    lastUpdatedAt: now,
    initiallyHealthy: true,
    lifecycleEvents: initialTrafficEvents(deployment),
  };
  await store.putTargets([target]);
  await store.updateDeployment(deployment.deploymentId, { executionArn: input.executionArn, deploymentOverview: deploymentOverview([target]) });
  // An alarm already firing stops the deployment before anything moves, as CodeDeploy checks alarms before it starts.
  await checkAlarms(deps, deployment, group);
  const found = await checks(deployment);

  const running: DeploymentTarget = { ...target, status: 'InProgress' };
  await store.updateTargets([running]);
  const started = trafficDeployment(
    await store.updateDeployment(
      deployment.deploymentId,
      { ...(found as Partial<TrafficDeployment>), status: 'InProgress', startTime: now, deploymentOverview: deploymentOverview([running]) },
      ['Created'],
    ),
  );
  await store.setGroupLockExecution(group.deploymentGroupId, deployment.deploymentId, input.executionArn);
  await deps.events.publish({ kind: 'deployment', deployment: started });
  await deps.events.publish({ kind: 'target', deploymentId: deployment.deploymentId, target: running });
  return nextTrafficCursor(started, running, deps.clock());
}
