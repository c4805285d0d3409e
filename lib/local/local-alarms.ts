// Simulated CloudWatch alarms for the embedded runtime: one JSON file, <stateDir>/alarms.json, mapping alarm names to
// states ({"checkout-errors": "ALARM"}). An alarm the file does not name reads INSUFFICIENT_DATA, as CloudWatch
// answers for an alarm CodeDeploy cannot find. Setting one through this class also tells the runtime at once, as
// CloudWatch's Alarm State Change event does; so does a change another process makes, once `watchFile` is on.
import * as path from 'node:path';
import { CutoverError, ValidationError } from '../../functions/core/errors';
import type { AlarmSource, AlarmState } from '../../functions/ports';
import { AlarmFileWatch, type AlarmFileWatchOptions, type AlarmStates } from './alarm-file-watch';
import { readStateFile, writeStateFile } from './json-state-file';

export const ALARM_STATES: readonly AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

export type AlarmListener = (alarmName: string, state: AlarmState) => Promise<void>;

export class LocalAlarms implements AlarmSource {
  private readonly file: string;
  private readonly listeners: AlarmListener[] = [];
  private watch: AlarmFileWatch | undefined;

  public constructor(stateDir: string) {
    this.file = path.join(stateDir, 'alarms.json');
  }

  public async states(alarmNames: readonly string[]): Promise<Readonly<Record<string, AlarmState>>> {
    const stored = this.read();
    return Object.fromEntries(alarmNames.map((name) => [name, Object.hasOwn(stored, name) ? stored[name] : 'INSUFFICIENT_DATA']));
  }

  /** Sets an alarm's state; a change (not a repeat) is announced to the listeners, and awaited. */
  public async set(alarmName: string, state: AlarmState): Promise<void> {
    if (!ALARM_STATES.includes(state)) {
      throw new ValidationError([{ field: 'state', message: `must be one of ${ALARM_STATES.join(', ')} (got '${String(state)}')` }]);
    }
    if (alarmName.length === 0 || alarmName.length > 255) {
      throw new ValidationError([{ field: 'alarmName', message: 'must be 1 to 255 characters, as CloudWatch alarm names are' }]);
    }
    const stored = this.read();
    const previous = Object.hasOwn(stored, alarmName) ? stored[alarmName] : undefined;
    writeStateFile(this.file, { ...stored, [alarmName]: state });
    // Watched, the file is compared with what was last announced, which also catches up with other processes' changes.
    if (this.watch) return this.watch.check();
    if (previous === state) return;
    await this.announce(alarmName, state);
  }

  public onChange(listener: AlarmListener): void {
    this.listeners.push(listener);
  }

  /**
   * From now on, changes other processes make to the file are announced too, within a fraction of a second (for
   * processes that run deployments for a while: the local server and the local deploy commands).
   */
  public watchFile(options: Pick<AlarmFileWatchOptions, 'warn' | 'pollMs'> = {}): AlarmFileWatch {
    this.watch ??= new AlarmFileWatch({ ...options, file: this.file, read: () => this.readValid(), announce: (name, state) => this.announce(name, state) });
    return this.watch;
  }

  /** Ends the watch once the changes it has seen are announced; nothing keeps the process alive meanwhile. */
  public async unwatchFile(): Promise<void> {
    const watch = this.watch;
    this.watch = undefined;
    await watch?.close();
  }

  private async announce(alarmName: string, state: AlarmState): Promise<void> {
    for (const listener of this.listeners) await listener(alarmName, state);
  }

  /** The file's states, or undefined while it is not valid: a watch waits for the edit to be finished. */
  private readValid(): AlarmStates | undefined {
    try {
      return this.read();
    } catch (error) {
      if (error instanceof CutoverError) return undefined;
      throw error;
    }
  }

  private read(): Record<string, AlarmState> {
    const text = readStateFile(this.file);
    if (text === undefined) return {};
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new CutoverError(`${this.file} is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new CutoverError(`${this.file} must map alarm names to states`);
    for (const [name, state] of Object.entries(body)) {
      if (!ALARM_STATES.includes(state as AlarmState)) {
        throw new CutoverError(`${this.file}: alarm '${name}' has state ${JSON.stringify(state)}; use one of ${ALARM_STATES.join(', ')}`);
      }
    }
    return body as Record<string, AlarmState>;
  }
}
