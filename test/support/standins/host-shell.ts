// Runs one AWS-RunShellScript invocation on a local host the way the SSM Agent does on Linux: the commands go to a
// `_script.sh` in the invocation's own folder, run by /bin/sh in a process group of their own, and the whole group
// is killed when executionTimeout passes or the command is cancelled. A local host is a folder standing in for `/`
// (CUTOVER_HOST_ROOT), as for the embedded runtime's LocalHostRunner.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { constants } from 'node:os';
import * as path from 'node:path';

/** The agent's exit code for a script it stopped (timeout or cancel) on Linux: 128 + SIGKILL. */
export const STOPPED_EXIT_CODE = 137;

export interface HostShellOptions {
  readonly script: string;
  /** The invocation's folder (the agent's orchestration directory); not inside the host root. */
  readonly workDir: string;
  readonly hostRoot: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  /** Characters kept from the start of each stream, as GetCommandInvocation returns them. */
  readonly stdoutLimit: number;
  readonly stderrLimit: number;
}

export interface HostShellResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly stoppedBy?: 'timeout' | 'cancel';
}

export interface HostShellRun {
  readonly result: Promise<HostShellResult>;
  cancel(): void;
}

export function runHostShell(options: HostShellOptions): HostShellRun {
  fs.mkdirSync(options.workDir, { recursive: true });
  fs.mkdirSync(options.hostRoot, { recursive: true });
  const scriptFile = path.join(options.workDir, '_script.sh');
  fs.writeFileSync(scriptFile, options.script, { mode: 0o700 });
  const child = spawn('/bin/sh', [scriptFile], {
    cwd: options.workDir,
    env: { ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stoppedBy: HostShellResult['stoppedBy'];
  const stop = (reason: NonNullable<HostShellResult['stoppedBy']>): void => {
    if (stoppedBy !== undefined || child.exitCode !== null || child.signalCode !== null) return;
    stoppedBy = reason;
    killGroup(child.pid);
  };
  const stdout = headOf(child.stdout, options.stdoutLimit);
  const stderr = headOf(child.stderr, options.stderrLimit);
  const timer = setTimeout(() => stop('timeout'), options.timeoutSeconds * 1000);
  const result = new Promise<HostShellResult>((resolve) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ exitCode: 127, stdout: '', stderr: `could not start /bin/sh: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const exitCode = stoppedBy !== undefined ? STOPPED_EXIT_CODE : (code ?? 128 + (signal ? constants.signals[signal] : 0));
      resolve({ exitCode, stdout: stdout(), stderr: stderr(), ...(stoppedBy ? { stoppedBy } : {}) });
    });
  });
  return { result, cancel: () => stop('cancel') };
}

/** Keeps the first `limit` characters of a stream and drains the rest, so a chatty script never blocks on its pipe. */
function headOf(stream: NodeJS.ReadableStream, limit: number): () => string {
  const chunks: Buffer[] = [];
  let kept = 0;
  // UTF-8 takes at most 4 bytes per character: this many bytes always hold `limit` characters.
  const byteLimit = limit * 4;
  stream.on('data', (chunk: Buffer) => {
    if (kept >= byteLimit) return;
    chunks.push(chunk.subarray(0, byteLimit - kept));
    kept += Math.min(chunk.length, byteLimit - kept);
  });
  return () => Buffer.concat(chunks).toString('utf8').slice(0, limit);
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
