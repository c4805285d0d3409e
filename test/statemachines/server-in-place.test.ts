// The in-place state machine, run for real on the embedded runtime: ASL file, steps, DynamoDB adapter (dynalite),
// rendered host scripts in child processes, task-token callbacks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeploymentGroupBusyError } from '../../functions/core/errors';
import type { DeploymentView } from '../../functions/core/types';
import { deployLocally, type LocalDeployRequest } from '../../lib/cli/local-deploy';
import { loggingBundle, readLines, writeBundle } from '../support/bundles';
import { deployRequest } from '../support/deploy-requests';
import { type Harness, openHarness } from '../support/local-runtime-harness';

const HOSTS5 = ['host-1', 'host-2', 'host-3', 'host-4', 'host-5'];
const FIRST_TIME_EVENTS = ['BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'];

function request(bundle: string, overrides: Partial<LocalDeployRequest> = {}): LocalDeployRequest {
  return deployRequest(bundle, { hosts: HOSTS5, ...overrides });
}

function batchesOf(view: DeploymentView): string[][] {
  const batches: string[][] = [];
  for (const t of view.targets) if (t.batchNumber) (batches[t.batchNumber - 1] ??= []).push(t.targetId);
  return batches;
}

function statuses(view: DeploymentView): Record<string, string> {
  return Object.fromEntries(view.targets.map((t) => [t.targetId, t.status]));
}

