// The exact DynamoDB commands behind target and batch writes: single conditional updates for host reports, and
// BatchWrite with resent leftovers for whole targets.
import { BatchGetCommand, BatchWriteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError, TransientStoreError } from '../../functions/core/errors';
import type { Batch } from '../../functions/ports';
import * as fixture from './dynamodb-store-fixtures';
import { TABLE, conditionFailed, mockedStore, namedError } from './dynamodb-store-mock';

const { ddb, store } = mockedStore();

const BATCH_KEY = { pk: 'DEP#d-1', sk: 'BATCH#000001' };

/** A batch item as stored: no `reported` count, reporters as the Set lib-dynamodb makes of a string set. */
function storedBatch(overrides: Partial<Batch>, reporters?: readonly string[]): Record<string, unknown> {
  const { reported: _derived, ...batch } = fixture.batch('d-1', overrides);
  return { ...batch, ...BATCH_KEY, ...(reporters && { reportedTargets: new Set(reporters) }) };
}

describe('recordTargetEvent', () => {
  const result = {
    deploymentId: 'd-1',
    targetId: 'web-1',
    eventIndex: 4,
    event: { lifecycleEventName: 'AfterInstall' as const, status: 'Failed' as const },
    targetStatus: 'Failed' as const,
    skipRemaining: true,
    at: '2026-11-26T08:04:00.000Z',
  };

  it('writes the event, the skipped events and the target status in one conditional Update', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...fixture.target('d-1', 'web-1'), pk: 'DEP#d-1', sk: 'TGT#web-1' } });
    ddb.on(UpdateCommand).resolves({});
    await expect(store.recordTargetEvent(result)).resolves.toBe(true);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'DEP#d-1', sk: 'TGT#web-1' },
      UpdateExpression:
        'SET lifecycleEvents[4] = :event, lifecycleEvents[5].#status = :skipped, ' +
        'lifecycleEvents[6].#status = :skipped, #status = :targetStatus, lastUpdatedAt = :at',
      ConditionExpression: 'lifecycleEvents[4].#status = :inProgress',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':event': result.event,
        ':inProgress': 'InProgress',
        ':skipped': 'Skipped',
        ':targetStatus': 'Failed',
        ':at': result.at,
      },
    });
  });

  it('needs no read when nothing is skipped', async () => {
    ddb.on(UpdateCommand).resolves({});
    await store.recordTargetEvent({ ...result, skipRemaining: false, targetStatus: undefined });
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'SET lifecycleEvents[4] = :event, lastUpdatedAt = :at',
      ConditionExpression: 'lifecycleEvents[4].#status = :inProgress',
    });
  });

  it('returns false for a failed condition and rethrows anything else', async () => {
    ddb.on(UpdateCommand).rejectsOnce(conditionFailed()).rejectsOnce(namedError('ValidationException'));
    const single = { ...result, skipRemaining: false };
    await expect(store.recordTargetEvent(single)).resolves.toBe(false);
    await expect(store.recordTargetEvent(single)).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('batch items', () => {
  it('puts the whole batch without a report count; the reporters start absent', async () => {
    ddb.on(PutCommand).resolves({});
    await store.putBatch(fixture.batch('d-1', { reported: 3, taskToken: 'token-1', dispatched: false }));
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: { ...BATCH_KEY, ...storedBatch({ taskToken: 'token-1', dispatched: false }) },
    });
  });

  it('begins an event with a Put conditioned on the batch being before it or having sent nothing', async () => {
    ddb.on(PutCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    const batch = fixture.batch('d-1', { eventIndex: 2, expected: 3, taskToken: 'token-2', dispatched: false });
    await expect(store.beginBatchEvent(batch)).resolves.toBe(true);
    await expect(store.beginBatchEvent(batch)).resolves.toBe(false);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: { ...BATCH_KEY, ...storedBatch({ eventIndex: 2, expected: 3, taskToken: 'token-2', dispatched: false }) },
      ConditionExpression: 'attribute_not_exists(pk) OR eventIndex < :eventIndex OR expected = :nothingSent',
      ExpressionAttributeValues: { ':eventIndex': 2, ':nothingSent': 0 },
    });
  });

  it('derives reported from the reporters set and ignores a count stored by an older version', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: storedBatch({}, ['web-1', 'web-2']) })
      .resolvesOnce({ Item: { ...storedBatch({}), reported: 4 } });
    await expect(store.getBatch('d-1', 1)).resolves.toEqual(fixture.batch('d-1', { reported: 2 }));
    await expect(store.getBatch('d-1', 1)).resolves.toEqual(fixture.batch('d-1', { reported: 0 }));
  });
});

describe('markBatchSent', () => {
  it('adds the hosts to the sent set under a condition on the current event', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { ...storedBatch({}), sentTargets: new Set(['web-2', 'web-1']) } });
    await expect(store.markBatchSent('d-1', 1, 0, ['web-1', 'web-2'])).resolves.toEqual({
      ...fixture.batch('d-1', { reported: 0 }),
      sentTargetIds: ['web-1', 'web-2'],
    });
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: BATCH_KEY,
      UpdateExpression: 'ADD sentTargets :sent',
      ConditionExpression: 'eventIndex = :eventIndex',
      ExpressionAttributeValues: { ':sent': new Set(['web-1', 'web-2']), ':eventIndex': 0 },
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });
});

