// The DynamoDB Store's application partition against real table semantics, on dynalite and DynamoDB Local (see
// dynamodb-store-backends.ts): listing and deleting applications, groups and configs, registered revisions, client
// tokens (claims, takeovers), and deleting an application with everything under it.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { clientTokenKey } from '../../functions/aws/dynamodb-items';
import type { DynamoDbStore } from '../../functions/aws/dynamodb-store';
import { ConflictError } from '../../functions/core/errors';
import type { DeploymentConfig, RevisionLocation } from '../../functions/core/types';
import type { TrafficDeploymentConfig } from '../../functions/core/traffic-configs';
import type { RevisionRecord } from '../../functions/ports';
import { describeStoreOnBackends } from './dynamodb-store-backends';
import * as fixture from './dynamodb-store-fixtures';
import { pagesOf } from './dynamodb-store-pages';

const s3 = (key: string, version?: string): RevisionLocation => ({
  revisionType: 'S3',
  s3Location: { bucket: 'bundles', key, bundleType: 'tgz', ...(version !== undefined && { version }) },
});

const config = (deploymentConfigName: string): DeploymentConfig => ({
  deploymentConfigName,
  computePlatform: 'Server',
  minimumHealthyHosts: { type: 'HOST_COUNT', value: 1 },
});

/** Claim times: a request's, and a retry's a while later. */
const T0 = new Date('2026-11-26T08:00:00.000Z');
const T1 = new Date('2026-11-26T08:05:00.000Z');

const at = (minute: number): string => `2026-11-26T08:${String(minute).padStart(2, '0')}:00.000Z`;

