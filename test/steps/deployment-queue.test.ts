// Admission under queue and supersede, and startNextQueued, on the embedded store with executions that only take note
// of their start (so every deployment stays where the queue left it): what a start skips, two starts racing for one
// head, a release racing an arrival (no lost wake-up), a start that fails, and what supersede stops.
import { requestStop } from '../../functions/api/deployment-stop';
import { DeploymentGroupBusyError } from '../../functions/core/errors';
import type { ConcurrencyPolicy, Deployment, DeploymentGroup } from '../../functions/core/types';
import type { ExecutionStarter, StepDependencies, Store } from '../../functions/ports';
import { enqueueDeployment, releaseGroupAndStartNext, startNextQueued } from '../../functions/steps/deployment-queue';
import { createTrafficDeployment } from '../../functions/steps/traffic/create-traffic-deployment';
import { ensureLocalLambdaGroup } from '../../lib/local/local-groups';
import { lambdaAppSpec, type LambdaHarness, openLambdaHarness } from '../support/lambda-harness';

/** Starts nothing: records each start, refuses the deployments told to, and answers an ARN named after the deployment. */
class NotedExecutions implements ExecutionStarter {
  public readonly started: string[] = [];
  public readonly refused = new Set<string>();

  public async start(deployment: Pick<Deployment, 'deploymentId'>): Promise<{ executionArn: string }> {
    this.started.push(deployment.deploymentId);
    if (this.refused.has(deployment.deploymentId)) throw new Error(`StartExecution refused ${deployment.deploymentId}`);
    return { executionArn: arnOf(deployment.deploymentId) };
  }

  public async isRunning(): Promise<boolean> {
    return true;
  }
}

const arnOf = (deploymentId: string) => `arn:aws:states:local:000000000000:execution:noted:${deploymentId}`;