describe('server in-place flow on the embedded runtime', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(async () => {
    await h.runtime.close();
  });

  it('deploys to 5 hosts with HalfAtATime in batches of 2, 2, 1, files in place and hooks in CodeDeploy order', async () => {
    const v1 = loggingBundle(path.join(h.dir, 'v1'), 'v1');
    const view = await deployLocally(h.runtime, request(v1, { deploymentConfigName: 'CodeDeployDefault.HalfAtATime' }));

    expect(view.status).toBe('Succeeded');
    expect(batchesOf(view)).toEqual([['host-1', 'host-2'], ['host-3', 'host-4'], ['host-5']]);
    expect(view.deploymentOverview).toEqual({ Pending: 0, InProgress: 0, Succeeded: 5, Failed: 0, Skipped: 0, Ready: 0 });
    for (const host of HOSTS5) {
      expect(fs.readFileSync(path.join(h.hostRoot(host), 'srv/app/VERSION'), 'utf8')).toBe('v1\n');
      expect(readLines(path.join(h.hostRoot(host), 'events.log'))).toEqual(FIRST_TIME_EVENTS.map((e) => `${e} v1`));
    }
    const target = view.targets[0];
    expect(target.lifecycleEvents.map((e) => [e.lifecycleEventName, e.status])).toEqual([
      ['ApplicationStop', 'Succeeded'],
      ['DownloadBundle', 'Succeeded'],
      ['BeforeInstall', 'Succeeded'],
      ['Install', 'Succeeded'],
      ['AfterInstall', 'Succeeded'],
      ['ApplicationStart', 'Succeeded'],
      ['ValidateService', 'Succeeded'],
    ]);
  });

  it('runs ApplicationStop from the previous revision and removes the files it installed', async () => {
    await deployLocally(h.runtime, request(loggingBundle(path.join(h.dir, 'v1'), 'v1')));
    const second = await deployLocally(h.runtime, request(loggingBundle(path.join(h.dir, 'v2'), 'v2')));

    expect(second.status).toBe('Succeeded');
    const log = readLines(path.join(h.hostRoot('host-2'), 'events.log'));
    expect(log.slice(4)).toEqual(['ApplicationStop v1', ...FIRST_TIME_EVENTS.map((e) => `${e} v2`)]);
    expect(fs.existsSync(path.join(h.hostRoot('host-2'), 'srv/app/only-in-v1.txt'))).toBe(false);
    expect(fs.existsSync(path.join(h.hostRoot('host-2'), 'srv/app/only-in-v2.txt'))).toBe(true);
  });

  it('HalfAtATime on 5 hosts with ValidateService failing on host-3 succeeds with 4 succeeded and 1 failed', async () => {
    const bundle = loggingBundle(path.join(h.dir, 'bad'), 'bad', { host: 'host-3' });
    const view = await deployLocally(h.runtime, request(bundle, { deploymentConfigName: 'CodeDeployDefault.HalfAtATime' }));

    expect(view.status).toBe('Succeeded');
    expect(statuses(view)).toEqual({ 'host-1': 'Succeeded', 'host-2': 'Succeeded', 'host-3': 'Failed', 'host-4': 'Succeeded', 'host-5': 'Succeeded' });
    const failed = view.targets.find((t) => t.targetId === 'host-3')!;
    const validate = failed.lifecycleEvents.find((e) => e.lifecycleEventName === 'ValidateService')!;
    expect(validate.status).toBe('Failed');
    expect(validate.diagnostics).toMatchObject({ errorCode: 'ScriptFailed', scriptName: 'scripts/hook.sh' });
    expect(validate.diagnostics?.logTail).toContain('boom on host-3');
  });

  it('OneAtATime stops at the first failure with HEALTH_CONSTRAINTS and skips the hosts after it', async () => {
    const bundle = loggingBundle(path.join(h.dir, 'bad'), 'bad', { host: 'host-3' });
    const view = await deployLocally(h.runtime, request(bundle, { deploymentConfigName: 'CodeDeployDefault.OneAtATime' }));

    expect(view.status).toBe('Failed');
    expect(view.errorInformation?.code).toBe('HEALTH_CONSTRAINTS');
    expect(statuses(view)).toEqual({ 'host-1': 'Succeeded', 'host-2': 'Succeeded', 'host-3': 'Failed', 'host-4': 'Skipped', 'host-5': 'Skipped' });
    const skipped = view.targets.find((t) => t.targetId === 'host-5')!;
    expect(new Set(skipped.lifecycleEvents.map((e) => e.status))).toEqual(new Set(['Skipped']));
    expect(fs.existsSync(path.join(h.hostRoot('host-5'), 'srv/app'))).toBe(false);
    expect(view.rollbackInfo).toBeUndefined();
  });

  it('rolls back automatically: a new codeDeployRollback deployment puts every host back on the last good revision', async () => {
    const good = await deployLocally(h.runtime, request(loggingBundle(path.join(h.dir, 'v1'), 'v1')));
    const bad = loggingBundle(path.join(h.dir, 'v2'), 'v2', { host: 'host-3' });
    const failed = await deployLocally(h.runtime, request(bad, { autoRollback: true, deploymentConfigName: 'CodeDeployDefault.OneAtATime' }));

    expect(failed.status).toBe('Failed');
    const rollbackId = failed.rollbackInfo?.rollbackDeploymentId;
    expect(rollbackId).toMatch(/^d-[A-Z0-9]{9}$/);
    expect(failed.rollbackInfo?.rollbackMessage).toMatch(/rollback succeeded/i);
    const rollback = await h.runtime.view(rollbackId!);
    expect(rollback).toMatchObject({ status: 'Succeeded', creator: 'codeDeployRollback', revision: good.revision });
    expect(rollback.rollbackInfo?.rollbackTriggeringDeploymentId).toBe(failed.deploymentId);
    for (const host of HOSTS5) {
      expect(fs.readFileSync(path.join(h.hostRoot(host), 'srv/app/VERSION'), 'utf8')).toBe('v1\n');
      expect(fs.existsSync(path.join(h.hostRoot(host), 'srv/app/only-in-v2.txt'))).toBe(false);
    }
    // The lock went from the failed deployment to its rollback and was then released.
    expect(await h.runtime.store.getGroupLock(failed.deploymentGroupId)).toBeUndefined();
  });

  it('does not roll back when the group has no earlier successful revision, and says so', async () => {
    const bad = loggingBundle(path.join(h.dir, 'v1'), 'v1', { host: 'host-1' });
    const failed = await deployLocally(h.runtime, request(bad, { autoRollback: true }));
    expect(failed.status).toBe('Failed');
    expect(failed.rollbackInfo).toEqual({ rollbackMessage: expect.stringMatching(/no earlier successful revision/) });
  });

  it('fails a script that runs past its timeout with ScriptTimedOut', async () => {
    const bundle = writeBundle(path.join(h.dir, 'slow'), {
      appspec: 'version: 0.0\nos: linux\nhooks:\n  ValidateService:\n    - location: scripts/slow.sh\n      timeout: 1\n',
      files: { 'scripts/slow.sh': '#!/bin/sh\nsleep 30\n' },
    });
    const view = await deployLocally(h.runtime, request(bundle, { hosts: ['host-1'] }));
    expect(view.status).toBe('Failed');
    const event = view.targets[0].lifecycleEvents.find((e) => e.lifecycleEventName === 'ValidateService')!;
    expect(event.diagnostics?.errorCode).toBe('ScriptTimedOut');
  });

  it('fails with HEALTH_CONSTRAINTS_INVALID when the minimum healthy hosts can never be kept', async () => {
    const bundle = loggingBundle(path.join(h.dir, 'v1'), 'v1');
    const view = await deployLocally(h.runtime, request(bundle, { hosts: ['host-1'], deploymentConfigName: 'CodeDeployDefault.HalfAtATime' }));
    expect(view.status).toBe('Failed');
    expect(view.errorInformation?.code).toBe('HEALTH_CONSTRAINTS_INVALID');
    expect(statuses(view)).toEqual({ 'host-1': 'Skipped' });
  });

  it('lets ApplicationStop failures pass with ignoreApplicationStopFailures', async () => {
    const broken = writeBundle(path.join(h.dir, 'broken-stop'), {
      appspec: 'version: 0.0\nos: linux\nhooks:\n  ApplicationStop:\n    - location: scripts/stop.sh\n',
      files: { 'scripts/stop.sh': '#!/bin/sh\necho cannot stop >&2\nexit 1\n' },
    });
    await deployLocally(h.runtime, request(broken, { hosts: ['host-1'] }));
    const next = loggingBundle(path.join(h.dir, 'next'), 'next');

    const blocked = await deployLocally(h.runtime, request(next, { hosts: ['host-1'] }));
    expect(blocked.status).toBe('Failed');
    expect(blocked.targets[0].lifecycleEvents[0]).toMatchObject({ lifecycleEventName: 'ApplicationStop', status: 'Failed' });

    const passed = await deployLocally(h.runtime, request(next, { hosts: ['host-1'], ignoreApplicationStopFailures: true }));
    expect(passed.status).toBe('Succeeded');
    expect(passed.targets[0].lifecycleEvents[0]).toMatchObject({ lifecycleEventName: 'ApplicationStop', status: 'Failed' });
  });

  it('refuses a second deployment to a busy group, naming the running one, and accepts one after both', async () => {
    const bundle = loggingBundle(path.join(h.dir, 'v1'), 'v1');
    const results = await Promise.allSettled([deployLocally(h.runtime, request(bundle)), deployLocally(h.runtime, request(bundle))]);
    const won = results.filter((r): r is PromiseFulfilledResult<DeploymentView> => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(DeploymentGroupBusyError);
    expect((lost[0].reason as DeploymentGroupBusyError).activeDeploymentId).toBe(won[0].value.deploymentId);
    expect((lost[0].reason as Error).message).toContain(won[0].value.deploymentId);

    const after = await deployLocally(h.runtime, request(bundle));
    expect(after.status).toBe('Succeeded');
  });

  it('keeps state transitions independent of the number of hosts', async () => {
    const bundle = loggingBundle(path.join(h.dir, 'v1'), 'v1');
    const few = await deployLocally(h.runtime, request(bundle, { deploymentGroupName: 'few', hosts: ['a-1', 'a-2'], deploymentConfigName: 'CodeDeployDefault.AllAtOnce' }));
    const many = await deployLocally(
      h.runtime,
      request(bundle, { deploymentGroupName: 'many', hosts: Array.from({ length: 24 }, (_, i) => `b-${i + 1}`), deploymentConfigName: 'CodeDeployDefault.AllAtOnce' }),
    );
    expect(many.status).toBe('Succeeded');
    const fewTransitions = (await h.runtime.executionOutcome(few.deploymentId))?.transitions;
    const manyTransitions = (await h.runtime.executionOutcome(many.deploymentId))?.transitions;
    expect(fewTransitions).toBeGreaterThan(5);
    expect(manyTransitions).toBe(fewTransitions);
  });
});
