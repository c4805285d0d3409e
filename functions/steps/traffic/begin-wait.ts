// Every wait of a Lambda or ECS execution starts here: its token is recorded so a stop, an alarm or a continue can
// end it from outside; what arrived before the token was recorded could not, so it is looked for now.
import { AlarmActiveError, DeploymentStoppedError } from '../../core/errors';
import type { TrafficDeployment } from '../../core/types';
import { refuseIfStoppedOrAlarmed } from './traffic-context';
import type { StepDependencies } from '../../ports';
import { trafficDeployment } from '../deployment-context';

/** The deployment with the wait recorded, or undefined when a stop or an alarm already ended the wait. */
export async function beginWait(
  deps: StepDependencies,
  deploymentId: string,
  kind: 'hook' | 'shift',
  taskToken: string,
): Promise<TrafficDeployment | undefined> {
  const deployment = trafficDeployment(await deps.store.updateDeployment(deploymentId, { currentWait: { kind, taskToken } }, ['InProgress']));
  try {
    await refuseIfStoppedOrAlarmed(deps, deployment);
  } catch (error) {
    if (!(error instanceof DeploymentStoppedError || error instanceof AlarmActiveError)) throw error;
    await deps.callbacks.fail(taskToken, error.name, error.message);
    return undefined;
  }
  return deployment;
}
