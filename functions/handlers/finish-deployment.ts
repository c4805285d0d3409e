// Lambda entry for the finish-deployment step. Dependencies are built once per cold start.
import { finishDeployment } from '../steps/finish-deployment';
import { createAwsRuntime } from '../aws/aws-dependencies';

const { deps } = createAwsRuntime();

export const handler = async (event: unknown): Promise<unknown> => finishDeployment(deps, event);
