// `cutover local deploy`, end to end through the real executable and the state folder on disk.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeploymentView } from '../../functions/core/types';
import { loggingBundle, readLines, tempDir, writeBundle } from '../support/bundles';
import { runCli } from './run-cli';

const CODEDEPLOY_ORDER_FIRST = ['BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'];

describe('cutover local deploy', () => {
  it('leaves files and hook events on every host in CodeDeploy order, batched 2, 2, 1 with HalfAtATime', async () => {
    const dir = tempDir('cli-deploy');
    const bundle = loggingBundle(path.join(dir, 'v1'), 'v1');
    const run = await runCli(['local', 'deploy', bundle, '--hosts', '5', '--config', 'CodeDeployDefault.HalfAtATime', '--json'], dir);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const view = JSON.parse(run.stdout) as DeploymentView;
    expect(view).toMatchObject({ status: 'Succeeded', deploymentConfigName: 'CodeDeployDefault.HalfAtATime', creator: 'user' });
    expect(view.targets.map((t) => t.batchNumber)).toEqual([1, 1, 2, 2, 3]);
    for (const host of ['host-1', 'host-2', 'host-3', 'host-4', 'host-5']) {
      const root = path.join(dir, '.cutover', 'hosts', host);
      expect(fs.readFileSync(path.join(root, 'srv/app/VERSION'), 'utf8')).toBe('v1\n');
      expect(readLines(path.join(root, 'events.log'))).toEqual(CODEDEPLOY_ORDER_FIRST.map((e) => `${e} v1`));
    }

    const list = await runCli(['local', 'list', '--json'], dir);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { deploymentId: string }[]).map((d) => d.deploymentId)).toEqual([view.deploymentId]);
    const get = await runCli(['local', 'get', view.deploymentId], dir);
    expect(get.code).toBe(0);
    expect(get.stdout).toContain(`Deployment ${view.deploymentId} Succeeded`);
  });

  it('with --auto-rollback puts every host back on the previous revision when OneAtATime fails', async () => {
    const dir = tempDir('cli-rollback');
    // --platform server is the default, said out loud.
    expect((await runCli(['local', 'deploy', '--platform', 'server', loggingBundle(path.join(dir, 'v1'), 'v1'), '--hosts', '5'], dir)).code).toBe(0);
    const bad = loggingBundle(path.join(dir, 'v2'), 'v2', { host: 'host-3' });
    const run = await runCli(['local', 'deploy', bad, '--config', 'CodeDeployDefault.OneAtATime', '--auto-rollback', '--json'], dir);

    expect(run.code).toBe(1);
    const view = JSON.parse(run.stdout) as DeploymentView;
    expect(view.errorInformation?.code).toBe('HEALTH_CONSTRAINTS');
    expect(view.targets.map((t) => t.status)).toEqual(['Succeeded', 'Succeeded', 'Failed', 'Skipped', 'Skipped']);
    expect(view.rollbackInfo?.rollbackDeploymentId).toMatch(/^d-/);
    for (const host of ['host-1', 'host-2', 'host-3', 'host-4', 'host-5']) {
      expect(fs.readFileSync(path.join(dir, '.cutover', 'hosts', host, 'srv/app/VERSION'), 'utf8')).toBe('v1\n');
    }
  });

  it('runs one of two deployments started at once; the other names the process and deployment holding the state', async () => {
    const dir = tempDir('cli-busy');
    const slow = writeBundle(path.join(dir, 'slow'), {
      appspec: 'version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: scripts/slow.sh\n',
      files: { 'scripts/slow.sh': '#!/bin/sh\nsleep 3\n' },
    });
    const [a, b] = await Promise.all([runCli(['local', 'deploy', slow], dir), runCli(['local', 'deploy', slow], dir)]);
    const runs = [a, b].sort((x, y) => x.code - y.code);
    expect(runs.map((r) => r.code)).toEqual([0, 1]);
    expect(runs[1].stderr).toMatch(/in use by process \d+ \(cutover local deploy/);

    const after = await runCli(['local', 'deploy', slow], dir);
    expect(after.code).toBe(0);
  });

  it('with --alarm watches a simulated alarm: one in ALARM stops the deployment before any host is touched', async () => {
    const dir = tempDir('cli-alarm');
    const bundle = loggingBundle(path.join(dir, 'v1'), 'v1');
    expect((await runCli(['local', 'alarm', 'set', 'site-errors', 'ALARM'], dir)).code).toBe(0);

    const stopped = await runCli(['local', 'deploy', bundle, '--hosts', '2', '--alarm', 'site-errors', '--json'], dir);

    expect(stopped.stderr).toBe('');
    expect(stopped.code).toBe(1);
    const view = JSON.parse(stopped.stdout) as DeploymentView;
    expect(view).toMatchObject({ status: 'Stopped', errorInformation: { code: 'ALARM_ACTIVE', message: expect.stringContaining('site-errors') } });
    expect(view.targets.map((t) => t.status)).toEqual(['Skipped', 'Skipped']);
    expect(fs.existsSync(path.join(dir, '.cutover', 'hosts', 'host-1'))).toBe(false);
    // The group keeps watching it: once it is OK again, a deploy without the flag goes through.
    expect((await runCli(['local', 'alarm', 'set', 'site-errors', 'OK'], dir)).code).toBe(0);
    expect((await runCli(['local', 'deploy', bundle], dir)).code).toBe(0);
  });

  it('exits 2 naming the field for bad input', async () => {
    const dir = tempDir('cli-bad');
    const bundle = loggingBundle(path.join(dir, 'v1'), 'v1');
    const run = await runCli(['local', 'deploy', bundle, '--hosts', 'many'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--hosts');
    expect(run.stderr).toContain('many');
    expect(fs.existsSync(path.join(dir, '.cutover'))).toBe(false);
  });
});

describe('cutover local demo (npm start)', () => {
  it('shows a success, a failure with HEALTH_CONSTRAINTS and the automatic rollback, and leaves every host on revision 1', async () => {
    const dir = tempDir('cli-demo');
    const run = await runCli(['local', 'demo'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/=> d-\w+ Succeeded: 6 succeeded, 0 failed, 0 skipped/);
    expect(run.stdout).toMatch(/=> d-\w+ Failed \(HEALTH_CONSTRAINTS\): 3 succeeded, 1 failed, 2 skipped/);
    expect(run.stdout).toMatch(/automatic rollback d-\w+ redeployed revision 1: Succeeded/);
    expect(run.stdout).toContain('GET /healthz returned 503');
    expect(run.stdout.match(/host-\d {2}demo-app version 1/g)).toHaveLength(6);
  });
});
