// CloudWatch alarms stop in-place deployments, CodeDeploy's way (spec §5, §10.11), on the embedded runtime: an alarm in
// ALARM ends the deployment Stopped with ALARM_ACTIVE naming it. Its state change event does so at once, cancelling the
// scripts the batch runs; the polls (before the start, between batches) catch an alarm whose event never came.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { alarmStateChanged } from '../../functions/steps/alarm-state-changed';
import { hostReport } from '../../functions/steps/host-report';
import type { AlarmConfiguration, AutoRollbackEvent, DeploymentView } from '../../functions/core/types';
import { TransientAwsError } from '../../functions/core/errors';
import type { AlarmSource, Batch, HostCancellation, HostDispatch } from '../../functions/ports';
import { type ApiAnswer, localApiClients } from '../support/api-client';
import { loggingHook, readLines, writeBundle } from '../support/bundles';
import { addAppGroup, type Harness, openHarness } from '../support/local-runtime-harness';
import { hasEnded, untilWritten } from '../support/processes';
import { ReportGate } from '../support/report-gate';

const HOSTS = ['host-1', 'host-2', 'host-3'];
const EVENTS = ['ApplicationStop', 'DownloadBundle', 'BeforeInstall', 'Install', 'AfterInstall', 'ApplicationStart', 'ValidateService'];
const APPLICATION_START = EVENTS.indexOf('ApplicationStart');
const SCRIPTED = ['ApplicationStop', 'BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'];

// host-2's ApplicationStart starts a long child in the script's process group, writes its id and waits on it: only a
// kill of the whole group ends it early.
const LONG_START =
  'if [ "$CUTOVER_TARGET_ID" = "host-2" ] && [ "$LIFECYCLE_EVENT" = "ApplicationStart" ]; then\n' +
  '  sleep 600 &\n  echo $! > "$CUTOVER_HOST_ROOT/start.pid"\n  wait\nfi\n';

/** A bundle whose hosts log each event and get VERSION `label`; with `long`, host-2's ApplicationStart hangs. */
function bundle(h: Harness, label: string, long = false): string {
  const hooks = SCRIPTED.map((e) => `  ${e}:\n    - location: scripts/hook.sh\n      timeout: 900\n`).join('');
  const hook = loggingHook(label).replace('exit 0\n', `${long ? LONG_START : ''}exit 0\n`);
  return writeBundle(path.join(h.dir, label), {
    appspec: `version: 0.0\nos: linux\nfiles:\n  - source: site\n    destination: /srv/app\nhooks:\n${hooks}`,
    files: { 'scripts/hook.sh': hook, 'site/VERSION': `${label}\n` },
  });
}

const statuses = (view: DeploymentView): Record<string, string> => Object.fromEntries(view.targets.map((t) => [t.targetId, t.status]));
const version = (h: Harness, host: string): string | undefined => {
  const file = path.join(h.hostRoot(host), 'srv/app/VERSION');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
};

