// A step as a Lambda handler: the step's own errors pass through by name for the ASL's Retry and Catch, and AWS
// throttling or server faults become TransientAwsError, which the ASL retries.
import type { StepDependencies } from '../ports';
import { withStepErrors } from './retryable-errors';

export function lambdaStep<T>(step: (deps: StepDependencies, input: unknown) => Promise<T>, deps: StepDependencies): (event: unknown) => Promise<T> {
  return (event) => withStepErrors(() => step(deps, event));
}
