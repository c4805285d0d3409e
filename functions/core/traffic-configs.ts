// Deployment configs for the Lambda and ECS compute platforms, which shift traffic instead of counting healthy
// hosts: the predefined ones by their CodeDeploy names, validation of custom ones and lookup (spec §2.1, §2.2, §2.5).
import { z } from 'zod';
import { isPredefinedConfigName } from './deployment-configs';
import { NotFoundError, ValidationError } from './errors';
import type { FieldProblem } from './errors';
import type { DeploymentConfig } from './types';
import { expected, shown } from './input-messages';
import { linearStepCount } from './traffic-schedule';
import { customConfigNameSchema, RESERVED_PREFIX } from './deployment-configs';

export type TrafficComputePlatform = 'Lambda' | 'ECS';

export interface TimeBasedCanary {
  readonly canaryPercentage: number;
  /** Minutes between the canary shift and the shift of the rest. */
  readonly canaryInterval: number;
}

export interface TimeBasedLinear {
  readonly linearPercentage: number;
  /** Minutes between two shifts. */
  readonly linearInterval: number;
}

// A union rather than CodeDeploy's one shape with two optional blocks: the type then says which block is there.
export type TrafficRoutingConfig =
  | { readonly type: 'AllAtOnce' }
  | { readonly type: 'TimeBasedCanary'; readonly timeBasedCanary: TimeBasedCanary }
  | { readonly type: 'TimeBasedLinear'; readonly timeBasedLinear: TimeBasedLinear };

export interface TrafficDeploymentConfig {
  /** Custom configs only: a UUID given at creation. */
  readonly deploymentConfigId?: string;
  /** Custom configs only. */
  readonly createTime?: string;
  readonly deploymentConfigName: string;
  readonly computePlatform: TrafficComputePlatform;
  readonly trafficRoutingConfig: TrafficRoutingConfig;
}

/**
 * A deployment config of any platform, as the Store keeps it and the API shows it. Here rather than in types.ts,
 * which this module's imports reach: types.ts importing back would make a cycle.
 */
export type AnyDeploymentConfig = DeploymentConfig | TrafficDeploymentConfig;

/** CodeDeploy's limit on the time from the first traffic shift to the last, for custom configs. */
export const MAX_SHIFT_SPAN_MINUTES = 2880;

function predefined(
  name: string,
  computePlatform: TrafficComputePlatform,
  trafficRoutingConfig: TrafficRoutingConfig,
): TrafficDeploymentConfig {
  // Frozen all the way down: callers get these objects themselves, and one edit would change every deployment.
  for (const block of Object.values(trafficRoutingConfig)) if (typeof block === 'object') Object.freeze(block);
  return Object.freeze({
    deploymentConfigName: `${RESERVED_PREFIX}${name}`,
    computePlatform,
    trafficRoutingConfig: Object.freeze(trafficRoutingConfig),
  });
}

const canary = (canaryPercentage: number, canaryInterval: number): TrafficRoutingConfig => ({
  type: 'TimeBasedCanary',
  timeBasedCanary: { canaryPercentage, canaryInterval },
});
const linear = (linearPercentage: number, linearInterval: number): TrafficRoutingConfig => ({
  type: 'TimeBasedLinear',
  timeBasedLinear: { linearPercentage, linearInterval },
});
const ALL_AT_ONCE: TrafficRoutingConfig = { type: 'AllAtOnce' };

// Names as CodeDeploy spells them: Lambda's 1-minute linear config is 'Every1Minute', ECS's is 'Every1Minutes'.
export const PREDEFINED_TRAFFIC_CONFIGS: readonly TrafficDeploymentConfig[] = Object.freeze([
  predefined('LambdaAllAtOnce', 'Lambda', ALL_AT_ONCE),
  predefined('LambdaCanary10Percent5Minutes', 'Lambda', canary(10, 5)),
  predefined('LambdaCanary10Percent10Minutes', 'Lambda', canary(10, 10)),
  predefined('LambdaCanary10Percent15Minutes', 'Lambda', canary(10, 15)),
  predefined('LambdaCanary10Percent30Minutes', 'Lambda', canary(10, 30)),
  predefined('LambdaLinear10PercentEvery1Minute', 'Lambda', linear(10, 1)),
  predefined('LambdaLinear10PercentEvery2Minutes', 'Lambda', linear(10, 2)),
  predefined('LambdaLinear10PercentEvery3Minutes', 'Lambda', linear(10, 3)),
  predefined('LambdaLinear10PercentEvery10Minutes', 'Lambda', linear(10, 10)),
  predefined('ECSAllAtOnce', 'ECS', ALL_AT_ONCE),
  predefined('ECSLinear10PercentEvery1Minutes', 'ECS', linear(10, 1)),
  predefined('ECSLinear10PercentEvery3Minutes', 'ECS', linear(10, 3)),
  predefined('ECSCanary10Percent5Minutes', 'ECS', canary(10, 5)),
  predefined('ECSCanary10Percent15Minutes', 'ECS', canary(10, 15)),
]);

