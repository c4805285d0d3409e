// Lambda entry for the finish-deployment step. Dependencies are built once per cold start.
import { finishDeployment } from '../steps/finish-deployment';
import { createAwsRuntime } from '../aws/aws-dependencies';
import { lambdaStep } from '../aws/lambda-step';

const { deps } = createAwsRuntime();

export const handler = lambdaStep(finishDeployment, deps);
