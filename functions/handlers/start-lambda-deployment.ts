// Lambda entry for the start-lambda-deployment step (Lambda deployments: check the alias and start).
// Dependencies are built once per cold start.
import { startLambdaDeployment } from '../steps/lambda/start-lambda-deployment';
import { createAwsRuntime } from '../aws/aws-dependencies';
import { lambdaStep } from '../aws/lambda-step';

const { deps } = createAwsRuntime();

export const handler = lambdaStep(startLambdaDeployment, deps);
