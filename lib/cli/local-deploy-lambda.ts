// `cutover local deploy --platform lambda <appspec>`: shift a simulated Lambda alias with the real Lambda flow, hook
// functions running as local modules, and wait for it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type LambdaAppSpec, parseLambdaAppSpec } from '../../functions/core/appspec/lambda-appspec';
import type { DeploymentView } from '../../functions/core/types';
import { createTrafficDeployment } from '../../functions/steps/traffic/create-traffic-deployment';
import { ensureLocalLambdaGroup } from '../local/local-groups';
import type { LocalLambdaFunctions } from '../local/local-lambda-functions';
import type { LocalRuntime } from '../local/local-runtime';
import type { CliContext } from './cli-context';
import { UsageError } from './cli-errors';
import { HOOKS_FOLDER, loadHookFunctions, locateHookModules, parseHookFlags } from './lambda-hooks';
import { runDeploymentCommand } from './local-session';
import { DEPLOY_FLAGS, parseFlags, positiveNumber } from './parse-flags';

export const LOCAL_DEPLOY_LAMBDA_USAGE = `usage: cutover local deploy --platform lambda <appspec.yaml | appspec.yml | appspec.json | folder holding one>
       [--config NAME] [--application NAME] [--group NAME] [--hook NAME=PATH ...] [--alarm NAME ...] [--auto-rollback]
       [--description TEXT] [--time-scale X] [--json] [--state-dir DIR]

Moves the appspec's alias from CurrentVersion to TargetVersion on a simulated Lambda function, a file in
<state-dir>/lambda/<function>.json. A function with no file yet is made with both versions and the alias on
CurrentVersion; \`cutover local lambda publish|create-alias\` set one up by hand, \`cutover local lambda get-alias\`
shows where the alias is.

  --config NAME            a Lambda deployment config, e.g. CodeDeployDefault.LambdaLinear10PercentEvery1Minute
                           (default: the group's, else CodeDeployDefault.LambdaAllAtOnce)
  --application, --group   default cutover-local-lambda / lambda-alias; created on first use
  --hook NAME=PATH         the JavaScript module (.js, .cjs, .mjs; PATH from the current folder) that runs the hook
                           function NAME of the appspec's Hooks. Without --hook, each is looked up beside the appspec
                           as ${HOOKS_FOLDER}/NAME.js (or .cjs, .mjs). The module's default export or its handler export
                           is the function, in one of two forms:
                             async (event, codedeploy) => { … }  reports its own status, as a CodeDeploy hook does:
                               await codedeploy.putLifecycleEventHookExecutionStatus({ deploymentId: event.DeploymentId,
                                 lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId, status: 'Succeeded' })
                             async (event) => { … }              one parameter: Cutover reports for it, Succeeded when
                                                                 it returns, Failed when it throws
  --alarm NAME             simulated CloudWatch alarms the group watches (\`cutover local alarm set\`); one in ALARM
                           stops the deployment before its next traffic shift
  --auto-rollback          also put the alias back on CurrentVersion when the deployment fails after all traffic
                           moved (a failing AfterAllowTraffic hook); a deployment that fails midway always restores it
  --time-scale X           the waits between shifts run X times faster (600: a minute takes 0.1 s)
  --json                   print only the final deployment record, with its traffic shifts

Exit status: 0 when the deployment succeeded, 1 when it did not, 2 for bad input.`;

export const DEFAULT_LAMBDA_APPLICATION = 'cutover-local-lambda';
export const DEFAULT_LAMBDA_GROUP = 'lambda-alias';
const APPSPEC_NAMES = ['appspec.yaml', 'appspec.yml', 'appspec.json'];

export async function localDeployLambdaCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    { ...DEPLOY_FLAGS, hook: { type: 'string', multiple: true }, alarm: { type: 'string', multiple: true } },
    LOCAL_DEPLOY_LAMBDA_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError('appspec', `give exactly one appspec file or folder (got ${positionals.length})\n${LOCAL_DEPLOY_LAMBDA_USAGE}`);
  const timeScale = positiveNumber('--time-scale', values['time-scale'], 1);
  const hookFlags = parseHookFlags(values.hook ?? [], ctx.cwd);
  const appSpecFile = findAppSpec(positionals[0], ctx.cwd);
  const appSpecSource = path.relative(ctx.cwd, appSpecFile);
  const appSpecContent = fs.readFileSync(appSpecFile, 'utf8');
  const appSpec = parseLambdaAppSpec(appSpecContent, appSpecSource);
  const modules = locateHookModules(appSpec, path.dirname(appSpecFile), hookFlags, ctx.cwd);
  const hooks = await loadHookFunctions(modules, (line) => ctx.stderr.write(`cutover: ${line}\n`), ctx.cwd);
  const json = values.json ?? false;
  // stdout carries the record alone with --json.
  const note = json ? ctx.stderr : ctx.stdout;
  const names = {
    applicationName: values.application ?? DEFAULT_LAMBDA_APPLICATION,
    deploymentGroupName: values.group ?? DEFAULT_LAMBDA_GROUP,
    deploymentConfigName: values.config,
  };

  const command = 'cutover local deploy --platform lambda';
  return runDeploymentCommand(ctx, { cwd: ctx.cwd, stateDir: values['state-dir'], command, timeScale, hooks, json }, async ({ runtime, lock }) => {
    await ensureLocalLambdaGroup(runtime.store, { ...names, alarms: values.alarm }, new Date());
    const created = await ensureSimulatedFunction(runtime.lambdaFunctions, appSpec);
    if (created) note.write(`Created the simulated function ${created} (${path.relative(ctx.cwd, runtime.stateDir) || '.'}/lambda/${appSpec.functionName}.json)\n`);
    const deployment = await createTrafficDeployment(runtime.deps, {
      ...names,
      description: values.description,
      autoRollbackConfiguration: values['auto-rollback'] ? { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] } : undefined,
      appSpecContent,
      appSpecSource,
    });
    lock.noteDeployment(deployment.deploymentId);
    return waitForLambdaDeployment(runtime, deployment.deploymentId);
  });
}

/** The deployment once it has ended, with every hook it invoked finished (so their warnings come before the summary). */
async function waitForLambdaDeployment(runtime: LocalRuntime, deploymentId: string): Promise<DeploymentView> {
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

/**
 * A function the simulation has no file for is made as the appspec expects it (both versions, the alias wholly on
 * CurrentVersion), so a first deployment needs nothing else; what is there is left as it is. Says what it made.
 */
async function ensureSimulatedFunction(functions: LocalLambdaFunctions, appSpec: LambdaAppSpec): Promise<string | undefined> {
  const { functionName, alias, currentVersion, targetVersion } = appSpec;
  if (await functions.describeFunction(functionName)) return undefined;
  await functions.publishVersions(functionName, [currentVersion, targetVersion]);
  await functions.createAlias(functionName, alias, currentVersion);
  return `${functionName} with versions ${currentVersion} and ${targetVersion} and alias ${alias} on version ${currentVersion}`;
}
