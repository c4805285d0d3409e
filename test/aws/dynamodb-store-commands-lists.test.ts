// The exact Query commands behind the paged lists, how a page is filled when a filter drops items, and how page
// requests (limit, nextToken) are checked before anything is read.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDbStore } from '../../functions/aws/dynamodb-store';
import { TransientStoreError, ValidationError } from '../../functions/core/errors';
import type { Page, PageRequest } from '../../functions/ports';
import * as fixture from './dynamodb-store-fixtures';
import { TABLE, mockedStore, namedError } from './dynamodb-store-mock';

const { ddb, store } = mockedStore();

/** A deployment as gsi1 returns it: with its table and index keys. */
function indexedDeployment(id: string, createTime = '2026-11-26T08:00:00.000Z'): Record<string, unknown> {
  return {
    ...fixture.deployment({ deploymentId: id, createTime }),
    pk: `DEP#${id}`,
    sk: 'DEP',
    gsi1pk: 'DEPLOYMENTS',
    gsi1sk: `${createTime}#${id}`,
  };
}

const deploymentKey = (id: string, createTime = '2026-11-26T08:00:00.000Z'): Record<string, string> => ({
  gsi1pk: 'DEPLOYMENTS',
  gsi1sk: `${createTime}#${id}`,
  pk: `DEP#${id}`,
  sk: 'DEP',
});

const queryInputs = (): Record<string, unknown>[] =>
  ddb.commandCalls(QueryCommand).map((call) => call.args[0].input as Record<string, unknown>);

/** Rewrites what a token says, keeping its encoding: what a caller who decoded and edited a token would send. */
function editToken(token: string, edit: (payload: { list: string; key: Record<string, unknown> }) => unknown): string {
  const payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { list: string; key: Record<string, unknown> };
  return Buffer.from(JSON.stringify(edit(payload)), 'utf8').toString('base64url');
}

describe('list queries', () => {
  it.each<[string, (s: DynamoDbStore) => Promise<unknown>, Record<string, unknown>]>([
    [
      'applications by name on gsi1',
      (s) => s.listApplications(),
      {
        IndexName: 'gsi1',
        KeyConditionExpression: '#gsi1pk = :gsi1pk',
        ExpressionAttributeNames: { '#gsi1pk': 'gsi1pk' },
        ExpressionAttributeValues: { ':gsi1pk': 'APPLICATIONS' },
        ScanIndexForward: true,
      },
    ],
    [
      'custom configs by name on gsi1',
      (s) => s.listDeploymentConfigs(),
      {
        IndexName: 'gsi1',
        KeyConditionExpression: '#gsi1pk = :gsi1pk',
        ExpressionAttributeNames: { '#gsi1pk': 'gsi1pk' },
        ExpressionAttributeValues: { ':gsi1pk': 'CONFIGS' },
        ScanIndexForward: true,
      },
    ],
    [
      "an application's groups from its partition, consistently",
      (s) => s.listDeploymentGroups('shop'),
      {
        ConsistentRead: true,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :sk)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':pk': 'APP#shop', ':sk': 'DG#' },
        ScanIndexForward: true,
      },
    ],
    [
      "an application's revisions newest first on gsi1",
      (s) => s.listRevisions('shop'),
      {
        IndexName: 'gsi1',
        KeyConditionExpression: '#gsi1pk = :gsi1pk',
        ExpressionAttributeNames: { '#gsi1pk': 'gsi1pk' },
        ExpressionAttributeValues: { ':gsi1pk': 'REVISIONS#shop' },
        ScanIndexForward: false,
      },
    ],
    [
      "a deployment's targets by id, consistently",
      (s) => s.listTargetsPage('d-1'),
      {
        ConsistentRead: true,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :sk)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':pk': 'DEP#d-1', ':sk': 'TGT#' },
        ScanIndexForward: true,
      },
    ],
    [
      'deployments newest first on gsi1',
      (s) => s.listDeploymentsPage({}),
      {
        IndexName: 'gsi1',
        KeyConditionExpression: '#gsi1pk = :gsi1pk',
        ExpressionAttributeNames: { '#gsi1pk': 'gsi1pk' },
        ExpressionAttributeValues: { ':gsi1pk': 'DEPLOYMENTS' },
        ScanIndexForward: false,
      },
    ],
  ])('reads %s, 100 a page by default (and one more, to know whether a next page exists)', async (_name, list, expected) => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await expect(list(store)).resolves.toEqual({ items: [] });
    expect(queryInputs()).toEqual([{ TableName: TABLE, Limit: 101, ...expected }]);
  });

  it('puts the create-time range in the key condition and the rest in the filter', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await store.listDeploymentsPage(
      {
        applicationName: 'shop',
        deploymentGroupName: 'prod',
        statuses: ['Succeeded', 'Failed', 'Succeeded'],
        createdFrom: '2026-11-26T08:00:00Z',
        createdTo: '2026-11-26T09:00:00.000Z',
      },
      { limit: 10 },
    );
    expect(queryInputs()).toEqual([
      {
        TableName: TABLE,
        IndexName: 'gsi1',
        KeyConditionExpression: '#gsi1pk = :gsi1pk AND #gsi1sk BETWEEN :gsi1skFrom AND :gsi1skTo',
        FilterExpression:
          '#applicationName = :applicationName AND #deploymentGroupName = :deploymentGroupName AND ' +
          '#status IN (:status0, :status1)',
        ExpressionAttributeNames: {
          '#gsi1pk': 'gsi1pk',
          '#gsi1sk': 'gsi1sk',
          '#applicationName': 'applicationName',
          '#deploymentGroupName': 'deploymentGroupName',
          '#status': 'status',
        },
        ExpressionAttributeValues: {
          ':gsi1pk': 'DEPLOYMENTS',
          // Normalised to the stored form; the upper end reaches past every id created at that instant.
          ':gsi1skFrom': '2026-11-26T08:00:00.000Z',
          ':gsi1skTo': '2026-11-26T09:00:00.000Z$',
          ':applicationName': 'shop',
          ':deploymentGroupName': 'prod',
          ':status0': 'Failed',
          ':status1': 'Succeeded',
        },
        ScanIndexForward: false,
        Limit: 10,
      },
    ]);
  });

  it.each([
    [{ createdFrom: '2026-11-26T08:00:00.000Z' }, '#gsi1pk = :gsi1pk AND #gsi1sk >= :gsi1skFrom'],
    [{ createdTo: '2026-11-26T08:00:00.000Z' }, '#gsi1pk = :gsi1pk AND #gsi1sk <= :gsi1skTo'],
  ])('bounds one end of the range for %j', async (filter, condition) => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await store.listDeploymentsPage(filter);
    expect(queryInputs()[0]).toMatchObject({ KeyConditionExpression: condition });
  });

  it('reads nothing when no status is wanted', async () => {
    await expect(store.listDeploymentsPage({ statuses: [] })).resolves.toEqual({ items: [] });
    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
  });

  it('wraps throttling in TransientStoreError', async () => {
    ddb.on(QueryCommand).rejects(namedError('ThrottlingException'));
    await expect(store.listApplications()).rejects.toThrow(TransientStoreError);
  });
});

