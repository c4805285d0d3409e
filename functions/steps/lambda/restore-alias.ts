// A Lambda deployment that did not succeed puts its alias back on CurrentVersion (see restoreAlias for when).
import { isTransientError } from '../../core/errors';
import { aliasWeights } from '../../core/lambda-traffic';
import type { ErrorInformation, LambdaDeployment } from '../../core/types';
import type { StepDependencies } from '../../ports';
import { aliasesOf } from '../traffic/traffic-context';
import { rollsBack } from '../deployment-outcome';
import type { TrafficRestore } from '../traffic/traffic-rollback';

/**
 * Puts the alias back on CurrentVersion. Always when it is split between the versions (CodeDeploy leaves a stopped
 * deployment without rollback split, and the next deployment of the alias then fails; Cutover never leaves it so);
 * once wholly on TargetVersion, only when the deployment's rollback policy asks for it.
 */
export async function restoreAlias(
  deps: StepDependencies,
  deployment: LambdaDeployment,
  errorInformation: ErrorInformation,
  now: string,
): Promise<TrafficRestore | undefined> {
  // Before the start's checks passed, the alias was never this deployment's to change.
  if (deployment.startTime === undefined) return undefined;
  const { functionName, alias, currentVersion, targetVersion } = deployment.appSpec;
  const onTarget = await percentOnTarget(deps, deployment);
  if (onTarget === 0) return undefined;
  if (onTarget === 100 && !rollsBack(deployment, errorInformation)) return undefined;
  try {
    await aliasesOf(deps).shift(functionName, alias, currentVersion, targetVersion, 0);
  } catch (error) {
    // Throttling is retried by the state machine, which runs the finish step again: the alias is put back then.
    if (isTransientError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    return {
      trafficShifts: deployment.trafficShifts,
      rollbackInfo: { rollbackMessage: `Traffic could not be restored to version ${currentVersion}: ${reason}` },
    };
  }
  return {
    trafficShifts: [...deployment.trafficShifts, { time: now, weights: aliasWeights(deployment.appSpec, 0) }],
    rollbackInfo: {
      rollbackMessage: `Traffic restored to version ${currentVersion}: alias ${functionName}:${alias} serves it alone again (it had ${onTarget}% on version ${targetVersion})`,
    },
  };
}

/**
 * Where the alias stands, read from Lambda: a step that died between moving the alias and recording it leaves a
 * shift the record does not know of. The record answers when the alias cannot be read, or serves other versions.
 */
async function percentOnTarget(deps: StepDependencies, deployment: LambdaDeployment): Promise<number> {
  const { functionName, alias, currentVersion, targetVersion } = deployment.appSpec;
  const recorded = deployment.trafficShifts[deployment.trafficShifts.length - 1]?.weights[targetVersion] ?? 0;
  try {
    const routing = await aliasesOf(deps).describe(functionName, alias);
    const weights = routing.additionalVersionWeights;
    const versions = [routing.functionVersion, ...Object.keys(weights)];
    if (!versions.every((version) => version === currentVersion || version === targetVersion)) return recorded;
    if (routing.functionVersion === targetVersion) return 100 - (weights[currentVersion] ?? 0);
    return weights[targetVersion] ?? 0;
  } catch {
    return recorded;
  }
}
