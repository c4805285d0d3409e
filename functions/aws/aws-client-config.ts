// The retry policy every SDK client is built with. Region and credentials are deliberately absent: Lambda's
// environment supplies them, and a value here would override it.
//
// Standard mode, not adaptive. Adaptive's client-side rate limiter waits outside maxAttempts and is shared by every
// operation on the client, so a throttled GetCommandInvocation also slows SendCommand. Against a loopback SSM that
// always throttles, five concurrent calls on one client gave up after 10-23 s in standard mode and 28-54 s in
// adaptive mode, past the 30 s timeout of most handlers: the task then fails as a Lambda timeout instead of with the
// named AWS error. Adaptive sent fewer requests in every fan-out tried, but completed more calls only when 50 went at
// once against a 2 requests/s limit; our fan-outs are sequential SendCommands and five lookups at a time.
//
// Six attempts: five retries on the SDK's full-jitter backoff (1 s base for throttling, doubling) wait at most 31 s
// and about 15 s on average, which absorbs a burst inside one invocation and usually still fails before the timeout.
// Seven or eight attempts average 26-36 s and would often meet the timeout first. Anything longer is the state
// machine's to retry.
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { RetryStrategyV2 } from '@smithy/types';

export const CLIENT_MAX_ATTEMPTS = 6;
export const CLIENT_RETRY_MODE = 'standard';

export interface AwsClientConfigOverrides {
  /**
   * A fixed wait before each retry, in milliseconds, in place of the SDK's backoff, so tests of the retry policy do
   * not sleep for seconds. Production leaves it unset.
   */
  readonly retryDelayMs?: number;
}

export interface AwsClientConfig {
  readonly maxAttempts: number;
  readonly retryMode: typeof CLIENT_RETRY_MODE;
  /** Only with `retryDelayMs`; it replaces the strategy `retryMode` would build. */
  readonly retryStrategy?: RetryStrategyV2;
}

/** Returns a fresh object each call: a retry strategy holds a retry quota, which must not be shared by clients. */
export function awsClientConfig(overrides: AwsClientConfigOverrides = {}): AwsClientConfig {
  const config = { maxAttempts: CLIENT_MAX_ATTEMPTS, retryMode: CLIENT_RETRY_MODE } as const;
  if (overrides.retryDelayMs === undefined) return config;
  // ConfiguredRetryStrategy is the standard strategy with its backoff replaced, so the classification and the
  // attempt count under test are the ones production runs.
  return { ...config, retryStrategy: new ConfiguredRetryStrategy(CLIENT_MAX_ATTEMPTS, overrides.retryDelayMs) };
}
