// The one place where DynamoDB exceptions become domain outcomes: throttling and server faults turn into
// TransientStoreError, a failed condition turns into a value the caller maps to its own domain error.
// Everything else is rethrown unchanged, so a bug (a ValidationException, a missing table) stays loud.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { TransientStoreError } from '../core/errors';

/** The SDK has already retried these (with backoff) by the time they reach us; the caller may retry later. */
const TRANSIENT_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
]);

/** A plain item as this adapter reads and writes it (lib-dynamodb marshalling). */
export type StoredItem = Record<string, unknown>;

/** The outcome of a conditional write: either the write happened, or nothing was written. */
export type Conditional<T> =
  | { readonly written: true; readonly output: T }
  /** `current` is the item that failed the condition, when the backend returns it (DynamoDB, DynamoDB Local). */
  | { readonly written: false; readonly current?: StoredItem };

/** Runs one SDK call, mapping throttling and server faults to TransientStoreError. */
export async function callDynamoDb<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof Error && TRANSIENT_ERROR_NAMES.has(err.name)) {
      throw new TransientStoreError(`DynamoDB ${operation} failed: ${err.name}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

/**
 * Awaits a conditional write and reports whether its condition held. Only ConditionalCheckFailedException is
 * caught; its `Item` (ReturnValuesOnConditionCheckFailure ALL_OLD) is unmarshalled here because lib-dynamodb
 * unmarshalls command outputs but not exceptions (aws/aws-sdk-js-v3#5045).
 */
export async function conditionally<T>(write: Promise<T>): Promise<Conditional<T>> {
  try {
    return { written: true, output: await write };
  } catch (err) {
    if (!isConditionalCheckFailed(err)) throw err;
    const current = readFailedItem(err);
    return current === undefined ? { written: false } : { written: false, current };
  }
}

export function isConditionalCheckFailed(err: unknown): err is Error & { Item?: unknown } {
  // Compare names, not classes: a second copy of @aws-sdk/client-dynamodb (or a test mock) has its own class.
  return err instanceof Error && err.name === 'ConditionalCheckFailedException';
}

function readFailedItem(err: { Item?: unknown }): StoredItem | undefined {
  const item = err.Item;
  if (typeof item !== 'object' || item === null || Object.keys(item).length === 0) return undefined;
  const values = Object.values(item);
  return values.every(isAttributeValue) ? unmarshall(item as Record<string, AttributeValue>) : (item as StoredItem);
}

const ATTRIBUTE_VALUE_TAGS: ReadonlySet<string> = new Set(['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL']);

/** True for a raw wire value such as `{ S: 'x' }`; a future SDK that unmarshalls errors itself passes through. */
function isAttributeValue(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const tags = Object.keys(value);
  return tags.length === 1 && ATTRIBUTE_VALUE_TAGS.has(tags[0] ?? '');
}
