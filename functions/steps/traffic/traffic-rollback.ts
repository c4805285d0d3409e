// When a Lambda or ECS deployment that did not succeed gives its traffic back, and what the finish step records of it.
import type { ErrorInformation, RollbackInfo, TrafficDeployment, TrafficShift } from '../../core/types';

/** What putting traffic back changed: the shifts with the restoring one added, and the message for rollbackInfo. */
export interface TrafficRestore {
  readonly trafficShifts: TrafficShift[];
  readonly rollbackInfo: RollbackInfo;
}

/** Whether the deployment's policy (or its stop request) asks to roll back a deployment that ended this way. */
export function rollsBack(deployment: TrafficDeployment, errorInformation: ErrorInformation): boolean {
  if (errorInformation.code === 'MANUAL_STOP') return deployment.stopRequested?.autoRollbackEnabled === true;
  const policy = deployment.autoRollbackConfiguration;
  if (!policy?.enabled) return false;
  const byAlarm = errorInformation.code === 'ALARM_ACTIVE';
  return policy.events.includes(byAlarm ? 'DEPLOYMENT_STOP_ON_ALARM' : 'DEPLOYMENT_FAILURE');
}
