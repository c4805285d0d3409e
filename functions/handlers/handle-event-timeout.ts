// Lambda entry for the handle-event-timeout step. Dependencies are built once per cold start.
import { handleEventTimeout } from '../steps/handle-event-timeout';
import { createAwsRuntime } from '../aws/aws-dependencies';

const { deps } = createAwsRuntime();

export const handler = async (event: unknown): Promise<unknown> => handleEventTimeout(deps, event);
