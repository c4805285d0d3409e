// What CreateDeploymentGroup and UpdateDeploymentGroup take, field by field, with CodeDeploy's names. Rules that
// span fields, depend on the platform (which settings a Server, Lambda or ECS group takes) or on the runtime (how
// hosts are named) are in deployment-group-settings.ts.
import { z } from 'zod';
import { expected, shown } from '../core/input-messages';
import { MAX_INSTANCES_PER_DEPLOYMENT, targetSelectorsSchema } from '../core/target-selection';
import { CONCURRENCY_POLICIES, TRIGGER_EVENT_TYPES } from '../core/types';
import { resourceName } from './api-schemas';

// CodeDeploy's limits: TriggerTargetsLimitExceeded, AlarmsLimitExceeded, and 10 load balancers of each kind.
const MAX_TRIGGERS = 10;
const MAX_ALARMS = 10;
const MAX_ALARM_NAME_LENGTH = 255;
const MAX_LOAD_BALANCERS_PER_LIST = 10;

export const AUTO_ROLLBACK_EVENTS = ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'] as const;
const DEPLOYMENT_TYPES = ['IN_PLACE', 'BLUE_GREEN'] as const;
const TRAFFIC_OPTIONS = ['WITH_TRAFFIC_CONTROL', 'WITHOUT_TRAFFIC_CONTROL'] as const;

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}(?:\.fifo)?$/;
// Target group and Classic Load Balancer names as AWS allows them; safe as the embedded runtime's file names too.
const LOAD_BALANCER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;
const LOAD_BALANCER_RULE = '1 to 32 letters, digits or hyphens, not starting or ending with a hyphen';
// ECS cluster and service names.
const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const ECS_NAME_RULE = '1 to 255 letters, digits, - or _';
// An Application or Network Load Balancer's listener, as ECS blue/green deployments route through them.
const LISTENER_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener\/(?:app|net)\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+\/[0-9a-f]+$/;
// CodeDeploy's longest termination wait: two days.
const MAX_TERMINATION_WAIT_MINUTES = 2880;

const TAG_FILTER_KEYS: ReadonlySet<string> = new Set(['Key', 'Value', 'Type']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function countLimit(what: string, max: number) {
  return (list: readonly unknown[], ctx: z.RefinementCtx) => {
    if (list.length > max) ctx.addIssue({ code: 'custom', message: `lists ${list.length} ${what}; at most ${max} are allowed` });
  };
}

// Checked against the runtime's host naming once the request reaches its handler: the schema serves both runtimes.
const instanceNamesSchema = z
  .array(z.string({ error: expected('a host name or instance id') }), { error: expected('a list of host names or instance ids') })
  .superRefine(countLimit('instances', MAX_INSTANCES_PER_DEPLOYMENT));

// target-selection's tag schemas drop keys they do not know; a request must not lose a misspelt `Valu` without a
// word, so unknown keys inside tag filters and tag sets are refused before those schemas see them.
function unknownKeys(value: unknown, allowed: ReadonlySet<string>, path: PropertyKey[], ctx: z.RefinementCtx): void {
  if (!isRecord(value)) return;
  const keys = Object.keys(value).filter((key) => !allowed.has(key));
  if (keys.length > 0) ctx.addIssue({ code: 'unrecognized_keys', keys, path, input: value });
}

function unknownFilterKeys(filters: unknown, path: PropertyKey[], ctx: z.RefinementCtx): void {
  if (Array.isArray(filters)) filters.forEach((filter, i) => unknownKeys(filter, TAG_FILTER_KEYS, [...path, i], ctx));
}

// Typed with the input of `schema` so `.safeExtend()` accepts it in place of the field it guards.
function strictTagFilters<T extends z.ZodType>(schema: T) {
  return z.preprocess((value: z.input<T>, ctx) => {
    unknownFilterKeys(value, [], ctx);
    return value;
  }, schema);
}

function strictTagSet<T extends z.ZodType>(listKey: string, schema: T) {
  return z.preprocess((value: z.input<T>, ctx) => {
    unknownKeys(value, new Set([listKey]), [], ctx);
    const groups = isRecord(value) ? value[listKey] : undefined;
    if (Array.isArray(groups)) groups.forEach((group, g) => unknownFilterKeys(group, [listKey, g], ctx));
    return value;
  }, schema);
}

const selectors = targetSelectorsSchema.shape;

const serviceRoleArn = z
  .string({ error: expected('an IAM role ARN') })
  .regex(ROLE_ARN, { error: (issue) => `must be an IAM role ARN like arn:aws:iam::123456789012:role/CodeDeploy (got ${shown(issue.input)})` });

const triggerConfig = z
  .object(
    {
      triggerName: z
        .string({ error: expected('a trigger name of 1 to 100 characters') })
        .min(1, { error: 'must be a trigger name of 1 to 100 characters, not empty' })
        .max(100, { error: (issue) => `must be at most 100 characters (got ${String(issue.input).length})` }),
      triggerTargetArn: z
        .string({ error: expected('an SNS topic ARN') })
        .regex(TOPIC_ARN, { error: (issue) => `must be an SNS topic ARN like arn:aws:sns:us-east-1:123456789012:deployments (got ${shown(issue.input)})` }),
      triggerEvents: z
        .array(z.enum(TRIGGER_EVENT_TYPES, { error: expected(`one of ${TRIGGER_EVENT_TYPES.join(', ')}`) }), {
          error: expected('a list of trigger event types'),
        })
        .min(1, { error: `must list at least one of ${TRIGGER_EVENT_TYPES.join(', ')}` }),
    },
    { error: expected('a trigger {triggerName, triggerTargetArn, triggerEvents}') },
  )
  .strict();

const autoRollbackConfiguration = z
  .object(
    {
      enabled: z.boolean({ error: expected('true or false') }),
      events: z
        .array(z.enum(AUTO_ROLLBACK_EVENTS, { error: expected(`one of ${AUTO_ROLLBACK_EVENTS.join(', ')}`) }), {
          error: expected('a list of rollback events'),
        })
        .default([]),
    },
    { error: expected('an object {enabled, events}') },
  )
  .strict()
  .superRefine((config, ctx) => {
    // Enabled with nothing to react to is a rollback that never happens, which no one means.
    if (config.enabled && config.events.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['events'], message: `must list at least one of ${AUTO_ROLLBACK_EVENTS.join(', ')} when enabled is true` });
    }
  });

