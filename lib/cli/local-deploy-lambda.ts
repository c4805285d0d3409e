// `cutover local deploy --platform lambda <appspec>`: shift a simulated Lambda alias with the real Lambda flow, hook
// functions running as local modules, and wait for it.
import { LAMBDA_HOOK_EVENTS, type LambdaAppSpec, parseLambdaAppSpec } from '../../functions/core/appspec/lambda-appspec';
import { ensureLocalLambdaGroup } from '../local/local-groups';
import type { LocalLambdaFunctions } from '../local/local-lambda-functions';
import type { CliContext } from './cli-context';
import { HOOK_FLAG_HELP } from './hook-modules';
import { parseFlags } from './parse-flags';
import { ALARM_FLAG_HELP, runTrafficDeploy, TRAFFIC_DEPLOY_FLAGS, TRAFFIC_FLAGS_HELP, type TrafficPlatformCli } from './traffic-deploy';

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
${HOOK_FLAG_HELP}
${ALARM_FLAG_HELP}
  --auto-rollback          also put the alias back on CurrentVersion when the deployment fails after all traffic
                           moved (a failing AfterAllowTraffic hook); a deployment that fails midway always restores it
${TRAFFIC_FLAGS_HELP}

Exit status: 0 when the deployment succeeded, 1 when it did not, 2 for bad input.`;

export const DEFAULT_LAMBDA_APPLICATION = 'cutover-local-lambda';
export const DEFAULT_LAMBDA_GROUP = 'lambda-alias';

const LAMBDA_CLI: TrafficPlatformCli<LambdaAppSpec> = {
  platform: 'lambda',
  usage: LOCAL_DEPLOY_LAMBDA_USAGE,
  parseAppSpec: parseLambdaAppSpec,
  hookEvents: LAMBDA_HOOK_EVENTS,
  defaultApplication: DEFAULT_LAMBDA_APPLICATION,
  defaultGroup: DEFAULT_LAMBDA_GROUP,
};

export async function localDeployLambdaCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, TRAFFIC_DEPLOY_FLAGS, LOCAL_DEPLOY_LAMBDA_USAGE);
  return runTrafficDeploy(ctx, LAMBDA_CLI, values, positionals, async ({ runtime, appSpec, note, stateDirShown, ...names }) => {
    await ensureLocalLambdaGroup(runtime.store, { ...names, alarms: values.alarm }, new Date());
    const created = await ensureSimulatedFunction(runtime.lambdaFunctions, appSpec);
    if (created) note.write(`Created the simulated function ${created} (${stateDirShown}/lambda/${appSpec.functionName}.json)\n`);
  });
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
