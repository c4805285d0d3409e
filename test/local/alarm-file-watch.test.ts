// LocalAlarms watching alarms.json: what another process writes is announced once, this process's own writes are not
// announced twice, and a file that is not valid (yet) is left alone until it is.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AlarmState } from '../../functions/ports';
import type { AlarmFileWatch } from '../../lib/local/alarm-file-watch';
import { LocalAlarms } from '../../lib/local/local-alarms';
import { tempDir } from '../support/bundles';

type Announcement = [string, AlarmState];

describe('LocalAlarms.watchFile', () => {
  let stateDir: string;
  let watched: LocalAlarms;
  let heard: Announcement[];
  /** Resolves at the next announcement, for the tests that wait for a signal instead of looking themselves. */
  let nextAnnouncement: Promise<Announcement>;
  let deliver: (a: Announcement) => void;

  const expectAnnouncement = () => {
    nextAnnouncement = new Promise((resolve) => (deliver = resolve));
  };

  /** Another process: its own LocalAlarms on the same folder, unwatched. */
  const otherProcess = () => new LocalAlarms(stateDir);
  let watch: AlarmFileWatch;
  /**
   * A look now, as a signal would start one, after any look under way: the tests of what is announced do not wait
   * for signals, which may come (and start looks of their own) at any time.
   */
  const look = () => watch.check();

  beforeEach(() => {
    stateDir = tempDir('alarm-watch');
    heard = [];
    expectAnnouncement();
    watched = new LocalAlarms(stateDir);
    watched.onChange(async (name, state) => {
      heard.push([name, state]);
      deliver([name, state]);
    });
  });
  afterEach(async () => {
    await watched.unwatchFile();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('announces a change another process writes without being asked to look (fs.watch, backed by a stat poll)', async () => {
    watch = watched.watchFile();
    await otherProcess().set('errors', 'ALARM');

    expect(await nextAnnouncement).toEqual(['errors', 'ALARM']);
  });

  it('notices through the stat poll alone when fs.watch says nothing', async () => {
    // A state folder made only after the watch began: fs.watch watches the folder, which is then replaced.
    fs.rmSync(stateDir, { recursive: true, force: true });
    watch = watched.watchFile({ pollMs: 50 });
    fs.rmSync(stateDir, { recursive: true, force: true });
    await otherProcess().set('latency', 'ALARM');

    expect(await nextAnnouncement).toEqual(['latency', 'ALARM']);
  });

  it('announces each alarm that changed once, and what the file said as the watch began not at all', async () => {
    await otherProcess().set('before', 'ALARM');
    watch = watched.watchFile();
    const other = otherProcess();
    await other.set('errors', 'ALARM');
    await other.set('latency', 'OK');
    await look();
    await look();

    expect(heard).toEqual([
      ['errors', 'ALARM'],
      ['latency', 'OK'],
    ]);
  });

  it.each<[string, (other: LocalAlarms) => Promise<void>, Announcement[]]>([
    ['set to the state it has', (other) => other.set('errors', 'ALARM'), []],
    ['set back to OK', (other) => other.set('errors', 'OK'), [['errors', 'OK']]],
    ['removed from the file by hand', async () => fs.writeFileSync(path.join(stateDir, 'alarms.json'), '{}\n'), [['errors', 'INSUFFICIENT_DATA']]],
  ])('after an ALARM it has announced, an alarm %s: announced accordingly', async (_case, change, expected) => {
    watch = watched.watchFile();
    await otherProcess().set('errors', 'ALARM');
    await look();
    heard = [];
    await change(otherProcess());
    await look();

    expect(heard).toEqual(expected);
  });

  it("announces this process's own change once, though the watch sees the file change as well", async () => {
    watch = watched.watchFile();
    await watched.set('errors', 'ALARM');
    await look();
    await watched.set('errors', 'ALARM');

    expect(heard).toEqual([['errors', 'ALARM']]);
  });

  it('announces a change another process made first when this process then sets the same state', async () => {
    watch = watched.watchFile();
    await otherProcess().set('errors', 'ALARM');
    // Before any look: the set must not swallow the other process's change as a repeat.
    await watched.set('errors', 'ALARM');
    await look();

    expect(heard).toEqual([['errors', 'ALARM']]);
  });

  it('leaves a file that is not valid alone, and announces once it is', async () => {
    watch = watched.watchFile();
    const file = path.join(stateDir, 'alarms.json');
    fs.writeFileSync(file, '{"errors": "ALA');
    await look();
    fs.writeFileSync(file, '{"errors": "ALARMED"}');
    await look();
    expect(heard).toEqual([]);

    fs.writeFileSync(file, '{"errors": "ALARM"}');
    await look();
    expect(heard).toEqual([['errors', 'ALARM']]);
  });

  it('reports an announcement that failed and goes on: the other changes of that look, and later ones, are announced', async () => {
    watched.onChange(async (name) => {
      if (name === 'broken') throw new Error('store unavailable');
    });
    const warned = new Promise<string>((resolve) => {
      watch = watched.watchFile({ warn: resolve });
    });
    const other = otherProcess();
    await other.set('broken', 'ALARM');
    await other.set('errors', 'ALARM');

    expect(await warned).toMatch(/alarms\.json could not be acted on: store unavailable$/);
    await look();
    expect(heard).toEqual([
      ['broken', 'ALARM'],
      ['errors', 'ALARM'],
    ]);
    expectAnnouncement();
    await other.set('latency', 'ALARM');
    expect(await nextAnnouncement).toEqual(['latency', 'ALARM']);
  });

  it('announces nothing another process writes once unwatched', async () => {
    watch = watched.watchFile();
    await watched.unwatchFile();
    await otherProcess().set('errors', 'ALARM');
    await watched.set('other', 'ALARM');

    // Unwatched, only this process's own changes are announced, as before any watch.
    expect(heard).toEqual([['other', 'ALARM']]);
  });
});