function loadBalancerEntry(what: string) {
  return z
    .object(
      {
        name: z
          .string({ error: expected(`a ${what} name`) })
          .regex(LOAD_BALANCER_NAME, { error: (issue) => `must be a ${what} name of ${LOAD_BALANCER_RULE} (got ${shown(issue.input)})` }),
      },
      { error: expected(`an object {name} naming a ${what}`) },
    )
    .strict();
}

function loadBalancerList(what: string) {
  return z.array(loadBalancerEntry(what), { error: expected(`a list of ${what}s`) }).superRefine(countLimit(`${what}s`, MAX_LOAD_BALANCERS_PER_LIST));
}

/** A list of exactly `count` items, saying what each is for when the count is off. */
function exactly<T extends z.ZodType>(item: T, count: number, what: string) {
  return z.array(item, { error: expected(`a list of ${what}`) }).superRefine((list, ctx) => {
    if (list.length !== count) ctx.addIssue({ code: 'custom', message: `must list exactly ${count === 1 ? 'one' : count} ${what} (got ${list.length})` });
  });
}

/** CodeDeploy's TrafficRoute: one listener (its limit per route). */
function trafficRoute(what: string) {
  const listenerArn = z
    .string({ error: expected('an ELBv2 listener ARN') })
    .regex(LISTENER_ARN, {
      error: (issue) => `must be an Application or Network Load Balancer listener ARN like arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2 (got ${shown(issue.input)})`,
    });
  return z
    .object({ listenerArns: exactly(listenerArn, 1, `listener ARN ${what}`) }, { error: expected('an object {listenerArns}') })
    .strict();
}

/** ECS blue/green: the two target groups the task sets alternate between, and the listeners that route to them. */
const targetGroupPairInfo = z
  .object(
    {
      targetGroups: exactly(loadBalancerEntry('target group'), 2, 'target groups {name}: one serves the original task set, the other the replacement').superRefine(
        (groups, ctx) => {
          if (groups.length === 2 && groups[0].name === groups[1].name) {
            ctx.addIssue({ code: 'custom', path: [1, 'name'], message: `repeats target group ${shown(groups[0].name)}: the pair needs two different target groups` });
          }
        },
      ),
      prodTrafficRoute: trafficRoute('for production traffic'),
      testTrafficRoute: trafficRoute('for test traffic').optional().describe('Where test traffic reaches the replacement task set before production traffic does'),
    },
    { error: expected('an object {targetGroups, prodTrafficRoute, testTrafficRoute?}') },
  )
  .strict();

const loadBalancerInfo = z
  .object(
    {
      targetGroupInfoList: loadBalancerList('target group').optional().describe('Server groups only'),
      elbInfoList: loadBalancerList('Classic Load Balancer').optional().describe('Server groups only'),
      targetGroupPairInfoList: z
        .array(targetGroupPairInfo, { error: expected('a list of one target group pair') })
        .superRefine(countLimit('target group pairs', 1))
        .optional()
        .describe('ECS groups only, and required for them: exactly one pair'),
    },
    { error: expected('an object {targetGroupInfoList?, elbInfoList?, targetGroupPairInfoList?}') },
  )
  .strict();

