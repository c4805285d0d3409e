// Batch items (pk DEP#<id>, sk BATCH#<nnnnnn>): the targets of one batch, the event they are in, the task token
// waiting for it, and the ids of the targets that reported. Hosts report concurrently and a host may report
// twice (a retried callback), so reports are a string set grown by an atomic ADD: a repeat adds nothing, and
// each distinct report sees a distinct count, so exactly one report sees the last one.
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../core/errors';
import type { Batch } from '../ports';
import { conditionally, type StoredItem } from './dynamodb-errors';
import { batchKey, fromItem, fromUpdatedItem, type KeyedItem } from './dynamodb-items';
import type { Table } from './dynamodb-table';

/** The string set (SS) of target ids that reported for the current event; absent while none has. */
const REPORTERS_ATTRIBUTE = 'reportedTargets';
/** The string set (SS) of target ids certainly sent the current event; absent while none was. */
const SENT_ATTRIBUTE = 'sentTargets';

type StoredBatch = Omit<Batch, 'reported' | 'sentTargetIds'>;
type WaitChanges = { readonly taskToken: string; readonly dispatched?: boolean };

/**
 * The whole item, without reporters: putting a batch starts its event afresh. `reported` is derived from the
 * set, never stored, so a stale number can never disagree with it.
 */
function batchItem(batch: Batch): KeyedItem {
  const { reported: _derived, sentTargetIds: _sent, ...stored } = batch;
  return { ...stored, ...batchKey(batch.deploymentId, batch.batchNumber) };
}

/** `reported` is the size of the reporters set; a `reported` number left by older versions is ignored. */
function batchFromItem(item: StoredItem): Batch;
function batchFromItem(item: StoredItem | undefined): Batch | undefined;
function batchFromItem(item: StoredItem | undefined): Batch | undefined {
  if (item === undefined) return undefined;
  const { [REPORTERS_ATTRIBUTE]: reporters, [SENT_ATTRIBUTE]: sent, reported: _legacy, ...rest } = fromItem<StoredItem>(item);
  // lib-dynamodb unmarshalls a string set as Set<string>.
  const reported = reporters instanceof Set ? reporters.size : 0;
  const sentTargetIds = sent instanceof Set ? [...(sent as Set<string>)].sort() : undefined;
  return { ...(rest as StoredBatch), reported, ...(sentTargetIds ? { sentTargetIds } : {}) };
}

export async function putBatch(table: Table, batch: Batch): Promise<void> {
  await table.put({ Item: batchItem(batch) });
}

/**
 * Moves the batch to a new event, only if it is still before it (or has sent nothing yet): of two overlapping
 * attempts of the same step, one moves it and the other learns that it must not send the event again.
 */
export async function beginBatchEvent(table: Table, batch: Batch): Promise<boolean> {
  const outcome = await conditionally(
    table.put({
      Item: batchItem(batch),
      ConditionExpression: 'attribute_not_exists(pk) OR eventIndex < :eventIndex OR expected = :nothingSent',
      ExpressionAttributeValues: { ':eventIndex': batch.eventIndex, ':nothingSent': 0 },
    }),
  );
  return outcome.written;
}

export async function getBatch(table: Table, deploymentId: string, batchNumber: number): Promise<Batch | undefined> {
  return batchFromItem(await table.get(batchKey(deploymentId, batchNumber)));
}

/**
 * Adds one reporter, only while the batch is still at `eventIndex` (a report for an event the batch has left
 * must not count towards the next one). Returns the batch after the write: the caller whose `reported` equals
 * `expected` is the one that resumes the execution.
 */
export function countBatchReport(
  table: Table,
  deploymentId: string,
  batchNumber: number,
  eventIndex: number,
  targetId: string,
): Promise<Batch> {
  return guardedBatchUpdate(table, deploymentId, batchNumber, eventIndex, {
    expression: `ADD ${REPORTERS_ATTRIBUTE} :reporter`,
    values: { ':reporter': new Set([targetId]) },
  });
}

/** Adds hosts to the set of those certainly sent the current event, while the batch is still at it. */
export async function markBatchSent(
  table: Table,
  deploymentId: string,
  batchNumber: number,
  eventIndex: number,
  targetIds: readonly string[],
): Promise<Batch> {
  // DynamoDB refuses an empty set, and adding nobody changes nothing: read instead of writing, same checks.
  if (targetIds.length === 0) {
    const current = await getBatch(table, deploymentId, batchNumber);
    if (current?.eventIndex === eventIndex) return current;
    throw batchNotAt(deploymentId, batchNumber, eventIndex, current);
  }
  return guardedBatchUpdate(table, deploymentId, batchNumber, eventIndex, {
    expression: `ADD ${SENT_ATTRIBUTE} :sent`,
    values: { ':sent': new Set(targetIds) },
  });
}

/**
 * Records who waits for the current event (and, when given, whether its scripts went out) with SET only, so
 * reports counted before the token arrived stay counted.
 */
export function updateBatchWait(
  table: Table,
  deploymentId: string,
  batchNumber: number,
  eventIndex: number,
  changes: WaitChanges,
): Promise<Batch> {
  const sets = ['taskToken = :taskToken'];
  const values: Record<string, unknown> = { ':taskToken': changes.taskToken };
  if (changes.dispatched !== undefined) {
    sets.push('dispatched = :dispatched');
    values[':dispatched'] = changes.dispatched;
  }
  return guardedBatchUpdate(table, deploymentId, batchNumber, eventIndex, {
    expression: `SET ${sets.join(', ')}`,
    values,
  });
}

/** One UpdateItem on the batch that applies only while it is at `eventIndex`; returns the batch after it. */
async function guardedBatchUpdate(
  table: Table,
  deploymentId: string,
  batchNumber: number,
  eventIndex: number,
  update: { readonly expression: string; readonly values: Record<string, unknown> },
): Promise<Batch> {
  const input: Omit<UpdateCommandInput, 'TableName'> = {
    Key: { ...batchKey(deploymentId, batchNumber) },
    UpdateExpression: update.expression,
    // A missing item has no eventIndex, so this also refuses to create a batch from a stray report.
    ConditionExpression: 'eventIndex = :eventIndex',
    ExpressionAttributeValues: { ...update.values, ':eventIndex': eventIndex },
    ReturnValues: 'ALL_NEW',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
  const outcome = await conditionally(table.update(input));
  if (outcome.written) return batchFromItem(fromUpdatedItem<StoredItem>(outcome.output.Attributes));
  // The item tells "missing" from "moved on".
  const current = batchFromItem(await table.failedItem(batchKey(deploymentId, batchNumber), outcome.current));
  throw batchNotAt(deploymentId, batchNumber, eventIndex, current);
}

/** Why a batch is not at `eventIndex`: it does not exist, or it moved on. */
function batchNotAt(deploymentId: string, batchNumber: number, eventIndex: number, current: Batch | undefined): Error {
  if (current === undefined) return new NotFoundError('Batch', `${deploymentId}/${batchNumber}`);
  return new ConflictError(`Batch ${batchNumber} of deployment '${deploymentId}' is at event ${current.eventIndex}, not ${eventIndex}`);
}
