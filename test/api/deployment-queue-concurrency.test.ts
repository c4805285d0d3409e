// Issue #6's concurrency test: 200 simultaneous CreateDeployment calls to one deployment group, through the real router,
// under each concurrency policy. queue: every deployment runs, one at a time, in arrival order, none lost. reject:
// exactly one runs, the rest are refused naming it. supersede: the last to arrive wins, every other one is Stopped.
// Each deployment shifts a Lambda alias of its own (versions 1 → 2), so any of them can run at any point of the
// order. queue deploys all at once; reject and supersede deploy a 30-minute canary (timeScale 1), so a deployment
// that started cannot end on its own while the others arrive, and the test ends the survivor with ContinueDeployment.
// A few Server deployments under queue show the same order behind the Server finish step.
import { join } from 'node:path';
import type { Deployment } from '../../functions/core/types';
import { localApiClients } from '../support/api-client';
import { loggingBundle } from '../support/bundles';
import { appSpecContentRevision, lambdaAppSpec, publishFunction, untilDeployment } from '../support/lambda-api';
import { addAppGroup, type Harness, openHarness } from '../support/local-runtime-harness';

const CALLS = 200;
/** Server deployments run scripts on hosts: a few show the queue behind the Server finish step too. */
const SERVER_CALLS = 4;
const CANARY = 'CodeDeployDefault.LambdaCanary10Percent30Minutes';
const ENDED = ['Succeeded', 'Failed', 'Stopped'];

