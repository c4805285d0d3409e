// Lambda entry for the start-deployment step. Dependencies are built once per cold start.
import { startDeployment } from '../steps/start-deployment';
import { createAwsRuntime } from '../aws/aws-dependencies';

const { deps } = createAwsRuntime();

export const handler = async (event: unknown): Promise<unknown> => startDeployment(deps, event);
