// Lambda entry for the run-lifecycle-event step, invoked with .waitForTaskToken: the last host report resumes the
// execution. Dependencies are built once per cold start.
import { runLifecycleEvent } from '../steps/run-lifecycle-event';
import { createAwsRuntime } from '../aws/aws-dependencies';
import { lambdaStep } from '../aws/lambda-step';

const { deps } = createAwsRuntime();

export const handler = lambdaStep(runLifecycleEvent, deps);
