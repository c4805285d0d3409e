// The DynamoDB Store's paged deployment and target lists against real table semantics, on dynalite and DynamoDB
// Local (see dynamodb-store-backends.ts): pages that a filter thins out or the 1 MB response limit cuts short,
// create-time ranges, and tokens that only continue their own list.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDbStore } from '../../functions/aws/dynamodb-store';
import { ValidationError } from '../../functions/core/errors';
import type { Deployment, DeploymentTarget } from '../../functions/core/types';
import { describeStoreOnBackends } from './dynamodb-store-backends';
import * as fixture from './dynamodb-store-fixtures';
import { pagesOf } from './dynamodb-store-pages';

const at = (hour: number, minute = 0): string =>
  `2026-11-26T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00.000Z`;

const ids = (pages: Deployment[][]): string[][] => pages.map((page) => page.map((d) => d.deploymentId));

describeStoreOnBackends('DynamoDbStore lists', (subject) => {
  let store: DynamoDbStore;
  beforeEach(() => {
    store = subject.store;
  });

  async function created(deployments: Deployment[]): Promise<Deployment[]> {
    await Promise.all(deployments.map((deployment) => store.createDeployment(deployment)));
    return deployments;
  }

  describe('deployments', () => {
    it('pages newest first, with and without filters', async () => {
      const deployments = await created([
        fixture.deployment({ deploymentId: 'd0', createTime: at(8), status: 'Succeeded' }),
        fixture.deployment({ deploymentId: 'd1', createTime: at(9), applicationName: 'blog' }),
        fixture.deployment({ deploymentId: 'd2', createTime: at(10), deploymentGroupName: 'staging' }),
        fixture.deployment({ deploymentId: 'd3', createTime: at(11), status: 'Failed' }),
        fixture.deployment({ deploymentId: 'd4', createTime: at(12), applicationName: 'blog' }),
        fixture.deployment({ deploymentId: 'd5', createTime: at(13), status: 'Succeeded' }),
        fixture.deployment({ deploymentId: 'd6', createTime: at(14) }),
      ]);
      const all = await pagesOf((page) => store.listDeploymentsPage({}, page), 3);
      expect(ids(all)).toEqual([['d6', 'd5', 'd4'], ['d3', 'd2', 'd1'], ['d0']]);
      expect(all[0]?.[0]).toEqual(deployments[6]);

      const shopProd = await pagesOf(
        (page) => store.listDeploymentsPage({ applicationName: 'shop', deploymentGroupName: 'prod' }, page),
        2,
      );
      expect(ids(shopProd).flat()).toEqual(['d6', 'd5', 'd3', 'd0']);
      const done = await pagesOf((page) => store.listDeploymentsPage({ statuses: ['Succeeded', 'Failed'] }, page), 2);
      expect(ids(done).flat()).toEqual(['d5', 'd3', 'd0']);
      // A filtered page ends once full, so the last page may be an empty one; no other page is short.
      for (const list of [shopProd, done]) {
        expect(list.slice(0, -1).every((page) => page.length === 2)).toBe(true);
        expect(list.length).toBeLessThanOrEqual(3);
      }
      await expect(store.listDeploymentsPage({ statuses: [] })).resolves.toEqual({ items: [] });
    });

    it('fills a page from a sparse filter by querying on past evaluated items', async () => {
      const deployments = Array.from({ length: 40 }, (_, i) =>
        fixture.deployment({
          deploymentId: `d${String(i).padStart(2, '0')}`,
          createTime: at(8, i),
          applicationName: [3, 20, 38].includes(i) ? 'rare' : 'shop',
        }),
      );
      await created(deployments);
      const pages = await pagesOf((page) => store.listDeploymentsPage({ applicationName: 'rare' }, page), 2);
      expect(ids(pages)).toEqual([['d38', 'd20'], ['d03']]);
    });

    it('lists a create-time range, both ends included, in any ISO 8601 spelling', async () => {
      await created([
        fixture.deployment({ deploymentId: 'd08', createTime: at(8) }),
        fixture.deployment({ deploymentId: 'd09a', createTime: at(9) }),
        fixture.deployment({ deploymentId: 'd09b', createTime: at(9), status: 'Failed' }),
        fixture.deployment({ deploymentId: 'd10', createTime: at(10) }),
        fixture.deployment({ deploymentId: 'd11', createTime: at(11) }),
      ]);
      const range = { createdFrom: '2026-11-26T09:00:00Z', createdTo: '2026-11-26T11:00:00+01:00' };
      const pages = await pagesOf((page) => store.listDeploymentsPage(range, page), 2);
      expect(ids(pages)).toEqual([['d10', 'd09b'], ['d09a']]);
      const failed = await store.listDeploymentsPage({ ...range, statuses: ['Failed'] });
      expect(failed.items.map((d) => d.deploymentId)).toEqual(['d09b']);
      const from = await store.listDeployments({ createdFrom: at(10) });
      expect(from.map((d) => d.deploymentId)).toEqual(['d11', 'd10']);
      const to = await store.listDeployments({ createdTo: at(8) });
      expect(to.map((d) => d.deploymentId)).toEqual(['d08']);
    });

    it('fills a page across the 1 MB response limit', async () => {
      // 24 deployments of ~60 KB each: about 1.4 MB, more than one Query returns.
      const padding = 'x'.repeat(60_000);
      const deployments = Array.from({ length: 24 }, (_, i) =>
        fixture.deployment({ deploymentId: `d${String(i).padStart(2, '0')}`, createTime: at(8, i), description: padding }),
      );
      await created(deployments);
      const oneQuery = await subject.clients.documentClient.send(
        new QueryCommand({
          TableName: subject.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': 'DEPLOYMENTS' },
          Limit: 21,
        }),
      );
      expect(oneQuery.Items?.length).toBeLessThan(20); // the page below really needs a second round
      const pages = await pagesOf((page) => store.listDeploymentsPage({}, page), 20);
      expect(pages.map((page) => page.length)).toEqual([20, 4]);
      expect(ids(pages).flat()).toEqual(deployments.map((d) => d.deploymentId).reverse());
    });

    it('refuses a token under another filter as a ValidationError, not a DynamoDB one', async () => {
      await created([
        fixture.deployment({ deploymentId: 'd1', createTime: at(9) }),
        fixture.deployment({ deploymentId: 'd2', createTime: at(10) }),
        fixture.deployment({ deploymentId: 'd3', createTime: at(11) }),
      ]);
      const first = await store.listDeploymentsPage({ createdFrom: at(10) }, { limit: 1 });
      expect(first.nextToken).toBeDefined();
      const later = store.listDeploymentsPage({ createdFrom: at(11) }, { limit: 1, nextToken: first.nextToken });
      await expect(later).rejects.toThrow(ValidationError);
      await expect(later).rejects.toMatchObject({ problems: [{ field: 'nextToken' }] });
      const groups = store.listDeploymentGroups('shop', { nextToken: first.nextToken });
      await expect(groups).rejects.toMatchObject({ problems: [{ field: 'nextToken' }] });
    });
  });

  describe('targets', () => {
    it('pages by target id, whatever order they were put in, with no trailing empty page', async () => {
      const deployment = fixture.deployment();
      const id = deployment.deploymentId;
      const put = ['g', 'c', 'a', 'f', 'b', 'e', 'd'].map((targetId) => fixture.target(id, targetId));
      await store.putTargets(put);
      await store.putBatch(fixture.batch(id));
      await store.putTargets([fixture.target('other', 'a')]);

      const targetIds = (pages: DeploymentTarget[][]): string[][] => pages.map((page) => page.map((t) => t.targetId));
      const pages = await pagesOf((page) => store.listTargetsPage(id, page), 3);
      expect(targetIds(pages)).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
      expect(pages[0]?.[0]).toEqual(fixture.target(id, 'a'));

      const exact = await pagesOf((page) => store.listTargetsPage(id, page), 7);
      expect(targetIds(exact)).toEqual([['a', 'b', 'c', 'd', 'e', 'f', 'g']]);
      await expect(store.listTargetsPage('none')).resolves.toEqual({ items: [] });
    });
  });
});
