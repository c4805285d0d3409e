// Lambda entry for SSM Run Command status events (EventBridge rule on the default bus): each finished invocation of
// a Cutover command becomes a HostReport for the host-report step. Events of commands whose Comment is not Cutover's
// are ignored; an invocation SSM has not settled yet throws, so Lambda's asynchronous retry delivers it again.
import { hostReport } from '../steps/host-report';
import { createAwsRuntime } from '../aws/aws-dependencies';
import { lambdaStep } from '../aws/lambda-step';

const { deps, commandReports, logger } = createAwsRuntime();
const recordReport = lambdaStep(hostReport, deps);

export const handler = async (event: unknown): Promise<unknown> => {
  const report = await commandReports.toHostReport(event);
  if (report === undefined) {
    logger.debug('ignored SSM status event', { event });
    return undefined;
  }
  return recordReport(report);
};
