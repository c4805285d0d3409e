// Local hosts: a host is the folder `<hostsDir>/<name>/`, standing in for `/`. The rendered script runs as a child
// process, exactly the text SSM Run Command would send, and its result comes back through the same host-report
// step that SSM's events feed in the cloud. Cancelling an event (an alarm) kills its scripts' process groups; a
// cancelled script reports nothing, and one still queued never starts.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DispatchOutcome, HostCancellation, HostCollection, HostDispatch, HostReport, HostRunner } from '../../functions/ports';
import { killProcessTree } from './process-tree';
import { Semaphore } from './semaphore';

/** Output kept per script run: enough for the 4 KB log tail and the result marker. */
const OUTPUT_LIMIT_BYTES = 64 * 1024;
/** Grace beyond the event's own limit before the runner kills a script that ignored its timeouts. */
const KILL_GRACE_SECONDS = 60;
/** Finished results kept for `collect`, like SSM keeps invocations: the most recent ones, with a bounded tail each. */
const KEPT_RESULTS = 5000;
const KEPT_OUTPUT_BYTES = 8 * 1024;

export interface LocalHostRunnerOptions {
  readonly hostsDir: string;
  readonly report: (report: HostReport) => Promise<void>;
  /** Scripts running at once across all hosts. */
  readonly concurrency: number;
}

export class LocalHostRunner implements HostRunner {
  private readonly slots: Semaphore;
  private readonly running = new Set<Promise<void>>();
  /** Reports of finished scripts by deployment/batch/event/target, oldest first (a Map keeps insertion order). */
  private readonly finished = new Map<string, HostReport>();
  /** Scripts queued or running, by deployment/batch/event/target. */
  private readonly scheduled = new Set<string>();
  /** Process groups of the scripts running now, by the same key. */
  private readonly runningGroups = new Map<string, number>();
  /** Scheduled scripts cancelled before they ended (or started). */
  private readonly cancelled = new Set<string>();

  public constructor(private readonly options: LocalHostRunnerOptions) {
    this.slots = new Semaphore(options.concurrency);
  }

  public async dispatch(dispatch: HostDispatch, onSent?: (targetIds: readonly string[]) => Promise<void>): Promise<DispatchOutcome> {
    for (const { script, targetIds } of dispatch.scripts) {
      for (const targetId of targetIds) {
        this.scheduled.add(resultKey(dispatch, targetId));
        const run = this.slots
          .run(() => this.runOnHost(dispatch, script, targetId))
          .catch((error: unknown) => {
            process.stderr.write(`cutover: the report of ${targetId} was lost: ${error instanceof Error ? error.message : String(error)}\n`);
          })
          .finally(() => this.running.delete(run));
        this.running.add(run);
      }
    }
    // Every script is queued in this process: all hosts count as sent at once.
    const sent = dispatch.scripts.flatMap((group) => group.targetIds);
    if (sent.length > 0) await onSent?.(sent);
    // A local host is a folder the runner creates on demand: it is always there to run the script.
    return { unreachable: [] };
  }

  public async collect(collection: HostCollection): Promise<HostReport[]> {
    return collection.targetIds
      .map((targetId) => this.finished.get(resultKey(collection, targetId)))
      .filter((report): report is HostReport => report !== undefined);
  }

  public async cancel(cancellation: HostCancellation): Promise<void> {
    for (const targetId of cancellation.targetIds) {
      const key = resultKey(cancellation, targetId);
      if (!this.scheduled.has(key)) continue;
      this.cancelled.add(key);
      const leader = this.runningGroups.get(key);
      if (leader !== undefined) await killProcessTree(leader);
    }
  }

  /** Resolves when every script started so far has finished and reported. */
  public async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  public hostRoot(targetId: string): string {
    return path.resolve(this.options.hostsDir, targetId);
  }

  private async runOnHost(dispatch: HostDispatch, script: string, targetId: string): Promise<void> {
    const key = resultKey(dispatch, targetId);
    try {
      const result = await this.runUnlessCancelled(key, dispatch, script, targetId);
      if (result) await this.options.report(result);
    } finally {
      this.scheduled.delete(key);
      this.cancelled.delete(key);
    }
  }

  /**
   * The script's report, or undefined when it was cancelled before it started or while it ran: the engine closed the
   * event itself, with why, and would refuse this as a late report.
   */
  private async runUnlessCancelled(key: string, dispatch: HostDispatch, script: string, targetId: string): Promise<HostReport | undefined> {
    if (this.cancelled.has(key)) return undefined;
    const startTime = new Date().toISOString();
    let result: { exitCode: number; output: string };
    try {
      const root = this.hostRoot(targetId);
      fs.mkdirSync(root, { recursive: true });
      result = await runScript(script, root, targetId, dispatch.timeoutSeconds + KILL_GRACE_SECONDS, (pid) => this.runningGroups.set(key, pid));
    } catch (error) {
      // The host could not even start the script (its folder is unusable): that is the host's failure to report.
      result = { exitCode: 255, output: `cutover: could not run the script on ${targetId}: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      this.runningGroups.delete(key);
    }
    if (this.cancelled.has(key)) return undefined;
    const report: HostReport = {
      deploymentId: dispatch.deploymentId,
      batchNumber: dispatch.batchNumber,
      eventIndex: dispatch.eventIndex,
      targetId,
      exitCode: result.exitCode,
      output: result.output,
      startTime,
      endTime: new Date().toISOString(),
    };
    this.keep(report);
    return report;
  }

  private keep(report: HostReport): void {
    const tail = Buffer.from(report.output, 'utf8');
    const output = tail.length > KEPT_OUTPUT_BYTES ? tail.subarray(tail.length - KEPT_OUTPUT_BYTES).toString('utf8') : report.output;
    this.finished.set(resultKey(report, report.targetId), { ...report, output });
    if (this.finished.size > KEPT_RESULTS) this.finished.delete(this.finished.keys().next().value as string);
  }
}

/** Runs the script in its own process group, whose id `started` is given (the group's leader is the shell). */
function runScript(
  script: string,
  root: string,
  targetId: string,
  killAfterSeconds: number,
  started: (pid: number) => void,
): Promise<{ exitCode: number; output: string }> {
  return new Promise((resolve) => {
    // Its own process group (and session), from which a kill (the safety kill, a cancel) finds every process the
    // script started.
    const child = spawn('/bin/sh', ['-c', script], {
      cwd: root,
      env: { ...process.env, CUTOVER_HOST_ROOT: root, CUTOVER_TARGET_ID: targetId },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    if (child.pid !== undefined) started(child.pid);
    let output = Buffer.alloc(0);
    const keep = (chunk: Buffer): void => {
      output = Buffer.concat([output, chunk]);
      if (output.length > OUTPUT_LIMIT_BYTES) output = output.subarray(output.length - OUTPUT_LIMIT_BYTES);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const killer = setTimeout(() => {
      if (child.pid !== undefined) void killProcessTree(child.pid);
    }, killAfterSeconds * 1000);
    child.on('error', (error) => {
      clearTimeout(killer);
      resolve({ exitCode: 255, output: `could not start /bin/sh: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      const text = output.toString('utf8');
      resolve({ exitCode: code ?? 255, output: signal ? `${text}\nkilled by ${signal}` : text });
    });
  });
}

function resultKey(event: { deploymentId: string; batchNumber: number; eventIndex: number }, targetId: string): string {
  return `${event.deploymentId}/${event.batchNumber}/${event.eventIndex}/${targetId}`;
}