export function isPredefinedTrafficConfigName(name: string): boolean {
  return PREDEFINED_TRAFFIC_CONFIGS.some((config) => config.deploymentConfigName === name);
}

/**
 * The config a Lambda or ECS deployment runs with. Predefined configs win: custom names cannot take the reserved
 * prefix, so there is no shadowing. A config of another platform is bad input, not a missing one, so the message
 * can say which platform it belongs to.
 */
export function findTrafficConfig(
  name: string,
  platform: TrafficComputePlatform,
  custom: readonly TrafficDeploymentConfig[] = [],
): TrafficDeploymentConfig {
  const found =
    PREDEFINED_TRAFFIC_CONFIGS.find((config) => config.deploymentConfigName === name) ??
    custom.find((config) => config.deploymentConfigName === name);
  const otherPlatform = found === undefined ? (isPredefinedConfigName(name) ? 'Server' : undefined) : found.computePlatform;
  if (found !== undefined && otherPlatform === platform) return found;
  if (otherPlatform === undefined) throw new NotFoundError('Deployment config', name);
  const message = `names a deployment config for ${otherPlatform}, not ${platform} (got ${shown(name)})`;
  throw new ValidationError([{ field: 'deploymentConfigName', message }]);
}

// ---- Custom configs ----

const PERCENT_RULE = 'an integer from 1 to 99, the percent of traffic shifted per increment';
const INTERVAL_RULE = 'a whole number of minutes, 1 or more';
const TYPE_RULE = 'TimeBasedCanary, TimeBasedLinear or AllAtOnce';

// Keyed by the path of the object the unknown key sits in. Maps, not object literals: an unknown key such as
// 'toString' must not find Object.prototype members.
const ALLOWED_KEYS: ReadonlyMap<string, readonly string[]> = new Map([
  ['', ['deploymentConfigName', 'computePlatform', 'trafficRoutingConfig']],
  ['trafficRoutingConfig', ['type', 'timeBasedCanary', 'timeBasedLinear']],
  ['trafficRoutingConfig.timeBasedCanary', ['canaryPercentage', 'canaryInterval']],
  ['trafficRoutingConfig.timeBasedLinear', ['linearPercentage', 'linearInterval']],
]);
const KNOWN_ELSEWHERE: ReadonlyMap<string, string> = new Map([
  ['minimumHealthyHosts', 'applies to Server deployment configs only, not to Lambda or ECS'],
  ['zonalConfig', 'applies to Server deployment configs only, not to Lambda or ECS'],
  // The strict union reports the block of another type as unknown: say which type it belongs to.
  ['trafficRoutingConfig.timeBasedCanary', 'applies only when type is TimeBasedCanary'],
  ['trafficRoutingConfig.timeBasedLinear', 'applies only when type is TimeBasedLinear'],
]);

// Unknown keys keep zod's issue: toProblems turns it into one problem per key.
const objectError =
  (what: string) =>
  (issue: { code?: string; input?: unknown }): string | undefined =>
    issue.code === 'unrecognized_keys' ? undefined : expected(what)(issue);


// One check, so 100.5 gets one message rather than one for the fraction and one for the range.
const percentSchema = z
  .number({ error: expected(PERCENT_RULE) })
  .refine((value) => Number.isInteger(value) && value >= 1 && value <= 99, { error: expected(PERCENT_RULE) });
const intervalSchema = z
  .number({ error: expected(INTERVAL_RULE) })
  .refine((value) => Number.isSafeInteger(value) && value >= 1, { error: expected(INTERVAL_RULE) });

const canarySchema = z.strictObject(
  {
    canaryPercentage: percentSchema,
    canaryInterval: intervalSchema.refine((value) => value <= MAX_SHIFT_SPAN_MINUTES, {
      error: (issue) =>
        `must be at most ${MAX_SHIFT_SPAN_MINUTES} minutes, CodeDeploy's limit from the first traffic shift to the ` +
        `last (got ${shown(issue.input)})`,
    }),
  },
  { error: objectError('an object {canaryPercentage, canaryInterval}') },
);

