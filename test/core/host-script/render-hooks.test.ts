import { chmodSync } from 'node:fs';
import { userInfo } from 'node:os';
import {
  EXIT_CODES,
  hostPaths,
  LOG_TAIL_BYTES,
  parseHostReport,
  renderLifecycleScript,
  type ScriptContext,
} from '../../../functions/core/host-script';
import type { HookScript, ScriptableEvent } from '../../../functions/core/types';
import { isRunning } from '../../support/processes';
import { archiveOf, modeOf, scriptContext, TARGET_ID, TmpHost, waitUntilGone } from './host-fixture';

const context = scriptContext({ revisionEnv: { BUNDLE_BUCKET: 'my-bucket', BUNDLE_KEY: 'app/rev 1.tar' } });

function hooks(scripts: readonly HookScript[], event: ScriptableEvent = 'AfterInstall', ctx: ScriptContext = context): string {
  return renderLifecycleScript({ kind: 'hooks', event, context: ctx, scripts, archiveDir: archiveOf(ctx) });
}

/** A hook that appends one line describing its environment to $CUTOVER_HOST_ROOT/trace. */
const TRACE =
  'printf "%s %s %s %s %s %s %s %s\\n" "$0" "$LIFECYCLE_EVENT" "$DEPLOYMENT_ID" "$APPLICATION_NAME" ' +
  '"$DEPLOYMENT_GROUP_NAME" "$DEPLOYMENT_GROUP_ID" "$CUTOVER_TARGET_ID" "$BUNDLE_KEY" >>"$CUTOVER_HOST_ROOT/trace"';

