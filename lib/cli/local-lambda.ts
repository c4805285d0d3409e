// `cutover local lambda get-alias|publish|create-alias`: the simulated Lambda functions that Lambda deployments shift,
// one file each in <state-dir>/lambda/<function>.json.
import { LocalLambdaFunctions, type LocalAlias } from '../local/local-lambda-functions';
import type { CliContext } from './cli-context';
import { EXIT_OK, UsageError } from './cli-errors';
import { describeWeights } from './deployment-summary';
import { simulationAccess } from './local-session';
import { expectPositionals, parseFlags, runSubcommand, shownArgs, type Subcommand } from './parse-flags';

export const LOCAL_LAMBDA_USAGE = `usage: cutover local lambda get-alias <function> <alias> [--json] [--state-dir DIR]
       cutover local lambda publish <function> <version ...> [--state-dir DIR]
       cutover local lambda create-alias <function> <alias> <version> [--state-dir DIR]

Simulated Lambda functions for \`cutover local deploy --platform lambda\`: <state-dir>/lambda/<function>.json lists a
function's published versions and its aliases, weights in percent. get-alias shows where an alias sends traffic; it
reads the file without taking the state folder, so it also works while a deployment runs. publish adds versions
(making the function if needed); create-alias points a new alias wholly at a published version.`;

const FUNCTIONS = simulationAccess('cutover local lambda', (stateDir) => new LocalLambdaFunctions({ stateDir }));

const SUBCOMMANDS: Record<string, Subcommand> = { 'get-alias': getAlias, publish, 'create-alias': createAlias };

export async function localLambdaCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  return runSubcommand(args, ctx, SUBCOMMANDS, LOCAL_LAMBDA_USAGE);
}

async function getAlias(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, { json: { type: 'boolean' }, 'state-dir': { type: 'string' } }, LOCAL_LAMBDA_USAGE);
  const [functionName, alias] = expectPositionals(positionals, ['function', 'alias'], 'get-alias', LOCAL_LAMBDA_USAGE);
  const found = await FUNCTIONS.read(ctx, values['state-dir']).getAlias(functionName, alias);
  printAlias(ctx, functionName, alias, found, values.json ?? false);
  return EXIT_OK;
}

async function publish(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, { 'state-dir': { type: 'string' } }, LOCAL_LAMBDA_USAGE);
  if (positionals.length < 2) {
    throw new UsageError('arguments', `publish takes <function> <version ...> (got ${shownArgs(positionals)})\n${LOCAL_LAMBDA_USAGE}`);
  }
  const [functionName, ...versions] = positionals;
  const described = await FUNCTIONS.change(ctx, values['state-dir'], 'publish', async (functions) => {
    await functions.publishVersions(functionName, versions);
    return functions.describeFunction(functionName);
  });
  ctx.stdout.write(`${functionName}: versions ${described?.versions.join(', ')}\n`);
  return EXIT_OK;
}

async function createAlias(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, { 'state-dir': { type: 'string' } }, LOCAL_LAMBDA_USAGE);
  const [functionName, alias, version] = expectPositionals(positionals, ['function', 'alias', 'version'], 'create-alias', LOCAL_LAMBDA_USAGE);
  const created = await FUNCTIONS.change(ctx, values['state-dir'], 'create-alias', async (functions) => {
    await functions.createAlias(functionName, alias, version);
    return functions.getAlias(functionName, alias);
  });
  printAlias(ctx, functionName, alias, created, false);
  return EXIT_OK;
}

function printAlias(ctx: CliContext, functionName: string, alias: string, found: LocalAlias, json: boolean): void {
  if (json) {
    ctx.stdout.write(`${JSON.stringify({ functionName, alias, ...found }, null, 2)}\n`);
    return;
  }
  const extra = Object.values(found.additionalVersionWeights).reduce((sum, weight) => sum + weight, 0);
  const traffic = describeWeights({ [found.functionVersion]: 100 - extra, ...found.additionalVersionWeights });
  ctx.stdout.write(`${functionName}:${alias}  functionVersion ${found.functionVersion}  traffic: ${traffic}\n`);
}
