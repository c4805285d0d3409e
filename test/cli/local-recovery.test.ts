// A `cutover local deploy` killed mid-deployment must not block its group: the next deploy recovers the lock.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Deployment } from '../../functions/core/types';
import { tempDir, writeBundle } from '../support/bundles';
import { CLI, runCli } from './run-cli';

describe('cutover local deploy after a killed run', () => {
  it('fails the abandoned deployment and deploys', async () => {
    const dir = tempDir('cli-killed');
    const slow = writeBundle(path.join(dir, 'slow'), {
      appspec: 'version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: scripts/slow.sh\n',
      files: { 'scripts/slow.sh': '#!/bin/sh\ntouch "$CUTOVER_HOST_ROOT/started"\nsleep 30\n' },
    });
    const victim = spawn(process.execPath, [CLI, 'local', 'deploy', slow, '--hosts', '1'], { cwd: dir, stdio: 'ignore' });
    const started = path.join(dir, '.cutover', 'hosts', 'host-1', 'started');
    for (let waited = 0; !fs.existsSync(started); waited += 100) {
      if (waited > 30_000) throw new Error('the first deployment never reached ApplicationStart');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    victim.kill('SIGKILL');
    await new Promise((resolve) => victim.once('exit', resolve));

    const quick = writeBundle(path.join(dir, 'quick'), { appspec: 'version: 0.0\nos: linux\n', files: {} });
    const run = await runCli(['local', 'deploy', quick, '--json'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const list = JSON.parse((await runCli(['local', 'list', '--json'], dir)).stdout) as Deployment[];
    expect(list.map((d) => d.status)).toEqual(['Succeeded', 'Failed']);
    expect(list[1].errorInformation?.message).toMatch(/abandoned: its execution .* is no longer running/);
  });
});
