// `cutover local lambda get-alias|publish|create-alias`: the simulated Lambda functions that Lambda deployments shift,
// one file each in <state-dir>/lambda/<function>.json.
import { LocalLambdaFunctions, type LocalAlias } from '../local/local-lambda-functions';
import type { CliContext } from './cli-context';
import { EXIT_OK, HelpRequested, UsageError } from './cli-errors';
import { describeWeights } from './deployment-summary';
import { stateDirOf, withStateLock } from './local-session';
import { parseFlags } from './parse-flags';

export const LOCAL_LAMBDA_USAGE = `usage: cutover local lambda get-alias <function> <alias> [--json] [--state-dir DIR]
       cutover local lambda publish <function> <version ...> [--state-dir DIR]
       cutover local lambda create-alias <function> <alias> <version> [--state-dir DIR]

Simulated Lambda functions for \`cutover local deploy --platform lambda\`: <state-dir>/lambda/<function>.json lists a
function's published versions and its aliases, weights in percent. get-alias shows where an alias sends traffic; it
reads the file without taking the state folder, so it also works while a deployment runs. publish adds versions
(making the function if needed); create-alias points a new alias wholly at a published version.`;

type Subcommand = (args: readonly string[], ctx: CliContext) => Promise<number>;

const SUBCOMMANDS: Record<string, Subcommand> = { 'get-alias': getAlias, publish, 'create-alias': createAlias };

export async function localLambdaCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = args;
  if (name === '--help' || name === '-h') throw new HelpRequested(LOCAL_LAMBDA_USAGE);
  const subcommand = name !== undefined && Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (subcommand === undefined) {
    throw new UsageError('command', `expected one of ${Object.keys(SUBCOMMANDS).join(', ')} (got ${name ?? 'none'})\n${LOCAL_LAMBDA_USAGE}`);
  }
  return subcommand(rest, ctx);
}

async function getAlias(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, { json: { type: 'boolean' }, 'state-dir': { type: 'string' } }, LOCAL_LAMBDA_USAGE);
  const [functionName, alias] = expectPositionals(positionals, ['function', 'alias'], 'get-alias');
  const found = await functionsIn(ctx, values['state-dir']).getAlias(functionName, alias);
  printAlias(ctx, functionName, alias, found, values.json ?? false);
  return EXIT_OK;
}

async function publish(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, { 'state-dir': { type: 'string' } }, LOCAL_LAMBDA_USAGE);
  if (positionals.length < 2) {
    throw new UsageError('arguments', `publish takes <function> <version ...> (got ${shownArgs(positionals)})\n${LOCAL_LAMBDA_USAGE}`);
  }
  const [functionName, ...versions] = positionals;
  const described = await locked(ctx, values['state-dir'], 'publish', async (functions) => {
    await functions.publishVersions(functionName, versions);
    return functions.describeFunction(functionName);
  });
  ctx.stdout.write(`${functionName}: versions ${described?.versions.join(', ')}\n`);
  return EXIT_OK;
}

async function createAlias(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, { 'state-dir': { type: 'string' } }, LOCAL_LAMBDA_USAGE);
  const [functionName, alias, version] = expectPositionals(positionals, ['function', 'alias', 'version'], 'create-alias');
  const created = await locked(ctx, values['state-dir'], 'create-alias', async (functions) => {
    await functions.createAlias(functionName, alias, version);
    return functions.getAlias(functionName, alias);
  });
  printAlias(ctx, functionName, alias, created, false);
  return EXIT_OK;
}

function functionsIn(ctx: CliContext, stateDir: string | undefined): LocalLambdaFunctions {
  return new LocalLambdaFunctions({ stateDir: stateDirOf(ctx.cwd, stateDir) });
}

/** Changes take the state folder, so that they never interleave with a deployment's shifts of the same file. */
function locked<T>(ctx: CliContext, stateDir: string | undefined, name: string, work: (functions: LocalLambdaFunctions) => Promise<T>): Promise<T> {
  return withStateLock(stateDirOf(ctx.cwd, stateDir), `cutover local lambda ${name}`, () => work(functionsIn(ctx, stateDir)));
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

function expectPositionals(positionals: readonly string[], names: readonly string[], command: string): string[] {
  if (positionals.length !== names.length) {
    const wanted = names.map((n) => `<${n}>`).join(' ');
    throw new UsageError('arguments', `${command} takes ${wanted} (got ${shownArgs(positionals)})\n${LOCAL_LAMBDA_USAGE}`);
  }
  return [...positionals];
}

function shownArgs(positionals: readonly string[]): string {
  return positionals.length === 0 ? 'none' : positionals.join(' ');
}
