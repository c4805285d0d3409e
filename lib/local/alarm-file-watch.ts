// Notices alarms.json changing under a long-lived process (`cutover local serve`, `cutover local deploy`) when another
// process writes it (`cutover local alarm set`), so that an alarm going to ALARM stops a waiting deployment at once,
// as CloudWatch's Alarm State Change event does in the cloud, instead of at its next traffic change.
// fs.watch on the folder is the fast path; it misses changes on some filesystems (network mounts, some containers),
// so a stat of the file every POLL_MS backs it up. Either only says "look again": what changed is found by comparing
// the states in the file with the last ones known, so each change is announced once however many signals it causes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AlarmState } from '../../functions/ports';

/** How often the file's stat is compared when fs.watch says nothing: well under the one second an alarm stop may take. */
export const ALARM_FILE_POLL_MS = 150;

export type AlarmStates = Readonly<Record<string, AlarmState>>;

export interface AlarmFileWatchOptions {
  readonly file: string;
  /** The states the file holds now ({} when it does not exist); undefined while it is not valid (mid hand-edit). */
  readonly read: () => AlarmStates | undefined;
  /** Told of each alarm whose state changed since the last look, once, one at a time. */
  readonly announce: (alarmName: string, state: AlarmState) => Promise<void>;
  /** Where an announcement that failed is reported (the watch goes on). Default: stderr. */
  readonly warn?: (message: string) => void;
  readonly pollMs?: number;
}

export class AlarmFileWatch {
  private known: AlarmStates;
  private watcher: fs.FSWatcher | undefined;
  private readonly poll: NodeJS.Timeout;
  private lastStat: string;
  /** Looks run one after another: a look announces what it found before the next one compares. */
  private tail: Promise<void> = Promise.resolve();
  /** A look asked for and not yet begun: further signals meanwhile join it rather than queue more. */
  private queued: Promise<void> | undefined;
  private closed = false;

  public constructor(private readonly options: AlarmFileWatchOptions) {
    // What the file says as the watch begins is not news: a deployment checks the alarms itself as it starts.
    this.known = options.read() ?? {};
    this.lastStat = statOf(options.file);
    const dir = path.dirname(options.file);
    const name = path.basename(options.file);
    try {
      fs.mkdirSync(dir, { recursive: true });
      // A rename into place (json-state-file.ts) names the file itself; a null name is a change we cannot place.
      this.watcher = fs.watch(dir, { persistent: false }, (_event, changed) => {
        if (changed === null || changed === name) this.signal();
      });
      this.watcher.on('error', () => this.closeWatcher());
      this.watcher.unref();
    } catch {
      this.watcher = undefined;
    }
    this.poll = setInterval(() => {
      const stat = statOf(options.file);
      if (stat === this.lastStat) return;
      this.lastStat = stat;
      this.signal();
    }, options.pollMs ?? ALARM_FILE_POLL_MS);
    this.poll.unref();
  }

  /**
   * Compares the file with the states last known and announces each alarm that changed. The process's own writes
   * go through here too (LocalAlarms.set), so a change is announced once whether this call or a signal sees it first.
   */
  public check(): Promise<void> {
    if (this.queued) return this.queued;
    const look = this.tail.then(() => {
      this.queued = undefined;
      return this.announceChanges();
    });
    this.queued = look;
    this.tail = look.catch(() => undefined);
    return look;
  }

  /** Stops watching, after the look under way (if any) has announced what it found. */
  public async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poll);
    this.closeWatcher();
    await this.tail;
  }

  private signal(): void {
    if (this.closed) return;
    this.check().catch((error: unknown) => {
      const warn = this.options.warn ?? ((message: string) => process.stderr.write(`${message}\n`));
      warn(`cutover: a change of ${this.options.file} could not be acted on: ${messageOf(error)}`);
    });
  }

  private async announceChanges(): Promise<void> {
    const now = this.options.read();
    if (!now) return;
    const before = this.known;
    // Taken as known before announcing, so a look that starts while this one announces does not repeat it.
    this.known = now;
    const names = new Set([...Object.keys(before), ...Object.keys(now)]);
    const failures: unknown[] = [];
    for (const alarmName of names) {
      const state = stateIn(now, alarmName);
      if (state === stateIn(before, alarmName)) continue;
      // Every change is announced even when one announcement fails; the first failure is then reported.
      await this.options.announce(alarmName, state).catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) throw failures[0];
  }

  private closeWatcher(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}

/** An alarm the file does not name reads INSUFFICIENT_DATA (local-alarms.ts): removing it is a change to that. */
function stateIn(states: AlarmStates, alarmName: string): AlarmState {
  return Object.hasOwn(states, alarmName) ? states[alarmName] : 'INSUFFICIENT_DATA';
}

/** Enough of a stat to tell a rewrite: a rename into place changes the inode, an edit in place the time or size. */
function statOf(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
  } catch {
    return 'absent';
  }
}

// fs errors come from Node's own realm, where `instanceof Error` of another realm (a test sandbox) is false.
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
