// One process at a time owns a local state folder. The embedded store (dynalite on LevelDB) cannot be shared
// between processes, so a second `cutover local …` on the same folder stops at once and says who holds it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CutoverError } from '../../functions/core/errors';

export interface LockOwner {
  readonly pid: number;
  readonly command: string;
  readonly startedAt: string;
  readonly deploymentId?: string;
}

export class LocalStateBusyError extends CutoverError {
  public readonly owner: LockOwner;

  public constructor(stateDir: string, owner: LockOwner) {
    const doing = owner.deploymentId ? `, running deployment ${owner.deploymentId}` : '';
    super(
      `The local state in ${stateDir} is in use by process ${owner.pid} (${owner.command}${doing}, since ${owner.startedAt}). ` +
        'Wait for it to finish, or use another folder with --state-dir.',
    );
    this.name = 'LocalStateBusyError';
    this.owner = owner;
  }
}

export class StateLock {
  private constructor(
    private readonly file: string,
    private owner: LockOwner,
  ) {}

  /** Takes the folder's lock, replacing one left by a process that no longer exists. */
  public static acquire(stateDir: string, command: string): StateLock {
    fs.mkdirSync(stateDir, { recursive: true });
    const file = path.join(stateDir, 'runtime.lock');
    const owner: LockOwner = { pid: process.pid, command, startedAt: new Date().toISOString() };
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        fs.writeFileSync(file, JSON.stringify(owner), { flag: 'wx' });
        return new StateLock(file, owner);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = readOwner(file);
        if (holder && isAlive(holder.pid)) throw new LocalStateBusyError(stateDir, holder);
        fs.rmSync(file, { force: true });
      }
    }
    throw new CutoverError(`Could not take the lock ${file}: another process keeps creating it`);
  }

  /** Names the running deployment in the lock, so a second process can say which one it waits for. */
  public noteDeployment(deploymentId: string): void {
    this.owner = { ...this.owner, deploymentId };
    fs.writeFileSync(this.file, JSON.stringify(this.owner));
  }

  public release(): void {
    const holder = readOwner(this.file);
    if (holder?.pid === process.pid) fs.rmSync(this.file, { force: true });
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockOwner;
  } catch {
    // A lock being written at this instant, or garbage: treat as no owner, the create retry decides.
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
