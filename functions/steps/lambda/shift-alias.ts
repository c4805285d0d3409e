// One step of the traffic schedule: check the alarms, set the alias to the step's weight, record the shift and say
// what comes next. The alias is set absolutely, so a retried step changes nothing the first attempt did not.
import { DeploymentStoppedError } from '../../core/errors';
import { aliasWeights, nextLambdaCursor } from '../../core/lambda-traffic';
import { nextShiftIndex, type TrafficCursor } from '../../core/traffic-course';
import type { StepDependencies } from '../../ports';
import { checkAlarms } from '../alarm-check';
import { lambdaDeployment, loadGroup, loadLambdaDeployment } from '../deployment-context';
import { parseStepInput } from '../step-inputs';
import { aliasesOf, loadTrafficTarget, markEvent, recordShift } from '../traffic/traffic-context';
import { advanceInput } from '../traffic/traffic-step-inputs';
import { stoppedMessage } from '../traffic/traffic-wait-control';

export async function shiftAlias(deps: StepDependencies, raw: unknown): Promise<TrafficCursor> {
  const input = parseStepInput(advanceInput, raw, 'shift-alias');
  const { store } = deps;
  const deployment = await loadLambdaDeployment(store, input.deploymentId);
  const target = await loadTrafficTarget(deps, deployment);
  if (deployment.shiftsDone >= deployment.schedule.length) return nextLambdaCursor(deployment, target, deps.clock());
  if (deployment.stopRequested) throw new DeploymentStoppedError(stoppedMessage(deployment.deploymentId));
  await checkAlarms(deps, await loadGroup(store, deployment));

  const index = nextShiftIndex(deployment);
  const { weight } = deployment.schedule[index];
  const { functionName, alias, currentVersion, targetVersion } = deployment.appSpec;
  await aliasesOf(deps).shift(functionName, alias, currentVersion, targetVersion, weight);

  const updated = lambdaDeployment(await recordShift(deps, deployment, index, (percent) => aliasWeights(deployment.appSpec, percent)));
  // AllowTraffic runs from the first shift to the last.
  const done = updated.shiftsDone >= updated.schedule.length;
  const progressed = await markEvent(deps, target, 'AllowTraffic', done ? 'Succeeded' : 'InProgress');
  return nextLambdaCursor(updated, progressed, deps.clock());
}
