// `cutover local get <deployment-id>` and `cutover local list`.
import { isDeploymentId } from '../../functions/core/deployment-ids';
import type { CliContext } from './cli-context';
import { EXIT_OK, UsageError } from './cli-errors';
import { describeDeployment, listTable } from './deployment-summary';
import { withLocalSession } from './local-session';
import { parseFlags } from './parse-flags';

const GET_USAGE = 'usage: cutover local get <deployment-id> [--json] [--state-dir DIR]';
const LIST_USAGE = 'usage: cutover local list [--json] [--state-dir DIR]';

export async function localGetCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, { json: { type: 'boolean' }, 'state-dir': { type: 'string' } }, GET_USAGE);
  const id = positionals[0];
  if (positionals.length !== 1 || !isDeploymentId(id)) {
    throw new UsageError('deployment-id', `give one deployment id like d-AB1CDEF23 (got ${positionals.join(' ') || 'none'})\n${GET_USAGE}`);
  }
  const view = await withLocalSession({ cwd: ctx.cwd, stateDir: values['state-dir'], command: 'cutover local get' }, ({ runtime }) =>
    runtime.view(id),
  );
  ctx.stdout.write(values.json ? `${JSON.stringify(view, null, 2)}\n` : `${describeDeployment(view)}\n`);
  return EXIT_OK;
}

export async function localListCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, { json: { type: 'boolean' }, 'state-dir': { type: 'string' } }, LIST_USAGE);
  if (positionals.length > 0) throw new UsageError('arguments', `list takes no arguments (got ${positionals.join(' ')})\n${LIST_USAGE}`);
  const deployments = await withLocalSession({ cwd: ctx.cwd, stateDir: values['state-dir'], command: 'cutover local list' }, ({ runtime }) =>
    runtime.store.listDeployments(),
  );
  if (values.json) {
    ctx.stdout.write(`${JSON.stringify(deployments, null, 2)}\n`);
  } else if (deployments.length === 0) {
    ctx.stdout.write('No deployments yet. Try: cutover local deploy examples/demo-app/v1\n');
  } else {
    ctx.stdout.write(`${listTable(deployments)}\n`);
  }
  return EXIT_OK;
}
