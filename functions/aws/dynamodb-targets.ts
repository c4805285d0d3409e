// Deployment targets: one item per target (pk DEP#<id>, sk TGT#<targetId>) holding its lifecycle events. Host
// reports land with one conditional update each, so a duplicate or late report writes nothing.
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../core/errors';
import type { DeploymentTarget } from '../core/types';
import type { Page, PageRequest, TargetEventResult } from '../ports';
import { conditionally } from './dynamodb-errors';
import {
  deploymentPartition,
  fromItem,
  TARGET_PREFIX,
  targetItem,
  targetKey,
  targetsInPutOrder,
} from './dynamodb-items';
import { queryPage } from './dynamodb-paging';
import type { Table } from './dynamodb-table';

/**
 * Writes a deployment's targets, remembering their order in a `position` attribute (the sort key is the target
 * id). Positions count within one call: put a deployment's target list in one call.
 */
export async function putTargets(table: Table, targets: readonly DeploymentTarget[]): Promise<void> {
  await table.batchPut(targets.map((target, position) => targetItem(target, position)));
}

export async function getTargets(table: Table, deploymentId: string): Promise<DeploymentTarget[]> {
  const items = await table.queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': deploymentPartition(deploymentId), ':prefix': TARGET_PREFIX },
    ConsistentRead: true,
  });
  return targetsInPutOrder(items);
}

/** By target id (the sort key), not put order: a page must be a key range so the next one can start after it. */
export async function listTargetsPage(
  table: Table,
  deploymentId: string,
  page?: PageRequest,
): Promise<Page<DeploymentTarget>> {
  const query = {
    list: 'targets',
    range: { partition: deploymentPartition(deploymentId), sort: { beginsWith: TARGET_PREFIX } },
  };
  return queryPage<DeploymentTarget>(table, query, page);
}

export async function getTarget(
  table: Table,
  deploymentId: string,
  targetId: string,
): Promise<DeploymentTarget | undefined> {
  return fromItem<DeploymentTarget>(await table.get(targetKey(deploymentId, targetId)));
}

/**
 * Overwrites whole target items. BatchWrite can only replace items, so the stored positions are read first
 * (positions never change after putTargets, so the read cannot go stale); a target not put before goes last.
 */
export async function updateTargets(table: Table, targets: readonly DeploymentTarget[]): Promise<void> {
  if (targets.length === 0) return;
  const stored = await table.batchGet(
    targets.map((target) => targetKey(target.deploymentId, target.targetId)),
    { expression: '#pk, #sk, #position', names: { '#pk': 'pk', '#sk': 'sk', '#position': 'position' } },
  );
  const positions = new Map(stored.map((item) => [`${String(item.pk)}\u0000${String(item.sk)}`, item.position]));
  await table.batchPut(
    targets.map((target) => {
      const key = targetKey(target.deploymentId, target.targetId);
      const position = positions.get(`${key.pk}\u0000${key.sk}`);
      return targetItem(target, typeof position === 'number' ? position : undefined);
    }),
  );
}

/**
 * Records one event result with a single UpdateItem that only applies while the event is InProgress: of two
 * identical reports, exactly one writes (true), the other finds the event finished (false).
 */
export async function recordTargetEvent(table: Table, result: TargetEventResult): Promise<boolean> {
  let eventCount = result.eventIndex + 1;
  if (result.skipRemaining) {
    // Nested paths must exist to be SET, so marking later events Skipped needs the list's length. It is fixed
    // when the target is put, so this read cannot go stale before the conditional write below.
    const item = await table.get(targetKey(result.deploymentId, result.targetId));
    if (item === undefined) return false;
    eventCount = Array.isArray(item.lifecycleEvents) ? item.lifecycleEvents.length : eventCount;
  }
  const outcome = await conditionally(table.update(targetEventUpdate(result, eventCount)));
  return outcome.written;
}

/** The UpdateItem input for one event result; `eventCount` is the target's number of lifecycle events. */
export function targetEventUpdate(
  result: TargetEventResult,
  eventCount: number,
): Omit<UpdateCommandInput, 'TableName'> {
  const index = result.eventIndex;
  if (!Number.isSafeInteger(index) || index < 0) {
    // The index is written into the expression itself (list indexes cannot be placeholders).
    throw new ValidationError([{ field: 'eventIndex', message: `must be a non-negative integer, got ${index}` }]);
  }
  const sets = [`lifecycleEvents[${index}] = :event`];
  const values: Record<string, unknown> = { ':event': result.event, ':inProgress': 'InProgress', ':at': result.at };
  if (result.skipRemaining && eventCount > index + 1) {
    for (let later = index + 1; later < eventCount; later += 1) {
      sets.push(`lifecycleEvents[${later}].#status = :skipped`);
    }
    values[':skipped'] = 'Skipped';
  }
  if (result.targetStatus !== undefined) {
    sets.push('#status = :targetStatus');
    values[':targetStatus'] = result.targetStatus;
  }
  sets.push('lastUpdatedAt = :at');
  return {
    Key: { ...targetKey(result.deploymentId, result.targetId) },
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: `lifecycleEvents[${index}].#status = :inProgress`,
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: values,
  };
}
