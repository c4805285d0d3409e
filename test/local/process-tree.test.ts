// killProcessTree reaches what a script started in process groups of its own, as coreutils `timeout` does for every hook
// the rendered host script runs.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { killProcessTree } from '../../lib/local/process-tree';
import { tempDir } from '../support/bundles';
import { hasEnded, isRunning, untilWritten } from '../support/processes';

describe('killProcessTree', () => {
  it.each([
    ['in its own group', 'sleep 600 & echo $! > "$1"; wait'],
    ['under timeout, which gives it a group of its own', 'timeout -k 5 600 sh -c \'sleep 600 & echo $! > "$0"; wait\' "$1"'],
  ])('kills the script and a child started %s', async (_case, script) => {
    const pidFile = path.join(tempDir('process-tree'), 'child.pid');
    const shell = spawn('/bin/sh', ['-c', script, 'sh', pidFile], { detached: true, stdio: 'ignore' });
    const ended = new Promise((resolve) => shell.once('exit', resolve));
    const child = Number(await untilWritten(pidFile));
    expect(isRunning(child)).toBe(true);

    await killProcessTree(shell.pid!);
    await ended;

    expect(await hasEnded(child)).toBe(true);
  });
});