const linearSchema = z
  .strictObject(
    { linearPercentage: percentSchema, linearInterval: intervalSchema },
    { error: objectError('an object {linearPercentage, linearInterval}') },
  )
  .superRefine(({ linearPercentage, linearInterval }, ctx) => {
    // zod may run this with a field already refused; the span means nothing then.
    if (!Number.isInteger(linearPercentage) || linearPercentage < 1 || linearPercentage > 99) return;
    if (!Number.isSafeInteger(linearInterval) || linearInterval < 1) return;
    const waits = linearStepCount(linearPercentage) - 1;
    const span = waits * linearInterval;
    if (span <= MAX_SHIFT_SPAN_MINUTES) return;
    const message =
      `must be at most ${Math.floor(MAX_SHIFT_SPAN_MINUTES / waits)} minutes with linearPercentage ` +
      `${linearPercentage}: its ${waits + 1} shifts are ${waits} intervals apart, ${span} minutes from first to last, ` +
      `and CodeDeploy allows at most ${MAX_SHIFT_SPAN_MINUTES} (got ${linearInterval})`;
    ctx.addIssue({ code: 'custom', path: ['linearInterval'], message });
  });

const routingSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('AllAtOnce') }),
    z.strictObject({ type: z.literal('TimeBasedCanary'), timeBasedCanary: canarySchema }),
    z.strictObject({ type: z.literal('TimeBasedLinear'), timeBasedLinear: linearSchema }),
  ],
  {
    error: (issue) => {
      // A missing or unknown type is reported at trafficRoutingConfig.type with the whole object as input.
      if (issue.code === 'invalid_union') {
        const input: unknown = issue.input;
        const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
        return expected(TYPE_RULE)({ input: type });
      }
      return expected('an object {type, timeBasedCanary?, timeBasedLinear?}')(issue);
    },
  },
);

const customTrafficConfigSchema = z.strictObject(
  {
    deploymentConfigName: customConfigNameSchema,
    computePlatform: z.enum(['Lambda', 'ECS'], {
      error: expected('Lambda or ECS, the platforms that shift traffic'),
    }),
    trafficRoutingConfig: routingSchema,
  },
  { error: objectError('an object') },
);

function toProblems(issues: readonly z.core.$ZodIssue[]): FieldProblem[] {
  return issues.flatMap((issue): FieldProblem[] => {
    const base = issue.path.map(String).join('.');
    if (issue.code !== 'unrecognized_keys') return [{ field: base || '(config)', message: issue.message }];
    // One problem per unknown key, so each names its own field.
    const allowed = ALLOWED_KEYS.get(base) ?? [];
    const where = base === '' ? 'a Lambda or ECS deployment config' : base;
    return issue.keys.map((key) => {
      const field = base ? `${base}.${key}` : key;
      const message =
        KNOWN_ELSEWHERE.get(field) ?? `is not a field of ${where} (allowed: ${allowed.join(', ')})`;
      return { field, message };
    });
  });
}

/**
 * Validates a CreateDeploymentConfig body for Lambda or ECS against CodeDeploy's limits: at most 99 % per increment
 * and at most 2,880 minutes from the first shift to the last. Reports every problem at once, each with its field path.
 */
export function parseCustomTrafficConfig(input: unknown): TrafficDeploymentConfig {
  const result = customTrafficConfigSchema.safeParse(input);
  if (!result.success) throw new ValidationError(toProblems(result.error.issues));
  const { deploymentConfigName, computePlatform, trafficRoutingConfig: routing } = result.data;
  // Rebuilt so the result shares no object with the caller's input.
  const trafficRoutingConfig: TrafficRoutingConfig =
    routing.type === 'TimeBasedCanary'
      ? {
          type: routing.type,
          timeBasedCanary: {
            canaryPercentage: routing.timeBasedCanary.canaryPercentage,
            canaryInterval: routing.timeBasedCanary.canaryInterval,
          },
        }
      : routing.type === 'TimeBasedLinear'
        ? {
            type: routing.type,
            timeBasedLinear: {
              linearPercentage: routing.timeBasedLinear.linearPercentage,
              linearInterval: routing.timeBasedLinear.linearInterval,
            },
          }
        : { type: routing.type };
  return { deploymentConfigName, computePlatform, trafficRoutingConfig };
}
