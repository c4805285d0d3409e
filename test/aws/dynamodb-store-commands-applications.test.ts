// The exact DynamoDB commands behind the items of an application's partition and the configs: conditional creates
// with their gsi1 entries, conditional deletes, client tokens (claims and takeovers), revisions, and the sweep that
// deletes an application.
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, TransientStoreError, ValidationError } from '../../functions/core/errors';
import type { DynamoDbStore } from '../../functions/aws/dynamodb-store';
import type { DeploymentConfig } from '../../functions/core/types';
import * as fixture from './dynamodb-store-fixtures';
import { TABLE, conditionFailed, mockedStore, namedError } from './dynamodb-store-mock';

const { ddb, store } = mockedStore();

const config: DeploymentConfig = {
  deploymentConfigName: 'Custom.Half',
  computePlatform: 'Server',
  minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 50 },
};

/** SHA-256, base64url: 43 characters. */
const HASH = /^[A-Za-z0-9_-]{43}$/;

describe('conditional creates', () => {
  it('creates an application with its gsi1 entry, listed by name', async () => {
    ddb.on(PutCommand).resolves({});
    const app = fixture.application({ applicationName: 'shop' });
    await store.createApplication(app);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: { ...app, pk: 'APP#shop', sk: 'APP', gsi1pk: 'APPLICATIONS', gsi1sk: 'shop' },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('creates a custom config with its gsi1 entry, and refuses a taken name', async () => {
    ddb.on(PutCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    await store.createDeploymentConfig(config);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: { ...config, pk: 'CONFIG#Custom.Half', sk: 'CONFIG', gsi1pk: 'CONFIGS', gsi1sk: 'Custom.Half' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    await expect(store.createDeploymentConfig(config)).rejects.toThrow(ConflictError);
  });

  it('creates a deployment group only under a new name', async () => {
    ddb.on(PutCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    const group = fixture.deploymentGroup();
    await store.createDeploymentGroup(group);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: { ...group, pk: 'APP#shop', sk: 'DG#prod' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    const again = store.createDeploymentGroup(group);
    await expect(again).rejects.toThrow(ConflictError);
    await expect(again).rejects.toThrow("Deployment group 'prod' already exists in application 'shop'");
  });
});

describe('conditional deletes', () => {
  it.each<[string, (s: DynamoDbStore) => Promise<boolean>, Record<string, string>]>([
    ['deployment group', (s) => s.deleteDeploymentGroup('shop', 'prod'), { pk: 'APP#shop', sk: 'DG#prod' }],
    ['deployment config', (s) => s.deleteDeploymentConfig('Custom.Half'), { pk: 'CONFIG#Custom.Half', sk: 'CONFIG' }],
  ])('deletes a %s that exists (true) and reports one that did not (false)', async (_name, remove, key) => {
    ddb.on(DeleteCommand).resolvesOnce({}).rejectsOnce(conditionFailed()).rejectsOnce(namedError('ValidationException'));
    await expect(remove(store)).resolves.toBe(true);
    await expect(remove(store)).resolves.toBe(false);
    await expect(remove(store)).rejects.toMatchObject({ name: 'ValidationException' });
    expect(ddb.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: key,
      ConditionExpression: 'attribute_exists(pk)',
    });
  });
});

describe('client tokens', () => {
  const NOW = new Date('2026-11-26T08:00:00.000Z');
  const LATER = new Date('2026-11-26T08:05:00.000Z');
  const put = (index = 0): Record<string, unknown> | undefined =>
    ddb.commandCalls(PutCommand)[index]?.args[0].input as Record<string, unknown> | undefined;

  it('binds a token with one conditional Put under the application, recording when', async () => {
    ddb.on(PutCommand).resolves({});
    await expect(store.claimClientToken('shop', 'token-1', 'd-1', NOW)).resolves.toEqual({
      owner: 'd-1',
      claimedAt: '2026-11-26T08:00:00.000Z',
    });
    expect(put()).toEqual({
      TableName: TABLE,
      Item: {
        pk: 'APP#shop',
        sk: expect.stringMatching(/^TOKEN#/),
        applicationName: 'shop',
        clientToken: 'token-1',
        deploymentId: 'd-1',
        claimedAt: '2026-11-26T08:00:00.000Z',
      },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(String((put()?.Item as Record<string, unknown>).sk).slice('TOKEN#'.length)).toMatch(HASH);
  });

  it('returns the earlier claim from the returned item, without a read', async () => {
    ddb.on(PutCommand).rejects(conditionFailed({ deploymentId: { S: 'd-first' }, claimedAt: { S: 'then' } }));
    await expect(store.claimClientToken('shop', 'token-1', 'd-2', NOW)).resolves.toEqual({ owner: 'd-first', claimedAt: 'then' });
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
  });

  it('reads the owner when the failure carries no item (dynalite)', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: { deploymentId: 'd-first', claimedAt: 'then' } });
    await expect(store.claimClientToken('shop', 'token-1', 'd-2', NOW)).resolves.toEqual({ owner: 'd-first', claimedAt: 'then' });
    const key = (put()?.Item as Record<string, unknown>) ?? {};
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      TableName: TABLE,
      Key: { pk: 'APP#shop', sk: key.sk },
      ConsistentRead: true,
    });
  });

  it('returns a claim stored without a time without one', async () => {
    ddb.on(PutCommand).rejects(conditionFailed({ deploymentId: { S: 'd-first' } }));
    await expect(store.claimClientToken('shop', 'token-1', 'd-2', NOW)).resolves.toEqual({ owner: 'd-first' });
  });

  it('claims again when the token was released in between, then gives up', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({});
    await expect(store.claimClientToken('shop', 'token-1', 'd-2', NOW)).rejects.toThrow(ConflictError);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 3);
  });

  it('takes a claim over with one Put conditioned on the owner and claim time read', async () => {
    ddb.on(PutCommand).resolves({});
    const from = { owner: 'd-dead', claimedAt: '2026-11-26T08:00:00.000Z' };
    await expect(store.takeOverClientToken('shop', 'token-1', from, 'd-2', LATER)).resolves.toBe(true);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(put()).toEqual({
      TableName: TABLE,
      Item: {
        pk: 'APP#shop',
        sk: expect.stringMatching(/^TOKEN#/),
        applicationName: 'shop',
        clientToken: 'token-1',
        deploymentId: 'd-2',
        claimedAt: '2026-11-26T08:05:00.000Z',
      },
      ConditionExpression: 'deploymentId = :owner AND claimedAt = :claimedAt',
      ExpressionAttributeValues: { ':owner': 'd-dead', ':claimedAt': '2026-11-26T08:00:00.000Z' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
  });

  it('takes a claim stored without a time over only while it still has none', async () => {
    ddb.on(PutCommand).resolves({});
    await expect(store.takeOverClientToken('shop', 'token-1', { owner: 'd-dead' }, 'd-2', LATER)).resolves.toBe(true);
    expect(put()).toMatchObject({
      ConditionExpression: 'deploymentId = :owner AND attribute_not_exists(claimedAt)',
      ExpressionAttributeValues: { ':owner': 'd-dead' },
    });
  });

  it.each<[string, Parameters<typeof conditionFailed>[0], Record<string, unknown> | undefined, boolean]>([
    ['another request took it over', { deploymentId: { S: 'd-other' }, claimedAt: { S: 'now' } }, undefined, false],
    ['a resent Put of ours had landed', { deploymentId: { S: 'd-2' }, claimedAt: { S: 'now' } }, undefined, true],
    ['it was released (read back: none)', undefined, {}, false],
    ['another took it over (read back, dynalite)', undefined, { Item: { deploymentId: 'd-other' } }, false],
  ])('reports a failed takeover by whose the token is: %s', async (_case, item, read, ours) => {
    ddb.on(PutCommand).rejects(conditionFailed(item));
    if (read !== undefined) ddb.on(GetCommand).resolves(read);
    const from = { owner: 'd-dead', claimedAt: '2026-11-26T08:00:00.000Z' };
    await expect(store.takeOverClientToken('shop', 'token-1', from, 'd-2', LATER)).resolves.toBe(ours);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, read === undefined ? 0 : 1);
  });

  it('releases only for the deployment that holds the token', async () => {
    ddb.on(DeleteCommand).rejectsOnce(conditionFailed()).rejectsOnce(namedError('ValidationException'));
    await expect(store.releaseClientToken('shop', 'token-1', 'd-1')).resolves.toBeUndefined();
    await expect(store.releaseClientToken('shop', 'token-1', 'd-1')).rejects.toMatchObject({
      name: 'ValidationException',
    });
    expect(ddb.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'APP#shop', sk: expect.stringMatching(/^TOKEN#/) },
      ConditionExpression: 'deploymentId = :deploymentId',
      ExpressionAttributeValues: { ':deploymentId': 'd-1' },
    });
  });

  it.each<[string, (s: DynamoDbStore) => Promise<unknown>]>([
    ['claim', (s) => s.claimClientToken('shop', '', 'd-1', NOW)],
    ['take over', (s) => s.takeOverClientToken('shop', '', { owner: 'd-0' }, 'd-1', NOW)],
    ['release', (s) => s.releaseClientToken('shop', '', 'd-1')],
  ])('refuses an empty token to %s', async (_name, call) => {
    const attempt = call(store);
    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(attempt).rejects.toMatchObject({ problems: [{ field: 'clientToken', message: 'must be a non-empty string' }] });
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('revisions', () => {
  const s3 = { revisionType: 'S3' as const, s3Location: { bucket: 'b', key: 'shop/v1.tgz', bundleType: 'tgz' as const } };

  it('puts one item per location with a gsi1 entry ordered by registration time', async () => {
    ddb.on(PutCommand).resolves({});
    const record = { applicationName: 'shop', revision: s3, description: 'v1', registerTime: '2026-11-26T08:00:00.000Z' };
    await store.registerRevision(record);
    const item = ddb.commandCalls(PutCommand)[0]?.args[0].input.Item ?? {};
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: {
        ...record,
        pk: 'APP#shop',
        sk: expect.stringMatching(/^REV#/),
        gsi1pk: 'REVISIONS#shop',
        gsi1sk: expect.stringMatching(/^2026-11-26T08:00:00\.000Z#/),
      },
    });
    const hash = String(item.sk).slice('REV#'.length);
    expect(hash).toMatch(HASH);
    expect(item.gsi1sk).toBe(`2026-11-26T08:00:00.000Z#${hash}`);
  });

  /** The sort key a registration of `revision` is stored under. */
  async function sortKeyOf(revision: unknown): Promise<string> {
    ddb.reset();
    ddb.on(PutCommand).resolves({});
    await store.registerRevision({ applicationName: 'shop', revision: revision as typeof s3, registerTime: 't' });
    return String(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item?.sk);
  }

  it.each<[string, boolean, unknown]>([
    ['the recorded SHA-256', true, { ...s3, s3Location: { ...s3.s3Location, sha256: 'abc' } }],
    ['another version', false, { ...s3, s3Location: { ...s3.s3Location, version: 'v2' } }],
    ['another ETag', false, { ...s3, s3Location: { ...s3.s3Location, eTag: '"e"' } }],
    ['another bundle type', false, { ...s3, s3Location: { ...s3.s3Location, bundleType: 'zip' } }],
    ['another key', false, { ...s3, s3Location: { ...s3.s3Location, key: 'shop/v2.tgz' } }],
    ['being local', false, { revisionType: 'Local', localLocation: { bundlePath: '/b', bundleType: 'tar', sha256: 'x' } }],
  ])('a location differing by %s is the same revision: %p', async (_name, same, other) => {
    const base = await sortKeyOf(s3);
    expect((await sortKeyOf(other)) === base).toBe(same);
  });

  it('refuses an unknown revision type naming the field', async () => {
    const attempt = store.registerRevision({
      applicationName: 'shop',
      revision: { revisionType: 'GitHub' } as unknown as typeof s3,
      registerTime: 't',
    });
    await expect(attempt).rejects.toMatchObject({
      problems: [{ field: 'revision.revisionType', message: 'must be S3 or Local, got GitHub' }],
    });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });
});

describe('deleteApplication', () => {
  const keys = (count: number, prefix: string): Record<string, string>[] =>
    Array.from({ length: count }, (_, i) => ({ pk: 'APP#shop', sk: `${prefix}${i}` }));

  it('deletes the application, then sweeps its partition a page of keys at a time in batches of 25', async () => {
    ddb.on(DeleteCommand).resolves({});
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: keys(30, 'DG#g'), LastEvaluatedKey: { pk: 'APP#shop', sk: 'DG#g29' } })
      .resolvesOnce({ Items: [{ pk: 'APP#shop', sk: 'APP' }, ...keys(3, 'REV#r')] });
    const leftover = { DeleteRequest: { Key: { pk: 'APP#shop', sk: 'DG#g7' } } };
    ddb.on(BatchWriteCommand).resolvesOnce({ UnprocessedItems: { [TABLE]: [leftover] } }).resolves({});

    await expect(store.deleteApplication('shop')).resolves.toBe(true);

    expect(ddb.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'APP#shop', sk: 'APP' },
      ConditionExpression: 'attribute_exists(pk)',
    });
    const queries = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries).toEqual([
      {
        TableName: TABLE,
        KeyConditionExpression: '#pk = :pk',
        ProjectionExpression: '#pk, #sk',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':pk': 'APP#shop' },
        ConsistentRead: true,
      },
      expect.objectContaining({ ExclusiveStartKey: { pk: 'APP#shop', sk: 'DG#g29' } }),
    ]);
    const batches = ddb.commandCalls(BatchWriteCommand).map((call) => call.args[0].input.RequestItems?.[TABLE] ?? []);
    expect(batches.map((batch) => batch.length)).toEqual([25, 1, 5, 3]);
    expect(batches[0]?.[0]).toEqual({ DeleteRequest: { Key: { pk: 'APP#shop', sk: 'DG#g0' } } });
    expect(batches[1]).toEqual([leftover]);
    // A re-created application item found by the sweep is left alone.
    expect(batches.flat().map((request) => request.DeleteRequest?.Key?.sk)).not.toContain('APP');
  });

  it('reports a missing application as false and still sweeps what its partition holds', async () => {
    ddb.on(DeleteCommand).rejects(conditionFailed());
    ddb.on(QueryCommand).resolves({ Items: keys(2, 'DG#g') });
    ddb.on(BatchWriteCommand).resolves({});
    await expect(store.deleteApplication('shop')).resolves.toBe(false);
    expect(ddb).toHaveReceivedCommandTimes(BatchWriteCommand, 1);
  });

  it('sends no batch for an empty partition', async () => {
    ddb.on(DeleteCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    await expect(store.deleteApplication('shop')).resolves.toBe(true);
    expect(ddb).not.toHaveReceivedCommand(BatchWriteCommand);
  });

  it('gives up on deletes that stay unprocessed with TransientStoreError', async () => {
    jest.useFakeTimers();
    try {
      ddb.on(DeleteCommand).resolves({});
      ddb.on(QueryCommand).resolves({ Items: keys(1, 'DG#g') });
      const leftover = { DeleteRequest: { Key: { pk: 'APP#shop', sk: 'DG#g0' } } };
      ddb.on(BatchWriteCommand).resolves({ UnprocessedItems: { [TABLE]: [leftover] } });
      const attempt = expect(store.deleteApplication('shop')).rejects.toThrow(TransientStoreError);
      await jest.advanceTimersByTimeAsync(60_000);
      await attempt;
      expect(ddb).toHaveReceivedCommandTimes(BatchWriteCommand, 8);
    } finally {
      jest.useRealTimers();
    }
  });
});
