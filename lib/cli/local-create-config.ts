// `cutover local create-deployment-config`: a custom server config, with `aws deploy`'s flag shape.
import { parseCustomServerConfig } from '../../functions/core/deployment-configs';
import type { CliContext } from './cli-context';
import { EXIT_OK, UsageError } from './cli-errors';
import { withLocalSession } from './local-session';
import { parseFlags } from './parse-flags';

const USAGE =
  'usage: cutover local create-deployment-config --deployment-config-name NAME --minimum-healthy-hosts type=HOST_COUNT|FLEET_PERCENT,value=N [--state-dir DIR]';

export async function localCreateConfigCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    { 'deployment-config-name': { type: 'string' }, 'minimum-healthy-hosts': { type: 'string' }, 'state-dir': { type: 'string' } },
    USAGE,
  );
  if (positionals.length > 0) throw new UsageError('arguments', `unexpected arguments: ${positionals.join(' ')}\n${USAGE}`);
  const name = values['deployment-config-name'];
  const spec = values['minimum-healthy-hosts'];
  if (name === undefined) throw new UsageError('--deployment-config-name', `is required\n${USAGE}`);
  if (spec === undefined) throw new UsageError('--minimum-healthy-hosts', `is required\n${USAGE}`);
  const config = parseCustomServerConfig({ deploymentConfigName: name, minimumHealthyHosts: parseShorthand(spec) });
  await withLocalSession({ cwd: ctx.cwd, stateDir: values['state-dir'], command: 'cutover local create-deployment-config' }, ({ runtime }) =>
    runtime.store.createDeploymentConfig(config),
  );
  ctx.stdout.write(`Created deployment config ${config.deploymentConfigName}: ${config.minimumHealthyHosts.type} ${config.minimumHealthyHosts.value}\n`);
  return EXIT_OK;
}

/** `type=FLEET_PERCENT,value=75` → { type, value }; the config parser then checks both. */
function parseShorthand(spec: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const part of spec.split(',')) {
    const [key, raw] = part.split('=', 2);
    if (raw === undefined || (key !== 'type' && key !== 'value')) {
      throw new UsageError('--minimum-healthy-hosts', `expected type=HOST_COUNT|FLEET_PERCENT,value=N (got ${spec})`);
    }
    fields[key] = key === 'value' ? Number(raw) : raw;
  }
  return fields;
}