describe('alarms of an in-place deployment', () => {
  let h: Harness;
  let gate: ReportGate;
  const { call } = localApiClients(() => h);

  async function open(alarms: AlarmConfiguration | undefined, source?: AlarmSource): Promise<void> {
    gate = new ReportGate();
    h = await openHarness({ hostRunner: gate.hostRunner, decorate: source ? (deps) => ({ ...deps, alarms: source }) : undefined });
    const group = await addAppGroup(h, { defaultHosts: HOSTS, deploymentConfigName: 'CodeDeployDefault.OneAtATime' });
    if (alarms) await h.runtime.store.putDeploymentGroup({ ...group, alarmConfiguration: alarms });
  }
  afterEach(async () => {
    gate.open();
    await h.runtime.close();
  });

  async function deploy(source: string, extra: Record<string, unknown> = {}): Promise<string> {
    const created: ApiAnswer = await call('POST', '/deployments', {
      applicationName: 'app',
      deploymentGroupName: 'group',
      revision: { revisionType: 'Local', localLocation: { bundlePath: source } },
      ...extra,
    });
    expect(created.status).toBe(201);
    return created.body?.deploymentId as string;
  }

  /** Sets an alarm's state in alarms.json without its state change event: only a poll can see it. */
  function setSilently(alarmName: string, state: string): void {
    const file = path.join(h.runtime.stateDir, 'alarms.json');
    const stored = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>) : {};
    fs.writeFileSync(file, JSON.stringify({ ...stored, [alarmName]: state }));
  }

  const WATCHED: AlarmConfiguration = { enabled: true, alarms: [{ name: 'errors' }] };

  it('does not start while a watched alarm is already in ALARM: Stopped, no host touched, the lock free', async () => {
    await open(WATCHED);
    await h.runtime.alarms.set('errors', 'ALARM');

    const view = await h.runtime.waitForDeployment(await deploy(bundle(h, 'v1')));

    expect(view.status).toBe('Stopped');
    expect(view.errorInformation).toEqual({ code: 'ALARM_ACTIVE', message: 'Alarm errors of deployment group group is in ALARM' });
    expect(statuses(view)).toEqual({ 'host-1': 'Skipped', 'host-2': 'Skipped', 'host-3': 'Skipped' });
    expect(new Set(view.targets.flatMap((t) => t.lifecycleEvents.map((e) => e.status)))).toEqual(new Set(['Skipped']));
    for (const host of HOSTS) expect(fs.existsSync(h.hostRoot(host))).toBe(false);
    expect(await h.runtime.store.getGroupLock(view.deploymentGroupId)).toBeUndefined();
    expect((await h.runtime.store.getDeploymentGroup('app', 'group'))?.lastAttemptedDeployment).toMatchObject({ status: 'Stopped' });
  });

  it.each<[string, readonly AutoRollbackEvent[], boolean]>([
    ['rolls back to the last good revision with DEPLOYMENT_STOP_ON_ALARM', ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'], true],
    ['does not roll back with DEPLOYMENT_FAILURE alone', ['DEPLOYMENT_FAILURE'], false],
  ])('kills the script batch 2 of 3 runs when an alarm goes to ALARM, ends Stopped naming it, and %s', async (_case, events, rollsBack) => {
    await open(WATCHED);
    expect((await h.runtime.waitForDeployment(await deploy(bundle(h, 'v1')))).status).toBe('Succeeded');
    const id = await deploy(bundle(h, 'v2', true), { autoRollbackConfiguration: { enabled: true, events } });
    const child = Number(await untilWritten(path.join(h.hostRoot('host-2'), 'start.pid')));

    await h.runtime.alarms.set('errors', 'ALARM');
    const view = await h.runtime.waitForDeployment(id);

    expect(await hasEnded(child)).toBe(true);
    expect(view.status).toBe('Stopped');
    expect(view.errorInformation).toEqual({ code: 'ALARM_ACTIVE', message: expect.stringMatching(/^Alarm errors went to ALARM at \d{4}-/) });
    expect(statuses(view)).toEqual({ 'host-1': 'Succeeded', 'host-2': 'Failed', 'host-3': 'Skipped' });
    const cancelled = view.targets.find((t) => t.targetId === 'host-2')!.lifecycleEvents;
    expect(cancelled[APPLICATION_START]).toMatchObject({
      status: 'Failed',
      diagnostics: { errorCode: 'UnknownError', message: `Cancelled when the deployment stopped: ${view.errorInformation?.message}` },
    });
    expect(cancelled.slice(APPLICATION_START + 1).map((e) => e.status)).toEqual(['Skipped']);
    expect(view.targets.some((t) => t.status === 'InProgress' || t.lifecycleEvents.some((e) => e.status === 'InProgress'))).toBe(false);
    expect(view.deploymentOverview).toEqual({ Pending: 0, InProgress: 0, Succeeded: 1, Failed: 1, Skipped: 1, Ready: 0 });
    expect(h.runtime.failedReports).toEqual([]);
    expect(await h.runtime.store.getGroupLock(view.deploymentGroupId)).toBeUndefined();

    if (rollsBack) {
      // The alarm still fires: the rollback, there to restore the last good revision, does not watch it.
      const rollback = await h.runtime.view(view.rollbackInfo?.rollbackDeploymentId as string);
      expect(rollback).toMatchObject({ status: 'Succeeded', creator: 'codeDeployRollback', rollbackInfo: { rollbackTriggeringDeploymentId: id } });
      expect(view.rollbackInfo?.rollbackMessage).toMatch(/rollback succeeded/i);
      for (const host of HOSTS) expect(version(h, host)).toBe('v1');
    } else {
      expect(view.rollbackInfo).toBeUndefined();
      expect((await h.runtime.store.listDeployments()).map((d) => d.creator)).toEqual(['user', 'user']);
      // host-2 had installed v2 before its ApplicationStart was cancelled.
      expect(HOSTS.map((host) => version(h, host))).toEqual(['v2', 'v2', 'v1']);
    }
  });

  it('refuses a late report of the cancelled host, and the deployment stays as the alarm left it', async () => {
    await open(WATCHED);
    const id = await deploy(bundle(h, 'v2', true));
    await untilWritten(path.join(h.hostRoot('host-2'), 'start.pid'));
    await h.runtime.alarms.set('errors', 'ALARM');
    const stopped = await h.runtime.waitForDeployment(id);
    const now = new Date().toISOString();

    const late = await hostReport(h.runtime.deps, {
      deploymentId: id,
      batchNumber: 2,
      eventIndex: APPLICATION_START,
      targetId: 'host-2',
      exitCode: 0,
      output: 'finished after all',
      startTime: now,
      endTime: now,
    });

    expect(late.outcome).not.toBe('recorded');
    expect(await h.runtime.view(id)).toEqual(stopped);
  });

  it('stops between batches on an alarm whose event never came, found by the poll before batch 2', async () => {
    await open(WATCHED);
    gate.close();
    const id = await deploy(bundle(h, 'v1'));
    expect((await gate.firstHeld()).targetId).toBe('host-1');

    setSilently('errors', 'ALARM');
    gate.open();
    const view = await h.runtime.waitForDeployment(id);

    expect(view.status).toBe('Stopped');
    expect(view.errorInformation).toEqual({ code: 'ALARM_ACTIVE', message: 'Alarm errors of deployment group group is in ALARM' });
    expect(statuses(view)).toEqual({ 'host-1': 'Succeeded', 'host-2': 'Skipped', 'host-3': 'Skipped' });
    expect(readLines(path.join(h.hostRoot('host-1'), 'events.log'))).toHaveLength(SCRIPTED.length - 1);
    expect(fs.existsSync(h.hostRoot('host-2'))).toBe(false);
  });

  const unreadable: AlarmSource = {
    states: async () => {
      throw new Error('CloudWatch is unreachable');
    },
  };

  const throttled: AlarmSource = {
    states: async () => {
      throw new TransientAwsError('Rate exceeded (cloudwatch:DescribeAlarms)');
    },
  };

  it.each<[string, AlarmSource, boolean, string, RegExp | undefined]>([
    ['carries on with ignorePollAlarmFailure', unreadable, true, 'Succeeded', undefined],
    ['carries on with ignorePollAlarmFailure, throttled for good', throttled, true, 'Succeeded', undefined],
    ['stops without it', unreadable, false, 'Stopped', /^The alarms of deployment group group could not be read \(CloudWatch is unreachable\); the deployment stops/],
  ])('when the alarms cannot be read, %s', async (_case, source, ignorePollAlarmFailure, status, message) => {
    await open({ ...WATCHED, ignorePollAlarmFailure }, source);

    const view = await h.runtime.waitForDeployment(await deploy(bundle(h, 'v1')));

    expect(view.status).toBe(status);
    expect(view.errorInformation).toEqual(message && { code: 'ALARM_ACTIVE', message: expect.stringMatching(message) });
  });

  it.each<[string, AlarmConfiguration | undefined, Record<string, string>, string, RegExp | undefined]>([
    ["enabled: false ships while the group's alarm fires", { enabled: false, alarms: [] }, { errors: 'ALARM' }, 'Succeeded', undefined],
    ["another alarm, OK, ships while the group's fires", { enabled: true, alarms: [{ name: 'latency' }] }, { errors: 'ALARM', latency: 'OK' }, 'Succeeded', undefined],
    ['another alarm, in ALARM, stops it', { enabled: true, alarms: [{ name: 'latency' }] }, { latency: 'ALARM' }, 'Stopped', /^Alarm latency of the overrideAlarmConfiguration of deployment d-\w+ is in ALARM$/],
    ['none: the group\'s alarm stops it', undefined, { errors: 'ALARM' }, 'Stopped', /^Alarm errors of deployment group group is in ALARM$/],
  ])('overrideAlarmConfiguration replaces the group\'s for the one deployment: %s', async (_case, override, states, status, message) => {
    await open(WATCHED);
    for (const [name, state] of Object.entries(states)) await h.runtime.alarms.set(name, state as 'OK' | 'ALARM');

    const id = await deploy(bundle(h, 'v1'), override ? { overrideAlarmConfiguration: override } : {});
    const view = await h.runtime.waitForDeployment(id);

    expect(view.status).toBe(status);
    expect(view.errorInformation?.message).toEqual(message && expect.stringMatching(message));
    const shown = (await call('GET', `/deployments/${id}`)).body?.deploymentInfo as Record<string, unknown>;
    expect(shown.overrideAlarmConfiguration).toEqual(override);
  });

  it.each([
    ['an alarm the deployment does not watch goes to ALARM', 'latency', 'ALARM'],
    ['the watched alarm goes to OK', 'errors', 'OK'],
    ['the watched alarm goes to INSUFFICIENT_DATA', 'errors', 'INSUFFICIENT_DATA'],
  ] as const)('does nothing when %s', async (_case, alarmName, state) => {
    await open(WATCHED);
    gate.close();
    const id = await deploy(bundle(h, 'v1'));
    await gate.firstHeld();

    const stopped = await alarmStateChanged(h.runtime.deps, alarmName, state);
    await h.runtime.alarms.set(alarmName, state);
    gate.open();
    const view = await h.runtime.waitForDeployment(id);

    expect(stopped).toEqual([]);
    expect(view.status).toBe('Succeeded');
    expect(view).not.toHaveProperty('alarmStop');
  });
});

