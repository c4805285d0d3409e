// Lambda entry for the wait-for-shift step (Lambda and ECS deployments: record the wait until the next shift, or
// until the original task set may go). Dependencies are built once per cold start.
import { waitForShift } from '../steps/traffic/wait-for-shift';
import { createAwsRuntime } from '../aws/aws-dependencies';
import { lambdaStep } from '../aws/lambda-step';

const { deps } = createAwsRuntime();

export const handler = lambdaStep(waitForShift, deps);
