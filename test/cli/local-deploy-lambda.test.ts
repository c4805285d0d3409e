// `cutover local deploy --platform lambda` and `cutover local lambda …`, end to end through the real executable, with
// hook functions as local modules and the simulated function's file on disk.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeploymentView, LambdaDeployment } from '../../functions/core/types';
import { tempDir } from '../support/bundles';
import { runCli } from './run-cli';

const DEMO_APPSPEC = path.resolve(__dirname, '..', '..', 'examples', 'lambda-demo', 'appspec.yaml');

type LambdaView = LambdaDeployment & Pick<DeploymentView, 'targets'>;

/** A folder with an appspec for function `fn`, alias `live`, and the given hook functions and module files. */
function lambdaProject(
  prefix: string,
  options: { current?: number; target?: number; hooks?: Record<string, string>; files?: Record<string, string> } = {},
): string {
  const dir = tempDir(prefix);
  const hooks = Object.entries(options.hooks ?? {}).map(([event, fn]) => `  - ${event}: ${fn}\n`).join('');
  fs.writeFileSync(
    path.join(dir, 'appspec.yaml'),
    'version: 0.0\nResources:\n  - fn:\n      Type: AWS::Lambda::Function\n      Properties:\n' +
      `        Name: fn\n        Alias: live\n        CurrentVersion: ${options.current ?? 1}\n        TargetVersion: ${options.target ?? 2}\n` +
      (hooks ? `Hooks:\n${hooks}` : ''),
  );
  for (const [file, text] of Object.entries(options.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** A hook module of the (event, codedeploy) form that reports `status`. */
function reportingHook(status: 'Succeeded' | 'Failed'): string {
  return (
    'module.exports = async (event, codedeploy) => {\n' +
    '  await codedeploy.putLifecycleEventHookExecutionStatus({ deploymentId: event.DeploymentId,\n' +
    `    lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId, status: '${status}' });\n};\n`
  );
}

async function aliasOf(dir: string, functionName = 'fn', alias = 'live'): Promise<unknown> {
  const run = await runCli(['local', 'lambda', 'get-alias', functionName, alias, '--json'], dir);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

function eventStatuses(view: LambdaView): Record<string, string> {
  return Object.fromEntries(view.targets[0].lifecycleEvents.map((e) => [e.lifecycleEventName, e.status]));
}

describe('cutover local deploy --platform lambda', () => {
  it('runs the demo with LambdaLinear10PercentEvery1Minute at --time-scale 600: 10 shifts, the alias ends on the target version', async () => {
    const dir = tempDir('cli-lambda-demo');
    const args = ['local', 'deploy', '--platform', 'lambda', DEMO_APPSPEC, '--config', 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute'];
    const run = await runCli([...args, '--time-scale', '600', '--json'], dir);

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('Created the simulated function demo-fn with versions 1 and 2 and alias live on version 1 (.cutover/lambda/demo-fn.json)\n');
    const view = JSON.parse(run.stdout) as LambdaView;
    expect(view).toMatchObject({ status: 'Succeeded', computePlatform: 'Lambda', deploymentConfigName: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute' });
    const expected = Array.from({ length: 10 }, (_, i) => (i < 9 ? { '1': 90 - 10 * i, '2': 10 * (i + 1) } : { '2': 100 }));
    expect(view.trafficShifts.map((s) => s.weights)).toEqual(expected);
    // Both example hooks ran and reported through the codedeploy client.
    expect(eventStatuses(view)).toEqual({ BeforeAllowTraffic: 'Succeeded', AllowTraffic: 'Succeeded', AfterAllowTraffic: 'Succeeded' });
    expect(await aliasOf(dir, 'demo-fn')).toEqual({ functionName: 'demo-fn', alias: 'live', functionVersion: '2', additionalVersionWeights: {} });
  });

  it('stops when a BeforeAllowTraffic hook module reports Failed: exit 1, no shift, the alias unchanged', async () => {
    const dir = lambdaProject('cli-lambda-hook-fails', {
      hooks: { BeforeAllowTraffic: 'arn:aws:lambda:us-east-1:123456789012:function:pre:live' },
      files: { 'checks/pre.js': reportingHook('Failed') },
    });
    const run = await runCli(['local', 'deploy', '--platform', 'lambda', '.', '--hook', 'pre=./checks/pre.js', '--json'], dir);

    expect(run.code).toBe(1);
    const view = JSON.parse(run.stdout) as LambdaView;
    expect(view.status).toBe('Failed');
    expect(view.errorInformation?.message).toMatch(/BeforeAllowTraffic hook function arn:aws:lambda:.*:function:pre:live reported Failed/);
    expect(eventStatuses(view).BeforeAllowTraffic).toBe('Failed');
    expect(view.trafficShifts).toEqual([]);
    expect(await aliasOf(dir)).toEqual({ functionName: 'fn', alias: 'live', functionVersion: '1', additionalVersionWeights: {} });
  });

  it('reports for a one-argument handler: Succeeded when it returns (summary without hosts), Failed when it throws', async () => {
    const dir = lambdaProject('cli-lambda-handler', {
      hooks: { BeforeAllowTraffic: 'check', AfterAllowTraffic: 'verify' },
      files: {
        // ESM with a `handler` export, and CommonJS with a default export.
        'hooks/check.mjs': 'export async function handler(event) {\n  if (!event.DeploymentId) throw new Error("no deployment id");\n}\n',
        'hooks/verify.js': 'module.exports = async (event) => {\n  if (!event.LifecycleEventHookExecutionId) throw new Error("no execution id");\n};\n',
      },
    });
    const ok = await runCli(['local', 'deploy', '--platform', 'lambda', 'appspec.yaml', '--config', 'CodeDeployDefault.LambdaAllAtOnce'], dir);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const summary = ok.stdout.slice(ok.stdout.lastIndexOf('\nDeployment '));
    expect(summary).toMatch(/Succeeded: alias fn:live from version 1 to 2/);
    expect(summary).toContain('BeforeAllowTraffic (hook check): Succeeded');
    expect(summary).toContain('AfterAllowTraffic (hook verify): Succeeded');
    expect(summary).toMatch(/1 traffic shift\(s\):\n\s+1\. \S+ {2}version 2: 100%\n {2}alias fn:live left at version 2: 100%\n$/);
    expect(ok.stdout).not.toMatch(/host/i);

    // From 2 to 3 with a handler that throws this time: it fails after all traffic moved, and --auto-rollback restores 2.
    expect((await runCli(['local', 'lambda', 'publish', 'fn', '3'], dir)).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'appspec.yaml'), fs.readFileSync(path.join(dir, 'appspec.yaml'), 'utf8').replace('CurrentVersion: 1', 'CurrentVersion: 2').replace('TargetVersion: 2', 'TargetVersion: 3'));
    fs.writeFileSync(path.join(dir, 'hooks', 'verify.js'), 'module.exports = async function (event) {\n  throw new Error("version 3 answers 500");\n};\n');
    const failed = await runCli(['local', 'deploy', '--platform', 'lambda', '.', '--auto-rollback', '--json'], dir);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("hook function 'verify' (hooks/verify.js) threw: Error: version 3 answers 500; reporting Failed for it");
    const view = JSON.parse(failed.stdout) as LambdaView;
    expect(eventStatuses(view)).toEqual({ BeforeAllowTraffic: 'Succeeded', AllowTraffic: 'Succeeded', AfterAllowTraffic: 'Failed' });
    expect(view.trafficShifts.map((s) => s.weights)).toEqual([{ '3': 100 }, { '2': 100 }]);
    expect(await aliasOf(dir)).toMatchObject({ functionVersion: '2', additionalVersionWeights: {} });
  });

  it('refuses a hook the appspec names but no module provides, before anything starts, naming the hook and where it looked', async () => {
    const dir = lambdaProject('cli-lambda-no-hook', {
      hooks: { BeforeAllowTraffic: 'pre', AfterAllowTraffic: 'post' },
      files: { 'hooks/pre.js': reportingHook('Succeeded') },
    });
    const looked = await runCli(['local', 'deploy', '--platform', 'lambda', 'appspec.yaml'], dir);
    expect(looked.code).toBe(2);
    expect(looked.stderr).toBe(
      "cutover: appspec Hooks.AfterAllowTraffic: hook function 'post' has no module: looked for hooks/post.js, hooks/post.cjs, hooks/post.mjs; write one there or give --hook post=PATH\n",
    );

    // With --hook flags only the modules they name count, even where hooks/<NAME>.js exists.
    fs.writeFileSync(path.join(dir, 'hooks', 'post.js'), reportingHook('Succeeded'));
    const flagged = await runCli(['local', 'deploy', '--platform', 'lambda', 'appspec.yaml', '--hook', 'post=hooks/post.js'], dir);
    expect(flagged.code).toBe(2);
    expect(flagged.stderr).toContain("appspec Hooks.BeforeAllowTraffic: hook function 'pre' has no module: give --hook pre=PATH");
    expect(fs.existsSync(path.join(dir, '.cutover'))).toBe(false);
  });

  it('uses a function set up by hand as it is, and stops before the first shift when a watched alarm is in ALARM', async () => {
    const dir = lambdaProject('cli-lambda-by-hand', { current: 2, target: 3 });
    expect((await runCli(['local', 'lambda', 'publish', 'fn', '3', '1', '2'], dir)).stdout).toBe('fn: versions 1, 2, 3\n');
    expect((await runCli(['local', 'lambda', 'create-alias', 'fn', 'live', '2'], dir)).stdout).toBe('fn:live  functionVersion 2  traffic: version 2: 100%\n');
    expect((await runCli(['local', 'alarm', 'set', 'fn-errors', 'ALARM'], dir)).code).toBe(0);

    const stopped = await runCli(['local', 'deploy', '--platform', 'lambda', '.', '--alarm', 'fn-errors', '--json'], dir);
    expect(stopped.stderr).toBe('');
    expect(stopped.code).toBe(1);
    const view = JSON.parse(stopped.stdout) as LambdaView;
    expect(view.errorInformation).toMatchObject({ code: 'ALARM_ACTIVE' });
    expect(view.errorInformation?.message).toContain('fn-errors');
    expect(view.trafficShifts).toEqual([]);

    expect((await runCli(['local', 'alarm', 'set', 'fn-errors', 'OK'], dir)).stdout).toBe('Alarm fn-errors is OK\n');
    const run = await runCli(['local', 'deploy', '--platform', 'lambda', '.', '--json'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await aliasOf(dir)).toMatchObject({ functionVersion: '3', additionalVersionWeights: {} });
  });
});

describe('cutover local lambda', () => {
  it.each([
    [['get-alias', 'fn', 'live'], 2, "Lambda alias 'fn:live' does not exist"],
    [['create-alias', 'fn', 'live', '1'], 2, "Lambda function 'fn' does not exist"],
    [['publish', 'fn', 'one'], 2, "versions: 'one' is not a version number"],
    [['publish', 'fn!', '1'], 2, "functionName: 'fn!' is not a Lambda function name"],
    [['get-alias', 'fn'], 2, 'arguments: get-alias takes <function> <alias> (got fn)'],
    [['publish', 'fn'], 2, 'arguments: publish takes <function> <version ...> (got fn)'],
    [['rename', 'fn'], 2, 'command: expected one of get-alias, publish, create-alias (got rename)'],
  ])('%j on an empty state folder exits %d: %s', async (args, code, message) => {
    const run = await runCli(['local', 'lambda', ...args], tempDir('cli-lambda-errors'));
    expect(run.code).toBe(code);
    expect(run.stderr).toContain(`cutover: ${message}`);
  });

  it('names the version, alias and conflict it refuses once the function exists', async () => {
    const dir = tempDir('cli-lambda-refusals');
    expect((await runCli(['local', 'lambda', 'publish', 'fn', '1'], dir)).code).toBe(0);
    const missingVersion = await runCli(['local', 'lambda', 'create-alias', 'fn', 'live', '9'], dir);
    expect(missingVersion.code).toBe(2);
    expect(missingVersion.stderr).toBe("cutover: Lambda function version 'fn:9' does not exist\n");
    const digits = await runCli(['local', 'lambda', 'create-alias', 'fn', '42', '1'], dir);
    expect(digits.code).toBe(2);
    expect(digits.stderr).toContain("alias: '42' is not a Lambda alias name");

    expect((await runCli(['local', 'lambda', 'create-alias', 'fn', 'live', '1'], dir)).code).toBe(0);
    const again = await runCli(['local', 'lambda', 'create-alias', 'fn', 'live', '1'], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe("cutover: Lambda alias 'fn:live' already exists\n");
    expect(await aliasOf(dir)).toEqual({ functionName: 'fn', alias: 'live', functionVersion: '1', additionalVersionWeights: {} });
  });
});
