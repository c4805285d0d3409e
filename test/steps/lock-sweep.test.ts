// The scheduled lock sweep: it recovers what is abandoned, and only that. Executions here are recorded but never run,
// each test choosing which of them count as running.
import type { StepDependencies } from '../../functions/ports';
import { createDeployment, createRollbackDeployment, type CreateDeploymentRequest } from '../../functions/steps/create-deployment';
import { serverDeployment } from '../../functions/steps/deployment-context';
import { releaseGroupAndStartNext } from '../../functions/steps/deployment-queue';
import { LOCK_START_GRACE_MS } from '../../functions/steps/lock-recovery';
import { sweepLocks } from '../../functions/steps/lock-sweep';
import { ensureLocalGroup } from '../../lib/local/local-groups';
import { type Harness, openHarness } from '../support/local-runtime-harness';
import { localServerRequest } from '../support/local-server-request';

const NOTHING = { recovered: [], requeued: [], finishFailures: [], errors: [] };

describe('sweepLocks', () => {
  let h: Harness;
  let base: CreateDeploymentRequest;
  /** Execution ARNs that count as running. */
  let live: Set<string>;

  beforeEach(async () => {
    h = await openHarness();
    live = new Set();
    base = await localServerRequest(h, ['group', 'other']);
  });
  afterEach(async () => {
    await h.runtime.close();
  });

  /** The runtime's steps with executions that are recorded (`arn:<id>`) but never run. */
  function deps(clock: () => Date = () => new Date()): StepDependencies {
    return {
      ...h.runtime.deps,
      clock,
      executions: { start: async ({ deploymentId }) => ({ executionArn: `arn:${deploymentId}` }), isRunning: async (arn) => live.has(arn) },
    };
  }

  async function groupId(name = 'group'): Promise<string> {
    return (await h.runtime.store.getDeploymentGroup('app', name))!.deploymentGroupId;
  }

  it('leaves a deployment whose execution runs alone, and its lock untouched', async () => {
    const running = await createDeployment(deps(), base);
    live.add(`arn:${running.deploymentId}`);
    const lock = await h.runtime.store.getGroupLock(await groupId());

    expect(await sweepLocks(deps())).toEqual({ groupsChecked: 2, ...NOTHING });

    expect(await h.runtime.store.getGroupLock(await groupId())).toEqual(lock);
    expect((await h.runtime.store.getDeployment(running.deploymentId))?.status).toBe('Created');
  });

  it('recovers a lock whose holder never started its execution, once the start grace has passed, and only once', async () => {
    const stuck = await createDeployment(deps(), base);
    // As if its creator died between taking the lock and starting the execution: no execution on the lock.
    const gid = await groupId();
    await h.runtime.store.releaseGroupLock(gid, stuck.deploymentId);
    await h.runtime.store.acquireGroupLock({ deploymentGroupId: gid, deploymentId: stuck.deploymentId, acquiredAt: new Date().toISOString() }, 'group');

    expect(await sweepLocks(deps())).toEqual({ groupsChecked: 2, ...NOTHING });
    expect((await h.runtime.store.getGroupLock(gid))?.deploymentId).toBe(stuck.deploymentId);

    const later = (): Date => new Date(Date.now() + LOCK_START_GRACE_MS + 1000);
    expect(await sweepLocks(deps(later))).toEqual({ groupsChecked: 2, ...NOTHING, recovered: [stuck.deploymentId] });
    const failed = await h.runtime.store.getDeployment(stuck.deploymentId);
    expect(failed).toMatchObject({ status: 'Failed', errorInformation: { code: 'INTERNAL_ERROR' } });
    expect(failed?.errorInformation?.message).toBe(
      "The deployment was abandoned: its execution never started within 5 minutes of taking the group's lock, so lock recovery finished it",
    );
    expect((await h.runtime.store.getDeploymentGroup('app', 'group'))?.lastAttemptedDeployment).toMatchObject({ deploymentId: stuck.deploymentId, status: 'Failed' });
    expect(await h.runtime.store.getGroupLock(gid)).toBeUndefined();

    // Run again: nothing left to recover, and the deployment stays as the first sweep left it.
    expect(await sweepLocks(deps(later))).toEqual({ groupsChecked: 2, ...NOTHING });
    expect(await h.runtime.store.getDeployment(stuck.deploymentId)).toEqual(failed);
  });

  it('recovers every group whose execution died, and leaves the live ones', async () => {
    const dead = await createDeployment(deps(), base);
    const running = await createDeployment(deps(), { ...base, deploymentGroupName: 'other' });
    live.add(`arn:${running.deploymentId}`);

    expect(await sweepLocks(deps())).toEqual({ groupsChecked: 2, ...NOTHING, recovered: [dead.deploymentId] });

    expect(await h.runtime.store.getDeployment(dead.deploymentId)).toMatchObject({
      status: 'Failed',
      errorInformation: { message: expect.stringMatching(/^The deployment was abandoned: its execution arn:d-\w+ is no longer running/) },
    });
    expect(await h.runtime.store.getGroupLock(await groupId())).toBeUndefined();
    expect((await h.runtime.store.getGroupLock(await groupId('other')))?.deploymentId).toBe(running.deploymentId);
  });

  it('finds the lock of a group deleted by hand through its deployment, and finishes that deployment', async () => {
    const dead = await createDeployment(deps(), base);
    const gid = await groupId();
    await h.runtime.store.deleteDeploymentGroup('app', 'group');

    expect(await sweepLocks(deps())).toEqual({ groupsChecked: 2, ...NOTHING, recovered: [dead.deploymentId] });

    expect((await h.runtime.store.getDeployment(dead.deploymentId))?.status).toBe('Failed');
    expect(await h.runtime.store.getGroupLock(gid)).toBeUndefined();
    expect(await sweepLocks(deps())).toEqual({ groupsChecked: 1, ...NOTHING });
  });

  it('starts a rollback the lock was handed to whose execution never ran', async () => {
    const good = await createDeployment(deps(), base);
    await h.runtime.store.updateDeployment(good.deploymentId, { status: 'Succeeded' });
    await h.runtime.store.recordGroupOutcome('app', 'group', {
      lastAttemptedDeployment: { deploymentId: good.deploymentId, status: 'Succeeded', createTime: good.createTime },
      lastSuccessfulDeployment: { deploymentId: good.deploymentId, status: 'Succeeded', createTime: good.createTime },
    });
    const gid = await groupId();
    await h.runtime.store.releaseGroupLock(gid, good.deploymentId);
    const failed = serverDeployment(await createDeployment(deps(), base));
    await h.runtime.store.updateDeployment(failed.deploymentId, { status: 'Failed' });
    // The finishing deployment handed its lock over, and died before the rollback's execution was recorded.
    const group = (await h.runtime.store.getDeploymentGroup('app', 'group'))!;
    const lostStart: StepDependencies = { ...deps(), store: Object.assign(Object.create(h.runtime.store), { setGroupLockExecution: async () => undefined }) };
    const rollback = await createRollbackDeployment(lostStart, group, failed, serverDeployment(good), 'd-R0LLBACK1');

    expect(await sweepLocks(h.runtime.deps)).toEqual({ groupsChecked: 2, ...NOTHING, recovered: [rollback.deploymentId] });

    expect((await h.runtime.waitForDeployment(rollback.deploymentId)).status).toBe('Succeeded');
    expect(await h.runtime.store.getGroupLock(gid)).toBeUndefined();
  });

  it('starts the first of a queue left waiting when the group was freed without starting it', async () => {
    const first = await createDeployment(deps(), base);
    live.add(`arn:${first.deploymentId}`);
    const waiting = await createDeployment(deps(), { ...base, concurrencyPolicy: 'queue' });
    expect(waiting.status).toBe('Queued');
    // The first one ended and freed the group, and its process died before it read the queue.
    const gid = await groupId();
    await h.runtime.store.updateDeployment(first.deploymentId, { status: 'Succeeded' });
    await h.runtime.store.releaseGroupLock(gid, first.deploymentId);

    expect(await sweepLocks(deps())).toEqual({ groupsChecked: 2, ...NOTHING });

    expect((await h.runtime.store.getDeployment(waiting.deploymentId))?.status).toBe('Created');
    expect(await h.runtime.store.getGroupLock(gid)).toMatchObject({ deploymentId: waiting.deploymentId, executionArn: `arn:${waiting.deploymentId}` });
  });

  it.each([
    ['before moving it out of Queued', 'Queued'],
    ['after moving it to Created, before starting it', 'Created'],
  ] as const)('starts, rather than fails, the first of a queue whose start died %s, once the start grace has passed', async (_case, status) => {
    const first = await createDeployment(deps(), base);
    live.add(`arn:${first.deploymentId}`);
    const waiting = await createDeployment(deps(), { ...base, concurrencyPolicy: 'queue' });
    const gid = await groupId();
    await h.runtime.store.updateDeployment(first.deploymentId, { status: 'Succeeded' });
    await h.runtime.store.releaseGroupLock(gid, first.deploymentId);
    // The queue took the lock for it, and died.
    await h.runtime.store.acquireGroupLock({ deploymentGroupId: gid, deploymentId: waiting.deploymentId, acquiredAt: new Date().toISOString() }, 'group');
    await h.runtime.store.updateDeployment(waiting.deploymentId, { status });

    expect(await sweepLocks(deps())).toEqual({ groupsChecked: 2, ...NOTHING });
    expect((await h.runtime.store.getDeployment(waiting.deploymentId))?.status).toBe(status);

    const later = (): Date => new Date(Date.now() + LOCK_START_GRACE_MS + 1000);
    expect(await sweepLocks(deps(later))).toEqual({ groupsChecked: 2, ...NOTHING, recovered: [waiting.deploymentId] });
    expect((await h.runtime.store.getDeployment(waiting.deploymentId))?.status).toBe('Created');
    expect(await h.runtime.store.getGroupLock(gid)).toMatchObject({ deploymentId: waiting.deploymentId, executionArn: `arn:${waiting.deploymentId}` });
  });

  it('starts, rather than fails, a Queued holder whose start died, though an entry written late now comes before it', async () => {
    const first = await createDeployment(deps(), base);
    live.add(`arn:${first.deploymentId}`);
    const gid = await groupId();
    // An arrival took place 1, and was slow to write its record and entry: the holder below arrived second.
    const { queuePosition } = await h.runtime.store.nextQueuePosition(gid);
    const holder = await createDeployment(deps(), { ...base, concurrencyPolicy: 'queue' });
    const late = { ...holder, deploymentId: 'd-LATEARRIV', queuePosition };
    await h.runtime.store.createDeployment(late);
    await h.runtime.store.enqueue({ deploymentGroupId: gid, deploymentId: late.deploymentId, queuePosition, queuedAt: late.createTime });
    // The first one ended, and the queue took the lock for its head then (place 2, the only entry written) and died.
    await h.runtime.store.updateDeployment(first.deploymentId, { status: 'Succeeded' });
    await h.runtime.store.releaseGroupLock(gid, first.deploymentId);
    await h.runtime.store.acquireGroupLock({ deploymentGroupId: gid, deploymentId: holder.deploymentId, acquiredAt: new Date().toISOString() }, 'group');

    const later = (): Date => new Date(Date.now() + LOCK_START_GRACE_MS + 1000);
    expect(await sweepLocks(deps(later))).toEqual({ groupsChecked: 2, ...NOTHING, recovered: [holder.deploymentId] });

    expect((await h.runtime.store.getDeployment(holder.deploymentId))?.status).toBe('Created');
    expect(await h.runtime.store.getGroupLock(gid)).toMatchObject({ deploymentId: holder.deploymentId, executionArn: `arn:${holder.deploymentId}` });
    expect((await h.runtime.store.getDeployment(late.deploymentId))?.status).toBe('Queued');
  });

  it('queues again, once the start grace has passed, a Queued deployment whose admission died before writing its queue entry', async () => {
    const first = await createDeployment(deps(), base);
    live.add(`arn:${first.deploymentId}`);
    const gid = await groupId();
    // Its place taken and its record written Queued, then the request died: no entry names it.
    const { queuePosition } = await h.runtime.store.nextQueuePosition(gid);
    const lost = { ...first, deploymentId: 'd-L0STENTRY', status: 'Queued' as const, concurrencyPolicy: 'queue' as const, queuePosition };
    await h.runtime.store.createDeployment(lost);

    expect(await sweepLocks(deps())).toEqual({ groupsChecked: 2, ...NOTHING });
    expect(await h.runtime.store.listQueue(gid)).toEqual([]);

    const later = (): Date => new Date(Date.now() + LOCK_START_GRACE_MS + 1000);
    expect(await sweepLocks(deps(later))).toEqual({ groupsChecked: 2, ...NOTHING, requeued: [lost.deploymentId] });
    expect(await h.runtime.store.listQueue(gid)).toMatchObject([{ deploymentId: lost.deploymentId, queuePosition }]);
    expect(await sweepLocks(deps(later))).toEqual({ groupsChecked: 2, ...NOTHING });

    // It starts when the group frees, as any queued deployment.
    const ended = await h.runtime.store.updateDeployment(first.deploymentId, { status: 'Succeeded' });
    await releaseGroupAndStartNext(deps(), ended);
    expect((await h.runtime.store.getDeployment(lost.deploymentId))?.status).toBe('Created');
    expect(await h.runtime.store.getGroupLock(gid)).toMatchObject({ deploymentId: lost.deploymentId, executionArn: `arn:${lost.deploymentId}` });
  });

  it('fails, never starting them, the deployments waiting in a group deleted by hand and made again under its name', async () => {
    const dead = await createDeployment(deps(), base);
    live.add(`arn:${dead.deploymentId}`);
    const waiting = await createDeployment(deps(), { ...base, concurrencyPolicy: 'queue' });
    live.delete(`arn:${dead.deploymentId}`);
    const oldId = await groupId();
    await h.runtime.store.deleteDeploymentGroup('app', 'group');
    await ensureLocalGroup(h.runtime.store, { applicationName: 'app', deploymentGroupName: 'group', defaultHosts: ['host-1'] }, new Date());
    const newId = await groupId();
    expect(newId).not.toBe(oldId);

    expect(await sweepLocks(deps())).toEqual({ groupsChecked: 3, ...NOTHING, recovered: [dead.deploymentId] });

    expect(await h.runtime.store.getDeployment(waiting.deploymentId)).toMatchObject({
      status: 'Failed',
      errorInformation: { code: 'DEPLOYMENT_GROUP_MISSING', message: expect.stringContaining('was deleted while the deployment waited in its queue') },
    });
    expect(await h.runtime.store.getGroupLock(oldId)).toBeUndefined();
    expect(await h.runtime.store.listQueue(oldId)).toEqual([]);
    expect(await h.runtime.store.getGroupLock(newId)).toBeUndefined();
  });

  it('looks each group of the active deployments up once, however many deployments it has', async () => {
    const first = await createDeployment(deps(), base);
    live.add(`arn:${first.deploymentId}`);
    for (let i = 0; i < 3; i += 1) await createDeployment(deps(), { ...base, concurrencyPolicy: 'queue' });
    const lookups: string[] = [];
    const store = Object.assign(Object.create(h.runtime.store), {
      getDeploymentGroup: async (applicationName: string, deploymentGroupName: string) => {
        lookups.push(deploymentGroupName);
        return h.runtime.store.getDeploymentGroup(applicationName, deploymentGroupName);
      },
    });

    expect(await sweepLocks({ ...deps(), store })).toEqual({ groupsChecked: 2, ...NOTHING });

    expect(lookups).toEqual(['group']);
  });

  it('reports a group it could not recover and goes on with the others', async () => {
    const first = await createDeployment(deps(), base);
    const second = await createDeployment(deps(), { ...base, deploymentGroupName: 'other' });
    const broken = await groupId();
    const store = Object.assign(Object.create(h.runtime.store), {
      getGroupLock: async (id: string) => {
        if (id === broken) throw new Error('connection reset');
        return h.runtime.store.getGroupLock(id);
      },
    });

    expect(await sweepLocks({ ...deps(), store })).toEqual({
      groupsChecked: 2,
      ...NOTHING,
      recovered: [second.deploymentId],
      errors: [{ applicationName: 'app', deploymentGroupName: 'group', error: 'Error: connection reset' }],
    });
    expect((await h.runtime.store.getDeployment(first.deploymentId))?.status).toBe('Created');
  });
});
