// CreateDeployment: every refusal and failure leaves neither a deployment nor a lock behind.
import {
  DeploymentGroupBusyError,
  InvalidRevisionError,
  NotFoundError,
  RevisionMissingError,
  ValidationError,
} from '../../functions/core/errors';
import type { RevisionLocation, S3Revision } from '../../functions/core/types';
import type { RevisionSource, StepDependencies } from '../../functions/ports';
import { createDeployment, type CreateDeploymentRequest } from '../../functions/steps/create-deployment';
import { LOCK_START_GRACE_MS } from '../../functions/steps/lock-recovery';
import { type Harness, openHarness } from '../support/local-runtime-harness';
import { localServerRequest } from '../support/local-server-request';

describe('createDeployment', () => {
  let h: Harness;
  let base: CreateDeploymentRequest;

  beforeEach(async () => {
    h = await openHarness();
    base = await localServerRequest(h);
  });
  afterEach(async () => {
    await h.runtime.close();
  });

  async function groupId(): Promise<string> {
    return (await h.runtime.store.getDeploymentGroup('app', 'group'))!.deploymentGroupId;
  }

  it.each([
    ['an unknown group', { deploymentGroupName: 'nope' }, NotFoundError, /Deployment group 'app\/nope' does not exist/],
    ['an unknown config', { deploymentConfigName: 'Nope' }, NotFoundError, /Deployment config 'Nope' does not exist/],
    ['a bad file exists behavior', { fileExistsBehavior: 'SOMETIMES' }, ValidationError, /fileExistsBehavior/],
    ['a description over 256 characters', { description: 'x'.repeat(257) }, ValidationError, /description/],
    [
      'a predefined Lambda config',
      { deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce' },
      ValidationError,
      /^deploymentConfigName: names a deployment config for Lambda; Server deployments need a Server config/,
    ],
    [
      'a custom ECS config',
      { deploymentConfigName: 'EcsLinear' },
      ValidationError,
      /^deploymentConfigName: names a deployment config for ECS; Server deployments need a Server config .*\(got "EcsLinear"\)$/,
    ],
  ])('refuses %s without writing anything', async (_case, change, type, message) => {
    await h.runtime.store.createDeploymentConfig({
      deploymentConfigName: 'EcsLinear',
      computePlatform: 'ECS',
      trafficRoutingConfig: { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 20, linearInterval: 5 } },
    });
    const attempt = createDeployment(h.runtime.deps, { ...base, ...change } as CreateDeploymentRequest);
    await expect(attempt).rejects.toBeInstanceOf(type);
    await expect(attempt).rejects.toThrow(message);
    expect(await h.runtime.store.listDeployments()).toEqual([]);
    expect(await h.runtime.store.getGroupLock(await groupId())).toBeUndefined();
  });

  it('refuses a group with load balancers where no load balancer adapter is installed', async () => {
    const group = (await h.runtime.store.getDeploymentGroup('app', 'group'))!;
    await h.runtime.store.putDeploymentGroup({ ...group, loadBalancerInfo: { targetGroupInfoList: [{ name: 'web-tg' }] } });
    const deps: StepDependencies = { ...h.runtime.deps, traffic: undefined };
    await expect(createDeployment(deps, base)).rejects.toThrow(/loadBalancerInfo: .*no load balancer adapter/);
    expect(await h.runtime.store.listDeployments()).toEqual([]);
  });

  describe('checks the revision', () => {
    const requested: S3Revision = {
      revisionType: 'S3',
      s3Location: { bucket: 'my-bundles', key: 'app/v2.zip', bundleType: 'zip' },
    };
    const pinned: S3Revision = {
      revisionType: 'S3',
      s3Location: { ...requested.s3Location, version: 'v-42', eTag: '0a1b2c', sha256: 'ab'.repeat(32) },
    };

    /** Deps whose revision check answers with `check`, recording what it was asked. */
    function withCheck(asked: RevisionLocation[], check: () => Promise<RevisionLocation>): StepDependencies {
      const revisions: RevisionSource = {
        check: async (revision) => (asked.push(revision), check()),
        bundleFetch: h.runtime.deps.revisions.bundleFetch.bind(h.runtime.deps.revisions),
      };
      return { ...withStarter([], async () => true), revisions };
    }

    it('and records the pinned revision, not the requested one', async () => {
      const asked: RevisionLocation[] = [];
      const deployment = await createDeployment(withCheck(asked, async () => pinned), { ...base, revision: requested });

      expect(asked).toEqual([requested]);
      expect(deployment.revision).toEqual(pinned);
      expect((await h.runtime.store.getDeployment(deployment.deploymentId))?.revision).toEqual(pinned);
    });

    it.each([
      ['missing', new RevisionMissingError('The revision s3://my-bundles/app/v2.zip does not exist in S3')],
      ['not what the request says', new InvalidRevisionError('The revision s3://my-bundles/app/v2.zip does not have the expected ETag')],
    ])('and refuses a revision that is %s, leaving no deployment and no lock', async (_case, refusal) => {
      const attempt = createDeployment(withCheck([], async () => Promise.reject(refusal)), { ...base, revision: requested });

      await expect(attempt).rejects.toBe(refusal);
      expect(await h.runtime.store.listDeployments()).toEqual([]);
      expect(await h.runtime.store.getGroupLock(await groupId())).toBeUndefined();
    });

    it('before the lock: a missing revision is reported even while another deployment holds the group', async () => {
      const holder = await createDeployment(withStarter([], async () => true), base);
      const missing = new RevisionMissingError('The revision s3://my-bundles/app/v2.zip does not exist in S3');

      await expect(createDeployment(withCheck([], async () => Promise.reject(missing)), base)).rejects.toBe(missing);
      expect((await h.runtime.store.getGroupLock(await groupId()))?.deploymentId).toBe(holder.deploymentId);
    });

    it.each([
      ['an unknown group', { deploymentGroupName: 'nope' }],
      ['an unknown config', { deploymentConfigName: 'Nope' }],
    ])('only after the request itself passed: not for %s', async (_case, change) => {
      const asked: RevisionLocation[] = [];
      await expect(createDeployment(withCheck(asked, async () => pinned), { ...base, ...change })).rejects.toBeInstanceOf(NotFoundError);
      expect(asked).toEqual([]);
    });
  });

  it('marks the deployment Failed and frees the lock when the execution cannot start', async () => {
    const deps: StepDependencies = {
      ...h.runtime.deps,
      executions: {
        start: async () => {
          throw new Error('StartExecution throttled');
        },
        isRunning: async () => false,
      },
    };
    await expect(createDeployment(deps, base)).rejects.toThrow('StartExecution throttled');
    const [deployment] = await h.runtime.store.listDeployments();
    expect(deployment).toMatchObject({ status: 'Failed', errorInformation: { code: 'INTERNAL_ERROR' } });
    expect(deployment.errorInformation?.message).toContain('StartExecution throttled');
    expect(await h.runtime.store.getGroupLock(await groupId())).toBeUndefined();
  });

  it('refuses a second deployment while the first holds the lock, naming it, and writes no record for it', async () => {
    const started: string[] = [];
    const deps = withStarter(started, async () => true);
    const first = await createDeployment(deps, base);
    const second = createDeployment(deps, base);
    await expect(second).rejects.toBeInstanceOf(DeploymentGroupBusyError);
    await expect(second).rejects.toThrow(`The Deployment Group 'group' already has an active Deployment '${first.deploymentId}'`);
    expect((await h.runtime.store.listDeployments()).map((d) => d.deploymentId)).toEqual([first.deploymentId]);
    expect(started).toEqual([first.deploymentId]);
  });

  it('records the started execution on the lock at once, so recovery judges that execution', async () => {
    const deps = withStarter([], async () => true);
    const deployment = await createDeployment(deps, base);
    expect(await h.runtime.store.getGroupLock(await groupId())).toMatchObject({
      deploymentId: deployment.deploymentId,
      executionArn: `arn:${deployment.deploymentId}`,
    });
  });

  describe('with a lock left behind by a dead deployment', () => {
    it('leaves a finished holder alone while its execution still runs (its finish step is retrying)', async () => {
      const started: string[] = [];
      const holder = await createDeployment(withStarter(started, async () => true), base);
      await h.runtime.store.updateDeployment(holder.deploymentId, { status: 'Failed' });
      await expect(createDeployment(withStarter(started, async () => true), base)).rejects.toBeInstanceOf(DeploymentGroupBusyError);
      expect((await h.runtime.store.getGroupLock(await groupId()))?.deploymentId).toBe(holder.deploymentId);
    });

    it('does not free a lock that moved on to a new execution while the old one was checked', async () => {
      const started: string[] = [];
      const holder = await createDeployment(withStarter(started, async () => true), base);
      const gid = await groupId();
      // The check finds the recorded execution dead, but by then the deployment handed over to a new one.
      const isRunning = async (): Promise<boolean> => {
        await h.runtime.store.setGroupLockExecution(gid, holder.deploymentId, `arn:${holder.deploymentId}-from-201`);
        return false;
      };
      await expect(createDeployment(withStarter(started, isRunning), base)).rejects.toBeInstanceOf(DeploymentGroupBusyError);
      expect((await h.runtime.store.getDeployment(holder.deploymentId))?.status).toBe('Created');
      expect((await h.runtime.store.getGroupLock(gid))?.executionArn).toBe(`arn:${holder.deploymentId}-from-201`);
    });

    it('fails the abandoned deployment, frees the group and goes ahead when its execution no longer runs', async () => {
      const started: string[] = [];
      const abandoned = await createDeployment(withStarter(started, async () => true), base);
      await h.runtime.store.setGroupLockExecution(await groupId(), abandoned.deploymentId, 'arn:aws:states:local:0:execution:x:gone');

      const next = await createDeployment(withStarter(started, async (arn) => arn !== 'arn:aws:states:local:0:execution:x:gone'), base);

      expect(started).toEqual([abandoned.deploymentId, next.deploymentId]);
      const failed = await h.runtime.store.getDeployment(abandoned.deploymentId);
      expect(failed).toMatchObject({ status: 'Failed', errorInformation: { code: 'INTERNAL_ERROR' } });
      expect(failed?.errorInformation?.message).toMatch(/abandoned: its execution .*gone is no longer running/);
      expect((await h.runtime.store.getGroupLock(await groupId()))?.deploymentId).toBe(next.deploymentId);
    });

    it('keeps refusing while a holder without an execution is within its start grace, and recovers after it', async () => {
      const started: string[] = [];
      const first = await createDeployment(withStarter(started, async () => true), base);
      // As if its creator died between taking the lock and starting the execution: no execution on the lock.
      const gid = await groupId();
      await h.runtime.store.releaseGroupLock(gid, first.deploymentId);
      await h.runtime.store.acquireGroupLock({ deploymentGroupId: gid, deploymentId: first.deploymentId, acquiredAt: new Date().toISOString() }, 'group');
      await expect(createDeployment(withStarter(started, async () => false), base)).rejects.toBeInstanceOf(DeploymentGroupBusyError);

      const later = new Date(Date.now() + LOCK_START_GRACE_MS + 1000);
      const next = await createDeployment({ ...withStarter(started, async () => false), clock: () => later }, base);
      expect(next.deploymentId).not.toBe(first.deploymentId);
      expect((await h.runtime.store.getDeployment(first.deploymentId))?.errorInformation?.message).toMatch(/its execution never started/);
    });
  });

  /** Deps whose executions are recorded but never run, with a chosen answer to isRunning. */
  function withStarter(started: string[], isRunning: (arn: string) => Promise<boolean>): StepDependencies {
    return {
      ...h.runtime.deps,
      executions: { start: async ({ deploymentId: id }) => (started.push(id), { executionArn: `arn:${id}` }), isRunning },
    };
  }
});
