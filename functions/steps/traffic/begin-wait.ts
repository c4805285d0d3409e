// Every wait of a Lambda or ECS execution starts here: its token is recorded so a stop, an alarm or a continue can
// end it from outside; what arrived before the token was recorded could not, so it is looked for now.
import type { TrafficDeployment } from '../../core/types';
import type { StepDependencies } from '../../ports';
import { checkAlarms } from '../alarm-check';
import { loadGroup, trafficDeployment } from '../deployment-context';
import { stoppedMessage } from './traffic-wait-control';

/** The deployment with the wait recorded, or undefined when a stop or an alarm already ended the wait. */
export async function beginWait(
  deps: StepDependencies,
  deploymentId: string,
  kind: 'hook' | 'shift',
  taskToken: string,
): Promise<TrafficDeployment | undefined> {
  const deployment = trafficDeployment(await deps.store.updateDeployment(deploymentId, { currentWait: { kind, taskToken } }, ['InProgress']));
  if (deployment.stopRequested) {
    await deps.callbacks.fail(taskToken, 'DeploymentStoppedError', stoppedMessage(deployment.deploymentId));
    return undefined;
  }
  try {
    await checkAlarms(deps, await loadGroup(deps.store, deployment));
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'AlarmActiveError') throw error;
    await deps.callbacks.fail(taskToken, error.name, error.message);
    return undefined;
  }
  return deployment;
}
