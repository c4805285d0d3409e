// `cutover local serve`: the REST API on 127.0.0.1 over a local state folder, so the API commands (and any HTTP
// client) can drive the embedded runtime. The folder's lock is held for the server's life.
import * as path from 'node:path';
import type { ApiContext } from '../../functions/api/api-context';
import { Router } from '../../functions/api/router';
import { API_ROUTES } from '../../functions/api/routes';
import { LocalRuntime } from '../local/local-runtime';
import { PeriodicLockSweep } from '../local/periodic-lock-sweep';
import { StateLock } from '../local/state-lock';
import type { CliContext } from './cli-context';
import { EXIT_FAILED, EXIT_OK, UsageError } from './cli-errors';
import { DEFAULT_STATE_DIR } from './local-session';
import { parseFlags, positiveNumber } from './parse-flags';
import { progressPrinter } from './progress-printer';
import { DEFAULT_PORT, LOOPBACK, startApiServer } from './remote/http-server';

const LOCAL_SERVE_USAGE = `usage: cutover local serve [--port P] [--state-dir DIR] [--time-scale X]

Serves Cutover's REST API (GET /openapi.json describes it) on http://${LOOPBACK}:P for the API commands
(cutover create-application …, default endpoint http://${LOOPBACK}:${DEFAULT_PORT}) and any HTTP client. Loopback only, no auth.
Prints "Cutover API on http://${LOOPBACK}:<port> (state: <dir>)" once it listens, then the progress of deployments.
SIGINT or SIGTERM stops it: no new requests, running deployments finish, then it exits 0 (a second signal exits at once).
Locks left by deployments whose process died (a serve or deploy killed mid-way) are recovered at start-up and every
five minutes (divided by --time-scale): the deployment is finished as abandoned, rolled back when its policy says so.

  --port P         port to listen on (default ${DEFAULT_PORT}; 0 picks a free one, read it from the first line)
  --state-dir DIR  local state folder (default .cutover), locked while the server runs
  --time-scale X   wait states and retry pauses run X times faster (default 1)`;

export async function localServeCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    { port: { type: 'string' }, 'state-dir': { type: 'string' }, 'time-scale': { type: 'string' } },
    LOCAL_SERVE_USAGE,
  );
  if (positionals.length > 0) throw new UsageError('arguments', `serve takes no arguments (got ${positionals.join(' ')})\n${LOCAL_SERVE_USAGE}`);
  const port = portOf(values.port);
  const timeScale = positiveNumber('--time-scale', values['time-scale'], 1);
  const stateDir = path.resolve(ctx.cwd, values['state-dir'] ?? DEFAULT_STATE_DIR);

  const lock = StateLock.acquire(stateDir, 'cutover local serve');
  try {
    const runtime = await LocalRuntime.open({ stateDir, persist: true, timeScale, watchAlarmFile: true });
    // Progress stays on through the drain: deployments finishing after the signal still show how they ended.
    const unsubscribe = runtime.events.subscribe(progressPrinter(ctx.stdout));
    try {
      return await serve(runtime, lock, port, timeScale, ctx);
    } finally {
      await runtime.close();
      unsubscribe();
    }
  } finally {
    lock.release();
  }
}

async function serve(runtime: LocalRuntime, lock: StateLock, port: number, timeScale: number, ctx: CliContext): Promise<number> {
  const context: ApiContext = { deps: runtime.deps, hostNaming: 'local' };
  const router = new Router(API_ROUTES, (message, details) => ctx.stderr.write(`cutover: ${message} ${JSON.stringify(details)}\n`));
  let server;
  try {
    server = await startApiServer(router, context, port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? `port ${port} is in use: pick another with --port (0 picks a free one)` : String(error);
    ctx.stderr.write(`cutover: cannot listen on ${LOOPBACK}:${port}: ${why}\n`);
    return EXIT_FAILED;
  }
  const unsubscribe = runtime.events.subscribe((change) => {
    // The lock names the deployment running, so a second `cutover local …` on the folder can say what it waits for.
    if (change.kind === 'deployment' && change.deployment.status === 'InProgress') lock.noteDeployment(change.deployment.deploymentId);
  });
  ctx.stdout.write(`Cutover API on http://${LOOPBACK}:${server.port} (state: ${runtime.stateDir})\n`);
  // A serve killed mid-deployment leaves its locks behind: recovered now (after the first line, which tells the port),
  // then periodically until the stop signal.
  const sweeper = PeriodicLockSweep.start({ sweep: () => runtime.sweepLocks(), timeScale, report: (line) => ctx.stderr.write(`cutover: ${line}\n`) });

  await stopSignal(ctx, lock);
  await sweeper.stop();
  ctx.stderr.write('cutover: stopping: no new requests; waiting for running deployments to finish (a second signal stops at once)\n');
  await server.close();
  unsubscribe();
  return EXIT_OK;
}

/** Resolves on the first SIGINT or SIGTERM; a second one leaves at once, leaving its deployments to lock recovery. */
function stopSignal(ctx: CliContext, lock: StateLock): Promise<void> {
  return new Promise((resolve) => {
    const first = (): void => {
      process.off('SIGINT', first);
      process.off('SIGTERM', first);
      process.once('SIGINT', now);
      process.once('SIGTERM', now);
      resolve();
    };
    const now = (): void => {
      ctx.stderr.write('cutover: stopped at once; a deployment left running is finished as abandoned by the next serve, or when its group next deploys\n');
      lock.release();
      process.exit(130);
    };
    process.on('SIGINT', first);
    process.on('SIGTERM', first);
  });
}

function portOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError('--port', `must be a whole number from 0 to 65535 (got ${value})`);
  return n;
}