describe('countBatchReport', () => {
  it('adds the target to the reporters set under a condition on the current event, returning the batch', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: storedBatch({}, ['web-2', 'web-1']) });
    await expect(store.countBatchReport('d-1', 1, 0, 'web-1')).resolves.toEqual(fixture.batch('d-1', { reported: 2 }));
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: BATCH_KEY,
      UpdateExpression: 'ADD reportedTargets :reporter',
      ConditionExpression: 'eventIndex = :eventIndex',
      ExpressionAttributeValues: { ':reporter': new Set(['web-1']), ':eventIndex': 0 },
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('reports a batch that moved on as ConflictError, from the returned item', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed({ eventIndex: { N: '3' }, reportedTargets: { SS: ['web-1'] } }));
    await expect(store.countBatchReport('d-1', 1, 2, 'web-2')).rejects.toThrow(/is at event 3, not 2/);
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
  });
});

describe('updateBatchWait', () => {
  it('sets the task token and dispatched under a condition on the current event, returning the batch', async () => {
    const after = { eventIndex: 2, taskToken: 'token-2', dispatched: false };
    ddb.on(UpdateCommand).resolves({ Attributes: storedBatch(after, ['web-1']) });
    const waiting = store.updateBatchWait('d-1', 1, 2, { taskToken: 'token-2', dispatched: false });
    await expect(waiting).resolves.toEqual(fixture.batch('d-1', { ...after, reported: 1 }));
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: BATCH_KEY,
      UpdateExpression: 'SET taskToken = :taskToken, dispatched = :dispatched',
      ConditionExpression: 'eventIndex = :eventIndex',
      ExpressionAttributeValues: { ':taskToken': 'token-2', ':dispatched': false, ':eventIndex': 2 },
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('leaves dispatched alone when not given', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: storedBatch({ taskToken: 'token-2' }) });
    await store.updateBatchWait('d-1', 1, 0, { taskToken: 'token-2' });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'SET taskToken = :taskToken',
      ExpressionAttributeValues: { ':taskToken': 'token-2', ':eventIndex': 0 },
    });
  });

  it('tells a moved-on batch (ConflictError) from a missing one (NotFoundError) by reading it back', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolvesOnce({ Item: storedBatch({ eventIndex: 4 }) }).resolvesOnce({});
    const moved = store.updateBatchWait('d-1', 1, 2, { taskToken: 'token-2' });
    await expect(moved).rejects.toThrow(ConflictError);
    await expect(moved).rejects.toThrow(/is at event 4, not 2/);
    const missing = store.updateBatchWait('d-1', 1, 2, { taskToken: 'token-2' });
    await expect(missing).rejects.toThrow(NotFoundError);
    await expect(missing).rejects.toMatchObject({ resource: 'Batch', id: 'd-1/1' });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: TABLE, Key: BATCH_KEY, ConsistentRead: true });
  });
});

describe('batch writes', () => {
  it('writes in chunks of 25 and resends unprocessed items', async () => {
    const targets = Array.from({ length: 60 }, (_, i) => fixture.target('d-1', `host-${i}`));
    const leftover = { PutRequest: { Item: { pk: 'DEP#d-1', sk: 'TGT#host-3' } } };
    ddb.on(BatchWriteCommand).resolvesOnce({ UnprocessedItems: { [TABLE]: [leftover] } }).resolves({});
    await store.putTargets(targets);
    const sizes = ddb.commandCalls(BatchWriteCommand).map((call) => call.args[0].input.RequestItems?.[TABLE]?.length);
    expect(sizes).toEqual([25, 1, 25, 10]);
    expect(ddb.commandCalls(BatchWriteCommand)[1]?.args[0].input.RequestItems?.[TABLE]).toEqual([leftover]);
  });

  it('gives up on items that stay unprocessed with TransientStoreError', async () => {
    jest.useFakeTimers();
    try {
      const leftover = { PutRequest: { Item: { pk: 'DG#dg-1', sk: 'HOST#h' } } };
      ddb.on(BatchWriteCommand).resolves({ UnprocessedItems: { [TABLE]: [leftover] } });
      const records = [fixture.hostRecord('dg-1', 'h')];
      const attempt = expect(store.putHostRecords(records)).rejects.toThrow(TransientStoreError);
      await jest.advanceTimersByTimeAsync(60_000);
      await attempt;
      expect(ddb).toHaveReceivedCommandTimes(BatchWriteCommand, 8);
    } finally {
      jest.useRealTimers();
    }
  });

  it('keeps stored positions when overwriting targets', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [{ pk: 'DEP#d-1', sk: 'TGT#b', position: 7 }] } });
    ddb.on(BatchWriteCommand).resolves({});
    await store.updateTargets([fixture.target('d-1', 'b')]);
    expect(ddb).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: {
        [TABLE]: {
          Keys: [{ pk: 'DEP#d-1', sk: 'TGT#b' }],
          ConsistentRead: true,
          ProjectionExpression: '#pk, #sk, #position',
          ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk', '#position': 'position' },
        },
      },
    });
    const written = ddb.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.[TABLE]?.[0]?.PutRequest?.Item;
    expect(written).toEqual({ ...fixture.target('d-1', 'b'), pk: 'DEP#d-1', sk: 'TGT#b', position: 7 });
  });
});
