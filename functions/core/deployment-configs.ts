// Deployment configs for the Server compute platform: the predefined ones, validation of custom ones, lookup, and
// the conversion of a config to M, the number of hosts that must stay healthy (spec §2.1–2.3).
import { z } from 'zod';
import { NotFoundError, ValidationError } from './errors';
import type { FieldProblem } from './errors';
import type { DeploymentConfig } from './types';
import { expected, shown } from './input-messages';

export const DEFAULT_SERVER_CONFIG_NAME = 'CodeDeployDefault.OneAtATime';
export const RESERVED_PREFIX = 'CodeDeployDefault.';

// OneAtATime is what the CodeDeploy API returns: MOST_CONCURRENCY/1. Users cannot create that type; its rules
// (M = N-1, last-host exception) live in minimumHealthyCount and batch planning.
export const PREDEFINED_SERVER_CONFIGS: readonly DeploymentConfig[] = Object.freeze([
  Object.freeze({
    deploymentConfigName: DEFAULT_SERVER_CONFIG_NAME,
    computePlatform: 'Server',
    minimumHealthyHosts: Object.freeze({ type: 'MOST_CONCURRENCY', value: 1 }),
  }),
  Object.freeze({
    deploymentConfigName: 'CodeDeployDefault.HalfAtATime',
    computePlatform: 'Server',
    minimumHealthyHosts: Object.freeze({ type: 'FLEET_PERCENT', value: 50 }),
  }),
  Object.freeze({
    deploymentConfigName: 'CodeDeployDefault.AllAtOnce',
    computePlatform: 'Server',
    minimumHealthyHosts: Object.freeze({ type: 'HOST_COUNT', value: 0 }),
  }),
] satisfies DeploymentConfig[]);

export function isPredefinedConfigName(name: string): boolean {
  return PREDEFINED_SERVER_CONFIGS.some((config) => config.deploymentConfigName === name);
}

/** True for the OneAtATime rules: exactly one host per batch, and any failure but the last one's stops the run. */
export function isOneAtATime(config: DeploymentConfig): boolean {
  return config.minimumHealthyHosts.type === 'MOST_CONCURRENCY';
}

// CodeDeploy's DeploymentConfigName pattern, and the keys CreateDeploymentConfig takes for Server.
const NAME_PATTERN = /^[A-Za-z0-9._+=,@-]{1,100}$/;
const NAME_RULE = '1 to 100 characters, each a letter, a digit or one of . _ + = , @ -';
const ALLOWED_KEYS = ['deploymentConfigName', 'computePlatform', 'minimumHealthyHosts'];
// A Map, not an object literal: an unknown key such as 'toString' must not find Object.prototype members.
const NOT_FOR_SERVER: ReadonlyMap<string, string> = new Map([
  ['trafficRoutingConfig', 'applies to Lambda and ECS deployment configs only, not to Server'],
  ['zonalConfig', 'is not supported by Cutover'],
]);

/** A custom deployment config's name: CodeDeploy's rules, and never the reserved prefix (Server, Lambda and ECS alike). */
export const customConfigNameSchema = z
  .string({ error: expected(`a string of ${NAME_RULE}`) })
  .superRefine((name, ctx) => {
    if (!NAME_PATTERN.test(name)) {
      const message = `must be ${NAME_RULE} (got ${shown(name)}, ${name.length} characters)`;
      ctx.addIssue({ code: 'custom', message });
    } else if (name.startsWith(RESERVED_PREFIX)) {
      const message = `must not start with the reserved prefix '${RESERVED_PREFIX}' (got ${shown(name)})`;
      ctx.addIssue({ code: 'custom', message });
    }
  });

