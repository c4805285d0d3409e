// Lambda entry for the scheduled lock sweep (an EventBridge rule, every five minutes): recovers the locks of deployment
// groups whose execution ended without finishing. Dependencies are built once per cold start.
import { createAwsRuntime } from '../aws/aws-dependencies';
import { type LockSweepSummary, sweepLocks } from '../steps/lock-sweep';

const { deps, logger } = createAwsRuntime();

export const handler = async (): Promise<LockSweepSummary> => {
  const summary = await sweepLocks(deps);
  for (const failure of summary.finishFailures) {
    logger.error('lock recovery could not finish an abandoned deployment, so it failed it and freed its group', { ...failure });
  }
  for (const problem of summary.errors) logger.error('lock recovery failed for a deployment group; the next sweep tries again', { ...problem });
  if (summary.requeued.length > 0) logger.warn('queued again deployments whose queue entry was lost when their admission died', { requeued: summary.requeued });
  if (summary.recovered.length > 0) logger.info('recovered abandoned group locks', { recovered: summary.recovered });
  else logger.debug('no abandoned group locks', { groupsChecked: summary.groupsChecked });
  return summary;
};
