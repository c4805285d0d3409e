// Lambda entry for the plan-next-batch step. Dependencies are built once per cold start.
import { planNextBatch } from '../steps/plan-next-batch';
import { createAwsRuntime } from '../aws/aws-dependencies';
import { lambdaStep } from '../aws/lambda-step';

const { deps } = createAwsRuntime();

export const handler = lambdaStep(planNextBatch, deps);
