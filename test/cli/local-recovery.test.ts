// A `cutover local deploy` or `cutover local serve` killed mid-deployment must not block its group: the next deploy
// recovers the lock (rolling back when the deployment asked for it), and the next serve recovers it at start-up.
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Deployment } from '../../functions/core/types';
import { tempDir, writeBundle } from '../support/bundles';
import { CLI, runCli } from './run-cli';
import { startServe, type ServeProcess } from '../support/serve-process';

const ABANDONED = /^The deployment was abandoned: its execution \S+ is no longer running .*, so lock recovery finished it$/;

/** A bundle whose ApplicationStart marks the host `started`, then takes longer than any test waits. */
function slowBundle(dir: string): string {
  return writeBundle(path.join(dir, 'slow'), {
    appspec: 'version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: scripts/slow.sh\n',
    files: { 'scripts/slow.sh': '#!/bin/sh\ntouch "$CUTOVER_HOST_ROOT/started"\nsleep 30\n' },
  });
}

function quickBundle(dir: string, label: string): string {
  return writeBundle(path.join(dir, label), { appspec: 'version: 0.0\nos: linux\n', files: { [`${label}.txt`]: label } });
}

async function untilStarted(hostRoot: string): Promise<void> {
  const started = path.join(hostRoot, 'started');
  for (let waited = 0; !fs.existsSync(started); waited += 100) {
    if (waited > 30_000) throw new Error('the deployment never reached ApplicationStart');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function listed(dir: string, ...flags: string[]): Promise<Deployment[]> {
  return JSON.parse((await runCli(['local', 'list', '--json', ...flags], dir)).stdout) as Deployment[];
}

describe('cutover local deploy after a killed run', () => {
  it('fails the abandoned deployment and deploys', async () => {
    const dir = tempDir('cli-killed');
    const victim = spawn(process.execPath, [CLI, 'local', 'deploy', slowBundle(dir), '--hosts', '1'], { cwd: dir, stdio: 'ignore' });
    await untilStarted(path.join(dir, '.cutover', 'hosts', 'host-1'));
    await kill(victim);

    const run = await runCli(['local', 'deploy', quickBundle(dir, 'quick'), '--json'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const list = await listed(dir);
    expect(list.map((d) => d.status)).toEqual(['Succeeded', 'Failed']);
    expect(list[1].errorInformation).toEqual({ code: 'INTERNAL_ERROR', message: expect.stringMatching(ABANDONED) });
  });

  it('rolls the abandoned deployment back when it asked for it, and refuses the new one while the rollback runs', async () => {
    const dir = tempDir('cli-killed-rollback');
    expect((await runCli(['local', 'deploy', quickBundle(dir, 'v1'), '--hosts', '1', '--json'], dir)).code).toBe(0);
    const victim = spawn(process.execPath, [CLI, 'local', 'deploy', slowBundle(dir), '--auto-rollback'], { cwd: dir, stdio: 'ignore' });
    await untilStarted(path.join(dir, '.cutover', 'hosts', 'host-1'));
    await kill(victim);

    const refused = await runCli(['local', 'deploy', quickBundle(dir, 'v3'), '--json'], dir);

    const [rollback, abandoned, v1] = await listed(dir);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`already has an active Deployment '${rollback.deploymentId}'`);
    expect(rollback).toMatchObject({ creator: 'codeDeployRollback', status: 'Succeeded', rollbackInfo: { rollbackTriggeringDeploymentId: abandoned.deploymentId } });
    expect(abandoned).toMatchObject({
      status: 'Failed',
      errorInformation: { code: 'INTERNAL_ERROR', message: expect.stringMatching(ABANDONED) },
      rollbackInfo: { rollbackDeploymentId: rollback.deploymentId, rollbackMessage: `Automatic rollback succeeded: deployment ${rollback.deploymentId}` },
    });
    expect(v1.status).toBe('Succeeded');

    expect((await runCli(['local', 'deploy', quickBundle(dir, 'v3'), '--json'], dir)).code).toBe(0);
  });
});

describe('cutover local serve after a killed serve', () => {
  /** Starts `cutover local serve` in `dir`; its stderr collects in `stderr()`. */
  function serve(dir: string): Promise<ServeProcess> {
    return startServe(dir, ['--time-scale', '100']);
  }

  async function call(endpoint: string, method: string, route: string, body?: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(`${endpoint}${route}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
    });
    return (await response.json()) as Record<string, unknown>;
  }

  it('recovers the lock a killed serve left behind before it takes requests', async () => {
    const dir = tempDir('serve-killed');
    const first = await serve(dir);
    await call(first.endpoint, 'POST', '/applications', { applicationName: 'served' });
    await call(first.endpoint, 'POST', '/applications/served/deployment-groups', { deploymentGroupName: 'one', instanceNames: ['solo'] });
    const created = await call(first.endpoint, 'POST', '/deployments', {
      applicationName: 'served',
      deploymentGroupName: 'one',
      revision: { revisionType: 'Local', localLocation: { bundlePath: slowBundle(dir) } },
    });
    await untilStarted(path.join(dir, '.cutover', 'hosts', 'solo'));
    await kill(first.child);

    const second = await serve(dir);
    try {
      // The start-up sweep runs right after the first line, which tells the port.
      const recovered = `cutover: lock sweep: deployment ${String(created.deploymentId)} had been abandoned by its execution; finished it and recovered its group's lock`;
      for (let waited = 0; !second.stderr().includes(recovered); waited += 100) {
        if (waited > 30_000) throw new Error(`the start-up sweep never recovered the lock: ${second.stderr()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const { deploymentInfo } = await call(second.endpoint, 'GET', `/deployments/${String(created.deploymentId)}`);
      expect(deploymentInfo).toMatchObject({ status: 'Failed', errorInformation: { code: 'INTERNAL_ERROR', message: expect.stringMatching(ABANDONED) } });
    } finally {
      const exited = new Promise((resolve) => second.child.once('exit', resolve));
      second.child.kill('SIGTERM');
      await exited;
    }
  });
});