const minimumHealthyHostsSchema = z
  .object(
    {
      type: z.enum(['HOST_COUNT', 'FLEET_PERCENT'], { error: expected('HOST_COUNT or FLEET_PERCENT') }),
      value: z.number({ error: expected('an integer') }).int({ error: expected('an integer') }),
    },
    { error: expected('an object {type, value}') },
  )
  .superRefine((hosts, ctx) => {
    const { type, value } = hosts;
    if (type === 'HOST_COUNT' && value < 0) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `must be 0 or more for HOST_COUNT (got ${value})` });
    }
    if (type === 'FLEET_PERCENT' && (value < 0 || value > 99)) {
      const message = `must be between 0 and 99 for FLEET_PERCENT (got ${value})`;
      ctx.addIssue({ code: 'custom', path: ['value'], message });
    }
  });

const customServerConfigSchema = z.strictObject(
  {
    deploymentConfigName: customConfigNameSchema,
    computePlatform: z
      .literal('Server', { error: expected('Server, the only platform Cutover deploys to') })
      .optional(),
    minimumHealthyHosts: minimumHealthyHostsSchema,
  },
  // Unknown keys keep zod's issue: toProblems turns it into one problem per key.
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : expected('an object')(issue)) },
);

function toProblems(issues: readonly z.core.$ZodIssue[]): FieldProblem[] {
  return issues.flatMap((issue): FieldProblem[] => {
    const base = issue.path.map(String).join('.');
    if (issue.code !== 'unrecognized_keys') return [{ field: base || '(config)', message: issue.message }];
    // One problem per unknown key, so each names its own field.
    return issue.keys.map((key) => ({
      field: base ? `${base}.${key}` : key,
      message:
        NOT_FOR_SERVER.get(key) ?? `is not a field of a Server deployment config (allowed: ${ALLOWED_KEYS.join(', ')})`,
    }));
  });
}

/** Validates a CreateDeploymentConfig body for Server. Reports every problem at once, each with its field path. */
export function parseCustomServerConfig(input: unknown): DeploymentConfig {
  const result = customServerConfigSchema.safeParse(input);
  if (!result.success) throw new ValidationError(toProblems(result.error.issues));
  const { deploymentConfigName, minimumHealthyHosts } = result.data;
  return {
    deploymentConfigName,
    computePlatform: 'Server',
    minimumHealthyHosts: { type: minimumHealthyHosts.type, value: minimumHealthyHosts.value },
  };
}

/** Predefined configs win: custom names cannot take the reserved prefix, so there is no shadowing. */
export function findConfig(name: string, custom: readonly DeploymentConfig[]): DeploymentConfig {
  const found =
    PREDEFINED_SERVER_CONFIGS.find((config) => config.deploymentConfigName === name) ??
    custom.find((config) => config.deploymentConfigName === name);
  if (found === undefined) throw new NotFoundError('Deployment config', name);
  return found;
}

/**
 * CreateDeployment's config, else the group's, else OneAtATime (spec §10.10). An empty string counts as absent,
 * as an unset CLI flag or form field arrives that way and CodeDeploy rejects empty names anyway.
 */
export function resolveConfigName(requested?: string, groupDefault?: string): string {
  if (requested !== undefined && requested !== '') return requested;
  if (groupDefault !== undefined && groupDefault !== '') return groupDefault;
  return DEFAULT_SERVER_CONFIG_NAME;
}

/**
 * M, the hosts that must stay healthy, fixed at deployment start (spec §2.3). FLEET_PERCENT rounds up and is
 * computed on integers, so 33% of 10 is exactly 4 and never 3.9999… or 4.0000…1.
 */
export function minimumHealthyCount(config: DeploymentConfig, hostCount: number): number {
  if (!Number.isSafeInteger(hostCount) || hostCount < 0) {
    throw new RangeError(`hostCount must be a non-negative integer (got ${hostCount})`);
  }
  const { type, value } = config.minimumHealthyHosts;
  switch (type) {
    case 'MOST_CONCURRENCY':
      return Math.max(hostCount - 1, 0);
    case 'HOST_COUNT':
      return value;
    case 'FLEET_PERCENT': {
      const product = hostCount * value;
      const whole = (product - (product % 100)) / 100;
      return product % 100 === 0 ? whole : whole + 1;
    }
  }
}
