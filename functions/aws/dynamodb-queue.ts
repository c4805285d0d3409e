// A deployment group's queue, in the group's own partition next to its lock: an arrival counter (sk QUEUESEQ) that
// numbers deployments in the order they came, and one entry per waiting deployment (sk QUEUE#<position>, zero-padded
// so the partition sorts them in that order). Each call is one single-item write or one Query, never a transaction,
// so it behaves the same on DynamoDB, DynamoDB Local and dynalite.
import type { QueueEntry, QueueEntryRef, QueueTicket } from '../ports';
import { fromItem, groupPartition, QUEUE_PREFIX, queueEntryItem, queueEntryKey, queueSequenceKey } from './dynamodb-items';
import type { Table } from './dynamodb-table';

/**
 * One UpdateItem takes the place: ADD on the counter, and for a superseding arrival a SET in the same expression that
 * copies the new place into the supersession (a SET reads the counter as it was before the write, hence the + 1), so
 * no launch can ever see the place taken without also seeing that it supersedes what came before. ALL_OLD rather
 * than UPDATED_NEW: the new place is the old counter plus one, and the old supersession is what the newcomer needs.
 */
const NEXT_POSITION = 'ADD lastQueuePosition :one';
const SUPERSEDE = 'SET supersedingPosition = if_not_exists(lastQueuePosition, :zero) + :one, supersedingDeploymentId = :superseding';

export async function nextQueuePosition(table: Table, deploymentGroupId: string, supersedingDeploymentId?: string): Promise<QueueTicket> {
  const superseding = supersedingDeploymentId !== undefined;
  const output = await table.update({
    Key: { ...queueSequenceKey(deploymentGroupId) },
    UpdateExpression: superseding ? `${NEXT_POSITION} ${SUPERSEDE}` : NEXT_POSITION,
    ExpressionAttributeValues: superseding ? { ':zero': 0, ':one': 1, ':superseding': supersedingDeploymentId } : { ':one': 1 },
    ReturnValues: 'ALL_OLD',
  });
  const before = output.Attributes ?? {};
  const last = before.lastQueuePosition;
  const previous = before.supersedingPosition;
  return {
    queuePosition: (typeof last === 'number' ? last : 0) + 1,
    ...(typeof previous === 'number' ? { previousSupersedingPosition: previous } : {}),
  };
}

export async function getSupersession(table: Table, deploymentGroupId: string): Promise<QueueEntryRef | undefined> {
  const item = await table.get(queueSequenceKey(deploymentGroupId));
  const deploymentId = item?.supersedingDeploymentId;
  const queuePosition = item?.supersedingPosition;
  if (typeof deploymentId !== 'string' || typeof queuePosition !== 'number') return undefined;
  return { deploymentId, queuePosition };
}

export async function enqueue(table: Table, entry: QueueEntry): Promise<void> {
  await table.put({ Item: queueEntryItem(entry) });
}

export async function listQueue(table: Table, deploymentGroupId: string, limit?: number): Promise<QueueEntry[]> {
  const query = {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': groupPartition(deploymentGroupId), ':prefix': QUEUE_PREFIX },
    ConsistentRead: true,
    ScanIndexForward: true,
  };
  // Every item of the key range is an entry, so a Limit counts entries exactly and one page holds them all.
  const items = limit === undefined ? await table.queryAll(query) : ((await table.query({ ...query, Limit: limit })).Items ?? []);
  return items.map((item) => fromItem<QueueEntry>(item));
}

export async function listQueueBetween(table: Table, deploymentGroupId: string, first: number, last: number): Promise<QueueEntry[]> {
  if (last < first) return [];
  const items = await table.queryAll({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
    ExpressionAttributeValues: {
      ':pk': groupPartition(deploymentGroupId),
      ':first': queueEntryKey(deploymentGroupId, first).sk,
      ':last': queueEntryKey(deploymentGroupId, last).sk,
    },
    ConsistentRead: true,
    ScanIndexForward: true,
  });
  return items.map((item) => fromItem<QueueEntry>(item));
}

export async function dequeue(table: Table, deploymentGroupId: string, queuePosition: number): Promise<void> {
  await table.delete({ Key: { ...queueEntryKey(deploymentGroupId, queuePosition) } });
}
