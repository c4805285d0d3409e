// A Lambda deployment that did not succeed puts its alias back on CurrentVersion (see restoreAlias for when).
import { aliasWeights } from '../../core/lambda-traffic';
import type { DeploymentStatus, ErrorInformation, LambdaDeployment } from '../../core/types';
import type { StepDependencies } from '../../ports';
import { aliasesOf } from '../traffic/traffic-context';
import { rollsBack, type TrafficRestore } from '../traffic/traffic-rollback';

/**
 * Puts the alias back on CurrentVersion. Always when it is split between the versions (CodeDeploy leaves a stopped
 * deployment without rollback split, and the next deployment of the alias then fails; Cutover never leaves it so);
 * once wholly on TargetVersion, only when the deployment's rollback policy asks for it.
 */
export async function restoreAlias(
  deps: StepDependencies,
  deployment: LambdaDeployment,
  status: DeploymentStatus,
  errorInformation: ErrorInformation,
  now: string,
): Promise<TrafficRestore | undefined> {
  const last = deployment.trafficShifts[deployment.trafficShifts.length - 1];
  if (last === undefined) return undefined;
  const { functionName, alias, currentVersion, targetVersion } = deployment.appSpec;
  const onTarget = last.weights[targetVersion] ?? 0;
  if (onTarget === 0) return undefined;
  const split = onTarget < 100;
  if (!split && !rollsBack(deployment, status, errorInformation)) return undefined;
  try {
    await aliasesOf(deps).shift(functionName, alias, currentVersion, targetVersion, 0);
  } catch (error) {
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

