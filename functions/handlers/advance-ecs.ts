// Lambda entry for the advance-ecs step (ECS deployments: the next change to the service, its task sets or its
// listeners). Dependencies are built once per cold start.
import { advanceEcs } from '../steps/ecs/advance-ecs';
import { createAwsRuntime } from '../aws/aws-dependencies';
import { lambdaStep } from '../aws/lambda-step';

const { deps } = createAwsRuntime();

export const handler = lambdaStep(advanceEcs, deps);
