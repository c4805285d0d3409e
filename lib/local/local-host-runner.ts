// Local hosts: a host is the folder `<hostsDir>/<name>/`, standing in for `/`. The rendered script runs as a child
// process, exactly the text SSM Run Command would send, and its result comes back through the same host-report
// step that SSM's events feed in the cloud.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DispatchOutcome, HostCollection, HostDispatch, HostReport, HostRunner } from '../../functions/ports';
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

  public constructor(private readonly options: LocalHostRunnerOptions) {
    this.slots = new Semaphore(options.concurrency);
  }

  public async dispatch(dispatch: HostDispatch, onSent?: (targetIds: readonly string[]) => Promise<void>): Promise<DispatchOutcome> {
    for (const { script, targetIds } of dispatch.scripts) {
      for (const targetId of targetIds) {
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

  /** Resolves when every script started so far has finished and reported. */
  public async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  public hostRoot(targetId: string): string {
    return path.resolve(this.options.hostsDir, targetId);
  }

  private async runOnHost(dispatch: HostDispatch, script: string, targetId: string): Promise<void> {
    const startTime = new Date().toISOString();
    let result: { exitCode: number; output: string };
    try {
      const root = this.hostRoot(targetId);
      fs.mkdirSync(root, { recursive: true });
      result = await runScript(script, root, targetId, dispatch.timeoutSeconds + KILL_GRACE_SECONDS);
    } catch (error) {
      // The host could not even start the script (its folder is unusable): that is the host's failure to report.
      result = { exitCode: 255, output: `cutover: could not run the script on ${targetId}: ${error instanceof Error ? error.message : String(error)}` };
    }
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
    await this.options.report(report);
  }

  private keep(report: HostReport): void {
    const tail = Buffer.from(report.output, 'utf8');
    const output = tail.length > KEPT_OUTPUT_BYTES ? tail.subarray(tail.length - KEPT_OUTPUT_BYTES).toString('utf8') : report.output;
    this.finished.set(resultKey(report, report.targetId), { ...report, output });
    if (this.finished.size > KEPT_RESULTS) this.finished.delete(this.finished.keys().next().value as string);
  }
}

function runScript(script: string, root: string, targetId: string, killAfterSeconds: number): Promise<{ exitCode: number; output: string }> {
  return new Promise((resolve) => {
    // Its own process group, so the safety kill reaches every process the script started, not just the shell.
    const child = spawn('/bin/sh', ['-c', script], {
      cwd: root,
      env: { ...process.env, CUTOVER_HOST_ROOT: root, CUTOVER_TARGET_ID: targetId },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = Buffer.alloc(0);
    const keep = (chunk: Buffer): void => {
      output = Buffer.concat([output, chunk]);
      if (output.length > OUTPUT_LIMIT_BYTES) output = output.subarray(output.length - OUTPUT_LIMIT_BYTES);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const killer = setTimeout(() => killGroup(child.pid), killAfterSeconds * 1000);
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

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
