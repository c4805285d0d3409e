// LocalHostRunner.cancel, what an alarm does to the scripts of a batch on local hosts: the script's whole process group
// is killed, a script still queued never starts, and neither reports a result; scripts of other events or hosts go on.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HostDispatch, HostReport } from '../../functions/ports';
import { LocalHostRunner } from '../../lib/local/local-host-runner';
import { tempDir } from '../support/bundles';
import { hasEnded, isRunning, untilWritten } from '../support/processes';

// Writes the id of a background child (same process group) and waits on it: only a kill of the group ends it early.
const LONG_SCRIPT = 'echo started > "$CUTOVER_HOST_ROOT/started"\nsleep 600 &\necho $! > "$CUTOVER_HOST_ROOT/child.pid"\nwait\necho done';
// Ends once the test creates `go` in the host's folder.
const GATED_SCRIPT = 'while [ ! -f "$CUTOVER_HOST_ROOT/go" ]; do sleep 0.02; done\necho gated-ok';

const dispatchOf = (script: string, targetIds: string[], eventIndex = 5): HostDispatch => ({
  deploymentId: 'd-ALARM0001',
  batchNumber: 2,
  eventIndex,
  eventName: 'ApplicationStart',
  scripts: [{ script, targetIds }],
  timeoutSeconds: 900,
});

const cancellationOf = (targetIds: string[], eventIndex = 5) => ({
  deploymentId: 'd-ALARM0001',
  batchNumber: 2,
  eventIndex,
  eventName: 'ApplicationStart' as const,
  targetIds,
  dispatchedAt: new Date().toISOString(),
});

describe('LocalHostRunner.cancel', () => {
  let hostsDir: string;
  let reports: HostReport[];
  let runner: LocalHostRunner;
  const host = (name: string, file: string): string => path.join(hostsDir, name, file);

  function open(concurrency: number): void {
    hostsDir = tempDir('host-cancel');
    reports = [];
    runner = new LocalHostRunner({ hostsDir, concurrency, report: async (r) => void reports.push(r) });
  }

  it('kills the running script with every process it started, and reports nothing for it', async () => {
    open(4);
    await runner.dispatch(dispatchOf(LONG_SCRIPT, ['host-a']));
    const child = Number(await untilWritten(host('host-a', 'child.pid')));
    expect(isRunning(child)).toBe(true);

    await runner.cancel(cancellationOf(['host-a']));
    await runner.idle();

    expect(await hasEnded(child)).toBe(true);
    expect(reports).toEqual([]);
    expect(await runner.collect(cancellationOf(['host-a']))).toEqual([]);
  });

  it('never starts a script still queued for a slot', async () => {
    open(1);
    await runner.dispatch(dispatchOf(LONG_SCRIPT, ['host-a', 'host-b']));
    await untilWritten(host('host-a', 'started'));

    await runner.cancel(cancellationOf(['host-b']));
    await runner.cancel(cancellationOf(['host-a']));
    await runner.idle();

    expect(fs.existsSync(host('host-b', 'started'))).toBe(false);
    expect(reports).toEqual([]);
  });

  it.each([
    ['another event of the same host', ['host-a'], 4],
    ['another host of the same event', ['host-b'], 5],
  ])('leaves a script alone when the cancel is for %s', async (_case, targetIds, eventIndex) => {
    open(4);
    await runner.dispatch(dispatchOf(GATED_SCRIPT, ['host-a']));

    await runner.cancel(cancellationOf(targetIds, eventIndex));
    fs.writeFileSync(host('host-a', 'go'), '');
    await runner.idle();

    expect(reports.map((r) => [r.targetId, r.eventIndex, r.exitCode, r.output.trim()])).toEqual([['host-a', 5, 0, 'gated-ok']]);
  });

  it('changes nothing when cancelling a script that has finished and reported', async () => {
    open(4);
    await runner.dispatch(dispatchOf('echo quick', ['host-a']));
    await runner.idle();

    await runner.cancel(cancellationOf(['host-a']));
    // The same event sent again (a retried dispatch) still runs and reports: the cancel was for what ran before.
    await runner.dispatch(dispatchOf('echo again', ['host-a']));
    await runner.idle();

    expect(reports.map((r) => r.output.trim())).toEqual(['quick', 'again']);
  });
});
