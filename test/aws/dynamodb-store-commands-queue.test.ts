// The exact DynamoDB commands behind a deployment group's queue: the arrival counter with its supersession mark, the
// entries, and their reads (the queue against real backends is in dynamodb-store-queue.test.ts).
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE, mockedStore, namedError } from './dynamodb-store-mock';

const { ddb, store } = mockedStore();

const ENTRY = { deploymentGroupId: 'dg-1', deploymentId: 'd-7', queuePosition: 7, queuedAt: '2026-11-26T08:00:00.000Z' };

describe('deployment queue', () => {
  it.each([
    [
      'a queued arrival adds one to the counter',
      undefined,
      {
        UpdateExpression: 'ADD lastQueuePosition :one',
        ExpressionAttributeValues: { ':one': 1 },
      },
    ],
    [
      'a superseding arrival also marks its place as the supersession, in the same write',
      'd-new',
      {
        UpdateExpression:
          'ADD lastQueuePosition :one SET supersedingPosition = if_not_exists(lastQueuePosition, :zero) + :one, supersedingDeploymentId = :superseding',
        ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':superseding': 'd-new' },
      },
    ],
  ])('takes a place with one UpdateItem on the counter item: %s', async (_case, superseding, expression) => {
    ddb.on(UpdateCommand).resolves({ Attributes: { lastQueuePosition: 41, supersedingPosition: 40, supersedingDeploymentId: 'd-old' } });

    await expect(store.nextQueuePosition('dg-1', superseding)).resolves.toEqual({ queuePosition: 42, previousSupersedingPosition: 40 });

    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'DG#dg-1', sk: 'QUEUESEQ' },
      ...expression,
      ReturnValues: 'ALL_OLD',
    });
  });

  it('gives place 1, with no supersession before it, to the first arrival of a group (no counter item yet)', async () => {
    ddb.on(UpdateCommand).resolves({});
    await expect(store.nextQueuePosition('dg-1', 'd-first')).resolves.toEqual({ queuePosition: 1 });
  });

  it.each([
    ['a mark', { pk: 'DG#dg-1', sk: 'QUEUESEQ', lastQueuePosition: 9, supersedingPosition: 8, supersedingDeploymentId: 'd-8' }, { deploymentId: 'd-8', queuePosition: 8 }],
    ['a counter that no superseding arrival marked', { pk: 'DG#dg-1', sk: 'QUEUESEQ', lastQueuePosition: 9 }, undefined],
    ['no counter item', undefined, undefined],
  ])('reads the supersession from the counter item with a consistent GetItem: %s', async (_case, item, expected) => {
    ddb.on(GetCommand).resolves({ Item: item });
    await expect(store.getSupersession('dg-1')).resolves.toEqual(expected);
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({ TableName: TABLE, Key: { pk: 'DG#dg-1', sk: 'QUEUESEQ' }, ConsistentRead: true });
  });

  it('puts an entry under a zero-padded sort key, so the partition sorts entries in arrival order', async () => {
    ddb.on(PutCommand).resolves({});
    await store.enqueue(ENTRY);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: { pk: 'DG#dg-1', sk: 'QUEUE#000000000007', ...ENTRY },
    });
  });

  it('lists the first entries with one consistent, ascending Query limited to them, without key attributes', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ pk: 'DG#dg-1', sk: 'QUEUE#000000000007', ...ENTRY }], LastEvaluatedKey: { pk: 'DG#dg-1', sk: 'QUEUE#000000000007' } });

    await expect(store.listQueue('dg-1', 1)).resolves.toEqual([ENTRY]);

    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 1);
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'DG#dg-1', ':prefix': 'QUEUE#' },
      ConsistentRead: true,
      ScanIndexForward: true,
      Limit: 1,
    });
  });

  it('lists the whole queue, page after page, when no limit is given', async () => {
    const second = { ...ENTRY, deploymentId: 'd-8', queuePosition: 8 };
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ pk: 'DG#dg-1', sk: 'QUEUE#000000000007', ...ENTRY }], LastEvaluatedKey: { pk: 'DG#dg-1', sk: 'QUEUE#000000000007' } })
      .resolvesOnce({ Items: [{ pk: 'DG#dg-1', sk: 'QUEUE#000000000008', ...second }] });

    await expect(store.listQueue('dg-1')).resolves.toEqual([ENTRY, second]);

    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 2);
    expect(ddb.commandCalls(QueryCommand)[1]?.args[0].input).toMatchObject({ ExclusiveStartKey: { pk: 'DG#dg-1', sk: 'QUEUE#000000000007' } });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).not.toHaveProperty('Limit');
  });

  it('lists the entries between two places, both included, with a key range', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await expect(store.listQueueBetween('dg-1', 3, 41)).resolves.toEqual([]);
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
      ExpressionAttributeValues: { ':pk': 'DG#dg-1', ':first': 'QUEUE#000000000003', ':last': 'QUEUE#000000000041' },
      ConsistentRead: true,
      ScanIndexForward: true,
    });
  });

  it('asks nothing for an empty range', async () => {
    await expect(store.listQueueBetween('dg-1', 5, 4)).resolves.toEqual([]);
    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
  });

  it('dequeues with an unconditional DeleteItem: an entry already gone is not an error', async () => {
    ddb.on(DeleteCommand).resolves({});
    await store.dequeue('dg-1', 7);
    expect(ddb.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({ TableName: TABLE, Key: { pk: 'DG#dg-1', sk: 'QUEUE#000000000007' } });
  });

  it('reports throttling of the counter as a transient store error', async () => {
    ddb.on(UpdateCommand).rejects(namedError('ProvisionedThroughputExceededException'));
    await expect(store.nextQueuePosition('dg-1')).rejects.toMatchObject({ name: 'TransientStoreError' });
  });
});
