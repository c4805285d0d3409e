// Lambda entry for the plan-next-batch step. Dependencies are built once per cold start.
import { planNextBatch } from '../steps/plan-next-batch';
import { createAwsRuntime } from '../aws/aws-dependencies';

const { deps } = createAwsRuntime();

export const handler = async (event: unknown): Promise<unknown> => planNextBatch(deps, event);
