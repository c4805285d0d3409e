// The deployment routes through the real router, on the embedded runtime: deployments really run on local hosts.
import * as path from 'node:path';
import { CLAIM_ABANDONED_AFTER_MS } from '../../../functions/api/deployment-creation';
import type { StepDependencies, Store } from '../../../functions/ports';
import { type ApiCall, apiClient, localApiClients, localApiContext } from '../../support/api-client';
import { loggingBundle, writeBundle } from '../../support/bundles';
import { addAppGroup, type Harness, openHarness } from '../../support/local-runtime-harness';
import { ReportGate } from '../../support/report-gate';

const GROUPS = ['group', 'info', 'list', 'token', 'busy', 'other', 'abandoned', 'late-failure'];
const MISSING_ID = 'd-AAAAAAAAA';

describe('deployment routes', () => {
  let h: Harness;
  let gate: ReportGate;
  let v1: string;
  let brokenBundle: string;
  let doneId: string;
  const { call, callOnAws } = localApiClients(() => h);

  const local = (bundlePath: string, extra: Record<string, unknown> = {}) => ({ revisionType: 'Local', localLocation: { bundlePath, ...extra } });
  const create = (group: string, extra: Record<string, unknown> = {}) => call('POST', '/deployments', { applicationName: 'app', deploymentGroupName: group, revision: local(v1), ...extra });

  /** The API with the local server's dependencies changed by `change` (a clock, a store failing on cue). */
  const callWith = (change: (deps: StepDependencies) => Partial<StepDependencies>): ApiCall =>
    apiClient(() => {
      const ctx = localApiContext(h);
      return { ...ctx, deps: { ...ctx.deps, ...change(ctx.deps) } };
    });

  async function deploymentsOf(group: string): Promise<string[]> {
    const page = await h.runtime.store.listDeploymentsPage({ applicationName: 'app', deploymentGroupName: group });
    return page.items.map((d) => d.deploymentId);
  }

  beforeAll(async () => {
    gate = new ReportGate();
    h = await openHarness({ hostRunner: gate.hostRunner });
    for (const group of GROUPS) {
      // Hosts of their own: a host already holding another group's files would refuse them (DISALLOW).
      const defaultHosts = [`${group}-1`, `${group}-2`];
      await addAppGroup(h, { deploymentGroupName: group, defaultHosts, deploymentConfigName: 'CodeDeployDefault.AllAtOnce' });
    }
    v1 = loggingBundle(path.join(h.dir, 'v1'), 'v1');
    brokenBundle = writeBundle(path.join(h.dir, 'broken'), {
      appspec: 'version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: scripts/missing.sh\n',
      files: { 'scripts/other.sh': '#!/bin/sh\n' },
    });
    const done = await create('group');
    doneId = done.body?.deploymentId as string;
    await h.runtime.waitForDeployment(doneId);
  });
  afterAll(async () => {
    gate.open();
    await h.runtime.close();
  });

  it('creates a deployment from a local bundle, runs it, and shows it as CodeDeploy DeploymentInfo', async () => {
    const created = await create('info', { description: 'first of its group', fileExistsBehavior: 'OVERWRITE' });

    expect(created).toEqual({ status: 201, body: { deploymentId: expect.stringMatching(/^d-[A-Z0-9]{9}$/) } });
    const deploymentId = created.body?.deploymentId as string;
    await h.runtime.waitForDeployment(deploymentId);
    const got = await call('GET', `/deployments/${deploymentId}`);

    expect(got).toEqual({
      status: 200,
      body: {
        deploymentInfo: {
          applicationName: 'app',
          deploymentGroupName: 'info',
          deploymentConfigName: 'CodeDeployDefault.AllAtOnce',
          deploymentId,
          revision: {
            revisionType: 'Local',
            localLocation: { bundlePath: expect.stringMatching(/[/\\]revisions[/\\][0-9a-f]{64}\.tar$/), bundleType: 'tar', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
          },
          status: 'Succeeded',
          createTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          startTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          completeTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          deploymentOverview: { Pending: 0, InProgress: 0, Succeeded: 2, Failed: 0, Skipped: 0, Ready: 0 },
          description: 'first of its group',
          creator: 'user',
          ignoreApplicationStopFailures: false,
          fileExistsBehavior: 'OVERWRITE',
          computePlatform: 'Server',
          deploymentStyle: { deploymentType: 'IN_PLACE', deploymentOption: 'WITHOUT_TRAFFIC_CONTROL' },
        },
      },
    });
    const second = await create('info');
    await h.runtime.waitForDeployment(second.body?.deploymentId as string);
    const info = (await call('GET', `/deployments/${second.body?.deploymentId as string}`)).body?.deploymentInfo as Record<string, unknown>;
    expect(info.previousRevision).toEqual((got.body?.deploymentInfo as Record<string, unknown>).revision);
  });

  it('deploys again from the revision GetDeployment shows', async () => {
    const shown = (await call('GET', `/deployments/${doneId}`)).body?.deploymentInfo as { revision: unknown };

    const again = await call('POST', '/deployments', { applicationName: 'app', deploymentGroupName: 'group', revision: shown.revision });

    expect(again.status).toBe(201);
    expect((await h.runtime.waitForDeployment(again.body?.deploymentId as string)).revision).toEqual(shown.revision);
  });

  it('lists deployment ids newest first, by group, status and creation time', async () => {
    const first = (await create('list')).body?.deploymentId as string;
    await h.runtime.waitForDeployment(first);
    const second = (await create('list')).body?.deploymentId as string;
    await h.runtime.waitForDeployment(second);
    const created = (await h.runtime.store.getDeployment(second))!.createTime;
    const list = (query: Record<string, string>) => call('GET', '/deployments', undefined, { applicationName: 'app', deploymentGroupName: 'list', ...query });

    expect(await list({})).toEqual({ status: 200, body: { deployments: [second, first] } });
    expect(await list({ includeOnlyStatuses: 'Failed,Stopped' })).toEqual({ status: 200, body: { deployments: [] } });
    expect(await list({ includeOnlyStatuses: 'Succeeded' })).toEqual({ status: 200, body: { deployments: [second, first] } });
    expect(await list({ createTimeStart: created })).toEqual({ status: 200, body: { deployments: [second] } });
    expect(await list({ createTimeEnd: '2000-01-01T00:00:00+02:00' })).toEqual({ status: 200, body: { deployments: [] } });
    const everything = await call('GET', '/deployments');
    expect(everything.status).toBe(200);
    expect(everything.body?.deployments).toEqual(expect.arrayContaining([first, second, doneId]));
  });

  it('answers a repeated clientToken with the first deployment and creates only one', async () => {
    const first = await create('token', { clientToken: 'release-42' });
    const repeat = await create('token', { clientToken: 'release-42' });

    expect(first).toEqual({ status: 201, body: { deploymentId: expect.stringMatching(/^d-/) } });
    expect(repeat).toEqual(first);
    await h.runtime.waitForDeployment(first.body?.deploymentId as string);
    expect(await create('token', { clientToken: 'release-42' })).toEqual(first);
    expect(await deploymentsOf('token')).toEqual([first.body?.deploymentId]);
    expect(await create('other', { clientToken: 'release-42' })).toEqual({
      status: 409,
      body: { code: 'IdempotentParameterMismatch', message: expect.stringContaining('deployment group token, not other'), field: 'clientToken' },
    });
  });

  it('frees a clientToken whose request failed, so the retry creates the deployment', async () => {
    const failed = await call('POST', '/deployments', { applicationName: 'app', deploymentGroupName: 'token', revision: local(brokenBundle), clientToken: 'fix-and-retry' });
    expect(failed.status).toBe(400);

    const retried = await create('token', { clientToken: 'fix-and-retry' });

    expect(retried.status).toBe(201);
    await h.runtime.waitForDeployment(retried.body?.deploymentId as string);
    expect(await create('token', { clientToken: 'fix-and-retry' })).toEqual(retried);
  });

  it('takes over a clientToken whose request died before creating its deployment, once the claim is abandoned', async () => {
    const claimedAt = new Date(Date.now() - 10 * 60_000);
    // What a request killed between claiming the token and creating its deployment leaves: a claim, no deployment.
    await h.runtime.store.claimClientToken('app', 'killed-request', 'd-KILLED001', claimedAt);
    const after = (ms: number): ApiCall => callWith(() => ({ clock: () => new Date(claimedAt.getTime() + ms) }));
    const body = { applicationName: 'app', deploymentGroupName: 'abandoned', revision: local(v1), clientToken: 'killed-request' };
    const inUse = { status: 409, body: { code: 'ClientTokenInUse', field: 'clientToken', message: expect.stringContaining('belongs to deployment d-KILLED001, which a request is still creating') } };

    // A fresh claim may still be creating its deployment, up to the limit itself.
    expect(await after(30_000)('POST', '/deployments', body)).toEqual(inUse);
    expect(await after(CLAIM_ABANDONED_AFTER_MS)('POST', '/deployments', body)).toEqual(inUse);
    expect(await deploymentsOf('abandoned')).toEqual([]);

    const taken = await after(CLAIM_ABANDONED_AFTER_MS + 1_000)('POST', '/deployments', body);

    expect(taken).toEqual({ status: 201, body: { deploymentId: expect.stringMatching(/^d-[A-Z0-9]{9}$/) } });
    const deploymentId = taken.body?.deploymentId as string;
    expect(deploymentId).not.toBe('d-KILLED001');
    expect((await h.runtime.waitForDeployment(deploymentId)).status).toBe('Succeeded');
    // The token now names the new deployment: later retries answer with it, and are never taken over again.
    expect(await after(10 * 60_000)('POST', '/deployments', body)).toEqual(taken);
    expect(await create('abandoned', { clientToken: 'killed-request' })).toEqual(taken);
    expect(await deploymentsOf('abandoned')).toEqual([deploymentId]);
  });

  it('keeps a clientToken bound to the deployment it created when a later step of the request fails', async () => {
    const failing = (store: Store): Store =>
      Object.assign(Object.create(store) as Store, {
        // After the deployment was written and its execution started.
        setGroupLockExecution: async () => {
          throw new Error('connection reset while recording the execution');
        },
      });
    const failed = await callWith((deps) => ({ store: failing(deps.store) }))('POST', '/deployments', {
      applicationName: 'app',
      deploymentGroupName: 'late-failure',
      revision: local(v1),
      clientToken: 'late-failure',
    });
    expect(failed).toEqual({ status: 500, body: { code: 'InternalError', message: expect.any(String) } });
    const created = await deploymentsOf('late-failure');
    expect(created).toHaveLength(1);
    await h.runtime.waitForDeployment(created[0] ?? '');

    const retried = await create('late-failure', { clientToken: 'late-failure' });

    expect(retried).toEqual({ status: 201, body: { deploymentId: created[0] } });
    expect(await deploymentsOf('late-failure')).toEqual(created);
  });

  it('refuses a second deployment while the group is busy, and stops the first on request', async () => {
    gate.close();
    const running = await create('busy');
    await gate.firstHeld();
    const runningId = running.body?.deploymentId as string;

    expect(await create('busy', { clientToken: 'while-busy' })).toEqual({
      status: 409,
      body: { code: 'DeploymentLimitExceeded', message: `The Deployment Group 'busy' already has an active Deployment '${runningId}'`, field: 'deploymentGroupName' },
    });
    const stop = await call('POST', `/deployments/${runningId}/stop`, { autoRollbackEnabled: false });
    expect(stop).toEqual({ status: 200, body: { status: 'Pending', statusMessage: 'The deployment stops after the hosts in its current batch finish' } });
    expect(await call('POST', `/deployments/${runningId}/stop`, {})).toEqual(stop);
    gate.open();

    // AllAtOnce started every host before the stop, so the deployment finishes as it would have.
    expect((await h.runtime.waitForDeployment(runningId)).status).toBe('Succeeded');
    const afterwards = await create('busy', { clientToken: 'while-busy' });
    expect(afterwards.status).toBe(201);
    expect(afterwards.body?.deploymentId).not.toBe(runningId);
    await h.runtime.waitForDeployment(afterwards.body?.deploymentId as string);
  });

  it.each([
    ['malformed JSON', 'POST', '/deployments', '{"applicationName": ', {}, 400, 'MalformedJson', 'body'],
    ['no body', 'POST', '/deployments', undefined, {}, 400, 'ValidationError', 'body'],
    ['a body that is not an object', 'POST', '/deployments', '[]', {}, 400, 'ValidationError', 'body'],
    ['an application name of the wrong type', 'POST', '/deployments', { applicationName: 7 }, {}, 400, 'ValidationError', 'applicationName'],
    ['no revision', 'POST', '/deployments', { revision: undefined }, {}, 400, 'ValidationError', 'revision'],
    ['a revision that is not an object', 'POST', '/deployments', { revision: 'v1' }, {}, 400, 'ValidationError', 'revision'],
    ['a GitHub revision', 'POST', '/deployments', { revision: { revisionType: 'GitHub' } }, {}, 400, 'ValidationError', 'revision.revisionType'],
    ['a revision without a type', 'POST', '/deployments', { revision: {} }, {}, 400, 'ValidationError', 'revision.revisionType'],
    ['an S3 revision on the embedded runtime', 'POST', '/deployments', { revision: { revisionType: 'S3', s3Location: { bucket: 'my-bundles', key: 'a.zip', bundleType: 'zip' } } }, {}, 400, 'ValidationError', 'revision.revisionType'],
    ['an unknown field of localLocation', 'POST', '/deployments', { revision: { revisionType: 'Local', localLocation: { bundlePath: '/x', url: 'y' } } }, {}, 400, 'ValidationError', 'revision.localLocation.url'],
    ['an unknown field', 'POST', '/deployments', { targetInstances: {} }, {}, 400, 'ValidationError', 'targetInstances'],
    ['a relative bundle path', 'POST', '/deployments', { revision: { revisionType: 'Local', localLocation: { bundlePath: 'bundles/v1' } } }, {}, 400, 'ValidationError', 'revision.localLocation.bundlePath'],
    ['a malformed sha256', 'POST', '/deployments', { revision: { revisionType: 'Local', localLocation: { bundlePath: '/x', sha256: 'abc' } } }, {}, 400, 'ValidationError', 'revision.localLocation.sha256'],
    ['a bundle that is not there', 'POST', '/deployments', { revision: { revisionType: 'Local', localLocation: { bundlePath: '/nowhere/bundle.zip' } } }, {}, 400, 'RevisionDoesNotExist', 'revision'],
    ['a bundle whose sha256 differs', 'POST', '/deployments', { revision: '{v1 with sha256}' }, {}, 400, 'InvalidRevision', 'revision'],
    ['a bundle whose appspec names a missing script', 'POST', '/deployments', { revision: '{broken}' }, {}, 400, 'InvalidRevision', 'revision'],
    ['a description over 256 characters', 'POST', '/deployments', { description: 'x'.repeat(257) }, {}, 400, 'ValidationError', 'description'],
    ['an unknown file exists behavior', 'POST', '/deployments', { fileExistsBehavior: 'SOMETIMES' }, {}, 400, 'ValidationError', 'fileExistsBehavior'],
    ['ignoreApplicationStopFailures as a string', 'POST', '/deployments', { ignoreApplicationStopFailures: 'yes' }, {}, 400, 'ValidationError', 'ignoreApplicationStopFailures'],
    ['an unknown rollback event', 'POST', '/deployments', { autoRollbackConfiguration: { enabled: true, events: ['ON_TUESDAYS'] } }, {}, 400, 'ValidationError', 'autoRollbackConfiguration.events.0'],
    ['an unknown field of the rollback policy', 'POST', '/deployments', { autoRollbackConfiguration: { enabled: true, events: [], alarms: [] } }, {}, 400, 'ValidationError', 'autoRollbackConfiguration.alarms'],
    ['an alarm override enabled with no alarm', 'POST', '/deployments', { overrideAlarmConfiguration: { enabled: true, alarms: [] } }, {}, 400, 'ValidationError', 'overrideAlarmConfiguration.alarms'],
    ['an alarm override naming an alarm twice', 'POST', '/deployments', { overrideAlarmConfiguration: { enabled: true, alarms: [{ name: 'e' }, { name: 'e' }] } }, {}, 400, 'ValidationError', 'overrideAlarmConfiguration.alarms.1.name'],
    ['an alarm override of 11 alarms', 'POST', '/deployments', { overrideAlarmConfiguration: { enabled: true, alarms: Array.from({ length: 11 }, (_, i) => ({ name: `a${i}` })) } }, {}, 400, 'ValidationError', 'overrideAlarmConfiguration.alarms'],
    ['an alarm override without enabled', 'POST', '/deployments', { overrideAlarmConfiguration: { alarms: [{ name: 'e' }] } }, {}, 400, 'ValidationError', 'overrideAlarmConfiguration.enabled'],
    ['a clientToken with a space', 'POST', '/deployments', { clientToken: 'my token' }, {}, 400, 'ValidationError', 'clientToken'],
    ['a clientToken of 65 characters', 'POST', '/deployments', { clientToken: 'x'.repeat(65) }, {}, 400, 'ValidationError', 'clientToken'],
    ['a missing application', 'POST', '/deployments', { applicationName: 'nowhere' }, {}, 404, 'ApplicationDoesNotExist', 'applicationName'],
    ['a missing deployment group', 'POST', '/deployments', { deploymentGroupName: 'nowhere' }, {}, 404, 'DeploymentGroupDoesNotExist', 'deploymentGroupName'],
    ['a missing deployment config', 'POST', '/deployments', { deploymentConfigName: 'Nowhere' }, {}, 404, 'DeploymentConfigDoesNotExist', 'deploymentConfigName'],
    ['an application without its group', 'GET', '/deployments', undefined, { applicationName: 'app' }, 400, 'ValidationError', 'deploymentGroupName'],
    ['a group without its application', 'GET', '/deployments', undefined, { deploymentGroupName: 'group' }, 400, 'ValidationError', 'applicationName'],
    ['an unknown status', 'GET', '/deployments', undefined, { includeOnlyStatuses: 'Succeeded,Done' }, 400, 'ValidationError', 'includeOnlyStatuses'],
    ['a creation time that is not ISO 8601', 'GET', '/deployments', undefined, { createTimeStart: 'yesterday' }, 400, 'ValidationError', 'createTimeStart'],
    ['a time range that ends before it starts', 'GET', '/deployments', undefined, { createTimeStart: '2026-02-01T00:00:00Z', createTimeEnd: '2026-01-01T00:00:00Z' }, 400, 'ValidationError', 'createTimeEnd'],
    ['an unknown query parameter', 'GET', '/deployments', undefined, { externalId: 'x' }, 400, 'ValidationError', 'externalId'],
    ['a foreign nextToken', 'GET', '/deployments', undefined, { nextToken: 'not-a-token-this-store-made' }, 400, 'ValidationError', 'nextToken'],
    ['listing a missing application', 'GET', '/deployments', undefined, { applicationName: 'nowhere', deploymentGroupName: 'group' }, 404, 'ApplicationDoesNotExist', 'applicationName'],
    ['listing a missing group', 'GET', '/deployments', undefined, { applicationName: 'app', deploymentGroupName: 'nowhere' }, 404, 'DeploymentGroupDoesNotExist', 'deploymentGroupName'],
    ['a malformed deployment id', 'GET', '/deployments/d-lower', undefined, {}, 400, 'ValidationError', 'deploymentId'],
    ['a missing deployment', 'GET', `/deployments/${MISSING_ID}`, undefined, {}, 404, 'DeploymentDoesNotExist', 'deploymentId'],
    ['stopping a missing deployment', 'POST', `/deployments/${MISSING_ID}/stop`, {}, {}, 404, 'DeploymentDoesNotExist', 'deploymentId'],
    ['stopping a finished deployment', 'POST', '/deployments/{done}/stop', {}, {}, 409, 'DeploymentAlreadyCompleted', 'deploymentId'],
    ['stopping without a body', 'POST', '/deployments/{done}/stop', undefined, {}, 400, 'ValidationError', 'body'],
    ['autoRollbackEnabled as a string', 'POST', '/deployments/{done}/stop', { autoRollbackEnabled: 'yes' }, {}, 400, 'ValidationError', 'autoRollbackEnabled'],
    ['an unknown stop field', 'POST', '/deployments/{done}/stop', { force: true }, {}, 400, 'ValidationError', 'force'],
    ['continuing an in-place deployment', 'POST', '/deployments/{done}/continue', { deploymentWaitType: 'READY_WAIT' }, {}, 400, 'UnsupportedActionForDeploymentType', 'deploymentId'],
    ['continuing a missing deployment', 'POST', `/deployments/${MISSING_ID}/continue`, {}, {}, 404, 'DeploymentDoesNotExist', 'deploymentId'],
    ['an unknown wait type', 'POST', '/deployments/{done}/continue', { deploymentWaitType: 'LUNCH_WAIT' }, {}, 400, 'ValidationError', 'deploymentWaitType'],
  ])('refuses %s', async (_case, method, pathTemplate, body, query, status, code, field) => {
    const response = await call(method, pathTemplate.replace('{done}', doneId), requestBody(method, pathTemplate, body), query);

    expect(response).toEqual({ status, body: { code, message: expect.any(String), field } });
  });

  it.each([
    ['a Local revision', { revisionType: 'Local', localLocation: { bundlePath: '/srv/bundle' } }, 'revision.revisionType'],
    ['an S3 bucket name with capitals', { revisionType: 'S3', s3Location: { bucket: 'My_Bundles', key: 'a.zip', bundleType: 'zip' } }, 'revision.s3Location.bucket'],
    ['an S3 revision without a key', { revisionType: 'S3', s3Location: { bucket: 'my-bundles', bundleType: 'zip' } }, 'revision.s3Location.key'],
    ['an S3 bundle type Cutover cannot deploy', { revisionType: 'S3', s3Location: { bucket: 'my-bundles', key: 'a.yaml', bundleType: 'YAML' } }, 'revision.s3Location.bundleType'],
  ])('refuses %s on AWS with 400 naming the field', async (_case, revision, field) => {
    const response = await callOnAws('POST', '/deployments', { applicationName: 'app', deploymentGroupName: 'group', revision });

    expect(response).toEqual({ status: 400, body: { code: 'ValidationError', message: expect.stringContaining(field), field } });
  });

  /** A valid request with the case's change for POST /deployments; placeholders stand for bundles made in beforeAll. */
  function requestBody(method: string, pathTemplate: string, body: unknown): unknown {
    if (method !== 'POST' || pathTemplate !== '/deployments' || typeof body !== 'object' || body === null) return body;
    const change = body as Record<string, unknown>;
    const revision =
      change.revision === '{broken}'
        ? local(brokenBundle)
        : change.revision === '{v1 with sha256}'
          ? local(v1, { sha256: '0'.repeat(64) })
          : change.revision;
    return { applicationName: 'app', deploymentGroupName: 'group', revision: local(v1), ...change, ...('revision' in change ? { revision } : {}) };
  }
});