function ecsName(what: 'service' | 'cluster') {
  return z
    .string({ error: expected(`an ECS ${what} name of ${ECS_NAME_RULE}`) })
    .regex(ECS_NAME, { error: (issue) => `must be an ECS ${what} name of ${ECS_NAME_RULE} (got ${shown(issue.input)})` });
}

const ecsService = z
  .object(
    { serviceName: ecsName('service'), clusterName: ecsName('cluster') },
    { error: expected('an object {serviceName, clusterName}') },
  )
  .strict();

// CodeDeploy's blue/green settings for EC2 fleets that an ECS deployment has no use for: it reroutes traffic as soon as
// the replacement task set is ready, and creates that task set itself.
const EC2_BLUE_GREEN_FIELDS = {
  deploymentReadyOption:
    'is not supported: an ECS deployment moves traffic as soon as its replacement task set is ready (CodeDeploy\'s CONTINUE_DEPLOYMENT); there is no ready wait to configure',
  greenFleetProvisioningOption: 'applies to EC2 blue/green deployments, which Cutover does not run: an ECS deployment creates its replacement task set itself',
} as const;

const blueGreenDeploymentConfiguration = z
  .object(
    {
      terminateBlueInstancesOnDeploymentSuccess: z
        .object(
          {
            action: z
              .literal('TERMINATE', {
                error: (issue) =>
                  `must be TERMINATE: an ECS deployment removes its original task set once the wait is over (KEEP_ALIVE applies to EC2 instances) (got ${shown(issue.input)})`,
              })
              .default('TERMINATE'),
            terminationWaitTimeInMinutes: z
              .number({ error: expected(`a whole number of minutes from 0 to ${MAX_TERMINATION_WAIT_MINUTES}`) })
              .int({ error: (issue) => `must be a whole number of minutes (got ${shown(issue.input)})` })
              .min(0, { error: (issue) => `must be 0 or more minutes (got ${shown(issue.input)})` })
              .max(MAX_TERMINATION_WAIT_MINUTES, { error: (issue) => `must be at most ${MAX_TERMINATION_WAIT_MINUTES} minutes (two days) (got ${shown(issue.input)})` })
              .optional()
              .describe('Minutes the original task set is kept after all traffic moved; 0 (the default) removes it at once'),
          },
          { error: expected('an object {action?, terminationWaitTimeInMinutes?}') },
        )
        .strict()
        .optional(),
      // Declared so that a request sending them is told why they are refused, rather than that they are unknown.
      deploymentReadyOption: z.unknown().optional().describe(`Refused: ${EC2_BLUE_GREEN_FIELDS.deploymentReadyOption}`),
      greenFleetProvisioningOption: z.unknown().optional().describe(`Refused: ${EC2_BLUE_GREEN_FIELDS.greenFleetProvisioningOption}`),
    },
    { error: expected('an object {terminateBlueInstancesOnDeploymentSuccess?}') },
  )
  .strict()
  .superRefine((config, ctx) => {
    for (const [field, message] of Object.entries(EC2_BLUE_GREEN_FIELDS)) {
      if (config[field as keyof typeof EC2_BLUE_GREEN_FIELDS] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message });
    }
  })
  .transform(({ terminateBlueInstancesOnDeploymentSuccess }) => (terminateBlueInstancesOnDeploymentSuccess ? { terminateBlueInstancesOnDeploymentSuccess } : {}))
  .describe('ECS groups only: how long the original task set outlives a successful deployment');

// Which style goes with which platform (Server: IN_PLACE, Lambda and ECS: BLUE_GREEN) and with loadBalancerInfo is
// checked on the group as a whole; GetDeploymentGroup shows the style derived from them.
const deploymentStyle = z
  .object(
    {
      deploymentType: z.enum(DEPLOYMENT_TYPES, { error: expected('IN_PLACE or BLUE_GREEN') }).optional(),
      deploymentOption: z.enum(TRAFFIC_OPTIONS, { error: expected('WITH_TRAFFIC_CONTROL or WITHOUT_TRAFFIC_CONTROL') }).optional(),
    },
    { error: expected('an object {deploymentType?, deploymentOption?}') },
  )
  .strict();

