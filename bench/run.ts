// `npm run bench`: wall time, executions and state transitions of local deployments to 100 and 1,000 hosts with
// no-op hooks, for the three predefined server configs: a baseline for later work, with no target. Then the Lambda
// demo (bench/lambda-demo.ts), which has one: it must finish within its wall-time budget, or the bench exits 1; and
// the alarm stop (bench/alarm-stop.ts): an alarm set from another process must stop a deployment running under
// `cutover local serve` within a second, or the bench exits 1.
// With --cost: what one deployment to 10, 100 and 1,000 hosts uses on AWS, counted from the same real runs,
// priced at list prices (bench/prices.ts), and checked against the budgets of bench/cost-budgets.ts (exit 1 if over).
// Tests assert no timings; the targets live here.
//   npm run bench                          the timing tables, server and Lambda
//   npm run bench -- --hosts 100           one fleet size (and the Lambda demo)
//   npm run bench -- --lambda              the Lambda demo alone
//   npm run bench -- --alarm               the alarm stop alone
//   npm run bench -- --cost                the cost table
//   npm run --silent bench -- --json       JSON rows instead of tables (with --cost: the cost rows)
import '../lib/local/polyfills';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { deployLocally } from '../lib/cli/local-deploy';
import { LocalRuntime } from '../lib/local/local-runtime';
import { type AlarmStopRow, checkAlarmStopBudget, measureAlarmStop } from './alarm-stop';
import { checkBudgets } from './cost-budgets';
import { checkLambdaBudget, type LambdaRow, measureLambdaDemo } from './lambda-demo';
import { priceOf } from './prices';
import { UsageMeter } from './usage-meter';

const CONFIGS = ['CodeDeployDefault.OneAtATime', 'CodeDeployDefault.HalfAtATime', 'CodeDeployDefault.AllAtOnce'];
const HOOK_EVENTS = ['ApplicationStop', 'BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'];

interface Row {
  hosts: number;
  config: string;
  status: string;
  batches: number;
  executions: number;
  stateTransitions: number;
  lambdaInvocations: number;
  dynamodbWrites: number;
  ssmCommands: number;
  events: number;
  usd: number;
  wallSeconds: number;
}

