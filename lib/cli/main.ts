// The `cutover` command line: `cutover local …` runs on the embedded runtime; `cutover validate` checks a bundle;
// the `aws deploy`-named commands (remote/) talk to the REST API, by default the one `cutover local serve` serves.
import { type CliContext, processContext } from './cli-context';
import { EXIT_BAD_INPUT, EXIT_OK, reportError } from './cli-errors';
import { demoCommand } from './demo';
import { localAlarmCommand } from './local-alarm';
import { localCreateConfigCommand } from './local-create-config';
import { localDeployCommand } from './local-deploy';
import { localEcsCommand } from './local-ecs';
import { localGetCommand, localListCommand } from './local-get';
import { localLambdaCommand } from './local-lambda';
import { localServeCommand } from './local-serve';
import { REMOTE_COMMANDS, resolveRemote } from './remote/remote-main';
import { validateCommand } from './validate';

type Command = (args: readonly string[], ctx: CliContext) => Promise<number>;

const LOCAL_COMMANDS: Record<string, Command> = {
  deploy: localDeployCommand,
  get: localGetCommand,
  list: localListCommand,
  demo: demoCommand,
  'create-deployment-config': localCreateConfigCommand,
  serve: localServeCommand,
  lambda: localLambdaCommand,
  ecs: localEcsCommand,
  alarm: localAlarmCommand,
};

export const USAGE = `usage: cutover <command>

  cutover local deploy <bundle> [--hosts N | --host NAME ...] [--config NAME] [--json] ...
                                   deploy a bundle to local hosts (.cutover/hosts/<name>) and wait
  cutover local deploy --platform lambda <appspec.yaml | folder> [--config NAME] [--hook NAME=PATH ...] [--time-scale X]
                                   shift a simulated Lambda alias (.cutover/lambda/<function>.json), hooks as local
                                   JS modules (default: hooks/<NAME>.js beside the appspec), and wait
  cutover local lambda get-alias <function> <alias> [--json]
                                   where an alias sends traffic; also: lambda publish, lambda create-alias
  cutover local deploy --platform ecs <appspec.yaml | folder> [--service NAME] [--config NAME] [--test-listener] ...
                                   replace a simulated ECS service's task set, blue/green (.cutover/ecs/; set up on
                                   first use), hooks as local JS modules, and wait
  cutover local ecs describe-service <service> [--json]
                                   its task sets and where traffic goes; also: ecs set-health, ecs set-task-definition,
                                   ecs delete-task-set
  cutover local alarm set <name> <OK|ALARM|INSUFFICIENT_DATA>
                                   set a simulated CloudWatch alarm (a deploy in another process sees it at its next shift)
  cutover local get <deployment-id> [--json]   show a deployment with its targets and lifecycle events
  cutover local list [--json]                  list local deployments, newest first
  cutover local demo                           deploy a sample app twice: a success, then a failure that rolls back
  cutover local create-deployment-config --deployment-config-name NAME --minimum-healthy-hosts type=T,value=N
                                               a custom config (HOST_COUNT or FLEET_PERCENT) for --config
  cutover local serve [--port P] [--state-dir DIR] [--time-scale X]
                                               serve the REST API on 127.0.0.1 (default port 8642) over a state folder
  cutover validate <bundle> [--json]           check a bundle's appspec and scripts without deploying

Against the REST API (\`cutover local serve\`, or Cutover on AWS, SigV4-signed), with \`aws deploy\`'s command and flag names:
  cutover [--endpoint URL] [--region R] [--profile P] [--output json|table] <command> [flags]
${wrap(REMOTE_COMMANDS.map((c) => c.name))}
  Structured flags take shorthand (key=value,key=value) or JSON; --endpoint defaults to $CUTOVER_ENDPOINT, then
  http://127.0.0.1:8642; --output defaults to json, as aws.

Run a command with --help for its flags.`;

function wrap(words: readonly string[]): string {
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + word.length + 2 <= 110) lines[last] += `, ${word}`;
    else lines.push(`    ${word}`);
  }
  return lines.join(',\n');
}

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
  if (first === 'local') return undefined;
  return resolveRemote(second === undefined ? [first] : [first, second, ...rest]);
}
