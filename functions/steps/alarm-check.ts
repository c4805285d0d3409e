// The alarm poll (CodeDeploy polls a deployment's alarms the same way): before any deployment starts, between the
// batches of a Server deployment and while a batch waits on its load balancers, and before every traffic change of a
// Lambda or ECS deployment. Alarm state change events stop a deployment at once (alarm-state-changed.ts); this check
// catches an alarm that was already firing, or whose event was lost.
import { AlarmActiveError, CutoverError, TransientAwsError } from '../core/errors';
import type { AlarmConfiguration, DeploymentBase, DeploymentGroup } from '../core/types';
import type { StepDependencies } from '../ports';

type AlarmWatcher = Pick<DeploymentBase, 'deploymentId' | 'creator' | 'overrideAlarmConfiguration'>;

/**
 * The alarms a deployment watches, or undefined when it watches none: its own overrideAlarmConfiguration when it was
 * created with one (CodeDeploy's way to ship a fix while the alarm still fires), else its group's. An automatic
 * rollback watches none: it exists to restore the last good revision while the alarm that stopped the deployment
 * before it most likely still fires, and stopping it there would leave the fleet split between two revisions.
 */
export function watchedAlarms(deployment: AlarmWatcher, group: Pick<DeploymentGroup, 'alarmConfiguration'>): AlarmConfiguration | undefined {
  if (deployment.creator === 'codeDeployRollback') return undefined;
  const config = deployment.overrideAlarmConfiguration ?? group.alarmConfiguration;
  return config?.enabled === true && config.alarms.length > 0 ? config : undefined;
}

/** Whether the deployment stops when this alarm goes to ALARM. */
export function watchesAlarm(deployment: AlarmWatcher, group: Pick<DeploymentGroup, 'alarmConfiguration'>, alarmName: string): boolean {
  return watchedAlarms(deployment, group)?.alarms.some((alarm) => alarm.name === alarmName) ?? false;
}

/** Who the alarms belong to, for messages: the group, or the deployment's own override. */
export function alarmOwner(deployment: AlarmWatcher, group: Pick<DeploymentGroup, 'deploymentGroupName'>): string {
  return deployment.overrideAlarmConfiguration
    ? `the overrideAlarmConfiguration of deployment ${deployment.deploymentId}`
    : `deployment group ${group.deploymentGroupName}`;
}

/** Throws AlarmActiveError when an alarm the deployment watches is in ALARM, or its alarms cannot be read and that matters. */
export async function checkAlarms(deps: StepDependencies, deployment: AlarmWatcher, group: DeploymentGroup): Promise<void> {
  const config = watchedAlarms(deployment, group);
  if (!config) return;
  const owner = alarmOwner(deployment, group);
  if (!deps.alarms) {
    throw new CutoverError(`The alarms of ${owner} are watched, but this installation has no alarm adapter`);
  }
  const names = config.alarms.map((alarm) => alarm.name);
  let states;
  try {
    states = await deps.alarms.states(names);
  } catch (error) {
    // The group said to carry on when its alarms cannot be read: throttling is one way they cannot, so retrying until
    // the retries run out would fail the deployment the setting means to keep going.
    if (config.ignorePollAlarmFailure === true) return;
    // Otherwise throttling is retried by the state machine; anything else is a failure to poll, which stops it.
    if (error instanceof TransientAwsError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new AlarmActiveError(`The alarms of ${owner} could not be read (${reason}); the deployment stops, as ignorePollAlarmFailure is off`);
  }
  const firing = names.filter((name) => states[name] === 'ALARM');
  if (firing.length > 0) {
    throw new AlarmActiveError(`Alarm ${firing.join(', ')} of ${owner} is in ALARM`);
  }
}
