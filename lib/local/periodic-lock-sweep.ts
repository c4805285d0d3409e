// The embedded runtime's counterpart of the scheduled lock sweep, for processes that run for a while (`cutover local
// serve`): one sweep at start-up, since a process killed mid-deployment leaves its locks behind, then one every five
// minutes of simulated time. The timer never keeps the process alive, and sweeps never overlap.
import type { LockSweepSummary } from '../../functions/steps/lock-sweep';

/** The AWS schedule's rate (lib/infra/lock-sweep-schedule.ts). */
export const LOCK_SWEEP_INTERVAL_MS = 5 * 60 * 1000;
/** However fast time runs, no more often than this. */
export const MIN_LOCK_SWEEP_INTERVAL_MS = 1000;

export interface PeriodicLockSweepOptions {
  readonly sweep: () => Promise<LockSweepSummary>;
  /** Wait states run this many times faster; so does the sweep's schedule. */
  readonly timeScale: number;
  /** Where what a sweep did (or why it failed) is told, one line at a time. */
  readonly report: (line: string) => void;
}

export class PeriodicLockSweep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  private constructor(private readonly options: PeriodicLockSweepOptions) {}

  /** Starts the first sweep at once (without waiting for it), then schedules the next ones. */
  public static start(options: PeriodicLockSweepOptions): PeriodicLockSweep {
    const sweeper = new PeriodicLockSweep(options);
    void sweeper.sweepOnce();
    sweeper.timer = setInterval(() => void sweeper.sweepOnce(), lockSweepIntervalMs(options.timeScale));
    sweeper.timer.unref();
    return sweeper;
  }

  /** The sweep under way, if any (the first one right after start). */
  public idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** No more sweeps; waits for one under way. */
  public async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private sweepOnce(): Promise<void> {
    this.running ??= this.sweepAndReport().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweepAndReport(): Promise<void> {
    const { report } = this.options;
    try {
      const summary = await this.options.sweep();
      const failures = new Map(summary.finishFailures.map((f) => [f.deploymentId, f.error]));
      for (const deploymentId of summary.recovered) {
        const failure = failures.get(deploymentId);
        report(
          failure === undefined
            ? `lock sweep: deployment ${deploymentId} had been abandoned by its execution; finished it and recovered its group's lock`
            : `lock sweep: deployment ${deploymentId} had been abandoned by its execution and could not be finished (${failure}); failed it and freed its group`,
        );
      }
      for (const deploymentId of summary.requeued) {
        report(`lock sweep: deployment ${deploymentId} was Queued without its queue entry (its admission died); queued it again in its place`);
      }
      for (const problem of summary.errors) {
        report(`lock sweep: could not recover the lock of ${problem.applicationName}/${problem.deploymentGroupName}: ${problem.error}`);
      }
    } catch (error) {
      report(`lock sweep failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

export function lockSweepIntervalMs(timeScale: number): number {
  return Math.max(MIN_LOCK_SWEEP_INTERVAL_MS, LOCK_SWEEP_INTERVAL_MS / timeScale);
}
