// Lambda entry for the start-ecs-deployment step (ECS deployments: check the service, find the original task set and
// start). Dependencies are built once per cold start.
import { startEcsDeployment } from '../steps/ecs/start-ecs-deployment';
import { createAwsRuntime } from '../aws/aws-dependencies';
import { lambdaStep } from '../aws/lambda-step';

const { deps } = createAwsRuntime();

export const handler = lambdaStep(startEcsDeployment, deps);
