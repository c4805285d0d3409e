// StopDeployment on the embedded runtime: the batch under way finishes, the hosts after it are skipped, the
// deployment ends Stopped with MANUAL_STOP and the group's lock is freed (or handed to a rollback when asked).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deployLoggingBundle, localApiClients } from '../support/api-client';
import { addAppGroup, type Harness, openHarness } from '../support/local-runtime-harness';
import { ReportGate } from '../support/report-gate';

const HOSTS = ['host-1', 'host-2', 'host-3'];

describe('stopping an in-place deployment', () => {
  let h: Harness;
  let gate: ReportGate;
  const { call } = localApiClients(() => h);

  beforeEach(async () => {
    gate = new ReportGate();
    h = await openHarness({ hostRunner: gate.hostRunner });
    await addAppGroup(h, { defaultHosts: HOSTS, deploymentConfigName: 'CodeDeployDefault.OneAtATime' });
  });
  afterEach(async () => {
    gate.open();
    await h.runtime.close();
  });

  async function deploy(label: string): Promise<string> {
    const created = await deployLoggingBundle(call, h, label);
    expect(created.status).toBe(201);
    return created.body?.deploymentId as string;
  }

  /** Starts a deployment and stops it while its first batch (host-1) is still running. */
  async function deployAndStopInBatch1(label: string, stopBody: Record<string, unknown>): Promise<string> {
    gate.close();
    const deploymentId = await deploy(label);
    expect((await gate.firstHeld()).targetId).toBe('host-1');

    const stopped = await call('POST', `/deployments/${deploymentId}/stop`, stopBody);

    expect(stopped).toEqual({ status: 200, body: { status: 'Pending', statusMessage: 'The deployment stops after the hosts in its current batch finish' } });
    gate.open();
    return deploymentId;
  }

  it('finishes batch 1 of OneAtATime, skips the rest, ends Stopped with MANUAL_STOP and frees the lock', async () => {
    const deploymentId = await deployAndStopInBatch1('v1', {});

    const view = await h.runtime.waitForDeployment(deploymentId);

    expect(view.status).toBe('Stopped');
    expect(view.errorInformation).toEqual({ code: 'MANUAL_STOP', message: expect.stringMatching(/^The deployment was stopped on request at \d{4}-.*: hosts that had not started were skipped$/) });
    expect(Object.fromEntries(view.targets.map((t) => [t.targetId, t.status]))).toEqual({ 'host-1': 'Succeeded', 'host-2': 'Skipped', 'host-3': 'Skipped' });
    expect(new Set(view.targets.find((t) => t.targetId === 'host-3')?.lifecycleEvents.map((e) => e.status))).toEqual(new Set(['Skipped']));
    expect(view.deploymentOverview).toEqual({ Pending: 0, InProgress: 0, Succeeded: 1, Failed: 0, Skipped: 2, Ready: 0 });
    expect(view.stopRequested).toEqual({ at: expect.any(String), autoRollbackEnabled: false });
    expect(view.rollbackInfo).toBeUndefined();
    expect(fs.readFileSync(path.join(h.hostRoot('host-1'), 'srv/app/VERSION'), 'utf8')).toBe('v1\n');
    expect(fs.existsSync(path.join(h.hostRoot('host-2'), 'srv/app'))).toBe(false);
    expect(await h.runtime.store.getGroupLock(view.deploymentGroupId)).toBeUndefined();
    const group = await h.runtime.store.getDeploymentGroup('app', 'group');
    expect(group?.lastAttemptedDeployment).toMatchObject({ deploymentId, status: 'Stopped' });
    expect(group?.lastSuccessfulDeployment).toBeUndefined();
    // The group takes the next deployment at once.
    expect((await h.runtime.waitForDeployment(await deploy('v2'))).status).toBe('Succeeded');
  });

  it.each([
    ['autoRollbackEnabled: true', { autoRollbackEnabled: true }, undefined],
    ["the deployment's DEPLOYMENT_STOP_ON_REQUEST policy", {}, ['DEPLOYMENT_STOP_ON_REQUEST'] as const],
  ])('rolls a stopped deployment back to the last good revision when asked by %s', async (_case, stopBody, policyEvents) => {
    expect((await h.runtime.waitForDeployment(await deploy('v1'))).status).toBe('Succeeded');
    if (policyEvents) {
      const group = (await h.runtime.store.getDeploymentGroup('app', 'group'))!;
      await h.runtime.store.putDeploymentGroup({ ...group, autoRollbackConfiguration: { enabled: true, events: [...policyEvents] } });
    }

    const deploymentId = await deployAndStopInBatch1('v2', stopBody);
    const view = await h.runtime.waitForDeployment(deploymentId);

    expect(view.status).toBe('Stopped');
    expect(view.errorInformation?.code).toBe('MANUAL_STOP');
    const rollbackId = view.rollbackInfo?.rollbackDeploymentId;
    expect(view.rollbackInfo?.rollbackMessage).toMatch(/rollback succeeded/i);
    const rollback = await h.runtime.view(rollbackId!);
    expect(rollback).toMatchObject({ status: 'Succeeded', creator: 'codeDeployRollback', rollbackInfo: { rollbackTriggeringDeploymentId: deploymentId } });
    for (const host of HOSTS) expect(fs.readFileSync(path.join(h.hostRoot(host), 'srv/app/VERSION'), 'utf8')).toBe('v1\n');
    expect(await h.runtime.store.getGroupLock(view.deploymentGroupId)).toBeUndefined();
  });

  it('lets a deployment whose hosts have all started finish as it would have: a stop skips only hosts not yet started', async () => {
    await addAppGroup(h, { deploymentGroupName: 'all', defaultHosts: HOSTS, deploymentConfigName: 'CodeDeployDefault.AllAtOnce' });
    gate.close();
    const created = await deployLoggingBundle(call, h, 'all', 'all');
    await gate.firstHeld();

    expect((await call('POST', `/deployments/${created.body?.deploymentId as string}/stop`, {})).status).toBe(200);
    gate.open();

    const view = await h.runtime.waitForDeployment(created.body?.deploymentId as string);
    expect(view.status).toBe('Succeeded');
    expect(view.errorInformation).toBeUndefined();
  });
});
