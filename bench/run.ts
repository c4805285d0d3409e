// `npm run bench`: wall time, executions and state transitions of local deployments to 100 and 1,000 hosts with no-op hooks,
// for the three predefined server configs. A baseline for later work, not a test: nothing here asserts timings.
//   npm run bench                      the full table
//   npm run bench -- --hosts 100       one fleet size
//   npm run bench -- --json            JSON rows instead of the table
import '../lib/local/polyfills';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { deployLocally } from '../lib/cli/local-deploy';
import { LocalRuntime } from '../lib/local/local-runtime';

const CONFIGS = ['CodeDeployDefault.OneAtATime', 'CodeDeployDefault.HalfAtATime', 'CodeDeployDefault.AllAtOnce'];
const HOOK_EVENTS = ['ApplicationStop', 'BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'];

interface Row {
  hosts: number;
  config: string;
  status: string;
  batches: number;
  executions: number;
  stateTransitions: number;
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
  const runtime = await LocalRuntime.open({ stateDir, persist: false, hostConcurrency: Math.max(4, os.cpus().length * 4) });
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
    return {
      hosts,
      config,
      status: view.status,
      batches: Math.max(0, ...view.targets.map((t) => t.batchNumber ?? 0)),
      executions: outcome?.executions ?? 0,
      stateTransitions: outcome?.transitions ?? 0,
      wallSeconds: Math.round(wallSeconds * 100) / 100,
    };
  } finally {
    await runtime.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { hosts: { type: 'string', multiple: true }, json: { type: 'boolean' } } });
  const sizes = (values.hosts ?? ['100', '1000']).map(Number);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-bench-'));
  noopBundle(path.join(work, 'bundle'));
  const rows: Row[] = [];
  try {
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
  if (values.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const header = ['hosts', 'config', 'status', 'batches', 'executions', 'state transitions', 'wall s'];
  const lines = rows.map((r) => [
    String(r.hosts),
    r.config,
    r.status,
    String(r.batches),
    String(r.executions),
    String(r.stateTransitions),
    r.wallSeconds.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  process.stdout.write(`${fmt(header)}\n${fmt(widths.map((w) => '-'.repeat(w)))}\n${lines.map(fmt).join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
