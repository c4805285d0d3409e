// When a Lambda or ECS deployment that did not succeed gives its traffic back, and what the finish step records of it.
import { TransientAwsError, TransientStoreError } from '../../core/errors';
import type { DeploymentBase, ErrorInformation, RollbackInfo, TrafficShift } from '../../core/types';

/** What putting traffic back changed: the shifts with the restoring one added, and the message for rollbackInfo. */
export interface TrafficRestore {
  readonly trafficShifts: TrafficShift[];
  readonly rollbackInfo: RollbackInfo;
}

/** Errors the state machine retries: giving traffic back must not settle for a message over one of them. */
export function isTransient(error: unknown): boolean {
  return error instanceof TransientAwsError || error instanceof TransientStoreError;
}

/**
 * Whether the deployment's policy (or its stop request) asks to roll back a deployment that ended this way, on every
 * platform: a stop on request as StopDeployment decided, an alarm per DEPLOYMENT_STOP_ON_ALARM, anything else per
 * DEPLOYMENT_FAILURE.
 */
export function rollsBack(deployment: Pick<DeploymentBase, 'stopRequested' | 'autoRollbackConfiguration'>, errorInformation: ErrorInformation): boolean {
  if (errorInformation.code === 'MANUAL_STOP') return deployment.stopRequested?.autoRollbackEnabled === true;
  const policy = deployment.autoRollbackConfiguration;
  if (!policy?.enabled) return false;
  const byAlarm = errorInformation.code === 'ALARM_ACTIVE';
  return policy.events.includes(byAlarm ? 'DEPLOYMENT_STOP_ON_ALARM' : 'DEPLOYMENT_FAILURE');
}
