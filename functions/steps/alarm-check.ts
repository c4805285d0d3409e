// The alarm check made before every traffic change (CodeDeploy polls a group's alarms the same way). Alarm state
// change events end a waiting deployment at once; this check catches a change whose event was lost or came early.
import { AlarmActiveError, CutoverError, TransientAwsError } from '../core/errors';
import type { DeploymentGroup } from '../core/types';
import type { StepDependencies } from '../ports';

/** Throws AlarmActiveError when an alarm of the group is in ALARM, or its alarms cannot be read and that matters. */
export async function checkAlarms(deps: StepDependencies, group: DeploymentGroup): Promise<void> {
  const config = group.alarmConfiguration;
  if (!config?.enabled || config.alarms.length === 0) return;
  if (!deps.alarms) {
    throw new CutoverError(`Deployment group ${group.deploymentGroupName} watches alarms, but this installation has no alarm adapter`);
  }
  const names = config.alarms.map((alarm) => alarm.name);
  let states;
  try {
    states = await deps.alarms.states(names);
  } catch (error) {
    // Throttling is retried by the state machine; anything else is a failure to poll, which the group decides on.
    if (error instanceof TransientAwsError) throw error;
    if (config.ignorePollAlarmFailure === true) return;
    const reason = error instanceof Error ? error.message : String(error);
    throw new AlarmActiveError(
      `The alarms of deployment group ${group.deploymentGroupName} could not be read (${reason}); the deployment stops, as ignorePollAlarmFailure is off`,
    );
  }
  const firing = names.filter((name) => states[name] === 'ALARM');
  if (firing.length > 0) {
    throw new AlarmActiveError(`Alarm ${firing.join(', ')} of deployment group ${group.deploymentGroupName} is in ALARM`);
  }
}

/** Whether the group's deployments stop when this alarm goes to ALARM. */
export function watchesAlarm(group: DeploymentGroup, alarmName: string): boolean {
  const config = group.alarmConfiguration;
  return config?.enabled === true && config.alarms.some((alarm) => alarm.name === alarmName);
}
