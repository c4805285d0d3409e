// The exact DynamoDB commands behind the store's conditional writes, and how their failures map to domain errors.
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDbStore } from '../../functions/aws/dynamodb-store';
import { ConflictError, DeploymentGroupBusyError, TransientStoreError } from '../../functions/core/errors';
import * as fixture from './dynamodb-store-fixtures';

const TABLE = 'cutover-table';
const ddb = mockClient(DynamoDBDocumentClient);
const store = new DynamoDbStore({
  tableName: TABLE,
  client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
});

/** What DynamoDB answers to a failed condition; `Item` is the raw wire form, as the SDK leaves it on errors. */
function conditionFailed(item?: ConditionalCheckFailedException['Item']): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, Item: item });
}

function namedError(name: string): Error {
  return Object.assign(new Error(`${name} from DynamoDB`), { name });
}

beforeEach(() => {
  ddb.reset();
});

describe('group lock', () => {
  it('acquires with one conditional Put that returns the holder on failure', async () => {
    ddb.on(PutCommand).resolves({});
    await store.acquireGroupLock(fixture.lock('dg-1', 'd-1'), 'prod');
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: {
        pk: 'DG#dg-1',
        sk: 'LOCK',
        deploymentGroupId: 'dg-1',
        deploymentId: 'd-1',
        acquiredAt: '2026-11-26T08:00:00.000Z',
      },
      ConditionExpression: 'attribute_not_exists(pk) OR deploymentId = :same',
      ExpressionAttributeValues: { ':same': 'd-1' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('names the holder from the returned item, unmarshalled, without another read', async () => {
    const holder = { pk: { S: 'DG#dg-1' }, sk: { S: 'LOCK' }, deploymentId: { S: 'd-holder' } };
    ddb.on(PutCommand).rejects(conditionFailed(holder));
    const attempt = store.acquireGroupLock(fixture.lock('dg-1', 'd-2'), 'prod');
    await expect(attempt).rejects.toThrow(DeploymentGroupBusyError);
    await expect(attempt).rejects.toMatchObject({ deploymentGroupName: 'prod', activeDeploymentId: 'd-holder' });
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
  });

  it('reads the holder when the failure carries no item (dynalite)', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: { pk: 'DG#dg-1', sk: 'LOCK', deploymentId: 'd-holder' } });
    await expect(store.acquireGroupLock(fixture.lock('dg-1', 'd-2'), 'prod')).rejects.toMatchObject({
      activeDeploymentId: 'd-holder',
    });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      TableName: TABLE,
      Key: { pk: 'DG#dg-1', sk: 'LOCK' },
      ConsistentRead: true,
    });
  });

  it('tries again when the lock was freed between the failure and the read, then gives up', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({});
    await expect(store.acquireGroupLock(fixture.lock('dg-1', 'd-2'), 'prod')).rejects.toThrow(ConflictError);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 3);
  });

  it('releases with a conditional Delete and ignores a lock held by another deployment', async () => {
    ddb.on(DeleteCommand).rejects(conditionFailed());
    await expect(store.releaseGroupLock('dg-1', 'd-1')).resolves.toBeUndefined();
    expect(ddb.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'DG#dg-1', sk: 'LOCK' },
      ConditionExpression: 'deploymentId = :id',
      ExpressionAttributeValues: { ':id': 'd-1' },
    });
  });

  it('rethrows release failures other than the condition', async () => {
    ddb.on(DeleteCommand).rejects(namedError('ResourceNotFoundException'));
    await expect(store.releaseGroupLock('dg-1', 'd-1')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('transfers with a conditional Update and names the actual holder on failure', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed({ deploymentId: { S: 'd-other' } }));
    await expect(store.transferGroupLock('dg-1', 'd-1', 'd-rollback')).rejects.toThrow(/'d-other' holds it/);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'DG#dg-1', sk: 'LOCK' },
      UpdateExpression: 'SET deploymentId = :to',
      ConditionExpression: 'deploymentId = :from',
      ExpressionAttributeValues: { ':from': 'd-1', ':to': 'd-rollback' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('records the owning execution only for the holder', async () => {
    ddb.on(UpdateCommand).resolves({});
    await store.setGroupLockExecution('dg-1', 'd-1', 'arn:exec');
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'SET executionArn = :arn',
      ConditionExpression: 'deploymentId = :id',
      ExpressionAttributeValues: { ':id': 'd-1', ':arn': 'arn:exec' },
    });
  });
});

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

