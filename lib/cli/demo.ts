// `cutover local demo` (what `npm start` runs): revision 1 of a sample app goes to 6 local hosts with HalfAtATime;
// revision 2, whose health check fails on one host, goes out one host at a time, fails, and rolls back on its own.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeploymentView } from '../../functions/core/types';
import type { CliContext } from './cli-context';
import { EXIT_FAILED, EXIT_OK, UsageError } from './cli-errors';
import { deployLocally } from './local-deploy';
import { withLocalSession } from './local-session';
import { parseFlags } from './parse-flags';
import { progressPrinter } from './progress-printer';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples', 'demo-app');
const HOSTS = ['host-1', 'host-2', 'host-3', 'host-4', 'host-5', 'host-6'];
const USAGE = 'usage: cutover local demo [--state-dir DIR]';

export async function demoCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, { 'state-dir': { type: 'string' } }, USAGE);
  if (positionals.length > 0) throw new UsageError('arguments', `demo takes no arguments\n${USAGE}`);
  const stateDir = path.resolve(ctx.cwd, values['state-dir'] ?? path.join('.cutover', 'demo'));
  refuseForeignFolder(stateDir);
  const out = ctx.stdout;
  const rel = path.relative(ctx.cwd, stateDir) || '.';

  return withLocalSession({ cwd: ctx.cwd, stateDir, command: 'cutover local demo', prepare: resetDemoFolder }, async ({ runtime }) => {
    runtime.events.subscribe(progressPrinter(out));
    const base = { applicationName: 'demo-app', deploymentGroupName: 'demo-fleet', autoRollback: true, ignoreApplicationStopFailures: false };
    out.write(`Cutover demo: in-place deployments of examples/demo-app to ${HOSTS.length} local hosts (${rel}/hosts/host-1 … host-6)\n`);

    out.write(`\n=== 1/2  Revision 1 with CodeDeployDefault.HalfAtATime: 3 hosts at a time, at least 3 must stay healthy ===\n`);
    const first = await deployLocally(runtime, {
      ...base,
      bundle: path.join(EXAMPLES, 'v1'),
      hosts: HOSTS,
      deploymentConfigName: 'CodeDeployDefault.HalfAtATime',
      description: 'demo-app revision 1',
    });
    out.write(`=> ${verdict(first)}\n`);

    out.write(`\n=== 2/2  Revision 2 with CodeDeployDefault.OneAtATime; its ValidateService health check fails on host-4 ===\n`);
    out.write('    OneAtATime stops at the first failing host, and the group rolls back automatically on failure.\n');
    const second = await deployLocally(runtime, {
      ...base,
      bundle: path.join(EXAMPLES, 'v2'),
      deploymentConfigName: 'CodeDeployDefault.OneAtATime',
      description: 'demo-app revision 2',
    });
    const rollbackId = second.rollbackInfo?.rollbackDeploymentId;
    const rollback = rollbackId ? await runtime.view(rollbackId) : undefined;
    out.write(`=> ${verdict(second)}\n`);
    if (rollback) out.write(`=> automatic rollback ${rollback.deploymentId} redeployed revision 1: ${rollback.status}\n`);

    out.write('\nWhat each host runs now:\n');
    const versions = HOSTS.map((host) => ({ host, version: runningVersion(path.join(runtime.hostsDir, host)) }));
    for (const { host, version } of versions) out.write(`  ${host}  demo-app version ${version}\n`);
    out.write(`\nLook around: ${rel}/hosts/<host>/srv/demo-app and ${rel}/hosts/<host>/var/log/demo-app/events.log\n`);
    out.write(`Deployment records: cutover local list --state-dir ${rel}\n`);

    const asExpected =
      first.status === 'Succeeded' && second.status === 'Failed' && rollback?.status === 'Succeeded' && versions.every((v) => v.version === '1');
    if (!asExpected) out.write('\nThe demo did not end as expected: see the records above.\n');
    return asExpected ? EXIT_OK : EXIT_FAILED;
  });
}

/** A file that marks a folder as the demo's own: only such a folder (or an empty one) is ever wiped. */
const DEMO_MARKER = '.cutover-demo';

function refuseForeignFolder(stateDir: string): void {
  const entries = (fs.existsSync(stateDir) ? fs.readdirSync(stateDir) : []).filter((e) => e !== 'runtime.lock');
  if (entries.length > 0 && !entries.includes(DEMO_MARKER)) {
    throw new UsageError('--state-dir', `${stateDir} holds files the demo did not make; the demo resets its folder, so give it an empty or new one`);
  }
}

/** The demo starts from nothing every time, so it always tells the same story. Called while holding the lock. */
function resetDemoFolder(stateDir: string): void {
  refuseForeignFolder(stateDir);
  for (const entry of fs.readdirSync(stateDir)) {
    if (entry !== 'runtime.lock') fs.rmSync(path.join(stateDir, entry), { recursive: true, force: true });
  }
  fs.writeFileSync(path.join(stateDir, DEMO_MARKER), 'This folder belongs to `cutover local demo`, which empties it on every run.\n');
}

function verdict(view: DeploymentView): string {
  const o = view.deploymentOverview;
  const error = view.errorInformation ? ` (${view.errorInformation.code})` : '';
  return `${view.deploymentId} ${view.status}${error}: ${o.Succeeded} succeeded, ${o.Failed} failed, ${o.Skipped} skipped`;
}

function runningVersion(hostRoot: string): string {
  try {
    return fs.readFileSync(path.join(hostRoot, 'srv', 'demo-app.running'), 'utf8').trim();
  } catch {
    return 'none (not running)';
  }
}
