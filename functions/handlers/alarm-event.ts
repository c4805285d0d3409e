// Lambda entry for CloudWatch Alarm State Change events (EventBridge rule on the default bus): an alarm going to ALARM
// ends the wait of the Lambda deployments whose group watches it. Dependencies are built once per cold start.
import { alarmEventHandler } from '../aws/cloudwatch-alarm-events';
import { createAwsRuntime } from '../aws/aws-dependencies';

const { deps, logger } = createAwsRuntime();
const recordChange = alarmEventHandler(deps);

export const handler = async (event: unknown): Promise<unknown> => {
  const outcome = await recordChange(event);
  if (outcome.stopped.length > 0) logger.info('alarm ended deployment waits', { ...outcome });
  return outcome;
};