describe('filling a page', () => {
  it('asks an unfiltered query for the items still missing, plus one', async () => {
    // DynamoDB stops at 1 MB as well as at Limit: a short page with a LastEvaluatedKey is not the end.
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [indexedDeployment('d-5'), indexedDeployment('d-4')], LastEvaluatedKey: deploymentKey('d-4') })
      .resolvesOnce({ Items: [indexedDeployment('d-3')] });
    const page = await store.listDeploymentsPage({}, { limit: 5 });
    expect(page.items.map((d) => d.deploymentId)).toEqual(['d-5', 'd-4', 'd-3']);
    expect(page.nextToken).toBeUndefined();
    expect(page.items[0]).not.toHaveProperty('gsi1sk');
    expect(queryInputs().map((input) => [input.Limit, input.ExclusiveStartKey])).toEqual([
      [6, undefined],
      [4, deploymentKey('d-4')],
    ]);
  });

  it.each<[string, Record<string, unknown>, boolean]>([
    ['one more item exists', { Items: ['d-3', 'd-2', 'd-1'].map((id) => indexedDeployment(id)), LastEvaluatedKey: deploymentKey('d-1') }, true],
    ['the range ends with the page', { Items: ['d-3', 'd-2'].map((id) => indexedDeployment(id)) }, false],
  ])('gives an unfiltered page a token only when %s', async (_name, output, more) => {
    ddb.on(QueryCommand).resolvesOnce(output).resolves({ Items: [] });
    const page = await store.listDeploymentsPage({}, { limit: 2 });
    expect(page.items.map((d) => d.deploymentId)).toEqual(['d-3', 'd-2']);
    expect(page.nextToken !== undefined).toBe(more);
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 1);
    if (page.nextToken === undefined) return;
    await store.listDeploymentsPage({}, { limit: 2, nextToken: page.nextToken });
    expect(queryInputs()[1]?.ExclusiveStartKey).toEqual(deploymentKey('d-2'));
  });

  it('keeps querying a filtered list until the page is full, and resumes after the last item kept', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [indexedDeployment('d-9')], LastEvaluatedKey: deploymentKey('d-7') })
      .resolvesOnce({ Items: [], LastEvaluatedKey: deploymentKey('d-4') })
      .resolvesOnce({
        Items: [indexedDeployment('d-3'), indexedDeployment('d-2'), indexedDeployment('d-1')],
        LastEvaluatedKey: deploymentKey('d-1'),
      });
    const first = await store.listDeploymentsPage({ applicationName: 'shop' }, { limit: 3 });
    expect(first.items.map((d) => d.deploymentId)).toEqual(['d-9', 'd-3', 'd-2']);
    // Each round evaluates a page's worth: asking for the one missing item would crawl a sparse match.
    expect(queryInputs().map((input) => [input.Limit, input.ExclusiveStartKey])).toEqual([
      [3, undefined],
      [3, deploymentKey('d-7')],
      [3, deploymentKey('d-4')],
    ]);

    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [indexedDeployment('d-1')] });
    const second = await store.listDeploymentsPage({ applicationName: 'shop' }, { limit: 3, nextToken: first.nextToken });
    expect(second).toEqual({ items: [fixture.deployment({ deploymentId: 'd-1' })] });
    // d-1 matched in the first call but did not fit; the next page starts right after d-2.
    expect(queryInputs()[0]?.ExclusiveStartKey).toEqual(deploymentKey('d-2'));
  });

  it("continues a full page from DynamoDB's LastEvaluatedKey, past items the filter dropped", async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [indexedDeployment('d-9'), indexedDeployment('d-8')], LastEvaluatedKey: deploymentKey('d-6') })
      .resolvesOnce({ Items: [] });
    const first = await store.listDeploymentsPage({ statuses: ['Created'] }, { limit: 2 });
    expect(first.items).toHaveLength(2);
    await store.listDeploymentsPage({ statuses: ['Created'] }, { limit: 2, nextToken: first.nextToken });
    expect(queryInputs()[1]?.ExclusiveStartKey).toEqual(deploymentKey('d-6'));
  });
});

