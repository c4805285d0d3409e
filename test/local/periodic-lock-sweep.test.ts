// `cutover local serve`'s lock sweep: once at start-up, then every five minutes of simulated time, never two at once,
// and what each sweep did told one line at a time.
import type { LockSweepSummary } from '../../functions/steps/lock-sweep';
import { lockSweepIntervalMs, PeriodicLockSweep } from '../../lib/local/periodic-lock-sweep';

const QUIET: LockSweepSummary = { groupsChecked: 3, recovered: [], requeued: [], finishFailures: [], errors: [] };

describe('lockSweepIntervalMs', () => {
  it.each([
    [1, 300_000],
    [10, 30_000],
    [300, 1_000],
    [100_000, 1_000],
    [0.5, 600_000],
  ])('at --time-scale %d sweeps every %d ms', (timeScale, interval) => {
    expect(lockSweepIntervalMs(timeScale)).toBe(interval);
  });
});

describe('PeriodicLockSweep', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('sweeps once at start, telling each recovered deployment, each one queued again and each group it could not recover', async () => {
    const lines: string[] = [];
    const sweeper = PeriodicLockSweep.start({
      sweep: async () => ({
        groupsChecked: 3,
        recovered: ['d-AAAAAAAA1', 'd-BBBBBBBB2'],
        requeued: ['d-CCCCCCCC3'],
        finishFailures: [{ deploymentId: 'd-BBBBBBBB2', error: 'AccessDeniedException: no' }],
        errors: [{ applicationName: 'app', deploymentGroupName: 'web', error: 'Error: connection reset' }],
      }),
      timeScale: 1,
      report: (line) => lines.push(line),
    });
    await sweeper.idle();
    await sweeper.stop();

    expect(lines).toEqual([
      "lock sweep: deployment d-AAAAAAAA1 had been abandoned by its execution; finished it and recovered its group's lock",
      'lock sweep: deployment d-BBBBBBBB2 had been abandoned by its execution and could not be finished (AccessDeniedException: no); failed it and freed its group',
      'lock sweep: deployment d-CCCCCCCC3 was Queued without its queue entry (its admission died); queued it again in its place',
      'lock sweep: could not recover the lock of app/web: Error: connection reset',
    ]);
  });

  it('tells a sweep that failed instead of throwing it, and says nothing of a sweep that found nothing', async () => {
    const lines: string[] = [];
    let calls = 0;
    const sweeper = PeriodicLockSweep.start({
      sweep: async () => {
        calls += 1;
        if (calls === 1) throw new Error('store unreachable');
        return QUIET;
      },
      timeScale: 1,
      report: (line) => lines.push(line),
    });
    await sweeper.stop();

    expect(calls).toBe(1);
    expect(lines).toEqual(['lock sweep failed: store unreachable']);
  });

  it('sweeps again each interval, never while a sweep is under way, and not after stop', async () => {
    jest.useFakeTimers();
    let calls = 0;
    let release: (() => void) | undefined;
    const sweeper = PeriodicLockSweep.start({
      sweep: async () => {
        calls += 1;
        // The second sweep hangs until the test lets it end.
        if (calls === 2) await new Promise<void>((resolve) => (release = resolve));
        return QUIET;
      },
      timeScale: 300,
      report: () => undefined,
    });
    await sweeper.idle();
    expect(calls).toBe(1);

    await jest.advanceTimersByTimeAsync(1_000);
    expect(calls).toBe(2);
    await jest.advanceTimersByTimeAsync(3_000);
    expect(calls).toBe(2);

    const stopped = sweeper.stop();
    release!();
    await stopped;
    await jest.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(2);
  });
});
