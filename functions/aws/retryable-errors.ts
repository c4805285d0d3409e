// AWS errors worth another attempt later. The SDK has already retried them (aws-client-config.ts) by the time a
// step sees them, so the step fails; renamed TransientAwsError, the state machine's Retry takes it from there with
// its own, longer backoff, where anything else goes straight to Catch and ends the deployment.
import { TransientAwsError } from '../core/errors';

/** The SDK's own throttling codes (smithy's service-error-classification), for every service we call. */
const THROTTLING_ERROR_NAMES: ReadonlySet<string> = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);

const TRANSIENT_ERROR_NAMES: ReadonlySet<string> = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
]);

const SERVER_FAULT_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);

export function isRetryableAwsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (THROTTLING_ERROR_NAMES.has(error.name) || TRANSIENT_ERROR_NAMES.has(error.name)) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status !== undefined && SERVER_FAULT_STATUSES.has(status);
}

/** The error a step throws to the state machine: retryable AWS failures under the name the ASL retries. */
export function asStepError(error: unknown): unknown {
  if (!isRetryableAwsError(error)) return error;
  const { name, message } = error as Error;
  return new TransientAwsError(`${name}: ${message}`, { cause: error });
}

/** Runs one adapter call (or step), rethrowing its failure as asStepError does. */
export async function withStepErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asStepError(error);
  }
}