// CodeDeploy's InvalidAlarmConfig rules: names of 1 to 255 characters, none twice, and some alarm when enabled. A
// group's, and CreateDeployment's overrideAlarmConfiguration.
export const alarmConfiguration = z
  .object(
    {
      enabled: z.boolean({ error: expected('true or false') }),
      alarms: z
        .array(
          z
            .object(
              {
                name: z
                  .string({ error: expected(`a CloudWatch alarm name of 1 to ${MAX_ALARM_NAME_LENGTH} characters`) })
                  .min(1, { error: `must be a CloudWatch alarm name of 1 to ${MAX_ALARM_NAME_LENGTH} characters, not empty` })
                  .max(MAX_ALARM_NAME_LENGTH, { error: (issue) => `must be at most ${MAX_ALARM_NAME_LENGTH} characters (got ${String(issue.input).length})` }),
              },
              { error: expected('an object {name} naming a CloudWatch alarm') },
            )
            .strict(),
          { error: expected('a list of alarms {name}') },
        )
        .superRefine(countLimit('alarms', MAX_ALARMS))
        .superRefine((alarms, ctx) => {
          alarms.forEach(({ name }, i) => {
            const first = alarms.findIndex((alarm) => alarm.name === name);
            if (first < i) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `repeats alarm ${shown(name)}, already at alarms.${first}` });
          });
        })
        .default([]),
      ignorePollAlarmFailure: z
        .boolean({ error: expected('true or false') })
        .optional()
        .describe("When the alarms' state cannot be read: true carries on, false (the default) stops the deployment"),
    },
    { error: expected('an object {enabled, alarms, ignorePollAlarmFailure?}') },
  )
  .strict()
  .superRefine((config, ctx) => {
    if (config.enabled && config.alarms.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['alarms'], message: 'must name at least one alarm when enabled is true (send enabled: false to keep none)' });
    }
  })
  .describe('CloudWatch alarms that stop the deployment when one goes to ALARM; enabled: false keeps them without watching');

/** A group's, and CreateDeployment's for one deployment. */
export const concurrencyPolicy = z
  .enum(CONCURRENCY_POLICIES, { error: (issue) => `must be one of ${CONCURRENCY_POLICIES.join(', ')} (got ${shown(issue.input)})` })
  .describe(
    'When a deployment finds the group busy: reject refuses it (409 DeploymentLimitExceeded, CodeDeploy\'s behaviour and the default), ' +
      'queue has it wait as Queued and start when the group frees (first come, first served), supersede stops every deployment that came before it',
  );

/** Every setting, all optional: what UpdateDeploymentGroup may change and what CreateDeploymentGroup starts from. */
const groupSettingsSchema = targetSelectorsSchema.safeExtend({
  instanceNames: instanceNamesSchema.optional(),
  ec2TagFilters: strictTagFilters(selectors.ec2TagFilters.unwrap()).optional(),
  ec2TagSet: strictTagSet('ec2TagSetList', selectors.ec2TagSet.unwrap()).optional(),
  onPremisesInstanceTagFilters: strictTagFilters(selectors.onPremisesInstanceTagFilters.unwrap()).optional(),
  onPremisesTagSet: strictTagSet('onPremisesTagSetList', selectors.onPremisesTagSet.unwrap()).optional(),
  deploymentConfigName: resourceName.optional(),
  serviceRoleArn: serviceRoleArn.optional(),
  triggerConfigurations: z
    .array(triggerConfig, { error: expected('a list of triggers') })
    .superRefine(countLimit('triggers', MAX_TRIGGERS))
    .optional(),
  autoRollbackConfiguration: autoRollbackConfiguration.optional(),
  alarmConfiguration: alarmConfiguration.optional(),
  loadBalancerInfo: loadBalancerInfo.optional(),
  ecsServices: z
    .array(ecsService, { error: expected('a list of one ECS service {serviceName, clusterName}') })
    .superRefine(countLimit('ECS services', 1))
    .optional()
    .describe('ECS groups only, and required for them: the one service the group deploys'),
  blueGreenDeploymentConfiguration: blueGreenDeploymentConfiguration.optional(),
  deploymentStyle: deploymentStyle.optional(),
  concurrencyPolicy: concurrencyPolicy.optional(),
});

export const createGroupBody = groupSettingsSchema.safeExtend({ deploymentGroupName: resourceName }).strict();
export type CreateGroupBody = z.infer<typeof createGroupBody>;

export const updateGroupBody = groupSettingsSchema.safeExtend({ newDeploymentGroupName: resourceName.optional() }).strict();
export type UpdateGroupBody = z.infer<typeof updateGroupBody>;

/** The settings part of either body. */
export type GroupSettingsInput = z.infer<typeof groupSettingsSchema>;
export type DeploymentStyleInput = z.infer<typeof deploymentStyle>;
