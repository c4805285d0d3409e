// Batch items (pk DEP#<id>, sk BATCH#<nnnnnn>): the targets of one batch, the event they are in and a report
// counter. Hosts report concurrently; the counter is an atomic ADD, so exactly one report sees the last count.
import { ConflictError, NotFoundError } from '../core/errors';
import type { Batch } from '../ports';
import { conditionally } from './dynamodb-errors';
import { batchItem, batchKey, fromItem, fromUpdatedItem } from './dynamodb-items';
import type { Table } from './dynamodb-table';

export async function putBatch(table: Table, batch: Batch): Promise<void> {
  await table.put({ Item: batchItem(batch) });
}

export async function getBatch(table: Table, deploymentId: string, batchNumber: number): Promise<Batch | undefined> {
  return fromItem<Batch>(await table.get(batchKey(deploymentId, batchNumber)));
}

/**
 * Counts one report, only while the batch is still at `eventIndex` (a report for an event the batch has left
 * must not count towards the next one). Returns the batch after the increment: the caller whose `reported`
 * equals `expected` is the one that resumes the execution.
 */
export async function countBatchReport(
  table: Table,
  deploymentId: string,
  batchNumber: number,
  eventIndex: number,
): Promise<Batch> {
  const outcome = await conditionally(
    table.update({
      Key: { ...batchKey(deploymentId, batchNumber) },
      UpdateExpression: 'ADD reported :one',
      ConditionExpression: 'eventIndex = :eventIndex',
      ExpressionAttributeValues: { ':one': 1, ':eventIndex': eventIndex },
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  );
  if (outcome.written) return fromUpdatedItem<Batch>(outcome.output.Attributes);
  // dynalite returns no item with the failure: read it back to tell "missing" from "moved on".
  const current = fromItem<Batch>(outcome.current ?? (await table.get(batchKey(deploymentId, batchNumber))));
  if (current === undefined) throw new NotFoundError('Batch', `${deploymentId}/${batchNumber}`);
  throw new ConflictError(
    `Batch ${batchNumber} of deployment '${deploymentId}' is at event ${current.eventIndex}, not ${eventIndex}`,
  );
}
