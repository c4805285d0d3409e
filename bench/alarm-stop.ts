// The alarm case of `npm run bench`: how long after `cutover local alarm set NAME ALARM` exits a Lambda deployment
// running under `cutover local serve` (a process of its own, as a user runs it) is Stopped. Both are the real
// executable; the deployment is made through the API and waits between shifts of LambdaLinear10PercentEvery10Minutes
// (a minute each at --time-scale 10), so only the server's watch of alarms.json can stop it in time, not the alarm
// check before its next shift. The budget (the one second) lives here, never in a test.
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '..', 'bin', 'cutover.js');
export const ALARM_STOP_CONFIG = 'CodeDeployDefault.LambdaLinear10PercentEvery10Minutes';
export const ALARM_STOP_TIME_SCALE = 10;
/** The target: an alarm set from another process stops the deployment within one second of wall time. */
export const ALARM_STOP_BUDGET_SECONDS = 1;
const POLL_MS = 10;

const APPSPEC = [
  'version: 0.0',
  'Resources:',
  '  - fn:',
  '      Type: AWS::Lambda::Function',
  '      Properties:',
  '        Name: fn',
  '        Alias: live',
  '        CurrentVersion: "1"',
  '        TargetVersion: "2"',
  '',
].join('\n');

export interface AlarmStopRow {
  readonly case: string;
  readonly config: string;
  readonly timeScale: number;
  readonly status: string;
  /** From the exit of `cutover local alarm set` to GET /deployments/{id} answering a status other than InProgress. */
  readonly stopSeconds: number;
  readonly budgetSeconds: number;
}

/** Runs the case in a fresh state folder under `work`. */
export async function measureAlarmStop(work: string): Promise<AlarmStopRow> {
  const cwd = fs.mkdtempSync(path.join(work, 'alarm-'));
  const stateDir = path.join(cwd, '.cutover');
  await cutover(cwd, ['local', 'lambda', 'publish', 'fn', '1', '2', '--state-dir', stateDir]);
  await cutover(cwd, ['local', 'lambda', 'create-alias', 'fn', 'live', '1', '--state-dir', stateDir]);
  const server = await serve(cwd, stateDir);
  try {
    const api = apiOf(server.endpoint);
    await api('POST', '/applications', { applicationName: 'fn', computePlatform: 'Lambda' });
    await api('POST', '/applications/fn/deployment-groups', {
      deploymentGroupName: 'live',
      alarmConfiguration: { enabled: true, alarms: [{ name: 'errors' }] },
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_STOP_ON_ALARM'] },
    });
    const { deploymentId } = (await api('POST', '/deployments', {
      applicationName: 'fn',
      deploymentGroupName: 'live',
      deploymentConfigName: ALARM_STOP_CONFIG,
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content: APPSPEC } },
    })) as { deploymentId: string };
    const info = async () => ((await api('GET', `/deployments/${deploymentId}`)) as { deploymentInfo: { status: string; nextShift?: unknown } }).deploymentInfo;
    // Once the first 10% has moved and the deployment waits for its next shift.
    while ((await info()).nextShift === undefined) await pause(POLL_MS);

    await cutover(cwd, ['local', 'alarm', 'set', 'errors', 'ALARM', '--state-dir', stateDir]);
    const started = process.hrtime.bigint();
    let status = (await info()).status;
    while (status === 'InProgress') {
      await pause(POLL_MS);
      status = (await info()).status;
    }
    const stopSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      case: 'alarm set under cutover local serve',
      config: ALARM_STOP_CONFIG,
      timeScale: ALARM_STOP_TIME_SCALE,
      status,
      stopSeconds: Math.round(stopSeconds * 1000) / 1000,
      budgetSeconds: ALARM_STOP_BUDGET_SECONDS,
    };
  } finally {
    server.child.kill('SIGTERM');
    await server.exit;
  }
}

/** Within its budget, or over it; a deployment that did not end Stopped counts as over, whatever its time. */
export function checkAlarmStopBudget(row: AlarmStopRow): { line: string; over: boolean } {
  const within = row.status === 'Stopped' && row.stopSeconds <= row.budgetSeconds;
  const what = `${row.case} at --time-scale ${row.timeScale}, ${row.status} after the alarm`;
  return { line: `${within ? 'within budget' : 'OVER BUDGET'}: ${what}: ${row.stopSeconds} s (at most ${row.budgetSeconds} s)`, over: !within };
}

interface Served {
  readonly child: ChildProcess;
  readonly exit: Promise<unknown>;
  readonly endpoint: string;
}

function serve(cwd: string, stateDir: string): Promise<Served> {
  const args = [CLI, 'local', 'serve', '--port', '0', '--state-dir', stateDir, '--time-scale', String(ALARM_STOP_TIME_SCALE)];
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = new Promise((resolve) => child.once('exit', resolve));
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString();
      const ready = /^Cutover API on (\S+) /.exec(stdout);
      if (ready) resolve({ child, exit, endpoint: ready[1] });
    });
    void exit.then((code) => reject(new Error(`cutover local serve exited ${String(code)}: ${stderr}`)));
  });
}

function cutover(cwd: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`cutover ${args.join(' ')} exited ${String(code)}: ${stderr}`))));
  });
}

function apiOf(endpoint: string) {
  return async (method: string, pathname: string, body?: object): Promise<unknown> => {
    const response = await fetch(`${endpoint}${pathname}`, {
      method,
      body: body && JSON.stringify(body),
      headers: body ? { 'content-type': 'application/json' } : {},
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${pathname} answered ${response.status}: ${text}`);
    return JSON.parse(text);
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