function noopBundle(dir: string): string {
  fs.mkdirSync(path.join(dir, 'scripts'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'site'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'site', 'index.html'), '<h1>bench</h1>\n');
  fs.writeFileSync(path.join(dir, 'scripts', 'noop.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  const hooks = HOOK_EVENTS.map((e) => `  ${e}:\n    - location: scripts/noop.sh\n`).join('');
  fs.writeFileSync(path.join(dir, 'appspec.yml'), `version: 0.0\nos: linux\nfiles:\n  - source: site\n    destination: /srv/bench\nhooks:\n${hooks}`);
  return dir;
}

async function measure(hosts: number, config: string, work: string): Promise<Row> {
  const stateDir = fs.mkdtempSync(path.join(work, 'state-'));
  const meter = new UsageMeter();
  const concurrency = Math.max(4, os.cpus().length * 4);
  const runtime = await LocalRuntime.open({ stateDir, persist: false, decorate: meter.decorate, hostRunner: meter.hostRunner(concurrency) });
  try {
    const started = process.hrtime.bigint();
    const view = await deployLocally(runtime, {
      bundle: path.join(work, 'bundle'),
      applicationName: 'bench',
      deploymentGroupName: `fleet-${hosts}`,
      hosts: Array.from({ length: hosts }, (_, i) => `host-${i + 1}`),
      deploymentConfigName: config,
      autoRollback: false,
      ignoreApplicationStopFailures: false,
    });
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const outcome = await runtime.executionOutcome(view.deploymentId);
    const usage = {
      stateTransitions: outcome?.transitions ?? 0,
      // Each Task state is one Lambda invocation; each host report is one of the SSM event handler.
      lambdaInvocations: (outcome?.taskInvocations ?? 0) + meter.hostReports,
      dynamodbWrites: meter.dynamodbWrites,
      ssmCommands: meter.ssmCommands,
      events: meter.events,
    };
    return {
      hosts,
      config,
      status: view.status,
      batches: Math.max(0, ...view.targets.map((t) => t.batchNumber ?? 0)),
      executions: outcome?.executions ?? 0,
      ...usage,
      usd: priceOf(usage),
      wallSeconds: Math.round(wallSeconds * 100) / 100,
    };
  } finally {
    await runtime.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      hosts: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      cost: { type: 'boolean' },
      lambda: { type: 'boolean' },
      alarm: { type: 'boolean' },
    },
  });
  if (values.lambda && (values.cost || values.hosts || values.alarm)) throw new Error('--lambda runs the Lambda demo alone: leave out --cost, --hosts and --alarm');
  if (values.alarm && (values.cost || values.hosts)) throw new Error('--alarm runs the alarm stop alone: leave out --cost and --hosts');
  const alone = values.lambda || values.alarm;
  const sizes = alone ? [] : (values.hosts ?? (values.cost ? ['10', '100', '1000'] : ['100', '1000'])).map(Number);
  for (const size of sizes) {
    if (!Number.isInteger(size) || size < 1 || size > 1000) throw new Error(`--hosts must be a whole number from 1 to 1000 (got ${size})`);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-bench-'));
  noopBundle(path.join(work, 'bundle'));
  const rows: Row[] = [];
  const lambdaRows: LambdaRow[] = [];
  const alarmRows: AlarmStopRow[] = [];
  try {
    if (!values.cost && !values.alarm) {
      const row = await measureLambdaDemo(work);
      lambdaRows.push(row);
      if (!values.json) process.stderr.write(`measured the Lambda demo: ${row.wallSeconds} s\n`);
    }
    if (!values.cost && !values.lambda) {
      const row = await measureAlarmStop(work);
      alarmRows.push(row);
      if (!values.json) process.stderr.write(`measured the alarm stop: ${row.stopSeconds} s\n`);
    }
    for (const hosts of sizes) {
      for (const config of CONFIGS) {
        const row = await measure(hosts, config, work);
        rows.push(row);
        if (!values.json) process.stderr.write(`measured ${hosts} hosts, ${config}: ${row.wallSeconds} s\n`);
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  if (values.cost) {
    const budgets = checkBudgets(rows);
    for (const line of budgets.lines) process.stderr.write(`${line}\n`);
    if (budgets.over) process.exitCode = 1;
  }
  for (const budget of [...lambdaRows.map(checkLambdaBudget), ...alarmRows.map(checkAlarmStopBudget)]) {
    process.stderr.write(`${budget.line}\n`);
    if (budget.over) process.exitCode = 1;
  }
  if (values.json) {
    const shaped = values.cost
      ? rows.map(({ hosts, config, stateTransitions, lambdaInvocations, dynamodbWrites, ssmCommands, usd }) => ({ hosts, config, stateTransitions, lambdaInvocations, dynamodbWrites, ssmCommands, usd }))
      : rows.map(({ hosts, config, status, batches, executions, stateTransitions, wallSeconds }) => ({ hosts, config, status, batches, executions, stateTransitions, wallSeconds }));
    // Lambda rows follow the server rows, then the alarm stop's; they are the ones with a `case`.
    process.stdout.write(`${JSON.stringify([...shaped, ...lambdaRows, ...alarmRows], null, 2)}\n`);
    return;
  }
  const header = values.cost
    ? ['hosts', 'config', 'state transitions', 'Lambda invocations', 'DynamoDB writes', 'SSM commands', 'events', 'USD']
    : ['hosts', 'config', 'status', 'batches', 'executions', 'state transitions', 'wall s'];
  const lines = rows.map((r) =>
    values.cost
      ? [String(r.hosts), r.config, String(r.stateTransitions), String(r.lambdaInvocations), String(r.dynamodbWrites), String(r.ssmCommands), String(r.events), r.usd.toFixed(6)]
      : [String(r.hosts), r.config, r.status, String(r.batches), String(r.executions), String(r.stateTransitions), r.wallSeconds.toFixed(2)],
  );
  const tables: string[] = [];
  if (rows.length > 0) tables.push(table(header, lines));
  if (lambdaRows.length > 0) {
    const lambdaLines = lambdaRows.map((r) => [r.case, r.config, String(r.timeScale), r.status, String(r.shifts), r.wallSeconds.toFixed(2), String(r.budgetSeconds)]);
    tables.push(table(['Lambda', 'config', 'time scale', 'status', 'shifts', 'wall s', 'budget s'], lambdaLines));
  }
  if (alarmRows.length > 0) {
    const alarmLines = alarmRows.map((r) => [r.case, r.config, String(r.timeScale), r.status, r.stopSeconds.toFixed(3), String(r.budgetSeconds)]);
    tables.push(table(['alarm stop', 'config', 'time scale', 'status', 'stop s', 'budget s'], alarmLines));
  }
  process.stdout.write(`${tables.join('\n')}`);
}

/** A header, a rule and the rows, in columns as wide as their widest cell. */
function table(header: string[], lines: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return `${fmt(header)}\n${fmt(widths.map((w) => '-'.repeat(w)))}\n${lines.map(fmt).join('\n')}\n`;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
