// Lambda entry for the run-hook step (Lambda and ECS deployments: invoke a lifecycle hook function).
// Dependencies are built once per cold start.
import { runHook } from '../steps/traffic/run-hook';
import { createAwsRuntime } from '../aws/aws-dependencies';
import { lambdaStep } from '../aws/lambda-step';

const { deps } = createAwsRuntime();

export const handler = lambdaStep(runHook, deps);
