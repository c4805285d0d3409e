// The `cutover` command line: `cutover local …` runs on the embedded runtime; `cutover validate` checks a bundle.
import { type CliContext, processContext } from './cli-context';
import { EXIT_BAD_INPUT, EXIT_OK, reportError } from './cli-errors';
import { demoCommand } from './demo';
import { localCreateConfigCommand } from './local-create-config';
import { localDeployCommand } from './local-deploy';
import { localGetCommand, localListCommand } from './local-get';
import { validateCommand } from './validate';

type Command = (args: readonly string[], ctx: CliContext) => Promise<number>;

const LOCAL_COMMANDS: Record<string, Command> = {
  deploy: localDeployCommand,
  get: localGetCommand,
  list: localListCommand,
  demo: demoCommand,
  'create-deployment-config': localCreateConfigCommand,
};

export const USAGE = `usage: cutover <command>

  cutover local deploy <bundle> [--hosts N | --host NAME ...] [--config NAME] [--json] ...
                                   deploy a bundle to local hosts (.cutover/hosts/<name>) and wait
  cutover local get <deployment-id> [--json]   show a deployment with its targets and lifecycle events
  cutover local list [--json]                  list local deployments, newest first
  cutover local demo                           deploy a sample app twice: a success, then a failure that rolls back
  cutover local create-deployment-config --deployment-config-name NAME --minimum-healthy-hosts type=T,value=N
                                               a custom config (HOST_COUNT or FLEET_PERCENT) for --config
  cutover validate <bundle> [--json]           check a bundle's appspec and scripts without deploying

Run a command with --help for its flags.`;

export async function main(args: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  const [first, second, ...rest] = args;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    ctx.stdout.write(`${USAGE}\n`);
    return first === undefined ? EXIT_BAD_INPUT : EXIT_OK;
  }
  const resolved = resolve(first, second, rest);
  if (!resolved) {
    ctx.stderr.write(`cutover: unknown command '${[first, second].filter(Boolean).join(' ')}'\n${USAGE}\n`);
    return EXIT_BAD_INPUT;
  }
  try {
    return await resolved.command(resolved.args, ctx);
  } catch (error) {
    return reportError(error, ctx.stderr, ctx.stdout);
  }
}

function resolve(first: string, second: string | undefined, rest: string[]): { command: Command; args: string[] } | undefined {
  if (first === 'validate') return { command: validateCommand, args: [second, ...rest].filter((a): a is string => a !== undefined) };
  if (first === 'local' && second !== undefined && second in LOCAL_COMMANDS) return { command: LOCAL_COMMANDS[second], args: rest };
  return undefined;
}
