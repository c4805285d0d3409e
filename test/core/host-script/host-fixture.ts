// Shared by the host-script tests: a throwaway host root, a runner that executes rendered scripts under /bin/sh the
// way the local runner does (CUTOVER_HOST_ROOT, CUTOVER_TARGET_ID, combined output), and small input builders.
import { isRunning } from '../../support/processes';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ValidationError } from '../../../functions/core/errors';
import { hostPaths, type ScriptContext } from '../../../functions/core/host-script';
import type { AppSpec, PermissionRule } from '../../../functions/core/types';

export interface RunResult {
  readonly exitCode: number;
  readonly output: string;
  readonly millis: number;
}

export const TARGET_ID = 'host-1';

/** A temporary directory holding a host root (`root`) and room for fixtures next to it (`dir`). */
export class TmpHost {
  public readonly dir: string;
  public readonly root: string;

  /** `rootName` lets a test put spaces or quotes in the host root path itself. */
  public constructor(rootName = 'host') {
    this.dir = mkdtempSync(join(tmpdir(), 'cutover-host-script-'));
    this.root = join(this.dir, rootName);
    mkdirSync(this.root);
  }

  /** The real location of a host path. */
  public path(hostPath: string): string {
    return join(this.root, hostPath);
  }

  public write(hostPath: string, content: string, mode = 0o644): string {
    const file = this.path(hostPath);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    chmodSync(file, mode);
    return file;
  }

  public read(hostPath: string): string {
    return readFileSync(this.path(hostPath), 'utf8');
  }

  public exists(hostPath: string): boolean {
    return existsSync(this.path(hostPath));
  }

  /** Writes a file into the unpacked revision of `context`'s deployment, as DownloadBundle would have. */
  public bundleFile(context: ScriptContext, relative: string, content: string, mode = 0o644): string {
    return this.write(`${archiveOf(context)}/${relative}`, content, mode);
  }

  /** A directory of executables that shadow system tools when put first on PATH. */
  public fakeTools(tools: Readonly<Record<string, string>>): string {
    const bin = join(this.dir, 'fake-bin');
    mkdirSync(bin, { recursive: true });
    for (const [name, body] of Object.entries(tools)) {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    }
    return bin;
  }

  /** A PATH holding only links to `tools`, to prove a script notices a missing command. */
  public onlyTools(tools: readonly string[]): string {
    const bin = join(this.dir, 'only-bin');
    mkdirSync(bin, { recursive: true });
    for (const tool of tools) {
      const found = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((candidate) => existsSync(candidate));
      if (found !== undefined) symlinkSync(found, join(bin, tool));
    }
    return bin;
  }

  public cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Runs `script` like the local runner: /bin/sh -c, host root and target id in the environment. */
  public run(script: string, options: { path?: string; cwd?: string } = {}): Promise<RunResult> {
    return runScript(script, {
      CUTOVER_HOST_ROOT: this.root,
      CUTOVER_TARGET_ID: TARGET_ID,
      ...(options.path === undefined ? {} : { PATH: options.path }),
    }, options.cwd ?? this.dir);
  }
}

/** The shell scripts run under: /bin/sh (dash here); HOST_SCRIPT_SHELL=bash checks hosts whose sh is bash. */
const SHELL = process.env.HOST_SCRIPT_SHELL ?? '/bin/sh';

export function runScript(script: string, env: Readonly<Record<string, string>>, cwd: string): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(SHELL, ['-c', script], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        exitCode: code ?? (signal === null ? -1 : 128),
        output: Buffer.concat(chunks).toString('utf8'),
        millis: Date.now() - started,
      }),
    );
  });
}

export function archiveOf(context: ScriptContext): string {
  return hostPaths(context.deploymentGroupId, context.deploymentId).archiveDir;
}

export function scriptContext(overrides: Partial<ScriptContext> = {}): ScriptContext {
  return {
    deploymentId: 'd-AAAAAAAAA',
    applicationName: 'shop',
    deploymentGroupName: 'web',
    deploymentGroupId: '0b5c3f5e-1111-4222-8333-944445555666',
    revisionEnv: {},
    ...overrides,
  };
}

export function appSpec(overrides: Partial<AppSpec> = {}): AppSpec {
  return { version: '0.0', os: 'linux', files: [], permissions: [], hooks: {}, ...overrides };
}

export function permission(overrides: Partial<PermissionRule> & { object: string }): PermissionRule {
  return { pattern: '**', except: [], acls: [], type: ['file', 'directory'], ...overrides };
}

/** Calls `render` and returns the ValidationError it throws (undefined when it does not throw one). */
export function validationError(render: () => unknown): ValidationError | undefined {
  try {
    render();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  return undefined;
}

/** Polls until `pid` is gone or `millis` pass; signals are delivered asynchronously. */
export async function waitUntilGone(pid: number, millis = 2000): Promise<boolean> {
  const deadline = Date.now() + millis;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** Mode bits of a host path, as an octal string ('644'). */
export function modeOf(file: string): string {
  return (statSync(file).mode & 0o7777).toString(8);
}
