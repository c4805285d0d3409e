// The DynamoDB Store's per-group items against real table semantics, on dynalite and DynamoDB Local (see
// dynamodb-store-backends.ts): applications and deployment groups, their settings and outcomes, the group lock, host
// records.
import type { DynamoDbStore } from '../../functions/aws/dynamodb-store';
import { ConflictError, DeploymentGroupBusyError, NotFoundError } from '../../functions/core/errors';
import type { DeploymentStatus, DeploymentSummary, RevisionLocation } from '../../functions/core/types';
import { describeStoreOnBackends } from './dynamodb-store-backends';
import * as fixture from './dynamodb-store-fixtures';

const summary = (deploymentId: string, status: DeploymentStatus): DeploymentSummary => ({
  deploymentId,
  status,
  createTime: '2026-11-26T08:00:00.000Z',
  endTime: '2026-11-26T08:10:00.000Z',
});

const revision = (key: string): RevisionLocation => ({
  revisionType: 'S3',
  s3Location: { bucket: 'bundles', key, bundleType: 'tgz' },
});

describeStoreOnBackends('DynamoDbStore groups', (subject) => {
  let store: DynamoDbStore;
  beforeEach(() => {
    store = subject.store;
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

  describe('group settings', () => {
    const tagFilters = [{ Key: 'role', Value: 'web', Type: 'KEY_AND_VALUE' as const }];

    it('sets the settings given and removes the absent ones, keeping the outcome a deployment recorded meanwhile', async () => {
      const group = fixture.deploymentGroup({
        serviceRoleArn: 'arn:aws:iam::123456789012:role/old',
        triggerConfigurations: [{ triggerName: 'ops', triggerTargetArn: 'arn:aws:sns:eu-west-1:1:t', triggerEvents: ['DeploymentFailure'] }],
        lastAttemptedDeployment: summary('d-0', 'Succeeded'),
        targetRevision: revision('shop/v1.tgz'),
      });
      await store.createDeploymentGroup(group);
      // The request read the group; then a deployment finished and recorded its outcome.
      const read = await store.getDeploymentGroup('shop', 'prod');
      const outcome = { lastAttemptedDeployment: summary('d-1', 'Succeeded'), lastSuccessfulDeployment: summary('d-1', 'Succeeded'), targetRevision: revision('shop/v2.tgz') };
      await store.recordGroupOutcome('shop', 'prod', outcome);

      const { triggerConfigurations: _cleared, serviceRoleArn: _alsoCleared, ...kept } = read!;
      const settings = { ...kept, deploymentConfigName: 'CodeDeployDefault.AllAtOnce', instanceNames: undefined, ec2TagFilters: tagFilters };
      await store.updateDeploymentGroupSettings('shop', 'prod', group.deploymentGroupId, settings);

      await expect(store.getDeploymentGroup('shop', 'prod')).resolves.toEqual({
        applicationName: 'shop',
        deploymentGroupName: 'prod',
        deploymentGroupId: group.deploymentGroupId,
        computePlatform: 'Server',
        deploymentConfigName: 'CodeDeployDefault.AllAtOnce',
        autoRollbackConfiguration: group.autoRollbackConfiguration,
        ec2TagFilters: tagFilters,
        ...outcome,
      });
    });

    it('refuses a group deleted meanwhile with ConflictError and does not re-create it', async () => {
      const group = fixture.deploymentGroup();
      await store.createDeploymentGroup(group);
      await store.deleteDeploymentGroup('shop', 'prod');

      const attempt = store.updateDeploymentGroupSettings('shop', 'prod', group.deploymentGroupId, { ...group, instanceNames: ['web-3'] });
      await expect(attempt).rejects.toThrow(ConflictError);
      await expect(attempt).rejects.toThrow(`Deployment group 'prod' of application 'shop' is no longer the group ${group.deploymentGroupId}: it was deleted or renamed meanwhile`);
      await expect(subject.rawItem('APP#shop', 'DG#prod')).resolves.toBeUndefined();
    });

    it('refuses a name that another group (another id) holds now, leaving that group as it is', async () => {
      const renamedAway = fixture.deploymentGroup();
      await store.createDeploymentGroup(renamedAway);
      await store.deleteDeploymentGroup('shop', 'prod');
      const successor = fixture.deploymentGroup({ instanceNames: ['db-1'] });
      await store.createDeploymentGroup(successor);

      const attempt = store.updateDeploymentGroupSettings('shop', 'prod', renamedAway.deploymentGroupId, { ...renamedAway, instanceNames: ['web-3'] });
      await expect(attempt).rejects.toThrow(ConflictError);
      await expect(store.getDeploymentGroup('shop', 'prod')).resolves.toEqual(successor);
    });
  });

  describe('group outcome', () => {
    it('sets only the outcome fields, so settings changed while the deployment ran survive', async () => {
      const previous = summary('d-0', 'Succeeded');
      const group = fixture.deploymentGroup({
        lastAttemptedDeployment: previous,
        lastSuccessfulDeployment: previous,
        targetRevision: revision('shop/v1.tgz'),
      });
      await store.putDeploymentGroup(group);
      // Someone edits the group after the deployment read it: the deployment's copy of the group is now stale.
      const edited = { ...group, instanceNames: ['web-3'], deploymentConfigName: 'CodeDeployDefault.AllAtOnce' };
      await store.putDeploymentGroup(edited);

      const failed = summary('d-1', 'Failed');
      await store.recordGroupOutcome('shop', 'prod', { lastAttemptedDeployment: failed });
      // A failure leaves the last successful deployment and its revision in place.
      await expect(store.getDeploymentGroup('shop', 'prod')).resolves.toEqual({
        ...edited,
        lastAttemptedDeployment: failed,
      });

      const succeeded = summary('d-2', 'Succeeded');
      const outcome = {
        lastAttemptedDeployment: succeeded,
        lastSuccessfulDeployment: succeeded,
        targetRevision: revision('shop/v2.tgz'),
      };
      await store.recordGroupOutcome('shop', 'prod', outcome);
      await expect(store.getDeploymentGroup('shop', 'prod')).resolves.toEqual({ ...edited, ...outcome });
    });

    it('reports a missing group as NotFoundError and creates nothing', async () => {
      const failed = { lastAttemptedDeployment: summary('d-1', 'Failed') };
      const attempt = store.recordGroupOutcome('shop', 'missing', failed);
      await expect(attempt).rejects.toThrow(NotFoundError);
      await expect(attempt).rejects.toMatchObject({ resource: 'Deployment group', id: 'shop/missing' });
      await expect(subject.rawItem('APP#shop', 'DG#missing')).resolves.toBeUndefined();
    });
  });

  describe('group lock', () => {
    it('keeps the executionArn of a lock its holder takes again', async () => {
      await store.acquireGroupLock(fixture.lock('dg-1', 'd-1'), 'prod');
      await store.setGroupLockExecution('dg-1', 'd-1', 'arn:running');
      await store.acquireGroupLock({ ...fixture.lock('dg-1', 'd-1'), acquiredAt: '2026-11-26T09:00:00.000Z' }, 'prod');
      await expect(store.getGroupLock('dg-1')).resolves.toEqual({ ...fixture.lock('dg-1', 'd-1'), executionArn: 'arn:running' });
    });

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

    it('frees the lock on a named execution only while the lock still names it', async () => {
      const taken = { deploymentGroupId: 'dg-1', deploymentId: 'd-1', acquiredAt: '2026-11-26T08:00:00.000Z' };
      await store.acquireGroupLock(taken, 'web');
      await expect(store.releaseGroupLock('dg-1', 'd-1', 'arn:old')).resolves.toBe(false);
      await store.setGroupLockExecution('dg-1', 'd-1', 'arn:new');
      await expect(store.releaseGroupLock('dg-1', 'd-1', null)).resolves.toBe(false);
      await expect(store.releaseGroupLock('dg-1', 'd-1', 'arn:old')).resolves.toBe(false);
      await expect(store.getGroupLock('dg-1')).resolves.toMatchObject({ deploymentId: 'd-1', executionArn: 'arn:new' });
      await expect(store.releaseGroupLock('dg-1', 'd-1', 'arn:new')).resolves.toBe(true);
      await expect(store.getGroupLock('dg-1')).resolves.toBeUndefined();

      await store.acquireGroupLock(taken, 'web');
      await expect(store.releaseGroupLock('dg-1', 'd-1', null)).resolves.toBe(true);
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
