// One step of the traffic schedule: check the alarms, set the alias to the step's weight, record the shift and say
// what comes next. The alias is set absolutely, so a retried step changes nothing the first attempt did not.
import { aliasWeights, nextLambdaCursor } from '../../core/lambda-traffic';
import { nextShiftIndex, type TrafficCursor } from '../../core/traffic-course';
import type { DeploymentTarget, LambdaDeployment } from '../../core/types';
import type { StepDependencies } from '../../ports';
import { lambdaDeployment, loadLambdaDeployment } from '../deployment-context';
import { parseStepInput } from '../step-inputs';
import { aliasesOf, loadTrafficTarget, markEvent, recordShift, refuseIfStoppedOrAlarmed } from '../traffic/traffic-context';
import { advanceInput } from '../traffic/traffic-step-inputs';

export async function shiftAlias(deps: StepDependencies, raw: unknown): Promise<TrafficCursor> {
  const input = parseStepInput(advanceInput, raw, 'shift-alias');
  const { store } = deps;
  const deployment = await loadLambdaDeployment(store, input.deploymentId);
  const target = await loadTrafficTarget(deps, deployment);
  // A retry whose first attempt made this shift (or every shift) goes on from there: the next shift waits its turn.
  if (input.shiftsDone !== deployment.shiftsDone || deployment.shiftsDone >= deployment.schedule.length) {
    return nextLambdaCursor(deployment, await finishAllowTraffic(deps, deployment, target), deps.clock());
  }
  await refuseIfStoppedOrAlarmed(deps, deployment);

  // Marked before the alias moves, so nothing after the shift's record can fail and have a retry shift again.
  const started = await markEvent(deps, target, 'AllowTraffic', 'InProgress');
  const index = nextShiftIndex(deployment);
  const { weight } = deployment.schedule[index];
  const { functionName, alias, currentVersion, targetVersion } = deployment.appSpec;
  await aliasesOf(deps).shift(functionName, alias, currentVersion, targetVersion, weight);

  const updated = lambdaDeployment(await recordShift(deps, deployment, index, (percent) => aliasWeights(deployment.appSpec, percent)));
  return nextLambdaCursor(updated, await finishAllowTraffic(deps, updated, started), deps.clock());
}

/** AllowTraffic runs from the first shift to the last (it was marked InProgress before the first). */
function finishAllowTraffic(deps: StepDependencies, deployment: LambdaDeployment, target: DeploymentTarget): Promise<DeploymentTarget> {
  return deployment.shiftsDone >= deployment.schedule.length ? markEvent(deps, target, 'AllowTraffic', 'Succeeded') : Promise.resolve(target);
}
