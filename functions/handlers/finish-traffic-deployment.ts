// Lambda entry for the finish step of the Lambda traffic-shift and ECS blue/green flows: one function serves both
// machines (FinishLambdaDeployment, FinishEcsDeployment). It closes the deployment, giving traffic back to the alias's
// current version or the original task set if need be. Dependencies are built once per cold start.
import { finishTrafficDeployment } from '../steps/traffic/finish-traffic-deployment';
import { createAwsRuntime } from '../aws/aws-dependencies';
import { lambdaStep } from '../aws/lambda-step';

const { deps } = createAwsRuntime();

export const handler = lambdaStep(finishTrafficDeployment, deps);
