// First step of a Lambda deployment: check that the alias serves CurrentVersion alone and that TargetVersion is
// published, write the one target (the alias), move the deployment to InProgress, and say what comes first.
import { deploymentOverview } from '../../core/deployment-overview';
import { LambdaConfigurationError } from '../../core/errors';
import { initialLambdaEvents, lambdaTargetId, nextLambdaCursor } from '../../core/lambda-traffic';
import { finishCursor, type TrafficCursor } from '../../core/traffic-course';
import type { DeploymentTarget, LambdaDeployment } from '../../core/types';
import type { StepDependencies } from '../../ports';
import { lambdaDeployment, loadGroup, loadLambdaDeployment } from '../deployment-context';
import { parseStepInput, startDeploymentInput } from '../step-inputs';
import { aliasesOf, loadTrafficTarget } from '../traffic/traffic-context';

export async function startLambdaDeployment(deps: StepDependencies, raw: unknown): Promise<TrafficCursor> {
  const input = parseStepInput(startDeploymentInput, raw, 'start-lambda-deployment');
  const { store } = deps;
  const deployment = await loadLambdaDeployment(store, input.deploymentId);
  // A retried invocation finds it started: carry on from where the record says it is.
  if (deployment.status === 'InProgress') {
    await store.setGroupLockExecution(deployment.deploymentGroupId, deployment.deploymentId, input.executionArn);
    return nextLambdaCursor(deployment, await loadTrafficTarget(deps, deployment), deps.clock());
  }
  if (deployment.status !== 'Created') return finishCursor(deployment);

  const group = await loadGroup(store, deployment);
  const now = deps.clock().toISOString();
  // The target first, so that a deployment refused below still shows what it was about.
  const target: DeploymentTarget = {
    deploymentId: deployment.deploymentId,
    targetId: lambdaTargetId(deployment.appSpec),
    status: 'Pending',
    lastUpdatedAt: now,
    initiallyHealthy: true,
    lifecycleEvents: initialLambdaEvents(deployment.appSpec),
  };
  await store.putTargets([target]);
  await store.updateDeployment(deployment.deploymentId, { executionArn: input.executionArn, deploymentOverview: deploymentOverview([target]) });
  await checkAlias(deps, deployment);

  const running: DeploymentTarget = { ...target, status: 'InProgress' };
  await store.updateTargets([running]);
  const started = lambdaDeployment(
    await store.updateDeployment(
    deployment.deploymentId,
    { status: 'InProgress', startTime: now, deploymentOverview: deploymentOverview([running]) },
      ['Created'],
    ),
  );
  await store.setGroupLockExecution(group.deploymentGroupId, deployment.deploymentId, input.executionArn);
  await deps.events.publish({ kind: 'deployment', deployment: started });
  await deps.events.publish({ kind: 'target', deploymentId: deployment.deploymentId, target: running });
  return nextLambdaCursor(started, running, deps.clock());
}

/** CodeDeploy's checks before any traffic moves: the alias is wholly on CurrentVersion, TargetVersion exists. */
async function checkAlias(deps: StepDependencies, deployment: LambdaDeployment): Promise<void> {
  const aliases = aliasesOf(deps);
  const { functionName, alias, currentVersion, targetVersion } = deployment.appSpec;
  const routing = await aliases.describe(functionName, alias);
  const weighted = Object.keys(routing.additionalVersionWeights);
  if (routing.functionVersion !== currentVersion || weighted.length > 0) {
    const serves = weighted.length > 0 ? `versions ${[routing.functionVersion, ...weighted].join(' and ')}` : `version ${routing.functionVersion}`;
    throw new LambdaConfigurationError(
      `Alias ${functionName}:${alias} serves ${serves}, not CurrentVersion ${currentVersion} alone; point it at ${currentVersion} (without weights) or correct CurrentVersion in the appspec`,
    );
  }
  if (!(await aliases.versionExists(functionName, targetVersion))) {
    throw new LambdaConfigurationError(`TargetVersion ${targetVersion} is not a published version of ${functionName}; publish it first`);
  }
}
