// What `cutover local deploy --platform lambda` and `--platform ecs` share: the appspec file or folder, hook
// functions as local modules, the flags both take, and the deployment created, waited for and reported. Each
// platform adds what it simulates (a Lambda function, an ECS service) and its deployment group.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeploymentView } from '../../functions/core/types';
import { createTrafficDeployment } from '../../functions/steps/traffic/create-traffic-deployment';
import type { LocalRuntime } from '../local/local-runtime';
import { checkLocalTrafficGroup } from '../local/local-groups';
import type { CliContext } from './cli-context';
import { UsageError } from './cli-errors';
import { type HookedAppSpec, loadHookFunctions, locateHookModules, parseHookFlags } from './hook-modules';
import { runDeploymentCommand } from './local-session';
import { DEPLOY_FLAGS, positiveNumber } from './parse-flags';

/** The flags of every traffic platform; each adds its own. */
export const TRAFFIC_DEPLOY_FLAGS = {
  ...DEPLOY_FLAGS,
  hook: { type: 'string', multiple: true },
  alarm: { type: 'string', multiple: true },
} as const;

/** The values of TRAFFIC_DEPLOY_FLAGS, as parseFlags returns them. */
export interface TrafficDeployValues {
  readonly config?: string;
  readonly application?: string;
  readonly group?: string;
  readonly 'auto-rollback'?: boolean;
  readonly description?: string;
  readonly json?: boolean;
  readonly 'state-dir'?: string;
  readonly 'time-scale'?: string;
  readonly hook?: readonly string[];
  readonly alarm?: readonly string[];
}

/** How one platform reads its appspec and names its defaults. */
export interface TrafficPlatformCli<A extends HookedAppSpec> {
  /** As --platform takes it. */
  readonly platform: 'lambda' | 'ecs';
  readonly usage: string;
  readonly parseAppSpec: (content: string, source: string) => A;
  /** The appspec's hook events in the order they run. */
  readonly hookEvents: readonly string[];
  readonly defaultApplication: string;
  readonly defaultGroup: string;
}

/** What the platform's setup gets, in the session, before the deployment is created. */
export interface TrafficDeploySetup<A> {
  readonly runtime: LocalRuntime;
  readonly appSpec: A;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly deploymentConfigName?: string;
  /** Where to say what was set up: stdout, or stderr with --json (stdout then carries the record alone). */
  readonly note: NodeJS.WritableStream;
  /** The state folder as the user would type it from the current folder. */
  readonly stateDirShown: string;
}

const APPSPEC_NAMES = ['appspec.yaml', 'appspec.yml', 'appspec.json'];

/**
 * The deploy command of a traffic platform, once its flags are parsed: everything the command line names is read
 * and checked (the appspec, the hook modules) before the state folder is touched; then, in the session, `setup`
 * makes sure the simulated resource and the group exist, and the deployment runs to its end. Exit 0 only when it
 * succeeded.
 */
export async function runTrafficDeploy<A extends HookedAppSpec>(
  ctx: CliContext,
  cli: TrafficPlatformCli<A>,
  values: TrafficDeployValues,
  positionals: readonly string[],
  setup: (setup: TrafficDeploySetup<A>) => Promise<void>,
): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('appspec', `give exactly one appspec file or folder (got ${positionals.length})\n${cli.usage}`);
  const timeScale = positiveNumber('--time-scale', values['time-scale'], 1);
  const hookFlags = parseHookFlags(values.hook ?? [], ctx.cwd);
  const appSpecFile = findAppSpec(positionals[0], ctx.cwd);
  const appSpecSource = path.relative(ctx.cwd, appSpecFile);
  const appSpecContent = fs.readFileSync(appSpecFile, 'utf8');
  const appSpec = cli.parseAppSpec(appSpecContent, appSpecSource);
  const modules = locateHookModules(appSpec, cli.hookEvents, path.dirname(appSpecFile), hookFlags, ctx.cwd);
  const hooks = await loadHookFunctions(modules, (line) => ctx.stderr.write(`cutover: ${line}\n`), ctx.cwd);
  const json = values.json ?? false;
  const names = {
    applicationName: values.application ?? cli.defaultApplication,
    deploymentGroupName: values.group ?? cli.defaultGroup,
    deploymentConfigName: values.config,
  };

  const command = `cutover local deploy --platform ${cli.platform}`;
  return runDeploymentCommand(ctx, { cwd: ctx.cwd, stateDir: values['state-dir'], command, timeScale, hooks, json }, async ({ runtime, lock }) => {
    const stateDirShown = path.relative(ctx.cwd, runtime.stateDir) || '.';
    // Refused before setup writes anything (a simulated service, the application) for a deployment that cannot be.
    await checkLocalTrafficGroup(runtime.store, names, cli.platform === 'lambda' ? 'Lambda' : 'ECS');
    await setup({ runtime, appSpec, ...names, note: json ? ctx.stderr : ctx.stdout, stateDirShown });
    const deployment = await createTrafficDeployment(runtime.deps, {
      ...names,
      description: values.description,
      autoRollbackConfiguration: values['auto-rollback'] ? { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] } : undefined,
      appSpecContent,
      appSpecSource,
    });
    lock.noteDeployment(deployment.deploymentId);
    return waitForTrafficDeployment(runtime, deployment.deploymentId);
  });
}

/** The deployment once it has ended, with every hook it invoked finished (so their warnings come before the summary). */
async function waitForTrafficDeployment(runtime: LocalRuntime, deploymentId: string): Promise<DeploymentView> {
  await runtime.waitForDeployment(deploymentId);
  await runtime.lambdaFunctions.idle();
  return runtime.view(deploymentId);
}

/** The appspec file named, or the one appspec.yaml / .yml / .json of the folder named. */
function findAppSpec(given: string, cwd: string): string {
  const file = path.resolve(cwd, given);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new UsageError('appspec', `${given} does not exist`);
  }
  if (stat.isDirectory()) {
    const found = APPSPEC_NAMES.filter((name) => fs.existsSync(path.join(file, name)));
    if (found.length === 0) throw new UsageError('appspec', `${given} holds no ${APPSPEC_NAMES.join(', ')}`);
    if (found.length > 1) throw new UsageError('appspec', `${given} holds ${found.join(' and ')}: keep one, or name the file to deploy`);
    return path.join(file, found[0]);
  }
  if (!/\.(ya?ml|json)$/i.test(file)) throw new UsageError('appspec', `${given}: give an appspec file (.yaml, .yml or .json) or a folder holding one`);
  return file;
}

/** --alarm, as both platforms' usage describes it. */
export const ALARM_FLAG_HELP = `  --alarm NAME             simulated CloudWatch alarms the group watches (\`cutover local alarm set\`); one in ALARM
                           stops the deployment before its next traffic shift`;

/** The flags both platforms describe alike in their usage, after their own. */
export const TRAFFIC_FLAGS_HELP = `  --time-scale X           the waits run X times faster (600: a minute takes 0.1 s); hooks run in real time
  --json                   print only the final deployment record, with its traffic shifts`;
