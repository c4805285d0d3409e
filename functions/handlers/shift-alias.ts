// Lambda entry for the shift-alias step (Lambda deployments: check the alarms and move the alias one step).
// Dependencies are built once per cold start.
import { shiftAlias } from '../steps/lambda/shift-alias';
import { createAwsRuntime } from '../aws/aws-dependencies';
import { lambdaStep } from '../aws/lambda-step';

const { deps } = createAwsRuntime();

export const handler = lambdaStep(shiftAlias, deps);
