import { asStepError, isRetryableAwsError } from '../../functions/aws/retryable-errors';
import { lambdaStep } from '../../functions/aws/lambda-step';
import { TransientAwsError, ValidationError } from '../../functions/core/errors';
import type { StepDependencies } from '../../functions/ports';

/** An error as the SDK throws it: its name is the AWS error code, its metadata carries the HTTP status. */
function awsError(name: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode } });
}

describe('isRetryableAwsError', () => {
  it.each([
    ['ThrottlingException', 400, true],
    ['Throttling', 400, true],
    ['RequestLimitExceeded', 503, true],
    ['SlowDown', 503, true],
    ['TooManyRequestsException', 429, true],
    ['LimitExceededException', 400, true],
    ['InternalServerError', 500, true],
    ['InternalFailure', 500, true],
    ['TimeoutError', 400, true],
    ['Unknown', 502, true],
    ['InvalidInstanceId', 400, false],
    ['AccessDeniedException', 400, false],
    ['ValidationException', 400, false],
    ['TargetGroupNotFoundException', 400, false],
  ])('%s (HTTP %p) → %p', (name, status, retryable) => {
    expect(isRetryableAwsError(awsError(name, status))).toBe(retryable);
  });

  it('is false for what is not an Error', () => {
    expect(isRetryableAwsError('ThrottlingException')).toBe(false);
    expect(isRetryableAwsError(undefined)).toBe(false);
  });
});

describe('asStepError', () => {
  it('renames a retryable failure to the name the ASL retries, keeping its code, message and cause', () => {
    const cause = awsError('ThrottlingException');

    const renamed = asStepError(cause);

    expect(renamed).toBeInstanceOf(TransientAwsError);
    expect(renamed).toMatchObject({ name: 'TransientAwsError', message: 'ThrottlingException: ThrottlingException happened', cause });
  });

  it('passes every other error through unchanged', () => {
    const invalid = new ValidationError([{ field: 'deploymentId', message: 'must look like d-XXXXXXXXX' }]);
    const denied = awsError('AccessDeniedException');

    expect(asStepError(invalid)).toBe(invalid);
    expect(asStepError(denied)).toBe(denied);
  });
});

describe('lambdaStep', () => {
  const deps = {} as StepDependencies;

  it('returns what the step returns', async () => {
    const handler = lambdaStep(async (_deps, input) => ({ echoed: input }), deps);

    await expect(handler({ deploymentId: 'd-ABCDEFGH1' })).resolves.toEqual({ echoed: { deploymentId: 'd-ABCDEFGH1' } });
  });

  it('throws AWS throttling as TransientAwsError and the step\'s own errors by their names', async () => {
    const throttled = lambdaStep(async () => {
      throw awsError('RequestLimitExceeded', 503);
    }, deps);
    const refused = lambdaStep(async () => {
      throw new ValidationError([{ field: 'batchNumber', message: 'must be at least 1' }]);
    }, deps);

    await expect(throttled({})).rejects.toMatchObject({ name: 'TransientAwsError' });
    await expect(refused({})).rejects.toMatchObject({ name: 'ValidationError' });
  });
});
