// Opens the embedded runtime on a state folder for one command, holding the folder's lock until it is done.
import * as path from 'node:path';
import { LocalRuntime } from '../local/local-runtime';
import { StateLock } from '../local/state-lock';

export const DEFAULT_STATE_DIR = '.cutover';

export interface LocalSession {
  readonly runtime: LocalRuntime;
  readonly lock: StateLock;
}

export async function withLocalSession<T>(
  options: {
    cwd: string;
    stateDir?: string;
    command: string;
    timeScale?: number;
    /** Runs while holding the folder's lock, before the store opens (the demo resets the folder here). */
    prepare?: (stateDir: string) => void;
  },
  work: (session: LocalSession) => Promise<T>,
): Promise<T> {
  const stateDir = path.resolve(options.cwd, options.stateDir ?? DEFAULT_STATE_DIR);
  const lock = StateLock.acquire(stateDir, options.command);
  try {
    options.prepare?.(stateDir);
    const runtime = await LocalRuntime.open({ stateDir, timeScale: options.timeScale });
    try {
      return await work({ runtime, lock });
    } finally {
      await runtime.close();
    }
  } finally {
    lock.release();
  }
}