describe('hook scripts', () => {
  let host: TmpHost;
  beforeEach(() => {
    host = new TmpHost();
  });
  afterEach(() => host.cleanup());

  it('runs the scripts in order with the hook environment and reports success', async () => {
    host.bundleFile(context, 'scripts/first.sh', `#!/bin/sh\n${TRACE}\necho first out`, 0o755);
    host.bundleFile(context, 'scripts/second.sh', `#!/bin/sh\n${TRACE}\necho second err >&2`, 0o755);
    const result = await host.run(
      hooks([
        { location: 'scripts/first.sh', timeout: 30 },
        { location: 'scripts/second.sh', timeout: 30 },
      ]),
    );
    const archive = host.path(archiveOf(context));
    const env = `AfterInstall d-AAAAAAAAA shop web ${context.deploymentGroupId} ${TARGET_ID} app/rev 1.tar`;
    expect(host.read('trace')).toBe(`${archive}/scripts/first.sh ${env}\n${archive}/scripts/second.sh ${env}\n`);
    expect(result.exitCode).toBe(0);
    const report = parseHostReport(result.exitCode, result.output);
    expect(report.status).toBe('Succeeded');
    expect(report.diagnostics.logTail).toMatch(/Script - scripts\/first.sh\nfirst out\n.*Script - scripts\/second.sh\nsecond err\n$/s);
    const log = host.read(hostPaths(context.deploymentGroupId, context.deploymentId).logFile);
    expect(log).toMatch(/LifecycleEvent - AfterInstall\n.*first out\n.*second err\n$/s);
  });

  it('reports ScriptMissing with the location as written', async () => {
    const result = await host.run(hooks([{ location: "odd dir/it's missing.sh", timeout: 5 }]));
    expect(result.exitCode).toBe(EXIT_CODES.ScriptMissing);
    expect(parseHostReport(result.exitCode, result.output).diagnostics).toMatchObject({
      errorCode: 'ScriptMissing',
      scriptName: "odd dir/it's missing.sh",
      message: "Script at specified location: odd dir/it's missing.sh is missing",
    });
  });

  it('makes a script executable when it is not', async () => {
    const file = host.bundleFile(context, 'run.sh', '#!/bin/sh\necho ran', 0o644);
    const result = await host.run(hooks([{ location: 'run.sh', timeout: 5 }]));
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain('ran\n');
    expect(modeOf(file)).toBe('755');
  });

  it('reports ScriptNotExecutable when chmod cannot help', async () => {
    host.bundleFile(context, 'run.sh', '#!/bin/sh\necho ran', 0o644);
    const fakeBin = host.fakeTools({ chmod: 'exit 1' });
    const result = await host.run(hooks([{ location: 'run.sh', timeout: 5 }]), { path: `${fakeBin}:${process.env.PATH}` });
    expect(result.exitCode).toBe(EXIT_CODES.ScriptNotExecutable);
    expect(result.output).not.toContain('ran\n');
    expect(parseHostReport(result.exitCode, result.output).diagnostics.errorCode).toBe('ScriptNotExecutable');
  });

  it('stops at a failing script: ScriptFailed with its exit code and stderr in the tail', async () => {
    host.bundleFile(context, 'scripts/validate.sh', '#!/bin/sh\necho "service is down" >&2\nexit 3', 0o755);
    host.bundleFile(context, 'scripts/after.sh', `#!/bin/sh\n${TRACE}`, 0o755);
    const result = await host.run(
      hooks(
        [
          { location: 'scripts/validate.sh', timeout: 5 },
          { location: 'scripts/after.sh', timeout: 5 },
        ],
        'ValidateService',
      ),
    );
    expect(result.exitCode).toBe(EXIT_CODES.ScriptFailed);
    const { diagnostics } = parseHostReport(result.exitCode, result.output);
    expect(diagnostics).toMatchObject({
      errorCode: 'ScriptFailed',
      scriptName: 'scripts/validate.sh',
      message: 'Script at specified location: scripts/validate.sh failed with exit code 3',
    });
    expect(diagnostics.logTail).toContain('service is down\n');
    expect(host.exists('trace')).toBe(false);
  });

  it('echoes only the last LOG_TAIL_BYTES of a chatty script, keeping all of it in the log', async () => {
    host.bundleFile(context, 'chatty.sh', '#!/bin/sh\nhead -c 30000 /dev/zero | tr "\\0" x\necho END\nexit 2', 0o755);
    const result = await host.run(hooks([{ location: 'chatty.sh', timeout: 5 }]));
    expect(Buffer.byteLength(result.output)).toBeLessThan(LOG_TAIL_BYTES + 1000);
    expect(result.output).toContain('[cutover] output trimmed to its last 4096 bytes');
    const { diagnostics } = parseHostReport(result.exitCode, result.output);
    expect(diagnostics.errorCode).toBe('ScriptFailed');
    expect(diagnostics.logTail.endsWith('xxxEND\n')).toBe(true);
    const log = host.read(hostPaths(context.deploymentGroupId, context.deploymentId).logFile);
    expect(log).toContain(`${'x'.repeat(30000)}END\n`);
  });

  it('kills a hanging script and its background children: ScriptTimedOut', async () => {
    host.bundleFile(context, 'hang.sh', '#!/bin/sh\nsleep 1000 &\necho $! >"$CUTOVER_HOST_ROOT/child.pid"\nsleep 1000', 0o755);
    const result = await host.run(hooks([{ location: 'hang.sh', timeout: 1 }]));
    expect(result.exitCode).toBe(EXIT_CODES.ScriptTimedOut);
    expect(result.millis).toBeLessThan(5000);
    expect(parseHostReport(result.exitCode, result.output).diagnostics).toMatchObject({
      errorCode: 'ScriptTimedOut',
      message: 'Script at specified location: hang.sh failed to complete in 1 seconds',
    });
    const pid = Number(host.read('child.pid').trim());
    expect(pid).toBeGreaterThan(0);
    expect(await waitUntilGone(pid)).toBe(true);
  });

  it('does not wait for a daemon a hook leaves running with its output open', async () => {
    host.bundleFile(context, 'start.sh', '#!/bin/sh\nsleep 1000 &\necho $! >"$CUTOVER_HOST_ROOT/daemon.pid"\necho started', 0o755);
    const result = await host.run(hooks([{ location: 'start.sh', timeout: 30 }], 'ApplicationStart'));
    const pid = Number(host.read('daemon.pid').trim());
    try {
      expect(result.exitCode).toBe(0);
      expect(result.millis).toBeLessThan(5000);
      expect(isRunning(pid)).toBe(true);
    } finally {
      process.kill(pid, 'SIGKILL');
    }
  });

  it('runs a runas script directly when the user is the current one', async () => {
    host.bundleFile(context, 'who.sh', '#!/bin/sh\nid -un >"$CUTOVER_HOST_ROOT/who"', 0o755);
    const me = userInfo().username;
    const result = await host.run(hooks([{ location: 'who.sh', timeout: 5, runas: me }]));
    expect(result.exitCode).toBe(0);
    expect(host.read('who')).toBe(`${me}\n`);
  });

  (process.getuid?.() === 0 ? it : it.skip)('runs a runas script as another user through su, and names the user on failure', async () => {
    chmodSync(host.dir, 0o755);
    chmodSync(host.root, 0o777);
    host.bundleFile(context, 'who.sh', '#!/bin/sh\nid -un >"$CUTOVER_HOST_ROOT/who"\nexit 4', 0o755);
    const result = await host.run(hooks([{ location: 'who.sh', timeout: 5, runas: 'nobody' }]));
    expect(host.read('who')).toBe('nobody\n');
    expect(parseHostReport(result.exitCode, result.output).diagnostics.message).toBe(
      'Script at specified location: who.sh run as user nobody failed with exit code 4',
    );
  });

  it('runs the scripts of the archive it is given, e.g. the last successful install for ApplicationStop', async () => {
    const previous = scriptContext({ deploymentId: 'd-PREVIOUS1' });
    host.bundleFile(previous, 'stop.sh', '#!/bin/sh\necho "stopping $DEPLOYMENT_ID" >"$CUTOVER_HOST_ROOT/stop"', 0o755);
    const script = renderLifecycleScript({
      kind: 'hooks',
      event: 'ApplicationStop',
      context,
      scripts: [{ location: 'stop.sh', timeout: 5 }],
      archiveDir: archiveOf(previous),
    });
    const result = await host.run(script);
    expect(result.exitCode).toBe(0);
    expect(host.read('stop')).toBe('stopping d-AAAAAAAAA\n');
  });

  it('succeeds at once when the event has no scripts', async () => {
    const script = hooks([]);
    const result = await host.run(script);
    expect(result.exitCode).toBe(0);
    expect(parseHostReport(result.exitCode, result.output).status).toBe('Succeeded');
    expect(script).not.toContain('cutover_hook');
  });
});
