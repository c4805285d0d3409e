// Lifecycle hook execution items (pk DEP#<id>, sk HOOK#<event>): one per hook event of a deployment. The hook
// function reports its status through the API, possibly twice (a retried call) or racing a timeout, so the status
// is given by one conditional write from Pending: exactly one report wins, and a later one learns what it lost to.
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../core/errors';
import type { HookEventName, HookExecution } from '../ports';
import { conditionally, type StoredItem } from './dynamodb-errors';
import { fromItem, fromUpdatedItem, hookExecutionKey, type ItemKey, type KeyedItem } from './dynamodb-items';
import type { Table } from './dynamodb-table';

const PENDING: HookExecution['status'] = 'Pending';

function hookExecutionItem(execution: HookExecution): KeyedItem {
  return { ...execution, ...hookExecutionKey(execution.deploymentId, execution.lifecycleEventName) };
}

/**
 * A retried step overwrites a Pending execution whole (new token, invoked flag), but never one that has its
 * status: the waiting execution it belonged to has already been resumed.
 */
export async function putHookExecution(table: Table, execution: HookExecution): Promise<boolean> {
  const outcome = await conditionally(
    table.put({
      Item: hookExecutionItem(execution),
      ConditionExpression: 'attribute_not_exists(pk) OR #status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pending': PENDING },
    }),
  );
  return outcome.written;
}

export async function getHookExecution(
  table: Table,
  deploymentId: string,
  lifecycleEventName: HookEventName,
): Promise<HookExecution | undefined> {
  return fromItem<HookExecution>(await table.get(hookExecutionKey(deploymentId, lifecycleEventName)));
}

export async function completeHookExecution(
  table: Table,
  deploymentId: string,
  lifecycleEventName: HookEventName,
  status: 'Succeeded' | 'Failed',
  at: string,
  message?: string,
): Promise<HookExecution> {
  const key = hookExecutionKey(deploymentId, lifecycleEventName);
  const outcome = await conditionally(table.update(completion(key, status, at, message)));
  if (outcome.written) return fromUpdatedItem<HookExecution>(outcome.output.Attributes);
  // The item tells "never started" from "already reported".
  const current = fromItem<HookExecution>(await table.failedItem(key, outcome.current));
  throw notPending(deploymentId, lifecycleEventName, current);
}

/** A missing item has no status, so the condition also refuses to create an execution from a stray report. */
function completion(
  key: ItemKey,
  status: 'Succeeded' | 'Failed',
  at: string,
  message: string | undefined,
): Omit<UpdateCommandInput, 'TableName'> {
  const sets = ['#status = :status', 'endTime = :at'];
  const values: StoredItem = { ':status': status, ':at': at, ':pending': PENDING };
  if (message !== undefined) {
    sets.push('message = :message');
    values[':message'] = message;
  }
  return {
    Key: { ...key },
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: '#status = :pending',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: values,
    ReturnValues: 'ALL_NEW',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/** Why a report was refused: no execution was started for the event, or one report already gave it a status. */
function notPending(deploymentId: string, lifecycleEventName: HookEventName, current: HookExecution | undefined): Error {
  if (current === undefined) return new NotFoundError('Lifecycle hook execution', `${deploymentId}/${lifecycleEventName}`);
  return new ConflictError(
    `Lifecycle hook execution '${current.lifecycleEventHookExecutionId}' of deployment '${deploymentId}' ` +
      `already reported ${current.status}`,
  );
}