describe('page requests', () => {
  const lists: [string, (s: DynamoDbStore, page: PageRequest) => Promise<Page<unknown>>][] = [
    ['listApplications', (s, page) => s.listApplications(page)],
    ['listDeploymentGroups', (s, page) => s.listDeploymentGroups('shop', page)],
    ['listDeploymentConfigs', (s, page) => s.listDeploymentConfigs(page)],
    ['listDeploymentsPage', (s, page) => s.listDeploymentsPage({}, page)],
    ['listRevisions', (s, page) => s.listRevisions('shop', page)],
    ['listTargetsPage', (s, page) => s.listTargetsPage('d-1', page)],
  ];

  it.each(lists.flatMap(([name, list]) => [0, -1, 1001, 2.5, Number.NaN].map((limit) => [name, limit, list] as const)))(
    '%s refuses limit %p before reading',
    async (_name, limit, list) => {
      const attempt = list(store, { limit });
      await expect(attempt).rejects.toThrow(ValidationError);
      await expect(attempt).rejects.toMatchObject({
        problems: [{ field: 'limit', message: `must be an integer from 1 to 1000, got ${limit}` }],
      });
      expect(ddb).not.toHaveReceivedCommand(QueryCommand);
    },
  );

  it('quotes a limit that arrived as a string', async () => {
    const attempt = store.listApplications({ limit: '10' as unknown as number });
    await expect(attempt).rejects.toMatchObject({
      problems: [{ field: 'limit', message: 'must be an integer from 1 to 1000, got "10"' }],
    });
  });

  it.each([1, 1000])('accepts limit %p', async (limit) => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await store.listApplications({ limit });
    expect(queryInputs()[0]?.Limit).toBe(limit + 1);
  });

  /** A genuine token of `shop`'s groups, to tamper with. */
  async function groupsToken(): Promise<string> {
    ddb.on(QueryCommand).resolvesOnce({
      Items: [
        { pk: 'APP#shop', sk: 'DG#a', deploymentGroupName: 'a' },
        { pk: 'APP#shop', sk: 'DG#b', deploymentGroupName: 'b' },
      ],
      LastEvaluatedKey: { pk: 'APP#shop', sk: 'DG#b' },
    });
    const page = await store.listDeploymentGroups('shop', { limit: 1 });
    ddb.reset();
    return page.nextToken ?? '';
  }

  it('hands back a token that continues the same list', async () => {
    const token = await groupsToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    ddb.on(QueryCommand).resolves({ Items: [] });
    await store.listDeploymentGroups('shop', { nextToken: token });
    expect(queryInputs()[0]?.ExclusiveStartKey).toEqual({ pk: 'APP#shop', sk: 'DG#a' });
  });

  it.each<[string, (token: string) => string, (s: DynamoDbStore, nextToken: string) => Promise<unknown>, string]>([
    ['an empty token', () => '', (s, t) => s.listDeploymentGroups('shop', { nextToken: t }), 'is not a token this store handed out'],
    ['text that is not base64url', () => 'not a token!', (s, t) => s.listDeploymentGroups('shop', { nextToken: t }), 'is not a token this store handed out'],
    ['base64url that is not JSON', () => Buffer.from('{nope').toString('base64url'), (s, t) => s.listDeploymentGroups('shop', { nextToken: t }), 'is not a token this store handed out'],
    ['JSON of another shape', () => Buffer.from('[1,2]').toString('base64url'), (s, t) => s.listDeploymentGroups('shop', { nextToken: t }), 'is not a token this store handed out'],
    ['a token with a character appended', (t) => `${t}A`, (s, t) => s.listDeploymentGroups('shop', { nextToken: t }), 'is not a token this store handed out'],
    ["a token of another application's groups", (t) => t, (s, t) => s.listDeploymentGroups('blog', { nextToken: t }), 'belongs to another list (or to other filters)'],
    ['a groups token given to the revisions list', (t) => t, (s, t) => s.listRevisions('shop', { nextToken: t }), 'belongs to another list (or to other filters)'],
    ['a groups token given to the configs list', (t) => t, (s, t) => s.listDeploymentConfigs({ nextToken: t }), 'belongs to another list (or to other filters)'],
    ['a key moved to another partition', (t) => editToken(t, (p) => ({ ...p, key: { pk: 'APP#blog', sk: 'DG#a' } })), (s, t) => s.listDeploymentGroups('shop', { nextToken: t }), 'is not a token this store handed out'],
    ['a key outside the sort key range', (t) => editToken(t, (p) => ({ ...p, key: { pk: 'APP#shop', sk: 'REV#x' } })), (s, t) => s.listDeploymentGroups('shop', { nextToken: t }), 'is not a token this store handed out'],
    ['a key with an extra attribute', (t) => editToken(t, (p) => ({ ...p, key: { ...p.key, gsi1pk: 'x' } })), (s, t) => s.listDeploymentGroups('shop', { nextToken: t }), 'is not a token this store handed out'],
    ['a key with a number', (t) => editToken(t, (p) => ({ ...p, key: { ...p.key, sk: 7 } })), (s, t) => s.listDeploymentGroups('shop', { nextToken: t }), 'is not a token this store handed out'],
  ])('refuses %s as nextToken before reading', async (_name, tamper, list, message) => {
    const token = tamper(await groupsToken());
    const attempt = list(store, token);
    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(attempt).rejects.toMatchObject({ problems: [{ field: 'nextToken', message }] });
    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
  });

  it('refuses a deployments token under other filters', async () => {
    ddb.on(QueryCommand).resolvesOnce({ Items: [indexedDeployment('d-2')], LastEvaluatedKey: deploymentKey('d-2') });
    const page = await store.listDeploymentsPage({ statuses: ['Failed', 'Stopped'] }, { limit: 1 });
    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [] });
    // The same statuses in another order are the same list.
    await store.listDeploymentsPage({ statuses: ['Stopped', 'Failed'] }, { nextToken: page.nextToken });
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 1);
    const other = store.listDeploymentsPage({ statuses: ['Failed'] }, { nextToken: page.nextToken });
    await expect(other).rejects.toMatchObject({ problems: [{ field: 'nextToken' }] });
    const ranged = store.listDeploymentsPage(
      { statuses: ['Failed', 'Stopped'], createdFrom: '2026-01-01T00:00:00.000Z' },
      { nextToken: page.nextToken },
    );
    await expect(ranged).rejects.toMatchObject({ problems: [{ field: 'nextToken' }] });
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 1);
  });

  it.each([
    [{ createdFrom: 'yesterday' }, 'createdFrom', 'must be an ISO 8601 time, got "yesterday"'],
    [{ createdTo: '2026-13-45T00:00:00Z' }, 'createdTo', 'must be an ISO 8601 time, got "2026-13-45T00:00:00Z"'],
    [{ createdTo: '+012026-01-01T00:00:00.000Z' }, 'createdTo', 'must be an ISO 8601 time, got "+012026-01-01T00:00:00.000Z"'],
    [
      { createdFrom: '2026-11-26T09:00:00.000Z', createdTo: '2026-11-26T08:00:00.000Z' },
      'createdFrom',
      'must not be after createdTo (2026-11-26T08:00:00.000Z), got 2026-11-26T09:00:00.000Z',
    ],
  ])('refuses the time range %j naming %s', async (filter, field, message) => {
    const attempt = store.listDeploymentsPage(filter);
    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(attempt).rejects.toMatchObject({ problems: [{ field, message }] });
    await expect(store.listDeployments(filter)).rejects.toMatchObject({ problems: [{ field, message }] });
    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
  });
});
