// Lambda entry for the handle-event-timeout step. Dependencies are built once per cold start.
import { handleEventTimeout } from '../steps/handle-event-timeout';
import { createAwsRuntime } from '../aws/aws-dependencies';
import { lambdaStep } from '../aws/lambda-step';

const { deps } = createAwsRuntime();

export const handler = lambdaStep(handleEventTimeout, deps);
