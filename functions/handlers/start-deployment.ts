// Lambda entry for the start-deployment step. Dependencies are built once per cold start.
import { startDeployment } from '../steps/start-deployment';
import { createAwsRuntime } from '../aws/aws-dependencies';
import { lambdaStep } from '../aws/lambda-step';

const { deps } = createAwsRuntime();

export const handler = lambdaStep(startDeployment, deps);
