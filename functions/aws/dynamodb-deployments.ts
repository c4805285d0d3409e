// Deployment items: create once, move status with single conditional updates (listing: dynamodb-deployment-list.ts).
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../core/errors';
import type { Deployment, DeploymentStatus } from '../core/types';
import { conditionally } from './dynamodb-errors';
import {
  deploymentItem,
  deploymentKey,
  deploymentListSortKey,
  fromItem,
  fromUpdatedItem,
} from './dynamodb-items';
import type { Table } from './dynamodb-table';
import { TABLE_KEYS } from './table-schema';

export async function createDeployment(table: Table, deployment: Deployment): Promise<void> {
  const outcome = await conditionally(
    table.put({ Item: deploymentItem(deployment), ConditionExpression: 'attribute_not_exists(pk)' }),
  );
  if (!outcome.written) throw new ConflictError(`Deployment '${deployment.deploymentId}' already exists`);
}

export async function getDeployment(table: Table, deploymentId: string): Promise<Deployment | undefined> {
  return fromItem<Deployment>(await table.get(deploymentKey(deploymentId)));
}

export async function updateDeployment(
  table: Table,
  deploymentId: string,
  changes: Partial<Deployment>,
  expectedStatus?: readonly DeploymentStatus[],
): Promise<Deployment> {
  if (expectedStatus !== undefined && expectedStatus.length === 0) {
    // `IN ()` is not an expression; no stored status can match an empty list, so nothing is written.
    throw await updateFailure(table, deploymentId, expectedStatus);
  }
  const update = deploymentUpdate(deploymentId, changes, expectedStatus);
  const outcome = await conditionally(table.update({ ...update, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
  if (!outcome.written) throw await updateFailure(table, deploymentId, expectedStatus, outcome.current);
  return fromUpdatedItem<Deployment>(outcome.output.Attributes);
}

/**
 * One UpdateItem: SET each changed top-level attribute whole (nested objects included), REMOVE the ones a change
 * sets to undefined (as an object spread would drop them), guarded by the item's existence and, when given, its
 * current status.
 */
export function deploymentUpdate(
  deploymentId: string,
  changes: Partial<Deployment>,
  expectedStatus?: readonly DeploymentStatus[],
): Omit<UpdateCommandInput, 'TableName'> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  // Deployment's fields are plain identifiers, so each can be its own placeholder (#status, :status).
  for (const [field, value] of Object.entries(changes)) {
    if (field === 'deploymentId') continue; // the identity is the key; it never changes
    names[`#${field}`] = field;
    if (value === undefined) {
      removes.push(`#${field}`);
    } else {
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
  }
  if (changes.createTime !== undefined) {
    // gsi1's sort key derives from createTime; keep the listing order in step.
    names['#gsi1sk'] = TABLE_KEYS.gsi1.sortKey;
    values[':gsi1sk'] = deploymentListSortKey(changes.createTime, deploymentId);
    sets.push('#gsi1sk = :gsi1sk');
  }
  if (sets.length === 0 && removes.length === 0) {
    // Nothing to change: a no-op SET still runs the condition, so the caller learns whether the move was allowed.
    names['#deploymentId'] = 'deploymentId';
    values[':deploymentId'] = deploymentId;
    sets.push('#deploymentId = :deploymentId');
  }
  let condition = 'attribute_exists(pk)';
  if (expectedStatus !== undefined) {
    names['#status'] = 'status';
    const placeholders = expectedStatus.map((status, index) => {
      values[`:expected${index}`] = status;
      return `:expected${index}`;
    });
    condition += ` AND #status IN (${placeholders.join(', ')})`;
  }
  const clauses = [
    sets.length > 0 ? `SET ${sets.join(', ')}` : '',
    removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
  ];
  return {
    Key: { ...deploymentKey(deploymentId) },
    UpdateExpression: clauses.filter((clause) => clause !== '').join(' '),
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
    ReturnValues: 'ALL_NEW',
  };
}

/** Why a guarded update did not happen. dynalite returns no item on a failed condition, so read it back then. */
async function updateFailure(
  table: Table,
  deploymentId: string,
  expectedStatus: readonly DeploymentStatus[] | undefined,
  current?: Record<string, unknown>,
): Promise<Error> {
  const item = await table.failedItem(deploymentKey(deploymentId), current);
  if (item === undefined) return new NotFoundError('Deployment', deploymentId);
  const expected = expectedStatus?.join(' or ') ?? 'any status';
  return new ConflictError(`Deployment '${deploymentId}' is ${String(item.status)}, expected ${expected}`);
}
