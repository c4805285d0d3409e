// An alarm set from another process (`cutover local alarm set`) while `cutover local serve` runs a deployment made
// through the API: the server watches alarms.json, so a Lambda deployment stops in the middle of a wait between shifts
// (not at its next shift, a simulated minute away) and gives the traffic back, and a Server deployment stops in the
// middle of a hook script (not when it ends, a minute away) and deploys its last good revision again; events.jsonl
// records both. How fast is the benchmark's alarm-stop check (bench/alarm-stop.ts); here, a deployment that only
// stopped at its next shift or script would run past the test's timeout.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appSpecContentRevision, lambdaAppSpec } from '../support/lambda-api';
import { loggingBundle, tempDir, writeBundle } from '../support/bundles';
import { startServe, type ServeProcess } from '../support/serve-process';
import { runCli } from './run-cli';

// Ten shifts ten minutes apart: at --time-scale 10, a minute between shifts and nine of them to go.
const LINEAR = 'CodeDeployDefault.LambdaLinear10PercentEvery10Minutes';
const TIME_SCALE = '10';

type Json = Record<string, unknown>;

/** Starts `cutover local serve` on a free port over `stateDir`. */
function serve(dir: string, stateDir: string): Promise<ServeProcess> {
  return startServe(dir, ['--state-dir', stateDir, '--time-scale', TIME_SCALE]);
}

