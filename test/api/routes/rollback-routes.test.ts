// POST /deployments/{id}/rollback through the real router, on the embedded runtime: the rollback deployment runs for
// real, Server (hosts get the earlier bundle's files) and Lambda (the alias goes back to the earlier TargetVersion).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Deployment } from '../../../functions/core/types';
import { manualRollbackMessage } from '../../../functions/steps/manual-rollback';
import { deployLoggingBundle, localApiClients } from '../../support/api-client';
import { oneResourceAppSpec } from '../../support/appspec-text';
import { loggingBundle } from '../../support/bundles';
import { appSpecContentRevision, HookInbox } from '../../support/lambda-api';
import { addAppGroup, type Harness, openHarness } from '../../support/local-runtime-harness';
import { trafficApi } from '../../support/traffic-api';

type Json = Record<string, unknown>;

const PRE = 'CodeDeployHook_pre';
const MISSING_ID = 'd-AAAAAAAAA';

describe('RollbackDeployment routes', () => {
  let h: Harness;
  const inbox = new HookInbox();
  const { call } = localApiClients(() => h);
  const { info, hookStatus, stopRunning } = trafficApi(call);

  const rollback = (deploymentId: string, body: Json = {}) => call('POST', `/deployments/${deploymentId}/rollback`, body);

  /** Deploys the logging bundle `label` to app/<group> through the API and waits for it to end. */
  async function serverDeployment(label: string, group = 'group', failOn: { host?: string } = {}): Promise<Json> {
    const created = failOn.host
      ? await call('POST', '/deployments', {
          applicationName: 'app',
          deploymentGroupName: group,
          revision: { revisionType: 'Local', localLocation: { bundlePath: loggingBundle(path.join(h.dir, label), label, failOn) } },
        })
      : await deployLoggingBundle(call, h, label, group);
    expect(created.status).toBe(201);
    await h.runtime.waitForDeployment(created.body?.deploymentId as string);
    return info(created.body?.deploymentId as string);
  }

  /** What the rollback deployment shows once it has run, and what the deployment it rolled back shows then. */
  async function rolledBack(rolledBackId: string, targetId: string, body: Json = {}): Promise<{ rollback: Json; original: Json }> {
    const published: Deployment[] = [];
    const unsubscribe = h.runtime.events.subscribe((change) => {
      if (change.kind === 'deployment') published.push(change.deployment);
    });
    const answer = await rollback(rolledBackId, body);
    expect(answer).toEqual({ status: 201, body: { deploymentId: expect.stringMatching(/^d-[A-Z0-9]{9}$/) } });
    const rollbackId = answer.body?.deploymentId as string;
    await h.runtime.waitForDeployment(rollbackId);
    unsubscribe();
    // Written with the record, not after: every event of the rollback, its start's first, names what it rolls back.
    const own = published.filter((d) => d.deploymentId === rollbackId && d.status !== 'Created');
    expect(own.map((d) => d.status)).toEqual(expect.arrayContaining(['InProgress', 'Succeeded']));
    expect(new Set(own.map((d) => d.rollbackInfo?.rollbackTriggeringDeploymentId))).toEqual(new Set([rolledBackId]));
    const message = manualRollbackMessage(rolledBackId, targetId);
    expect(message).toBe(`Manual rollback of ${rolledBackId} to the revision of ${targetId}`);
    const original = await info(rolledBackId);
    expect(original.rollbackInfo).toEqual({ rollbackDeploymentId: rollbackId, rollbackMessage: message });
    const shown = await info(rollbackId);
    expect(shown).toMatchObject({ creator: 'user', rollbackInfo: { rollbackTriggeringDeploymentId: rolledBackId, rollbackMessage: message } });
    return { rollback: shown, original };
  }

  const hostVersion = () => fs.readFileSync(path.join(h.hostRoot('host-1'), 'srv', 'app', 'VERSION'), 'utf8').trim();

  beforeAll(async () => {
    h = await openHarness({ hooks: inbox.hooks([PRE]) });
    await addAppGroup(h, { defaultHosts: ['host-1'] });
    await addAppGroup(h, { deploymentGroupName: 'other', defaultHosts: ['host-9'] });
    await addAppGroup(h, { deploymentGroupName: 'fresh', defaultHosts: ['host-8'] });
    expect((await call('POST', '/applications', { applicationName: 'fn', computePlatform: 'Lambda' })).status).toBe(201);
  });
  afterAll(async () => {
    await stopRunning(h);
    await h.runtime.close();
  });

  describe('Server', () => {
    let v1: Json;
    let v2: Json;
    let v3: Json;
    let failed: Json;
    let otherGroups: Json;
    let firstOfFresh: Json;

    beforeAll(async () => {
      v1 = await serverDeployment('v1');
      v2 = await serverDeployment('v2');
      failed = await serverDeployment('bad', 'group', { host: 'host-1' });
      v3 = await serverDeployment('v3');
      otherGroups = await serverDeployment('o1', 'other');
      firstOfFresh = await serverDeployment('f1', 'fresh');
      for (const d of [v1, v2, v3, otherGroups, firstOfFresh]) expect(d.status).toBe('Succeeded');
      expect(failed.status).toBe('Failed');
    });

    it("by default redeploys the group's last successful revision before the deployment, with its settings, linked both ways", async () => {
      expect(hostVersion()).toBe('v3');

      const { rollback: shown } = await rolledBack(v3.deploymentId as string, v2.deploymentId as string);

      expect(shown).toMatchObject({
        status: 'Succeeded',
        computePlatform: 'Server',
        revision: v2.revision,
        deploymentConfigName: v3.deploymentConfigName,
        fileExistsBehavior: v3.fileExistsBehavior,
        ignoreApplicationStopFailures: v3.ignoreApplicationStopFailures,
        description: `Manual rollback of ${String(v3.deploymentId)} to the revision of ${String(v2.deploymentId)}`,
      });
      expect(hostVersion()).toBe('v2');
    });

    it('redeploys the revision of the deployment targetDeploymentId names, with the description given', async () => {
      const { rollback: shown } = await rolledBack(failed.deploymentId as string, v1.deploymentId as string, {
        targetDeploymentId: v1.deploymentId,
        description: 'back to the first',
      });

      expect(shown).toMatchObject({ status: 'Succeeded', revision: v1.revision, description: 'back to the first' });
      expect(hostVersion()).toBe('v1');
    });

    it.each<[string, () => [string, Json], number, () => Json]>([
      ['an unknown deployment', () => [MISSING_ID, {}], 404, () => ({ code: 'DeploymentDoesNotExist', field: 'deploymentId' })],
      ['a malformed deployment id', () => ['d-x', {}], 400, () => ({ code: 'ValidationError', field: 'deploymentId' })],
      ['an unknown target', () => [v2.deploymentId as string, { targetDeploymentId: MISSING_ID }], 404, () => ({ code: 'DeploymentDoesNotExist', field: 'targetDeploymentId', message: `Deployment '${MISSING_ID}' does not exist` })],
      ['a malformed target id', () => [v2.deploymentId as string, { targetDeploymentId: 'v1' }], 400, () => ({ code: 'ValidationError', field: 'targetDeploymentId' })],
      ['the deployment itself as target', () => [v2.deploymentId as string, { targetDeploymentId: v2.deploymentId }], 400, () => ({ field: 'targetDeploymentId', message: expect.stringMatching(/, not (d-\w+) itself$/) })],
      ['a target that failed', () => [v2.deploymentId as string, { targetDeploymentId: failed.deploymentId }], 400, () => ({ field: 'targetDeploymentId', message: expect.stringContaining(`must be a Succeeded deployment (${String(failed.deploymentId)} is Failed)`) })],
      ['a target of another group', () => [v2.deploymentId as string, { targetDeploymentId: otherGroups.deploymentId }], 400, () => ({ field: 'targetDeploymentId', message: expect.stringContaining('must be a deployment of deployment group group of application app') })],
      ['a target created after the deployment', () => [v2.deploymentId as string, { targetDeploymentId: v3.deploymentId }], 400, () => ({ field: 'targetDeploymentId', message: expect.stringContaining(`must be a deployment created before ${String(v2.deploymentId)}`) })],
      ['no target, with no earlier success in the group', () => [firstOfFresh.deploymentId as string, {}], 400, () => ({ field: 'targetDeploymentId', message: expect.stringContaining('has no Succeeded deployment before') })],
      ['a deployment already rolled back', () => [v3.deploymentId as string, {}], 409, () => ({ code: 'DeploymentAlreadyRolledBack', field: 'deploymentId', message: expect.stringMatching(/already rolled back by deployment d-/) })],
      ['a field it does not know', () => [v2.deploymentId as string, { revision: {} }], 400, () => ({ code: 'ValidationError', field: 'revision' })],
    ])('refuses %s', async (_case, request, status, expectedBody) => {
      const [deploymentId, body] = request();
      const before = await h.runtime.store.listDeployments({});

      const answer = await rollback(deploymentId, body);

      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject(expectedBody());
      expect(await h.runtime.store.listDeployments({})).toHaveLength(before.length);
    });

    it('rolls back a manual rollback, which keeps naming the deployment it rolled back', async () => {
      const first = (await info(v3.deploymentId as string)).rollbackInfo as Json;
      const manual = first.rollbackDeploymentId as string;

      const answer = await rollback(manual, { targetDeploymentId: v1.deploymentId });
      expect(answer.status).toBe(201);
      const again = answer.body?.deploymentId as string;
      await h.runtime.waitForDeployment(again);

      expect((await info(manual)).rollbackInfo).toEqual({
        rollbackTriggeringDeploymentId: v3.deploymentId,
        rollbackDeploymentId: again,
        rollbackMessage: manualRollbackMessage(manual, v1.deploymentId as string),
      });
    });
  });

  describe('Lambda', () => {
    const appSpec = (current: number, target: number, hooks: string[] = []) =>
      oneResourceAppSpec('roll', 'AWS::Lambda::Function', ['Name: roll', 'Alias: live', `CurrentVersion: "${current}"`, `TargetVersion: "${target}"`], hooks);
    const alias = () => h.runtime.lambdaFunctions.getAlias('roll', 'live');

    async function deploy(content: string): Promise<string> {
      const created = await call('POST', '/deployments', { applicationName: 'fn', deploymentGroupName: 'roll', revision: appSpecContentRevision(content) });
      expect(created.status).toBe(201);
      return created.body?.deploymentId as string;
    }

    let first: string;
    let second: string;

    beforeAll(async () => {
      await h.runtime.lambdaFunctions.publishVersions('roll', ['1', '2', '3']);
      await h.runtime.lambdaFunctions.createAlias('roll', 'live', '1');
      expect((await call('POST', '/applications/fn/deployment-groups', { deploymentGroupName: 'roll' })).status).toBe(201);
      first = await deploy(appSpec(1, 2));
      await h.runtime.waitForDeployment(first);
      second = await deploy(appSpec(2, 3));
      await h.runtime.waitForDeployment(second);
      expect(await alias()).toMatchObject({ functionVersion: '3', additionalVersionWeights: {} });
    });

    it("shifts the alias from the version it serves now back to the earlier deployment's TargetVersion", async () => {
      const { rollback: shown } = await rolledBack(second, first);

      expect(shown).toMatchObject({
        status: 'Succeeded',
        computePlatform: 'Lambda',
        revision: appSpecContentRevision(
          'version: 0.0\nResources:\n  - "roll":\n      Type: AWS::Lambda::Function\n      Properties:\n        Name: "roll"\n        Alias: "live"\n' +
            '        CurrentVersion: "3"\n        TargetVersion: "2"\n',
        ),
        trafficShifts: [{ weights: { '2': 100 } }],
      });
      expect(await alias()).toMatchObject({ functionVersion: '2', additionalVersionWeights: {} });
    });

    it('refuses to roll back a deployment still running, naming it, and one whose target version the alias already serves', async () => {
      const running = await deploy(appSpec(2, 3, [`BeforeAllowTraffic: ${PRE}`]));
      const invocation = await inbox.invocation(PRE, running);

      expect(await rollback(running)).toEqual({
        status: 409,
        body: { code: 'DeploymentStillRunning', field: 'deploymentId', message: expect.stringContaining(`Deployment ${running} is InProgress; stop it first`) },
      });

      // The hook fails it: the alias never left version 2, the TargetVersion of the last success before it.
      expect((await hookStatus(running, invocation.LifecycleEventHookExecutionId, 'Failed')).status).toBe(200);
      await h.runtime.waitForDeployment(running);
      expect(await rollback(running)).toEqual({
        status: 409,
        body: { code: 'RevisionAlreadyServed', field: 'targetDeploymentId', message: expect.stringContaining('Alias roll:live already serves version 2') },
      });
    });

    it('keeps naming the deployment a manual rollback rolls back when it fails and gives its traffic back', async () => {
      const group = (await h.runtime.store.getDeploymentGroup('fn', 'roll'))!;
      await h.runtime.store.putDeploymentGroup({ ...group, autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] } });
      const good = await deploy(appSpec(2, 3, [`AfterAllowTraffic: ${PRE}`]));
      expect((await hookStatus(good, (await inbox.invocation(PRE, good)).LifecycleEventHookExecutionId, 'Succeeded')).status).toBe(200);
      await h.runtime.waitForDeployment(good);
      const later = await deploy(appSpec(3, 1));
      await h.runtime.waitForDeployment(later);
      expect(await alias()).toMatchObject({ functionVersion: '1' });

      const answer = await rollback(later, { targetDeploymentId: good });
      expect(answer.status).toBe(201);
      const manual = answer.body?.deploymentId as string;
      // Its AfterAllowTraffic hook fails once all traffic is on version 3: the alias goes back to version 1.
      expect((await hookStatus(manual, (await inbox.invocation(PRE, manual)).LifecycleEventHookExecutionId, 'Failed')).status).toBe(200);
      await h.runtime.waitForDeployment(manual);

      expect(await info(manual)).toMatchObject({
        status: 'Failed',
        rollbackInfo: { rollbackTriggeringDeploymentId: later, rollbackMessage: expect.stringContaining('Traffic restored to version 1') },
      });
      expect(await alias()).toMatchObject({ functionVersion: '1', additionalVersionWeights: {} });
    });
  });
});
