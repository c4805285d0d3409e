// Lambda entry for the run-lifecycle-event step, invoked with .waitForTaskToken: the last host report resumes the
// execution. Dependencies are built once per cold start.
import { runLifecycleEvent } from '../steps/run-lifecycle-event';
import { createAwsRuntime } from '../aws/aws-dependencies';

const { deps } = createAwsRuntime();

export const handler = async (event: unknown): Promise<unknown> => runLifecycleEvent(deps, event);