async function call(endpoint: string, method: string, pathname: string, body?: Json): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${endpoint}${pathname}`, {
    method,
    body: body && JSON.stringify(body),
    headers: body ? { 'content-type': 'application/json' } : {},
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as Json) };
}

/**
 * GET /deployments/{id} until `reached` holds (the test's timeout bounds the wait). An automatic rollback is named by
 * the deployment it rolls back a moment before its record is written: until then it answers 404.
 */
async function untilDeployment(endpoint: string, deploymentId: string, reached: (info: Json) => boolean): Promise<Json> {
  for (;;) {
    const got = await call(endpoint, 'GET', `/deployments/${deploymentId}`);
    if (got.status !== 404) {
      expect(got.status).toBe(200);
      const info = got.json.deploymentInfo as Json;
      if (reached(info)) return info;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function cliOk(run: { code: number; stderr: string }): void {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}

/** The deployment events events.jsonl holds for these deployments, each as its Detail. */
function deploymentEvents(stateDir: string, deploymentIds: readonly string[]): Json[] {
  return fs
    .readFileSync(path.join(stateDir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { DetailType: string; Detail: string })
    .filter((entry) => entry.DetailType === 'Cutover Deployment State-change Notification')
    .map((entry) => JSON.parse(entry.Detail) as Json)
    .filter((detail) => deploymentIds.includes(detail.deploymentId as string));
}

async function untilFile(file: string): Promise<void> {
  while (!fs.existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('cutover local serve with an alarm set from another process', () => {
  let dir: string;
  let stateDir: string;
  let server: ServeProcess;

  beforeAll(async () => {
    dir = tempDir('serve-alarm');
    stateDir = path.join(dir, 'state');
    // The simulated function is made before the server takes the folder: these commands take it too.
    cliOk(await runCli(['local', 'lambda', 'publish', 'fn', '1', '2', '--state-dir', stateDir], dir));
    cliOk(await runCli(['local', 'lambda', 'create-alias', 'fn', 'live', '1', '--state-dir', stateDir], dir));
    server = await serve(dir, stateDir);
  });
  afterAll(async () => {
    if (server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exit;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stops a Lambda deployment in the middle of its wait, rolls the alias back and records both in events.jsonl', async () => {
    const { endpoint } = server;
    expect((await call(endpoint, 'POST', '/applications', { applicationName: 'fn', computePlatform: 'Lambda' })).status).toBe(201);
    const group = await call(endpoint, 'POST', '/applications/fn/deployment-groups', {
      deploymentGroupName: 'live',
      alarmConfiguration: { enabled: true, alarms: [{ name: 'errors' }] },
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_STOP_ON_ALARM'] },
    });
    expect(group.status).toBe(201);
    const created = await call(endpoint, 'POST', '/deployments', {
      applicationName: 'fn',
      deploymentGroupName: 'live',
      deploymentConfigName: LINEAR,
      revision: appSpecContentRevision(lambdaAppSpec('fn')),
    });
    expect(created.status).toBe(201);
    const deploymentId = created.json.deploymentId as string;

    // The first 10% has moved and the deployment waits for its next shift.
    const waiting = await untilDeployment(endpoint, deploymentId, (info) => info.nextShift !== undefined);
    expect(waiting).toMatchObject({ status: 'InProgress', trafficShifts: [{ weights: { '1': 90, '2': 10 } }] });

    cliOk(await runCli(['local', 'alarm', 'set', 'errors', 'ALARM', '--state-dir', stateDir], dir));
    const stopped = await untilDeployment(endpoint, deploymentId, (info) => info.status !== 'InProgress');

    expect(stopped).toMatchObject({
      status: 'Stopped',
      errorInformation: { code: 'ALARM_ACTIVE', message: 'Alarm errors of deployment group live went to ALARM' },
      rollbackInfo: { rollbackMessage: expect.stringMatching(/^Traffic restored to version 1: alias fn:live serves it alone again/) },
    });
    expect((stopped.trafficShifts as Json[]).map((s) => s.weights)).toEqual([{ '1': 90, '2': 10 }, { '1': 100 }]);
    const alias = await runCli(['local', 'lambda', 'get-alias', 'fn', 'live', '--json', '--state-dir', stateDir], dir);
    cliOk(alias);
    expect(JSON.parse(alias.stdout)).toEqual({ functionName: 'fn', alias: 'live', functionVersion: '1', additionalVersionWeights: {} });

    const events = deploymentEvents(stateDir, [deploymentId]);
    expect(events.map((detail) => detail.state)).toEqual(['START', 'STOP']);
    expect(events[1]).toMatchObject({
      status: 'Stopped',
      errorInformation: stopped.errorInformation,
      rollbackMessage: (stopped.rollbackInfo as Json).rollbackMessage,
    });
  }, 30_000);

  it('stops a Server deployment in the middle of a hook script, deploys the last good revision again and records both in events.jsonl', async () => {
    const { endpoint } = server;
    const local = (bundlePath: string) => ({ revisionType: 'Local', localLocation: { bundlePath } });
    expect((await call(endpoint, 'POST', '/applications', { applicationName: 'web' })).status).toBe(201);
    const group = await call(endpoint, 'POST', '/applications/web/deployment-groups', {
      deploymentGroupName: 'web',
      instanceNames: ['host-1'],
      alarmConfiguration: { enabled: true, alarms: [{ name: 'web-errors' }] },
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_STOP_ON_ALARM'] },
    });
    expect(group.status).toBe(201);
    const deploy = async (bundlePath: string) => {
      const created = await call(endpoint, 'POST', '/deployments', { applicationName: 'web', deploymentGroupName: 'web', revision: local(bundlePath) });
      expect(created.status).toBe(201);
      return created.json.deploymentId as string;
    };
    const good = await untilDeployment(endpoint, await deploy(loggingBundle(path.join(dir, 'v1'), 'v1')), (info) => info.status !== 'InProgress' && info.status !== 'Created');
    expect(good.status).toBe('Succeeded');
    // A minute-long script (real time: --time-scale speeds waits, not scripts) the alarm cuts short.
    const slow = writeBundle(path.join(dir, 'v2'), {
      appspec: 'version: 0.0\nos: linux\nfiles:\n  - source: site\n    destination: /srv/app\nhooks:\n  ApplicationStart:\n    - location: scripts/slow.sh\n',
      files: { 'scripts/slow.sh': '#!/bin/sh\ntouch "$CUTOVER_HOST_ROOT/started"\nsleep 60\n', 'site/VERSION': 'v2\n' },
    });
    const stoppedId = await deploy(slow);
    const hostRoot = path.join(stateDir, 'hosts', 'host-1');
    await untilFile(path.join(hostRoot, 'started'));

    cliOk(await runCli(['local', 'alarm', 'set', 'web-errors', 'ALARM', '--state-dir', stateDir], dir));
    const stopped = await untilDeployment(endpoint, stoppedId, (info) => info.status !== 'InProgress');

    expect(stopped).toMatchObject({ status: 'Stopped', errorInformation: { code: 'ALARM_ACTIVE', message: expect.stringContaining('web-errors') } });
    // The stop is written first; the finish step names the rollback right after.
    const named = await untilDeployment(endpoint, stoppedId, (info) => (info.rollbackInfo as Json | undefined)?.rollbackDeploymentId !== undefined);
    const rollbackId = (named.rollbackInfo as Json).rollbackDeploymentId as string;
    const rollback = await untilDeployment(endpoint, rollbackId, (info) => !['Created', 'Queued', 'InProgress'].includes(info.status as string));
    expect(rollback).toMatchObject({
      status: 'Succeeded',
      creator: 'codeDeployRollback',
      revision: good.revision,
      rollbackInfo: { rollbackTriggeringDeploymentId: stoppedId },
    });
    expect(fs.readFileSync(path.join(hostRoot, 'srv', 'app', 'VERSION'), 'utf8')).toBe('v1\n');

    const events = deploymentEvents(stateDir, [stoppedId, rollbackId]);
    const who = (detail: Json) => (detail.deploymentId === stoppedId ? 'stopped' : 'rollback');
    expect(events.map((detail) => `${who(detail)} ${String(detail.state)}`)).toEqual(['stopped START', 'stopped STOP', 'rollback START', 'rollback SUCCESS']);
    expect(events[1]).toMatchObject({ status: 'Stopped', errorInformation: stopped.errorInformation });
    expect(events[2]).toMatchObject({ creator: 'codeDeployRollback', rollbackTriggeringDeploymentId: stoppedId });
  }, 30_000);
});