// Alarm events landing at awkward moments of the flow, with the scripts' cancel failing: the deployment still ends
// Stopped with ALARM_ACTIVE at once, and no script of the stopped batch is left running.
describe('alarm stops racing the in-place flow', () => {
  interface RaceHooks {
    /** Before the store begins an event of a batch (RunLifecycleEvent, after its own look at the record). */
    beforeBeginEvent?: (batch: Batch) => Promise<void>;
    /** After the runner has dispatched an event. */
    afterDispatch?: (dispatch: HostDispatch) => Promise<void>;
    /** Before the runner cancels scripts; throwing fails the cancel. */
    beforeCancel?: (cancellation: HostCancellation) => Promise<void>;
    /** Around the store's updateBatchWait. */
    updateBatchWait?: (real: () => Promise<Batch>, fields: { taskToken: string; dispatched?: boolean }, batchNumber: number, eventIndex: number) => Promise<Batch>;
  }
  let h: Harness;
  let gate: ReportGate;
  let hooks: RaceHooks;
  const leftRunning: number[] = [];
  const { call } = localApiClients(() => h);

  async function open(groups: Record<string, readonly string[]>, tokenTimeoutScale?: number): Promise<void> {
    gate = new ReportGate();
    hooks = {};
    h = await openHarness({
      hostRunner: gate.hostRunner,
      tokenTimeoutScale,
      decorate: (deps) => ({
        ...deps,
        hosts: {
          dispatch: async (dispatch, onSent) => {
            const outcome = await deps.hosts.dispatch(dispatch, onSent);
            await hooks.afterDispatch?.(dispatch);
            return outcome;
          },
          collect: (collection) => deps.hosts.collect(collection),
          cancel: async (cancellation) => {
            await hooks.beforeCancel?.(cancellation);
            await deps.hosts.cancel(cancellation);
          },
        },
        store: new Proxy(deps.store, {
          get: (store, key) => {
            if (key === 'beginBatchEvent') {
              return async (batch: Batch) => {
                await hooks.beforeBeginEvent?.(batch);
                return store.beginBatchEvent(batch);
              };
            }
            if (key === 'updateBatchWait') {
              return (deploymentId: string, batchNumber: number, eventIndex: number, fields: { taskToken: string; dispatched?: boolean }) => {
                const real = (): Promise<Batch> => store.updateBatchWait(deploymentId, batchNumber, eventIndex, fields);
                return hooks.updateBatchWait ? hooks.updateBatchWait(real, fields, batchNumber, eventIndex) : real();
              };
            }
            const value: unknown = Reflect.get(store, key, store);
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(store) : value;
          },
        }),
      }),
    });
    for (const [name, hosts] of Object.entries(groups)) {
      const group = await addAppGroup(h, { deploymentGroupName: name, defaultHosts: [...hosts], deploymentConfigName: 'CodeDeployDefault.OneAtATime' });
      await h.runtime.store.putDeploymentGroup({ ...group, alarmConfiguration: { enabled: true, alarms: [{ name: 'errors' }] } });
    }
  }
  afterEach(async () => {
    gate.open();
    // A script a failed cancel left running would keep the runtime from closing.
    for (const pid of leftRunning.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Ended.
      }
    }
    await h.runtime.close();
  });

  async function deploy(source: string, deploymentGroupName = 'group'): Promise<string> {
    const created: ApiAnswer = await call('POST', '/deployments', {
      applicationName: 'app',
      deploymentGroupName,
      revision: { revisionType: 'Local', localLocation: { bundlePath: source } },
    });
    expect(created.status).toBe(201);
    return created.body?.deploymentId as string;
  }

  const startsLong = (targetIds: readonly string[], eventIndex: number): boolean => eventIndex === APPLICATION_START && targetIds.includes('host-2');
  const setAlarm = (): Promise<void> => h.runtime.alarms.set('errors', 'ALARM');
  /** host-2's long ApplicationStart child, once its script runs; killed after the test if a cancel missed it. */
  async function longChild(): Promise<number> {
    const pid = Number(await untilWritten(path.join(h.hostRoot('host-2'), 'start.pid')));
    leftRunning.push(pid);
    return pid;
  }

  /**
   * The alarm's event comes after RunLifecycleEvent looked at the record and before it began host-2's ApplicationStart:
   * the event finds nothing of it to cancel and no token to fail. The step cancels the script itself after sending it,
   * and that cancel fails with `cancelError` (on the step's first attempt only, unless `always`).
   */
  function alarmMidDispatch(cancelError: () => Error, always: boolean): { child: Promise<number> } {
    let child: Promise<number> | undefined;
    let armed = false;
    hooks.beforeBeginEvent = async (batch) => {
      if (startsLong(batch.targetIds, batch.eventIndex)) await setAlarm();
    };
    hooks.afterDispatch = async (dispatch) => {
      if (!startsLong(dispatch.scripts.flatMap((s) => s.targetIds), dispatch.eventIndex)) return;
      child = longChild();
      await child;
      armed = true;
    };
    hooks.beforeCancel = async () => {
      if (!armed) return;
      armed = always;
      throw cancelError();
    };
    return {
      get child(): Promise<number> {
        return child ?? Promise.reject(new Error('host-2 ApplicationStart was never dispatched'));
      },
    };
  }

  it('kills the script on the retry when the step that sent it could not cancel it (throttled)', async () => {
    await open({ group: HOSTS });
    const race = alarmMidDispatch(() => new TransientAwsError('Rate exceeded'), false);

    const view = await h.runtime.waitForDeployment(await deploy(bundle(h, 'v2', true)));

    expect(view.status).toBe('Stopped');
    expect(view.errorInformation?.code).toBe('ALARM_ACTIVE');
    expect(await hasEnded(await race.child, 2000)).toBe(true);
    expect(await h.runtime.store.getGroupLock(view.deploymentGroupId)).toBeUndefined();
  });

  it('ends Stopped with ALARM_ACTIVE, not Failed, when SSM refuses the cancel for good', async () => {
    await open({ group: HOSTS });
    alarmMidDispatch(() => Object.assign(new Error('not authorized to perform ssm:CancelCommand'), { name: 'AccessDeniedException' }), true);

    const view = await h.runtime.waitForDeployment(await deploy(bundle(h, 'v2', true)));

    expect(view.status).toBe('Stopped');
    expect(view.errorInformation).toEqual({ code: 'ALARM_ACTIVE', message: expect.stringMatching(/^Alarm errors went to ALARM at /) });
    expect(statuses(view)).toEqual({ 'host-1': 'Succeeded', 'host-2': 'Failed', 'host-3': 'Skipped' });
    expect(await h.runtime.store.getGroupLock(view.deploymentGroupId)).toBeUndefined();
  });

  it('ends the wait of a retried step that swapped in its token after the alarm event read the batch', async () => {
    // Token waits time out after 22.5 s here: only the step itself can end this one sooner.
    await open({ group: HOSTS }, 200);
    let lostAnswer = true;
    let alarmedAt = 0;
    hooks.afterDispatch = async (dispatch) => {
      if (startsLong(dispatch.scripts.flatMap((s) => s.targetIds), dispatch.eventIndex)) await longChild();
    };
    hooks.updateBatchWait = async (real, fields, batchNumber, eventIndex) => {
      // host-2's ApplicationStart: batch 2 of OneAtATime.
      if (batchNumber !== 2 || eventIndex !== APPLICATION_START) return real();
      // The first attempt's write that the event is sent lands, but its answer is lost: the step is retried.
      if (fields.dispatched === true && lostAnswer) {
        lostAnswer = false;
        await real();
        throw new TransientAwsError('connection reset');
      }
      // The retry finds it sent and swaps in its token; the alarm's event reads the batch just before.
      if (fields.dispatched === undefined && !lostAnswer && alarmedAt === 0) {
        alarmedAt = Date.now();
        await setAlarm();
      }
      return real();
    };

    const view = await h.runtime.waitForDeployment(await deploy(bundle(h, 'v2', true)));

    expect(alarmedAt).toBeGreaterThan(0);
    expect(Date.now() - alarmedAt).toBeLessThan(10_000);
    expect(view.status).toBe('Stopped');
    expect(view.errorInformation?.code).toBe('ALARM_ACTIVE');
  });

  it('stops every deployment that watches the alarm when the cancel of one fails, then rejects so the event comes again', async () => {
    await open({ group: ['a-1'], other: ['b-1'] });
    gate.close();
    const first = await deploy(bundle(h, 'v1'), 'group');
    const second = await deploy(bundle(h, 'v1'), 'other');
    while (new Set(gate.held.map((r) => r.deploymentId)).size < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    let failOnce = true;
    hooks.beforeCancel = async () => {
      if (!failOnce) return;
      failOnce = false;
      throw new TransientAwsError('Rate exceeded');
    };

    await expect(setAlarm()).rejects.toThrow('Rate exceeded');
    gate.open();

    for (const id of [first, second]) {
      const view = await h.runtime.waitForDeployment(id);
      expect(view.status).toBe('Stopped');
      expect(view.errorInformation?.code).toBe('ALARM_ACTIVE');
    }
  });
});