describe('deployment queue', () => {
  let h: LambdaHarness;
  let executions: NotedExecutions;
  let group: DeploymentGroup;

  beforeEach(async () => {
    executions = new NotedExecutions();
    h = await openLambdaHarness({ decorate: (deps) => ({ ...deps, executions }) });
    group = await ensureLocalLambdaGroup(h.runtime.store, { applicationName: 'app', deploymentGroupName: 'group' }, new Date());
  });
  afterEach(async () => {
    await h.runtime.close();
  });

  const store = (): Store => h.runtime.store;
  const deps = (): StepDependencies => h.runtime.deps;

  async function deploy(concurrencyPolicy?: ConcurrencyPolicy): Promise<string> {
    const created = await createTrafficDeployment(deps(), { applicationName: 'app', deploymentGroupName: 'group', appSpecContent: lambdaAppSpec(), concurrencyPolicy });
    return created.deploymentId;
  }

  async function statusOf(deploymentId: string): Promise<Deployment> {
    return (await store().getDeployment(deploymentId))!;
  }

  /** What the finish step does for a deployment that ends: its status, then the release and the next start. */
  async function finish(deploymentId: string): Promise<void> {
    const ended = await store().updateDeployment(deploymentId, { status: 'Succeeded', completeTime: new Date().toISOString() }, ['Created', 'InProgress']);
    await releaseGroupAndStartNext(deps(), ended);
  }

  /** A holder under reject, then queued deployments behind it. */
  async function holderAndQueue(count: number, policy: ConcurrencyPolicy = 'queue'): Promise<{ holder: string; queued: string[] }> {
    const holder = await deploy('reject');
    const queued: string[] = [];
    for (let i = 0; i < count; i += 1) queued.push(await deploy(policy));
    return { holder, queued };
  }

  async function expectStartedAndHolding(deploymentId: string): Promise<void> {
    expect(await statusOf(deploymentId)).toMatchObject({ status: 'Created' });
    expect(await store().getGroupLock(group.deploymentGroupId)).toMatchObject({ deploymentId, executionArn: arnOf(deploymentId) });
  }

  describe('admission', () => {
    it.each<[string, ConcurrencyPolicy | undefined, ConcurrencyPolicy | undefined]>([
      ['the group queues', 'queue', undefined],
      ['the group supersedes', 'supersede', undefined],
      ['the deployment asks to queue in a reject group', undefined, 'queue'],
    ])('starts at once when the group is free (%s), with its place in the arrival order', async (_case, groupPolicy, own) => {
      await store().putDeploymentGroup({ ...group, concurrencyPolicy: groupPolicy });
      const id = await deploy(own);

      await expectStartedAndHolding(id);
      expect(await statusOf(id)).toMatchObject({ queuePosition: 1, concurrencyPolicy: own ?? groupPolicy });
      expect(await store().listQueue(group.deploymentGroupId)).toEqual([]);
      expect(executions.started).toEqual([id]);
    });

    it('waits Queued behind a running deployment and starts when it ends, in arrival order', async () => {
      const { holder, queued } = await holderAndQueue(2);

      expect(await Promise.all(queued.map(statusOf))).toMatchObject([
        { status: 'Queued', queuePosition: 1, concurrencyPolicy: 'queue' },
        { status: 'Queued', queuePosition: 2, concurrencyPolicy: 'queue' },
      ]);
      expect((await store().listQueue(group.deploymentGroupId)).map((e) => e.deploymentId)).toEqual(queued);

      await finish(holder);
      await expectStartedAndHolding(queued[0]);
      expect((await statusOf(queued[1])).status).toBe('Queued');
      await finish(queued[0]);
      await expectStartedAndHolding(queued[1]);
      expect(executions.started).toEqual([holder, ...queued]);
    });

    it('refuses a deployment asking for reject in a queue group while the group is busy', async () => {
      await store().putDeploymentGroup({ ...group, concurrencyPolicy: 'queue' });
      const first = await deploy();
      await expect(deploy('reject')).rejects.toMatchObject({ name: 'DeploymentGroupBusyError', activeDeploymentId: first });
      await expect(deploy('reject')).rejects.toBeInstanceOf(DeploymentGroupBusyError);
    });
  });

  describe('startNextQueued', () => {
    it.each([
      [
        'stopped through StopDeployment while it waited',
        async (id: string) => {
          expect(await requestStop(h.runtime.deps, id, undefined)).toEqual({ status: 'Succeeded', statusMessage: expect.stringContaining('queue') });
          expect(await store().listQueue(group.deploymentGroupId)).toHaveLength(1);
        },
      ],
      [
        'stopped by a stop that died before dropping its entry',
        async (id: string) => {
          await store().updateDeployment(id, { status: 'Stopped' }, ['Queued']);
          expect(await store().listQueue(group.deploymentGroupId)).toHaveLength(2);
        },
      ],
    ])('skips a queued deployment %s, and starts the one after it', async (_case, stop) => {
      const { holder, queued } = await holderAndQueue(2);
      await stop(queued[0]);

      await finish(holder);

      await expectStartedAndHolding(queued[1]);
      expect(await store().listQueue(group.deploymentGroupId)).toEqual([]);
      expect(executions.started).toEqual([holder, queued[1]]);
      expect((await statusOf(queued[0])).status).toBe('Stopped');
    });

    it('stops a queued deployment through StopDeployment at once, with MANUAL_STOP, and it never runs', async () => {
      const { holder, queued } = await holderAndQueue(1);

      await requestStop(h.runtime.deps, queued[0], true);

      expect(await statusOf(queued[0])).toMatchObject({
        status: 'Stopped',
        completeTime: expect.any(String),
        errorInformation: { code: 'MANUAL_STOP', message: expect.stringMatching(/^The deployment was stopped on request at .* while it waited in the queue; it never ran$/) },
      });
      await expect(requestStop(h.runtime.deps, queued[0], undefined)).rejects.toMatchObject({ code: 'DeploymentAlreadyCompleted' });
      await finish(holder);
      expect(executions.started).toEqual([holder]);
      expect(await store().getGroupLock(group.deploymentGroupId)).toBeUndefined();
    });

    it.each([2, 5])('launches the head once when %i calls race for it', async (calls) => {
      const { holder, queued } = await holderAndQueue(2);
      await store().updateDeployment(holder, { status: 'Succeeded' }, ['Created']);
      await store().releaseGroupLock(group.deploymentGroupId, holder);

      await Promise.all(Array.from({ length: calls }, () => startNextQueued(deps(), group)));

      await expectStartedAndHolding(queued[0]);
      expect((await statusOf(queued[1])).status).toBe('Queued');
      // Starting is idempotent by name: a call that lost the move to Created may start it again, never another.
      expect(new Set(executions.started)).toEqual(new Set([holder, queued[0]]));
      expect((await store().listQueue(group.deploymentGroupId)).map((e) => e.deploymentId)).toEqual([queued[1]]);
    });

    it('keeps the execution on the lock when a late start, which read the head before another launched it, dies after taking the lock', async () => {
      const { holder, queued } = await holderAndQueue(1);
      await store().updateDeployment(holder, { status: 'Succeeded' }, ['Created']);
      await store().releaseGroupLock(group.deploymentGroupId, holder);
      const base = store();
      let raced = false;
      const late = Object.create(base) as Store;
      // It reads the head while Queued; another call launches it before this one takes the lock.
      late.getDeployment = async (id) => {
        const read = await base.getDeployment(id);
        if (!raced && id === queued[0]) {
          raced = true;
          await startNextQueued(deps(), group);
        }
        return read;
      };
      late.getSupersession = async () => {
        throw new Error('the process died');
      };

      await expect(startNextQueued({ ...deps(), store: late }, group)).rejects.toThrow('the process died');

      // Without its executionArn the lock would count as abandoned once the start grace passed, though it runs.
      await expectStartedAndHolding(queued[0]);
    });

    it('fails a deployment whose execution cannot start, frees the group, and starts the next one', async () => {
      const { holder, queued } = await holderAndQueue(2);
      executions.refused.add(queued[0]);

      await finish(holder);

      expect(await statusOf(queued[0])).toMatchObject({
        status: 'Failed',
        errorInformation: { code: 'INTERNAL_ERROR', message: `The deployment could not be started: StartExecution refused ${queued[0]}` },
      });
      await expectStartedAndHolding(queued[1]);
      expect(await store().listQueue(group.deploymentGroupId)).toEqual([]);
    });

    it('leaves the lock to a head a racing call started when its own start of it fails', async () => {
      const { holder, queued } = await holderAndQueue(2);
      await store().updateDeployment(holder, { status: 'Succeeded' }, ['Created']);
      await store().releaseGroupLock(group.deploymentGroupId, holder);
      // This call's StartExecution fails (throttled for good, say) after a racing call for the same head started it
      // and recorded its execution on the lock, and that execution's first step moved it to InProgress.
      const failing: ExecutionStarter = {
        start: async ({ deploymentId }) => {
          await store().setGroupLockExecution(group.deploymentGroupId, deploymentId, arnOf(deploymentId));
          await store().updateDeployment(deploymentId, { status: 'InProgress' }, ['Created']);
          throw new Error('Rate exceeded');
        },
        isRunning: async () => true,
      };

      await startNextQueued({ ...deps(), executions: failing }, group);

      expect((await statusOf(queued[0])).status).toBe('InProgress');
      expect(await store().getGroupLock(group.deploymentGroupId)).toMatchObject({ deploymentId: queued[0], executionArn: arnOf(queued[0]) });
      expect((await statusOf(queued[1])).status).toBe('Queued');
    });

    it('fails the only queued deployment when its execution cannot start, and leaves the group free', async () => {
      await store().putDeploymentGroup({ ...group, concurrencyPolicy: 'queue' });
      const refused = 'd-REFUSED01';
      executions.refused.add(refused);
      const answer = createTrafficDeployment(deps(), { applicationName: 'app', deploymentGroupName: 'group', appSpecContent: lambdaAppSpec(), deploymentId: refused });

      await expect(answer).resolves.toMatchObject({ deploymentId: refused });
      expect((await statusOf(refused)).status).toBe('Failed');
      expect(await store().getGroupLock(group.deploymentGroupId)).toBeUndefined();
      expect(await store().listQueue(group.deploymentGroupId)).toEqual([]);
    });
  });

  describe('no lost wake-up', () => {
    type Moment = 'before its entry is written' | 'after its entry is written' | 'after it found the group busy';

    /** The admission's store, running the holder's end (release, then its queue read) once, at the moment given. */
    function admissionStore(moment: Moment, holderEnds: () => Promise<void>): Store {
      const base = store();
      let ended = false;
      const endOnce = async () => {
        if (ended) return;
        ended = true;
        await holderEnds();
      };
      const wrapped = Object.create(base) as Store;
      wrapped.enqueue = async (entry) => {
        if (moment === 'before its entry is written') await endOnce();
        await base.enqueue(entry);
        if (moment === 'after its entry is written') await endOnce();
      };
      wrapped.acquireGroupLock = async (lock, name) => {
        try {
          await base.acquireGroupLock(lock, name);
        } catch (error) {
          if (moment === 'after it found the group busy' && error instanceof DeploymentGroupBusyError) await endOnce();
          throw error;
        }
      };
      return wrapped;
    }

    it.each<Moment>(['before its entry is written', 'after its entry is written', 'after it found the group busy'])(
      'starts an arrival whose group frees %s',
      async (moment) => {
        const holder = await deploy('reject');
        const admission = { ...deps(), store: admissionStore(moment, () => finish(holder)) };
        // The queue's own protocol, without the recovery CreateDeployment adds when it finds the group busy.
        const arrival = 'd-ARRIVAL01';
        await enqueueDeployment(admission, group, { ...(await statusOf(holder)), deploymentId: arrival, status: 'Created' }, 'queue');

        await expectStartedAndHolding(arrival);
        expect(new Set(executions.started)).toEqual(new Set([holder, arrival]));
        expect(await store().listQueue(group.deploymentGroupId)).toEqual([]);
      },
    );
  });

  describe('supersede', () => {
    it('stops the queued deployments before it at once, asks the running one to stop, and starts when it has ended', async () => {
      const { holder, queued } = await holderAndQueue(2);

      const newcomer = await deploy('supersede');

      const superseded = `Superseded by deployment ${newcomer}, which arrived later with concurrency policy supersede`;
      for (const id of queued) {
        expect(await statusOf(id)).toMatchObject({ status: 'Stopped', errorInformation: { code: 'MANUAL_STOP', message: superseded } });
      }
      expect(await statusOf(holder)).toMatchObject({
        status: 'Created',
        stopRequested: { at: expect.any(String), autoRollbackEnabled: false, reason: superseded },
      });
      expect(await statusOf(newcomer)).toMatchObject({ status: 'Queued', queuePosition: 3, concurrencyPolicy: 'supersede' });

      await finish(holder);
      await expectStartedAndHolding(newcomer);
      expect(executions.started).toEqual([holder, newcomer]);
    });

    it('stops, when its turn comes, an earlier arrival whose entry the newcomer could not see yet', async () => {
      const holder = await deploy('reject');
      // A queued arrival takes place 1 but is slow to write its record and entry; the newcomer takes place 2 meanwhile.
      const { queuePosition } = await store().nextQueuePosition(group.deploymentGroupId);
      const newcomer = await deploy('supersede');
      const late = { ...(await statusOf(newcomer)), deploymentId: 'd-LATEARRIV', status: 'Queued' as const, concurrencyPolicy: 'queue' as const, queuePosition };
      await store().createDeployment(late);
      await store().enqueue({ deploymentGroupId: group.deploymentGroupId, deploymentId: late.deploymentId, queuePosition, queuedAt: late.createTime });

      await finish(holder);

      expect(await statusOf(late.deploymentId)).toMatchObject({
        status: 'Stopped',
        errorInformation: { code: 'MANUAL_STOP', message: `Superseded by deployment ${newcomer}, which arrived later with concurrency policy supersede` },
      });
      await expectStartedAndHolding(newcomer);
      expect(executions.started).toEqual([holder, newcomer]);
    });

    it('stops nothing for a superseding arrival whose request died after taking its place, before writing its record', async () => {
      const { holder, queued } = await holderAndQueue(1);
      await store().nextQueuePosition(group.deploymentGroupId, 'd-NEVERMADE');

      await finish(holder);

      await expectStartedAndHolding(queued[0]);
      expect(executions.started).toEqual([holder, queued[0]]);
    });

    it('leaves the deployments after it alone: a later queue arrival waits for it', async () => {
      const newcomer = await deploy('supersede');
      const after = await deploy('queue');

      await expectStartedAndHolding(newcomer);
      expect(await statusOf(after)).toMatchObject({ status: 'Queued', queuePosition: 2 });
      await finish(newcomer);
      await expectStartedAndHolding(after);
    });
  });
});
