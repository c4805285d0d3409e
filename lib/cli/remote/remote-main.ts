// The commands that talk to the Cutover API, by their `aws deploy` names, and how one runs: flags, client,
// then API and network failures turned into messages and exit codes (2 for what the request got wrong).
import type { CliContext } from '../cli-context';
import { EXIT_FAILED } from '../cli-errors';
import { ApiUnreachableError, exitCodeFor, RemoteApiError } from './api-client';
import { APPLICATION_COMMANDS } from './application-commands';
import { DEPLOYMENT_COMMANDS } from './deployment-commands';
import { DEPLOYMENT_CONFIG_COMMANDS } from './deployment-config-commands';
import { DEPLOYMENT_GROUP_COMMANDS } from './deployment-group-commands';
import { apiClientFor, GLOBAL_FLAGS, globalOptionsOf, splitCommand } from './global-options';
import { PUSH_COMMAND } from './push';
import { printer, type RemoteCommand } from './remote-command';
import { parseRemoteFlags, usageOf } from './remote-flags';
import { REVISION_COMMANDS } from './revision-commands';
import { ROLLBACK_COMMAND } from './rollback-commands';
import { TARGET_COMMANDS } from './target-commands';

export const REMOTE_COMMANDS: readonly RemoteCommand[] = [
  ...APPLICATION_COMMANDS,
  ...DEPLOYMENT_GROUP_COMMANDS,
  ...DEPLOYMENT_CONFIG_COMMANDS,
  ...DEPLOYMENT_COMMANDS,
  ...TARGET_COMMANDS,
  ...REVISION_COMMANDS,
  PUSH_COMMAND,
  ROLLBACK_COMMAND,
];

type Command = (args: readonly string[], ctx: CliContext) => Promise<number>;

/** `[global flags] <command> [flags]` → the command and its arguments (globals included), or undefined. */
export function resolveRemote(args: readonly string[]): { command: Command; args: string[] } | undefined {
  const { name, rest } = splitCommand(args);
  const command = REMOTE_COMMANDS.find((c) => c.name === name);
  return command ? { command: (a, ctx) => runRemote(command, a, ctx), args: rest } : undefined;
}

function remoteUsage(command: RemoteCommand): string {
  return usageOf(command.name, command.summary, command.flags);
}

async function runRemote(command: RemoteCommand, args: readonly string[], ctx: CliContext, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const flags = parseRemoteFlags(args, { ...command.flags, ...GLOBAL_FLAGS }, remoteUsage(command), ctx.cwd);
  const globals = globalOptionsOf(flags, env);
  try {
    const api = apiClientFor(globals, env);
    return await command.run({ flags, api, globals, ctx, env, print: printer(ctx.stdout, globals.output) });
  } catch (error) {
    if (error instanceof RemoteApiError) {
      ctx.stderr.write(`${error.describe()}\n`);
      return exitCodeFor(error.status);
    }
    const message = awsFailure(error);
    if (message === undefined) throw error;
    ctx.stderr.write(`cutover: ${message}\n`);
    return EXIT_FAILED;
  }
}

/** Failures outside the API: unreachable, no credentials, S3 refusing an upload. Undefined for anything else. */
function awsFailure(error: unknown): string | undefined {
  if (error instanceof ApiUnreachableError) return error.message;
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'CredentialsProviderError') return `no AWS credentials to sign with: ${error.message}`;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined || (error as { $fault?: string }).$fault !== undefined) return `AWS refused the request: ${error.name}: ${error.message}`;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') return `cannot reach AWS: ${error.message}`;
  return undefined;
}
