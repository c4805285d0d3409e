// The DynamoDB Store's tables, deployment configs and deployments against real table semantics, on dynalite and
// DynamoDB Local (see dynamodb-store-backends.ts).
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../../functions/aws/create-table';
import type { DynamoDbStore } from '../../functions/aws/dynamodb-store';
import { ConflictError, NotFoundError } from '../../functions/core/errors';
import type { Deployment } from '../../functions/core/types';
import { describeStoreOnBackends } from './dynamodb-store-backends';
import * as fixture from './dynamodb-store-fixtures';

describeStoreOnBackends('DynamoDbStore deployments', (subject) => {
  let store: DynamoDbStore;
  beforeEach(() => {
    store = subject.store;
  });

  describe('table', () => {
    it('creates the table with gsi1 once; a second ensureTable is a no-op', async () => {
      await ensureTable(subject.clients.client, subject.tableName);
      const { Table } = await subject.clients.client.send(new DescribeTableCommand({ TableName: subject.tableName }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['gsi1']);
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
      const item = await subject.rawItem(`DEP#${deployment.deploymentId}`, 'DEP');
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
      const firstPage = await subject.clients.documentClient.send(
        new QueryCommand({
          TableName: subject.tableName,
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
});