describeStoreOnBackends('DynamoDbStore applications', (subject) => {
  let store: DynamoDbStore;
  beforeEach(() => {
    store = subject.store;
  });

  const names = <T>(pages: T[][], name: (item: T) => string): string[][] => pages.map((page) => page.map(name));

  describe('applications', () => {
    it('lists applications by name a page at a time', async () => {
      for (const name of ['web', 'api', 'shop', 'blog', 'admin']) {
        await store.createApplication(fixture.application({ applicationName: name }));
      }
      const pages = await pagesOf((page) => store.listApplications(page), 2);
      expect(names(pages, (app) => app.applicationName)).toEqual([['admin', 'api'], ['blog', 'shop'], ['web']]);
      expect(pages[0]?.[0]).not.toHaveProperty('gsi1pk');
      await expect(subject.rawItem('APP#web', 'APP')).resolves.toMatchObject({ gsi1pk: 'APPLICATIONS', gsi1sk: 'web' });
      const all = await store.listApplications();
      expect(all.items).toHaveLength(5);
      expect(all.nextToken).toBeUndefined();
    });

    it('deletes an application with its groups, revisions and tokens, and keeps its deployments', async () => {
      const app = fixture.application({ applicationName: 'shop' });
      await store.createApplication(app);
      await store.createApplication(fixture.application({ applicationName: 'blog' }));
      // More than one BatchWrite's worth of items under the application.
      for (let i = 0; i < 4; i += 1) {
        await store.createDeploymentGroup(fixture.deploymentGroup({ deploymentGroupName: `g${i}` }));
      }
      for (let i = 0; i < 30; i += 1) {
        await store.registerRevision({ applicationName: 'shop', revision: s3(`shop/v${i}.tgz`), registerTime: at(i) });
      }
      await store.claimClientToken('shop', 'token-1', 'd-old', T0);
      const blogGroup = fixture.deploymentGroup({ applicationName: 'blog' });
      await store.createDeploymentGroup(blogGroup);
      await store.registerRevision({ applicationName: 'blog', revision: s3('blog/v1.tgz'), registerTime: at(0) });
      const deployment = fixture.deployment({ applicationName: 'shop' });
      await store.createDeployment(deployment);

      await expect(store.deleteApplication('shop')).resolves.toBe(true);

      await expect(store.getApplication('shop')).resolves.toBeUndefined();
      expect((await store.listApplications()).items.map((a) => a.applicationName)).toEqual(['blog']);
      await expect(store.listDeploymentGroups('shop')).resolves.toEqual({ items: [] });
      await expect(store.listRevisions('shop')).resolves.toEqual({ items: [] });
      await expect(store.getDeploymentGroup('shop', 'g0')).resolves.toBeUndefined();
      // The token went with the application: a new application of that name starts with none.
      await expect(store.claimClientToken('shop', 'token-1', 'd-new', T0)).resolves.toMatchObject({ owner: 'd-new' });
      await expect(store.getDeployment(deployment.deploymentId)).resolves.toEqual(deployment);
      await expect(store.listDeploymentGroups('blog')).resolves.toEqual({ items: [blogGroup] });
      expect((await store.listRevisions('blog')).items).toHaveLength(1);

      await expect(store.deleteApplication('shop')).resolves.toBe(false);
      await expect(store.deleteApplication('missing')).resolves.toBe(false);
    });
  });

  describe('deployment groups', () => {
    it('creates a group once, lists the application’s groups by name, and deletes one', async () => {
      await store.createApplication(fixture.application({ applicationName: 'shop' }));
      for (const name of ['staging', 'prod', 'canary']) {
        await store.createDeploymentGroup(fixture.deploymentGroup({ deploymentGroupName: name }));
      }
      // Revisions and tokens share the partition; they must not show up as groups.
      await store.registerRevision({ applicationName: 'shop', revision: s3('shop/v1.tgz'), registerTime: at(0) });
      await store.claimClientToken('shop', 'token-1', 'd-1', T0);
      await store.createDeploymentGroup(fixture.deploymentGroup({ applicationName: 'blog', deploymentGroupName: 'blue' }));

      const prod = store.createDeploymentGroup(fixture.deploymentGroup({ deploymentGroupName: 'prod', instanceNames: [] }));
      await expect(prod).rejects.toThrow(ConflictError);
      await expect(store.getDeploymentGroup('shop', 'prod')).resolves.toMatchObject({ instanceNames: ['web-1', 'web-2'] });

      const pages = await pagesOf((page) => store.listDeploymentGroups('shop', page), 2);
      expect(names(pages, (group) => group.deploymentGroupName)).toEqual([['canary', 'prod'], ['staging']]);

      await expect(store.deleteDeploymentGroup('shop', 'prod')).resolves.toBe(true);
      await expect(store.deleteDeploymentGroup('shop', 'prod')).resolves.toBe(false);
      const left = await store.listDeploymentGroups('shop');
      expect(left.items.map((group) => group.deploymentGroupName)).toEqual(['canary', 'staging']);
      await expect(store.getApplication('shop')).resolves.toBeDefined();
    });
  });

  describe('deployment configs', () => {
    it('lists custom configs by name a page at a time, and deletes one', async () => {
      for (const name of ['Custom.C', 'Custom.A', 'Custom.B']) await store.createDeploymentConfig(config(name));
      await expect(subject.rawItem('CONFIG#Custom.A', 'CONFIG')).resolves.toMatchObject({
        gsi1pk: 'CONFIGS',
        gsi1sk: 'Custom.A',
      });
      const pages = await pagesOf((page) => store.listDeploymentConfigs(page), 2);
      expect(pages).toEqual([[config('Custom.A'), config('Custom.B')], [config('Custom.C')]]);

      await expect(store.deleteDeploymentConfig('Custom.B')).resolves.toBe(true);
      await expect(store.deleteDeploymentConfig('Custom.B')).resolves.toBe(false);
      await expect(store.getDeploymentConfig('Custom.B')).resolves.toBeUndefined();
      const left = await store.listDeploymentConfigs();
      expect(left.items.map((c) => c.deploymentConfigName)).toEqual(['Custom.A', 'Custom.C']);
      // The name is free again.
      await store.createDeploymentConfig(config('Custom.B'));
    });

    it('keeps Lambda and ECS configs as given, next to Server ones', async () => {
      const lambda: TrafficDeploymentConfig = {
        deploymentConfigId: '0b6c3a52-3f43-4a8e-9d43-51c0a1c1d0a1',
        createTime: at(1),
        deploymentConfigName: 'Custom.LambdaCanary',
        computePlatform: 'Lambda',
        trafficRoutingConfig: { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 15, canaryInterval: 7 } },
      };
      const ecs: TrafficDeploymentConfig = {
        deploymentConfigName: 'Custom.EcsLinear',
        computePlatform: 'ECS',
        trafficRoutingConfig: { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 20, linearInterval: 5 } },
      };
      const allAtOnce: TrafficDeploymentConfig = {
        deploymentConfigName: 'Custom.LambdaAll',
        computePlatform: 'Lambda',
        trafficRoutingConfig: { type: 'AllAtOnce' },
      };
      for (const item of [lambda, ecs, allAtOnce, config('Custom.Server')]) await store.createDeploymentConfig(item);

      await expect(store.getDeploymentConfig('Custom.LambdaCanary')).resolves.toStrictEqual(lambda);
      await expect(store.getDeploymentConfig('Custom.EcsLinear')).resolves.toStrictEqual(ecs);
      await expect(store.getDeploymentConfig('Custom.LambdaAll')).resolves.toStrictEqual(allAtOnce);
      const listed = await store.listDeploymentConfigs();
      expect(listed.items).toStrictEqual([ecs, allAtOnce, lambda, config('Custom.Server')]);
      await expect(store.createDeploymentConfig({ ...ecs, computePlatform: 'Lambda' })).rejects.toThrow(ConflictError);
    });
  });

  describe('revisions', () => {
    it('lists newest registration first; registering a location again moves it up and replaces it', async () => {
      const record = (key: string, minute: number, description?: string): RevisionRecord => ({
        applicationName: 'shop',
        revision: s3(key),
        registerTime: at(minute),
        ...(description !== undefined && { description }),
      });
      await store.registerRevision(record('shop/v1.tgz', 1, 'first'));
      await store.registerRevision(record('shop/v2.tgz', 2));
      await store.registerRevision(record('shop/v3.tgz', 3));
      await store.registerRevision({ ...record('shop/v3.tgz', 4), revision: s3('shop/v3.tgz', 'version-2') });
      await store.registerRevision({ ...record('blog/v1.tgz', 9), applicationName: 'blog' });

      const keys = (records: RevisionRecord[]): string[] =>
        records.map((r) => (r.revision.revisionType === 'S3' ? `${r.revision.s3Location.key}@${r.revision.s3Location.version ?? ''}` : ''));
      const pages = await pagesOf((page) => store.listRevisions('shop', page), 3);
      expect(pages.map(keys)).toEqual([['shop/v3.tgz@version-2', 'shop/v3.tgz@', 'shop/v2.tgz@'], ['shop/v1.tgz@']]);
      expect(pages[1]).toEqual([record('shop/v1.tgz', 1, 'first')]);

      await store.registerRevision(record('shop/v1.tgz', 5, 'again'));
      const listed = await store.listRevisions('shop');
      expect(listed.items).toHaveLength(4);
      expect(listed.items[0]).toEqual(record('shop/v1.tgz', 5, 'again'));
    });
  });

  describe('client tokens', () => {
    const claimed = (owner: string, when = T0) => ({ owner, claimedAt: when.toISOString() });
    const owner = async (clientToken: string, deploymentId: string, app = 'shop') =>
      (await store.claimClientToken(app, clientToken, deploymentId, T1)).owner;

    it('binds a token once, per application, and frees it only for its deployment', async () => {
      await expect(store.claimClientToken('shop', 'token-1', 'd-1', T0)).resolves.toEqual(claimed('d-1'));
      await expect(store.claimClientToken('shop', 'token-1', 'd-2', T1)).resolves.toEqual(claimed('d-1'));
      await expect(store.claimClientToken('shop', 'token-1', 'd-1', T1)).resolves.toEqual(claimed('d-1'));
      await expect(store.claimClientToken('blog', 'token-1', 'd-3', T1)).resolves.toEqual(claimed('d-3', T1));

      await store.releaseClientToken('shop', 'token-1', 'd-2');
      await expect(owner('token-1', 'd-4')).resolves.toBe('d-1');
      await store.releaseClientToken('shop', 'token-1', 'd-1');
      await expect(owner('token-1', 'd-4')).resolves.toBe('d-4');
      await store.releaseClientToken('shop', 'never-claimed', 'd-4');
    });

    it('takes tokens longer than a sort key may be', async () => {
      const long = 'x'.repeat(5000);
      await expect(owner(long, 'd-1')).resolves.toBe('d-1');
      await expect(owner(long, 'd-2')).resolves.toBe('d-1');
      await expect(owner(`${long}y`, 'd-3')).resolves.toBe('d-3');
    });

    it('binds a token to exactly one of twenty concurrent claims, and tells every claimant which', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `d-${i}`);
      const owners = await Promise.all(ids.map((id) => owner('token-race', id)));
      const winner = owners[0] ?? '';
      expect(ids).toContain(winner);
      expect(new Set(owners)).toEqual(new Set([winner]));
    });

    it('takes a claim over only while it has the owner and claim time read, and then holds it', async () => {
      const abandoned = await store.claimClientToken('shop', 'token-1', 'd-dead', T0);

      await expect(store.takeOverClientToken('shop', 'token-1', abandoned, 'd-new', T1)).resolves.toBe(true);
      await expect(store.claimClientToken('shop', 'token-1', 'd-late', T1)).resolves.toEqual(claimed('d-new', T1));
      // A second retry that read the same abandoned claim lost: the token is not handed on again.
      await expect(store.takeOverClientToken('shop', 'token-1', abandoned, 'd-other', T1)).resolves.toBe(false);
      // A resent takeover whose first attempt landed is still ours.
      await expect(store.takeOverClientToken('shop', 'token-1', abandoned, 'd-new', T1)).resolves.toBe(true);
      await expect(owner('token-1', 'd-late')).resolves.toBe('d-new');
      // Same owner, another claim time: not the claim that was read.
      await expect(store.takeOverClientToken('shop', 'token-1', claimed('d-new', T0), 'd-other', T1)).resolves.toBe(false);

      // A released token is claimed afresh, not taken over.
      await store.releaseClientToken('shop', 'token-1', 'd-new');
      await expect(store.takeOverClientToken('shop', 'token-1', claimed('d-new', T1), 'd-other', T1)).resolves.toBe(false);
      await expect(subject.rawItem('APP#shop', clientTokenKey('shop', 'token-1').sk)).resolves.toBeUndefined();
    });

    it('lets exactly one of twenty concurrent retries take an abandoned claim over', async () => {
      const abandoned = await store.claimClientToken('shop', 'token-race', 'd-dead', T0);
      const ids = Array.from({ length: 20 }, (_, i) => `d-${i}`);
      const results = await Promise.all(ids.map((id) => store.takeOverClientToken('shop', 'token-race', abandoned, id, T1)));
      const winners = ids.filter((_, i) => results[i]);
      expect(winners).toHaveLength(1);
      await expect(owner('token-race', 'd-late')).resolves.toBe(winners[0]);
    });

    it('reads a claim stored without a claim time as such, and takes it over only while it has none', async () => {
      const { sk } = clientTokenKey('shop', 'token-old');
      const legacy = { pk: 'APP#shop', sk, applicationName: 'shop', clientToken: 'token-old', deploymentId: 'd-dead' };
      await subject.clients.documentClient.send(new PutCommand({ TableName: subject.tableName, Item: legacy }));

      const claim = await store.claimClientToken('shop', 'token-old', 'd-new', T1);
      expect(claim).toEqual({ owner: 'd-dead' });
      await expect(store.takeOverClientToken('shop', 'token-old', claim, 'd-new', T1)).resolves.toBe(true);
      await expect(subject.rawItem('APP#shop', sk)).resolves.toEqual({ ...legacy, deploymentId: 'd-new', claimedAt: T1.toISOString() });
      await expect(store.takeOverClientToken('shop', 'token-old', claim, 'd-other', T1)).resolves.toBe(false);
    });
  });
});
