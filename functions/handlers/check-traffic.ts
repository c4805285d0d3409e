// Lambda entry for the check-traffic step: after a Wait state, looks again at a BlockTraffic or AllowTraffic change
// and tells the execution whether to wait more, go on with the batch, or fail the hosts the change never finished.
import { checkTraffic } from '../steps/check-traffic';
import { createAwsRuntime } from '../aws/aws-dependencies';
import { lambdaStep } from '../aws/lambda-step';

const { deps } = createAwsRuntime();

export const handler = lambdaStep(checkTraffic, deps);
