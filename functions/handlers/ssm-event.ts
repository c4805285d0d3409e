// Lambda entry for SSM Run Command status events (EventBridge rule on the default bus): each finished invocation of
// a Cutover command becomes a HostReport for the host-report step. Other commands' events are ignored.
import { hostReport } from '../steps/host-report';
import { createAwsRuntime } from '../aws/aws-dependencies';

const { deps, commandReports, logger } = createAwsRuntime();

export const handler = async (event: unknown): Promise<unknown> => {
  const report = await commandReports.toHostReport(event);
  if (report === undefined) {
    logger.debug('ignored SSM status event', { event });
    return undefined;
  }
  return hostReport(deps, report);
};