describe('200 simultaneous deployments to one group', () => {
  let h: Harness;
  const { call } = localApiClients(() => h);

  beforeAll(async () => {
    h = await openHarness({ timeScale: 1 });
    expect((await call('POST', '/applications', { applicationName: 'fn', computePlatform: 'Lambda' })).status).toBe(201);
  });
  afterAll(async () => {
    await stopEverything();
    await h.runtime.close();
  }, 60_000);

  /** A group of the policy, a function of its own per call, then every call at once; the answers in call order. */
  async function deployAtOnce(policy: string, deploymentConfigName?: string) {
    const group = `${policy}-group`;
    expect((await call('POST', '/applications/fn/deployment-groups', { deploymentGroupName: group, concurrencyPolicy: policy })).status).toBe(201);
    const functions = Array.from({ length: CALLS }, (_, i) => `${policy}-${i}`);
    for (const name of functions) await publishFunction(h, name);
    const answers = await Promise.all(
      functions.map((name) =>
        call('POST', '/deployments', { applicationName: 'fn', deploymentGroupName: group, deploymentConfigName, revision: appSpecContentRevision(lambdaAppSpec(name)) }),
      ),
    );
    const groupId = (await h.runtime.store.getDeploymentGroup('fn', group))!.deploymentGroupId;
    return { group, groupId, answers };
  }

  /** Every deployment of the group, as stored now. */
  async function recordsOf(group: string, applicationName = 'fn'): Promise<Deployment[]> {
    const records: Deployment[] = [];
    let nextToken: string | undefined;
    do {
      const page = await h.runtime.store.listDeploymentsPage({ applicationName, deploymentGroupName: group }, { nextToken });
      records.push(...page.items);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    return Promise.all(records.map(async (d) => (await h.runtime.store.getDeployment(d.deploymentId))!));
  }

  /** One deployment waited on at a time, in the order given, so the store is not polled 200 times over. */
  async function untilEach(ids: readonly string[], reached: (d: Deployment) => boolean): Promise<void> {
    for (const id of ids) await untilDeployment(h, id, reached);
  }

  /** Once the last deployment's execution has ended (its finish step frees the lock after writing the status). */
  async function expectGroupIdle(groupId: string, lastId: string): Promise<void> {
    await h.runtime.waitForDeployment(lastId);
    expect(await h.runtime.store.getGroupLock(groupId)).toBeUndefined();
    expect(await h.runtime.store.listQueue(groupId)).toEqual([]);
  }

  /** Whatever a failed test left queued or running is stopped, queued ones first, so close() has nothing to wait for. */
  async function stopEverything(): Promise<void> {
    for (const status of ['Queued', 'Created', 'InProgress'] as const) {
      for (const d of await h.runtime.store.listDeployments({ statuses: [status] })) await call('POST', `/deployments/${d.deploymentId}/stop`, {});
    }
  }

  it('queue: every deployment runs, one at a time, in arrival order, and none is lost', async () => {
    const { group, groupId, answers } = await deployAtOnce('queue');

    expect(answers.map((a) => a.status)).toEqual(Array(CALLS).fill(201));
    const ids = answers.map((a) => a.body?.deploymentId as string);
    expect(new Set(ids).size).toBe(CALLS);
    const queued = await Promise.all(ids.map(async (id) => (await h.runtime.store.getDeployment(id))!));
    const byPosition = [...queued].sort((a, b) => a.queuePosition! - b.queuePosition!);
    await untilEach(
      byPosition.map((d) => d.deploymentId),
      (d) => ENDED.includes(d.status),
    );

    const records = (await recordsOf(group)).sort((a, b) => a.queuePosition! - b.queuePosition!);
    expect(records.map((d) => d.deploymentId).sort()).toEqual([...ids].sort());
    expect(records.map((d) => d.queuePosition)).toEqual(Array.from({ length: CALLS }, (_, i) => i + 1));
    expect(records.filter((d) => d.status !== 'Succeeded')).toEqual([]);
    expect(records.every((d) => d.concurrencyPolicy === 'queue')).toBe(true);
    expectOneAtATimeInArrivalOrder(records);
    await expectGroupIdle(groupId, records[CALLS - 1].deploymentId);
  }, 120_000);

  /** By place in the arrival order, each one started only once the one before it had completed. */
  function expectOneAtATimeInArrivalOrder(records: readonly Deployment[]): void {
    records.forEach((d, i) => {
      expect(d.startTime! <= d.completeTime!).toBe(true);
      if (i > 0) expect(records[i - 1].completeTime! <= d.startTime!).toBe(true);
    });
  }

  it('queue, Server: deployments to hosts run one at a time in arrival order too', async () => {
    const group = await addAppGroup(h, { deploymentGroupName: 'hosts', defaultHosts: ['host-1', 'host-2'] });
    expect((await call('PATCH', '/applications/app/deployment-groups/hosts', { concurrencyPolicy: 'queue' })).status).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: SERVER_CALLS }, (_, i) => {
        const bundlePath = loggingBundle(join(h.dir, `server-${i}`), `v${i}`);
        return call('POST', '/deployments', { applicationName: 'app', deploymentGroupName: 'hosts', fileExistsBehavior: 'OVERWRITE', revision: { revisionType: 'Local', localLocation: { bundlePath } } });
      }),
    );

    expect(answers.map((a) => a.status)).toEqual(Array(SERVER_CALLS).fill(201));
    const queued = await Promise.all(answers.map(async (a) => (await h.runtime.store.getDeployment(a.body?.deploymentId as string))!));
    const byPosition = queued.sort((a, b) => a.queuePosition! - b.queuePosition!).map((d) => d.deploymentId);
    await untilEach(byPosition, (d) => ENDED.includes(d.status));
    const records = (await recordsOf('hosts', 'app')).sort((a, b) => a.queuePosition! - b.queuePosition!);
    expect(records.map((d) => [d.deploymentId, d.status, d.queuePosition])).toEqual(byPosition.map((id, i) => [id, 'Succeeded', i + 1]));
    expectOneAtATimeInArrivalOrder(records);
    await expectGroupIdle(group.deploymentGroupId, byPosition[SERVER_CALLS - 1]);
  }, 60_000);

  it('reject: exactly one runs, and every other call is refused naming it', async () => {
    const { group, groupId, answers } = await deployAtOnce('reject', CANARY);

    const accepted = answers.filter((a) => a.status === 201);
    expect(accepted).toHaveLength(1);
    const winner = accepted[0].body?.deploymentId as string;
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused).toHaveLength(CALLS - 1);
    for (const answer of refused) {
      expect(answer).toEqual({
        status: 409,
        body: { code: 'DeploymentLimitExceeded', message: expect.stringContaining(winner), field: 'deploymentGroupName' },
      });
    }
    expect((await recordsOf(group)).map((d) => d.deploymentId)).toEqual([winner]);

    await untilDeployment(h, winner, (d) => d.computePlatform === 'Lambda' && d.currentWait?.kind === 'shift');
    expect((await call('POST', `/deployments/${winner}/continue`, {})).status).toBe(204);
    expect((await untilDeployment(h, winner, (d) => ENDED.includes(d.status))).status).toBe('Succeeded');
    await expectGroupIdle(groupId, winner);
  }, 120_000);

  it('supersede: the last to arrive wins, and every other one is Stopped as superseded', async () => {
    const { group, groupId, answers } = await deployAtOnce('supersede', CANARY);

    expect(answers.map((a) => a.status)).toEqual(Array(CALLS).fill(201));
    const ids = answers.map((a) => a.body?.deploymentId as string);
    const admitted = await Promise.all(ids.map(async (id) => (await h.runtime.store.getDeployment(id))!));
    const byPosition = [...admitted].sort((a, b) => a.queuePosition! - b.queuePosition!);
    const last = byPosition[CALLS - 1];
    await untilEach(
      byPosition.slice(0, -1).map((d) => d.deploymentId),
      (d) => ENDED.includes(d.status),
    );
    await untilDeployment(h, last.deploymentId, (d) => d.computePlatform === 'Lambda' && d.currentWait?.kind === 'shift');
    expect((await call('POST', `/deployments/${last.deploymentId}/continue`, {})).status).toBe(204);
    await untilDeployment(h, last.deploymentId, (d) => ENDED.includes(d.status));

    const records = (await recordsOf(group)).sort((a, b) => a.queuePosition! - b.queuePosition!);
    expect(records.map((d) => d.queuePosition)).toEqual(Array.from({ length: CALLS }, (_, i) => i + 1));
    expect(records[CALLS - 1]).toMatchObject({ deploymentId: last.deploymentId, status: 'Succeeded' });
    for (const superseded of records.slice(0, -1)) {
      expect(superseded).toMatchObject({
        status: 'Stopped',
        errorInformation: { code: 'MANUAL_STOP', message: expect.stringMatching(/^Superseded by deployment d-[A-Z0-9]{9}, which arrived later/) },
      });
    }
    await expectGroupIdle(groupId, last.deploymentId);
  }, 120_000);
});
