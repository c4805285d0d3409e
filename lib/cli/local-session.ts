// Opens the embedded runtime on a state folder for one command, holding the folder's lock until it is done.
import * as path from 'node:path';
import type { DeploymentView } from '../../functions/core/types';
import { LocalRuntime, type LocalRuntimeOptions } from '../local/local-runtime';
import { StateLock } from '../local/state-lock';
import type { CliContext } from './cli-context';
import { EXIT_FAILED, EXIT_OK } from './cli-errors';
import { describeDeployment } from './deployment-summary';
import { progressPrinter } from './progress-printer';

export const DEFAULT_STATE_DIR = '.cutover';

export interface LocalSession {
  readonly runtime: LocalRuntime;
  readonly lock: StateLock;
}

/** The state folder a command works on: --state-dir, else .cutover, both from the current folder. */
export function stateDirOf(cwd: string, stateDir: string | undefined): string {
  return path.resolve(cwd, stateDir ?? DEFAULT_STATE_DIR);
}

/** Runs `work` holding the folder's lock, without opening the store (for commands that only touch its files). */
export async function withStateLock<T>(stateDir: string, command: string, work: (lock: StateLock) => Promise<T>): Promise<T> {
  const lock = StateLock.acquire(stateDir, command);
  try {
    return await work(lock);
  } finally {
    lock.release();
  }
}

/**
 * A simulation (Lambda functions, ECS services) as the `cutover local lambda|ecs …` subcommands reach it over the
 * folder --state-dir names: read without the folder's lock, so a look also works while a deployment runs; changed
 * holding it, so that a change never interleaves with a deployment's changes of the same files.
 */
export interface SimulationAccess<S> {
  read(ctx: CliContext, stateDir: string | undefined): S;
  change<T>(ctx: CliContext, stateDir: string | undefined, subcommand: string, work: (simulation: S) => Promise<T>): Promise<T>;
}

/** `command` names the lock's holder, with the subcommand: `cutover local ecs set-health`. */
export function simulationAccess<S>(command: string, open: (stateDir: string) => S): SimulationAccess<S> {
  return {
    read: (ctx, stateDir) => open(stateDirOf(ctx.cwd, stateDir)),
    change: (ctx, stateDir, subcommand, work) => {
      const dir = stateDirOf(ctx.cwd, stateDir);
      return withStateLock(dir, `${command} ${subcommand}`, () => work(open(dir)));
    },
  };
}

export interface LocalSessionOptions {
  readonly cwd: string;
  readonly stateDir?: string;
  readonly command: string;
  readonly timeScale?: number;
  /** Lambda hook functions by the name an appspec gives them. */
  readonly hooks?: LocalRuntimeOptions['hooks'];
  /** Runs while holding the folder's lock, before the store opens (the demo resets the folder here). */
  readonly prepare?: (stateDir: string) => void;
  /** Acts on alarms other processes set while the session runs (LocalRuntimeOptions.watchAlarmFile). */
  readonly watchAlarmFile?: boolean;
}

export async function withLocalSession<T>(options: LocalSessionOptions, work: (session: LocalSession) => Promise<T>): Promise<T> {
  const stateDir = stateDirOf(options.cwd, options.stateDir);
  return withStateLock(stateDir, options.command, async (lock) => {
    options.prepare?.(stateDir);
    const runtime = await LocalRuntime.open({ stateDir, timeScale: options.timeScale, hooks: options.hooks, watchAlarmFile: options.watchAlarmFile });
    try {
      return await work({ runtime, lock });
    } finally {
      await runtime.close();
    }
  });
}

/**
 * One deployment command: the deployment runs in a session with live progress on stdout (unless --json), then stdout
 * gets the final record as JSON or its summary. Exit 0 only when the deployment succeeded.
 */
export async function runDeploymentCommand(
  ctx: CliContext,
  options: LocalSessionOptions & { readonly json: boolean },
  deploy: (session: LocalSession) => Promise<DeploymentView>,
): Promise<number> {
  // A deployment command runs its deployment in the foreground: `cutover local alarm set` elsewhere stops it at once.
  const view = await withLocalSession({ ...options, watchAlarmFile: true }, async (session) => {
    const unsubscribe = options.json ? () => undefined : session.runtime.events.subscribe(progressPrinter(ctx.stdout));
    try {
      return await deploy(session);
    } finally {
      unsubscribe();
    }
  });
  ctx.stdout.write(options.json ? `${JSON.stringify(view, null, 2)}\n` : `\n${describeDeployment(view)}\n`);
  return view.status === 'Succeeded' ? EXIT_OK : EXIT_FAILED;
}
