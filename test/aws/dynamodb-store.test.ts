// The DynamoDB Store against real table semantics: the same suite on dynalite and on DynamoDB Local, each
// server started once per file, a fresh table per test.
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../../functions/aws/create-table';
import { DynamoDbStore } from '../../functions/aws/dynamodb-store';
import { ConflictError, DeploymentGroupBusyError, NotFoundError } from '../../functions/core/errors';
import type { Deployment } from '../../functions/core/types';
import type { TargetEventResult } from '../../functions/ports';
import {
  type LocalDynamoDb,
  type StartLocalDynamoDb,
  localClients,
  startDynalite,
  startDynamoDbLocal,
  uniqueTableName,
} from '../support/local-dynamodb';
import * as fixture from './dynamodb-store-fixtures';

const backends: [string, StartLocalDynamoDb][] = [
  ['dynalite', startDynalite],
  ['DynamoDB Local', startDynamoDbLocal],
];

describe.each(backends)('DynamoDbStore on %s', (_backendName, start) => {
  let backend: LocalDynamoDb;
  let clients: ReturnType<typeof localClients>;
  let tableName: string;
  let store: DynamoDbStore;

  beforeAll(async () => {
    backend = await start();
    clients = localClients(backend.endpoint);
  });

  afterAll(async () => {
    clients?.destroy();
    await backend?.stop();
  });

  beforeEach(async () => {
    tableName = uniqueTableName();
    await ensureTable(clients.client, tableName);
    store = new DynamoDbStore({ tableName, client: clients.documentClient });
  });

  const rawItem = async (pk: string, sk: string): Promise<Record<string, unknown> | undefined> =>
    (await clients.documentClient.send(new GetCommand({ TableName: tableName, Key: { pk, sk } }))).Item;

  describe('table', () => {
    it('creates the table with gsi1 once; a second ensureTable is a no-op', async () => {
      await ensureTable(clients.client, tableName);
      const { Table } = await clients.client.send(new DescribeTableCommand({ TableName: tableName }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['gsi1']);
    });
  });

  describe('applications and deployment groups', () => {
    it('creates an application once and returns the stored one when created again', async () => {
      const app = fixture.application();
      await expect(store.createApplication(app)).resolves.toEqual(app);
      const again = { ...app, applicationId: 'other-id', createTime: '2030-01-01T00:00:00.000Z' };
      await expect(store.createApplication(again)).resolves.toEqual(app);
      await expect(store.getApplication(app.applicationName)).resolves.toEqual(app);
      await expect(store.getApplication('missing')).resolves.toBeUndefined();
    });

    it('overwrites a deployment group and reads it back without key attributes', async () => {
      const group = fixture.deploymentGroup();
      await store.putDeploymentGroup(group);
      const updated = { ...group, deploymentConfigName: 'CodeDeployDefault.AllAtOnce', instanceNames: ['web-3'] };
      await store.putDeploymentGroup(updated);
      await expect(store.getDeploymentGroup('shop', 'prod')).resolves.toEqual(updated);
      await expect(store.getDeploymentGroup('shop', 'missing')).resolves.toBeUndefined();
    });
  });

  describe('deployment configs', () => {
    it('creates a custom config once', async () => {
      const config = {
        deploymentConfigName: 'Custom.HalfAtATime',
        computePlatform: 'Server' as const,
        minimumHealthyHosts: { type: 'FLEET_PERCENT' as const, value: 50 },
      };
      await store.createDeploymentConfig(config);
      const sameName = { ...config, minimumHealthyHosts: { type: 'HOST_COUNT' as const, value: 1 } };
      await expect(store.createDeploymentConfig(sameName)).rejects.toThrow(ConflictError);
      await expect(store.getDeploymentConfig('Custom.HalfAtATime')).resolves.toEqual(config);
      await expect(store.getDeploymentConfig('Custom.Missing')).resolves.toBeUndefined();
    });
  });

  describe('deployments', () => {
    it('round-trips a deployment with nested objects and indexes it on gsi1', async () => {
      const deployment = fixture.deployment({ rollbackInfo: { rollbackMessage: 'none' } });
      await store.createDeployment(deployment);
      await expect(store.getDeployment(deployment.deploymentId)).resolves.toEqual(deployment);
      const item = await rawItem(`DEP#${deployment.deploymentId}`, 'DEP');
      expect(item).toMatchObject({
        gsi1pk: 'DEPLOYMENTS',
        gsi1sk: `${deployment.createTime}#${deployment.deploymentId}`,
      });
      await expect(store.getDeployment('missing')).resolves.toBeUndefined();
    });

    it('rejects a second deployment with the same id', async () => {
      const deployment = fixture.deployment();
      await store.createDeployment(deployment);
      await expect(store.createDeployment({ ...deployment, status: 'Queued' })).rejects.toBeInstanceOf(ConflictError);
      await expect(store.getDeployment(deployment.deploymentId)).resolves.toMatchObject({ status: 'Created' });
    });

    it('applies changes guarded by the expected status and returns the updated deployment', async () => {
      const deployment = fixture.deployment({ errorInformation: { code: 'TIMEOUT', message: 'slow' } });
      await store.createDeployment(deployment);
      const overview = { ...deployment.deploymentOverview, Pending: 0, InProgress: 2 };
      const startTime = '2026-11-26T08:05:00.000Z';
      const changes = { status: 'InProgress' as const, startTime, deploymentOverview: overview };
      const updated = await store.updateDeployment(
        deployment.deploymentId,
        { ...changes, errorInformation: undefined },
        ['Created', 'Queued'],
      );
      const { errorInformation: _removed, ...rest } = deployment;
      const expected: Deployment = { ...rest, ...changes };
      expect(updated).toEqual(expected);
      await expect(store.getDeployment(deployment.deploymentId)).resolves.toEqual(expected);
    });

    it('refuses a status move from an unexpected status, naming the current one', async () => {
      const deployment = fixture.deployment({ status: 'Succeeded' });
      await store.createDeployment(deployment);
      const attempt = store.updateDeployment(deployment.deploymentId, { status: 'Stopped' }, ['Created', 'InProgress']);
      await expect(attempt).rejects.toThrow(ConflictError);
      await expect(attempt).rejects.toThrow(/is Succeeded, expected Created or InProgress/);
      await expect(store.updateDeployment(deployment.deploymentId, {}, [])).rejects.toThrow(ConflictError);
      await expect(store.getDeployment(deployment.deploymentId)).resolves.toMatchObject({ status: 'Succeeded' });
    });

    it('checks the status without changes and reports a missing deployment as NotFoundError', async () => {
      const deployment = fixture.deployment();
      await store.createDeployment(deployment);
      await expect(store.updateDeployment(deployment.deploymentId, {}, ['Created'])).resolves.toEqual(deployment);
      const missing = store.updateDeployment('missing', { status: 'Queued' }, ['Created']);
      await expect(missing).rejects.toThrow(NotFoundError);
      await expect(missing).rejects.toMatchObject({ resource: 'Deployment', id: 'missing' });
      await expect(store.updateDeployment('missing', { status: 'Queued' })).rejects.toThrow(NotFoundError);
    });

    it('lets exactly one of ten concurrent status moves win', async () => {
      const deployment = fixture.deployment();
      await store.createDeployment(deployment);
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          store.updateDeployment(deployment.deploymentId, { status: 'Queued', description: `mover ${i}` }, ['Created']),
        ),
      );
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      for (const result of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
        expect(result.reason).toBeInstanceOf(ConflictError);
      }
    });

    it('lists newest first with filters', async () => {
      const created = [
        fixture.deployment({ createTime: '2026-11-26T08:00:00.000Z', applicationName: 'shop', status: 'Succeeded' }),
        fixture.deployment({ createTime: '2026-11-26T09:00:00.000Z', applicationName: 'blog', status: 'Failed' }),
        fixture.deployment({
          createTime: '2026-11-26T10:00:00.000Z',
          applicationName: 'shop',
          deploymentGroupName: 'staging',
        }),
        fixture.deployment({ createTime: '2026-11-26T11:00:00.000Z', applicationName: 'shop', status: 'InProgress' }),
      ];
      for (const deployment of created) await store.createDeployment(deployment);
      const ids = (list: Deployment[]): string[] => list.map((d) => d.deploymentId);
      const [d0, d1, d2, d3] = created.map((d) => d.deploymentId);
      expect(ids(await store.listDeployments())).toEqual([d3, d2, d1, d0]);
      expect(ids(await store.listDeployments({ applicationName: 'shop' }))).toEqual([d3, d2, d0]);
      const shopProd = await store.listDeployments({ applicationName: 'shop', deploymentGroupName: 'prod' });
      expect(ids(shopProd)).toEqual([d3, d0]);
      expect(ids(await store.listDeployments({ statuses: ['Succeeded', 'Failed'] }))).toEqual([d1, d0]);
      expect(await store.listDeployments({ statuses: [] })).toEqual([]);
      expect((await store.listDeployments())[0]).toEqual(created[3]);
    });

    it('reads every page of a listing larger than one 1 MB page', async () => {
      // 24 deployments of ~60 KB each: about 1.4 MB, so the Query returns at least two pages.
      const padding = 'x'.repeat(60_000);
      const created = Array.from({ length: 24 }, (_, i) =>
        fixture.deployment({ createTime: `2026-11-26T08:${String(i).padStart(2, '0')}:00.000Z`, description: padding }),
      );
      await Promise.all(created.map((deployment) => store.createDeployment(deployment)));
      const firstPage = await clients.documentClient.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': 'DEPLOYMENTS' },
        }),
      );
      expect(firstPage.LastEvaluatedKey).toBeDefined(); // the listing below really spans pages
      const listed = await store.listDeployments();
      expect(listed.map((d) => d.deploymentId)).toEqual(created.map((d) => d.deploymentId).reverse());
    });
  });

  describe('group lock', () => {
    it('is taken, re-taken by its holder, refused to others, and freed only by its holder', async () => {
      await store.acquireGroupLock(fixture.lock('dg-1', 'd-1'), 'prod');
      await store.acquireGroupLock(fixture.lock('dg-1', 'd-1'), 'prod');
      const busy = store.acquireGroupLock(fixture.lock('dg-1', 'd-2'), 'prod');
      await expect(busy).rejects.toThrow(DeploymentGroupBusyError);
      await expect(busy).rejects.toMatchObject({ deploymentGroupName: 'prod', activeDeploymentId: 'd-1' });

      await store.releaseGroupLock('dg-1', 'd-2');
      await expect(store.getGroupLock('dg-1')).resolves.toEqual(fixture.lock('dg-1', 'd-1'));
      await store.releaseGroupLock('dg-1', 'd-1');
      await expect(store.getGroupLock('dg-1')).resolves.toBeUndefined();
      await store.releaseGroupLock('dg-1', 'd-1');

      await store.acquireGroupLock(fixture.lock('dg-1', 'd-2'), 'prod');
      await expect(store.getGroupLock('dg-1')).resolves.toMatchObject({ deploymentId: 'd-2' });
    });

    it('gives the lock to exactly one of twenty concurrent deployments', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `d-${i}`);
      const results = await Promise.allSettled(
        ids.map((id) => store.acquireGroupLock(fixture.lock('dg-race', id), 'prod')),
      );
      const winners = ids.filter((_, i) => results[i]?.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      const winner = winners[0];
      for (const result of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
        expect(result.reason).toBeInstanceOf(DeploymentGroupBusyError);
        expect(result.reason).toMatchObject({ activeDeploymentId: winner });
      }
      await expect(store.getGroupLock('dg-race')).resolves.toMatchObject({ deploymentId: winner });

      const loser = ids.find((id) => id !== winner) ?? '';
      await store.releaseGroupLock('dg-race', loser);
      await expect(store.getGroupLock('dg-race')).resolves.toMatchObject({ deploymentId: winner });
      await store.acquireGroupLock(fixture.lock('dg-race', winner), 'prod');
      await store.releaseGroupLock('dg-race', winner);
      await store.acquireGroupLock(fixture.lock('dg-race', 'd-next'), 'prod');
      await expect(store.getGroupLock('dg-race')).resolves.toMatchObject({ deploymentId: 'd-next' });
    });

    it('transfers the lock from its holder only, and records the owning execution for its holder only', async () => {
      await store.acquireGroupLock(fixture.lock('dg-1', 'd-1'), 'prod');
      await store.setGroupLockExecution('dg-1', 'd-1', 'arn:exec:1');
      await expect(store.setGroupLockExecution('dg-1', 'd-9', 'arn:exec:9')).rejects.toThrow(ConflictError);

      await store.transferGroupLock('dg-1', 'd-1', 'd-rollback');
      await store.transferGroupLock('dg-1', 'd-1', 'd-rollback'); // a retried transfer that already landed
      await expect(store.transferGroupLock('dg-1', 'd-1', 'd-other')).rejects.toThrow(/d-rollback' holds it/);
      await expect(store.getGroupLock('dg-1')).resolves.toEqual({
        ...fixture.lock('dg-1', 'd-rollback'),
        executionArn: 'arn:exec:1',
      });
      await store.setGroupLockExecution('dg-1', 'd-rollback', 'arn:exec:2');
      await expect(store.getGroupLock('dg-1')).resolves.toMatchObject({ executionArn: 'arn:exec:2' });

      await expect(store.transferGroupLock('dg-free', 'd-1', 'd-2')).rejects.toThrow(/the lock is free/);
      await expect(store.setGroupLockExecution('dg-free', 'd-1', 'arn')).rejects.toThrow(ConflictError);
      await expect(store.getGroupLock('dg-free')).resolves.toBeUndefined();
    });
  });

  describe('targets', () => {
    it('returns targets in the order they were put, across BatchWrite chunks', async () => {
      const ids = Array.from({ length: 60 }, (_, i) => `host-${String((i * 37) % 60).padStart(2, '0')}`);
      const targets = ids.map((id) => fixture.target('d-1', id));
      await store.putTargets(targets);
      await expect(store.getTargets('d-1')).resolves.toEqual(targets);
      await expect(store.getTarget('d-1', ids[5])).resolves.toEqual(targets[5]);
      await expect(store.getTarget('d-1', 'missing')).resolves.toBeUndefined();
      await expect(store.getTargets('d-none')).resolves.toEqual([]);
    });

    it('overwrites whole targets keeping their order; a new one goes last', async () => {
      const targets = ['c', 'a', 'b'].map((id) => fixture.target('d-1', id));
      await store.putTargets(targets);
      const [c, a] = targets;
      const movedA = { ...fixture.targetInEvent('d-1', 'a', 0), lastUpdatedAt: '2026-11-26T08:02:00.000Z' };
      const movedC = { ...c, status: 'Skipped' as const };
      await store.updateTargets([movedA, movedC, fixture.target('d-1', '0-new')]);
      const stored = await store.getTargets('d-1');
      expect(stored.map((t) => t.targetId)).toEqual(['c', 'a', 'b', '0-new']);
      expect(stored[0]).toEqual(movedC);
      expect(stored[1]).toEqual(movedA);
      expect(a.status).toBe('Pending'); // the caller's objects are not modified
      await store.updateTargets([]);
    });

    it('records an event result once; a duplicate or late report writes nothing', async () => {
      await store.putTargets([fixture.targetInEvent('d-1', 'web-1', 2)]);
      const result: TargetEventResult = {
        deploymentId: 'd-1',
        targetId: 'web-1',
        eventIndex: 2,
        event: { lifecycleEventName: 'BeforeInstall', status: 'Succeeded', startTime: 't1', endTime: 't2' },
        skipRemaining: false,
        at: '2026-11-26T08:03:00.000Z',
      };
      await expect(store.recordTargetEvent(result)).resolves.toBe(true);
      await expect(store.recordTargetEvent(result)).resolves.toBe(false);
      await expect(store.recordTargetEvent({ ...result, eventIndex: 3 })).resolves.toBe(false);
      await expect(store.recordTargetEvent({ ...result, eventIndex: 40 })).resolves.toBe(false);
      await expect(store.recordTargetEvent({ ...result, targetId: 'missing' })).resolves.toBe(false);
      const unknownTarget = { ...result, targetId: 'missing', skipRemaining: true };
      await expect(store.recordTargetEvent(unknownTarget)).resolves.toBe(false);
      const stored = await store.getTarget('d-1', 'web-1');
      expect(stored?.lifecycleEvents[2]).toEqual(result.event);
      expect(stored?.lifecycleEvents[3]?.status).toBe('Pending');
      expect(stored).toMatchObject({ status: 'InProgress', lastUpdatedAt: result.at });
    });

    it('marks the remaining events Skipped and sets the target status in the same write', async () => {
      await store.putTargets([fixture.targetInEvent('d-1', 'web-1', 4)]);
      const failed = { lifecycleEventName: 'AfterInstall' as const, status: 'Failed' as const, endTime: 't3' };
      const written = await store.recordTargetEvent({
        deploymentId: 'd-1',
        targetId: 'web-1',
        eventIndex: 4,
        event: failed,
        targetStatus: 'Failed',
        skipRemaining: true,
        at: '2026-11-26T08:04:00.000Z',
      });
      expect(written).toBe(true);
      const stored = await store.getTarget('d-1', 'web-1');
      expect(stored?.status).toBe('Failed');
      expect(stored?.lifecycleEvents.map((event) => event.status)).toEqual([
        'Succeeded',
        'Succeeded',
        'Succeeded',
        'Succeeded',
        'Failed',
        'Skipped',
        'Skipped',
      ]);
      expect(stored?.lifecycleEvents[4]).toEqual(failed);
    });

    it('accepts exactly one of two concurrent identical reports', async () => {
      await store.putTargets([fixture.targetInEvent('d-1', 'web-1', 0)]);
      const result: TargetEventResult = {
        deploymentId: 'd-1',
        targetId: 'web-1',
        eventIndex: 0,
        event: { lifecycleEventName: 'ApplicationStop', status: 'Succeeded' },
        skipRemaining: false,
        at: '2026-11-26T08:03:00.000Z',
      };
      for (let round = 0; round < 5; round += 1) {
        await store.updateTargets([fixture.targetInEvent('d-1', 'web-1', 0)]);
        const outcomes = await Promise.all([store.recordTargetEvent(result), store.recordTargetEvent(result)]);
        expect(outcomes.filter(Boolean)).toHaveLength(1);
      }
    });
  });

  describe('batches', () => {
    it('stores a batch under a zero-padded sort key and reads it back', async () => {
      const batch = fixture.batch('d-1', { batchNumber: 7, taskToken: 'token-1' });
      await store.putBatch(batch);
      await expect(store.getBatch('d-1', 7)).resolves.toEqual(batch);
      expect(await rawItem('DEP#d-1', 'BATCH#000007')).toBeDefined();
      await expect(store.getBatch('d-1', 8)).resolves.toBeUndefined();
    });

    it('counts reports for the current event only', async () => {
      await store.putBatch(fixture.batch('d-1', { eventIndex: 3 }));
      await expect(store.countBatchReport('d-1', 1, 3)).resolves.toMatchObject({ reported: 1, expected: 2 });
      const stale = store.countBatchReport('d-1', 1, 2);
      await expect(stale).rejects.toThrow(ConflictError);
      await expect(stale).rejects.toThrow(/is at event 3, not 2/);
      await expect(store.countBatchReport('d-1', 9, 3)).rejects.toThrow(NotFoundError);
      await expect(store.getBatch('d-1', 1)).resolves.toMatchObject({ reported: 1 });
    });

    it('hands out each count once to fifty concurrent reports', async () => {
      await store.putBatch(fixture.batch('d-1', { expected: 50, targetIds: [] }));
      const batches = await Promise.all(Array.from({ length: 50 }, () => store.countBatchReport('d-1', 1, 0)));
      const counts = batches.map((b) => b.reported).sort((x, y) => x - y);
      expect(counts).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(batches.filter((b) => b.reported === b.expected)).toHaveLength(1);
    });
  });

  describe('host records', () => {
    it('puts and reads every host record of a group, overwriting by target', async () => {
      const records = Array.from({ length: 30 }, (_, i) =>
        fixture.hostRecord('dg-1', `host-${String(i).padStart(2, '0')}`),
      );
      await store.putHostRecords(records);
      const updated = { ...records[3], lastSuccessfulInstall: 'd-1', revisionKey: 'sha' };
      await store.putHostRecords([updated, updated]);
      await store.putHostRecords([fixture.hostRecord('dg-other', 'host-00')]);
      const stored = await store.getHostRecords('dg-1');
      expect(stored).toHaveLength(30);
      expect(stored[3]).toEqual(updated);
      expect(stored.map((r) => r.targetId)).toEqual(records.map((r) => r.targetId));
      await expect(store.getHostRecord('dg-1', 'host-03')).resolves.toEqual(updated);
      await expect(store.getHostRecord('dg-1', 'host-99')).resolves.toBeUndefined();
      await expect(store.getHostRecords('dg-none')).resolves.toEqual([]);
    });
  });
});
