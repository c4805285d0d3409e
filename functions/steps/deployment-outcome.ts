// What every finish step decides and records the same way, whatever the platform.
import type { Deployment, DeploymentBase, DeploymentGroup, DeploymentStatus, ErrorInformation } from '../core/types';
import type { Store } from '../ports';

/** No error: Succeeded; stopped on request or by an alarm (CodeDeploy's ALARM_ACTIVE ends Stopped): Stopped; else Failed. */
export function statusOf(errorInformation: ErrorInformation | undefined): DeploymentStatus {
  if (!errorInformation) return 'Succeeded';
  return errorInformation.code === 'MANUAL_STOP' || errorInformation.code === 'ALARM_ACTIVE' ? 'Stopped' : 'Failed';
}

/** The group's last attempted (and, on success, last successful) deployment and revision; nothing if it is gone. */
export async function recordOutcome(store: Store, group: DeploymentGroup | undefined, finished: Deployment): Promise<void> {
  if (!group) return;
  const { status } = finished;
  const summary = { deploymentId: finished.deploymentId, status, createTime: finished.createTime, endTime: finished.completeTime };
  await store.recordGroupOutcome(finished.applicationName, finished.deploymentGroupName, {
    lastAttemptedDeployment: summary,
    ...(status === 'Succeeded' ? { lastSuccessfulDeployment: summary, targetRevision: finished.revision } : {}),
  });
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
