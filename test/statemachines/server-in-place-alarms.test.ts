// CloudWatch alarms stop in-place deployments, CodeDeploy's way (spec §5, §10.11), on the embedded runtime: an alarm in
// ALARM ends the deployment Stopped with ALARM_ACTIVE naming it. Its state change event does so at once, cancelling the
// scripts the batch runs; the polls (before the start, between batches) catch an alarm whose event never came.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { alarmStateChanged } from '../../functions/steps/alarm-state-changed';
import { hostReport } from '../../functions/steps/host-report';
import type { AlarmConfiguration, AutoRollbackEvent, DeploymentView } from '../../functions/core/types';
import type { AlarmSource } from '../../functions/ports';
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

  it.each<[string, boolean, string, RegExp | undefined]>([
    ['carries on with ignorePollAlarmFailure', true, 'Succeeded', undefined],
    ['stops without it', false, 'Stopped', /^The alarms of deployment group group could not be read \(CloudWatch is unreachable\); the deployment stops/],
  ])('when the alarms cannot be read, %s', async (_case, ignorePollAlarmFailure, status, message) => {
    await open({ ...WATCHED, ignorePollAlarmFailure }, unreadable);

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
