// The exact DynamoDB commands behind the group lock's conditional writes, and how their failures map to domain
// errors (the lock against real backends is in dynamodb-store-groups.test.ts).
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, DeploymentGroupBusyError } from '../../functions/core/errors';
import * as fixture from './dynamodb-store-fixtures';
import { TABLE, conditionFailed, mockedStore, namedError } from './dynamodb-store-mock';

const { ddb, store } = mockedStore();

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
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('takes a lock it already holds without writing, so the lock keeps its executionArn', async () => {
    const mine = { pk: { S: 'DG#dg-1' }, sk: { S: 'LOCK' }, deploymentId: { S: 'd-1' }, executionArn: { S: 'arn:running' } };
    ddb.on(PutCommand).rejects(conditionFailed(mine));
    await store.acquireGroupLock(fixture.lock('dg-1', 'd-1'), 'prod');
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
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
    await expect(store.releaseGroupLock('dg-1', 'd-1')).resolves.toBe(false);
    expect(ddb.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'DG#dg-1', sk: 'LOCK' },
      ConditionExpression: 'deploymentId = :id',
      ExpressionAttributeValues: { ':id': 'd-1' },
    });
  });

  it.each([
    ['arn:x', 'deploymentId = :id AND executionArn = :arn', { ':id': 'd-1', ':arn': 'arn:x' }],
    [null, 'deploymentId = :id AND attribute_not_exists(executionArn)', { ':id': 'd-1' }],
  ])('releases only while the lock names execution %j', async (execution, condition, values) => {
    ddb.on(DeleteCommand).resolves({});
    await expect(store.releaseGroupLock('dg-1', 'd-1', execution)).resolves.toBe(true);
    expect(ddb.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'DG#dg-1', sk: 'LOCK' },
      ConditionExpression: condition,
      ExpressionAttributeValues: values,
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
