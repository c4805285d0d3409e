// Lambda entry for CloudWatch Alarm State Change events (EventBridge rule on the default bus): an alarm going to ALARM
// stops the deployments that watch it, cancelling the scripts a Server deployment's batch runs
// (steps/alarm-state-changed.ts). Dependencies are built once per cold start.
import { alarmEventHandler } from '../aws/cloudwatch-alarm-events';
import { createAwsRuntime } from '../aws/aws-dependencies';

const { deps, logger } = createAwsRuntime();
const recordChange = alarmEventHandler(deps);

export const handler = async (event: unknown): Promise<unknown> => {
  const outcome = await recordChange(event);
  if (outcome.stopped.length > 0) logger.info('alarm stopped deployments', { ...outcome });
  return outcome;
};
