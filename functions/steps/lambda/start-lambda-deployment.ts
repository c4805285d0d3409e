// First step of a Lambda deployment: the shared start, with CodeDeploy's checks that the alias serves CurrentVersion
// alone and that TargetVersion is published.
import { LambdaConfigurationError } from '../../core/errors';
import type { TrafficCursor } from '../../core/traffic-course';
import type { LambdaDeployment } from '../../core/types';
import type { StepDependencies } from '../../ports';
import { lambdaDeployment } from '../deployment-context';
import { startTrafficDeployment } from '../traffic/start-traffic-deployment';
import { aliasesOf } from '../traffic/traffic-context';

export function startLambdaDeployment(deps: StepDependencies, raw: unknown): Promise<TrafficCursor> {
  return startTrafficDeployment(deps, raw, 'start-lambda-deployment', lambdaDeployment, async (deployment) => {
    await checkAlias(deps, deployment);
    return {};
  });
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