describe('countBatchReport', () => {
  it('adds one with a condition on the current event and returns the new batch', async () => {
    const stored = { ...fixture.batch('d-1', { reported: 2 }), pk: 'DEP#d-1', sk: 'BATCH#000001' };
    ddb.on(UpdateCommand).resolves({ Attributes: stored });
    await expect(store.countBatchReport('d-1', 1, 0)).resolves.toEqual(fixture.batch('d-1', { reported: 2 }));
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'DEP#d-1', sk: 'BATCH#000001' },
      UpdateExpression: 'ADD reported :one',
      ConditionExpression: 'eventIndex = :eventIndex',
      ExpressionAttributeValues: { ':one': 1, ':eventIndex': 0 },
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('reports a batch that moved on as ConflictError', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed({ eventIndex: { N: '3' } }));
    await expect(store.countBatchReport('d-1', 1, 2)).rejects.toThrow(/is at event 3, not 2/);
  });
});

describe('updateDeployment', () => {
  it('sets each changed attribute whole, removes cleared ones, and guards the status', async () => {
    const stored = { ...fixture.deployment({ deploymentId: 'd-1' }), pk: 'DEP#d-1', sk: 'DEP' };
    ddb.on(UpdateCommand).resolves({ Attributes: stored });
    const overview = { Pending: 0, InProgress: 2, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };
    const changes = { status: 'InProgress' as const, deploymentOverview: overview, errorInformation: undefined };
    await store.updateDeployment('d-1', changes, ['Created', 'Queued']);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'DEP#d-1', sk: 'DEP' },
      UpdateExpression: 'SET #status = :status, #deploymentOverview = :deploymentOverview REMOVE #errorInformation',
      ConditionExpression: 'attribute_exists(pk) AND #status IN (:expected0, :expected1)',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#deploymentOverview': 'deploymentOverview',
        '#errorInformation': 'errorInformation',
      },
      ExpressionAttributeValues: {
        ':status': 'InProgress',
        ':deploymentOverview': overview,
        ':expected0': 'Created',
        ':expected1': 'Queued',
      },
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('names the current status from the returned item', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed({ status: { S: 'Stopped' } }));
    await expect(store.updateDeployment('d-1', { status: 'InProgress' }, ['Queued'])).rejects.toThrow(
      "Deployment 'd-1' is Stopped, expected Queued",
    );
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
  });
});

describe('reads', () => {
  it('follows Query pages until LastEvaluatedKey is absent', async () => {
    const page = (id: string): Record<string, unknown> => ({
      ...fixture.deployment({ deploymentId: id }),
      gsi1pk: 'DEPLOYMENTS',
    });
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [page('d-2')], LastEvaluatedKey: { pk: 'DEP#d-2' } })
      .resolvesOnce({ Items: [], LastEvaluatedKey: { pk: 'DEP#d-2b' } })
      .resolvesOnce({ Items: [page('d-1')] });
    const listed = await store.listDeployments({ statuses: ['Created'] });
    expect(listed.map((d) => d.deploymentId)).toEqual(['d-2', 'd-1']);
    expect(listed[0]).not.toHaveProperty('gsi1pk');
    const inputs = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.ExclusiveStartKey)).toEqual([undefined, { pk: 'DEP#d-2' }, { pk: 'DEP#d-2b' }]);
    expect(inputs[0]).toMatchObject({
      IndexName: 'gsi1',
      KeyConditionExpression: '#gsi1pk = :gsi1pk',
      ScanIndexForward: false,
      FilterExpression: '#status IN (:status0)',
    });
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

describe('transient errors', () => {
  const transient = [
    'ProvisionedThroughputExceededException',
    'ThrottlingException',
    'RequestLimitExceeded',
    'InternalServerError',
  ];
  it.each(transient)(
    'wraps %s in TransientStoreError with the cause',
    async (name) => {
      const cause =
        name === 'ProvisionedThroughputExceededException'
          ? new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} })
          : namedError(name);
      ddb.on(GetCommand).rejects(cause);
      const attempt = store.getDeployment('d-1');
      await expect(attempt).rejects.toThrow(TransientStoreError);
      await expect(attempt).rejects.toMatchObject({
        cause,
        message: expect.stringContaining(`GetItem failed: ${name}`),
      });
    },
  );

  it('rethrows other errors unchanged', async () => {
    const error = namedError('ValidationException');
    ddb.on(PutCommand).rejects(error);
    await expect(store.putBatch(fixture.batch('d-1'))).rejects.toBe(error);
  });
});
