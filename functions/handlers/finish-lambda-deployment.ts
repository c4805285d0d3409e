// Lambda entry for the finish step of the Lambda traffic-shift flow (the traffic flows' shared finish: close the
// deployment, restoring the alias if need be). Dependencies are built once per cold start.
import { finishTrafficDeployment } from '../steps/traffic/finish-traffic-deployment';
import { createAwsRuntime } from '../aws/aws-dependencies';
import { lambdaStep } from '../aws/lambda-step';

const { deps } = createAwsRuntime();

export const handler = lambdaStep(finishTrafficDeployment, deps);
