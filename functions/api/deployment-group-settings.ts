// A deployment group's settings as a request changes them, and the rules the group as a whole must keep. A Server
// group selects some hosts, named the way the runtime names them; tag filters or tag sets, not both; traffic control
// exactly when it names load balancers. A Lambda group names no hosts at all: its deployments' appspecs name the
// alias. Create and update check the group they would store, so an update cannot break a rule.
import { DEFAULT_SERVER_CONFIG_NAME } from '../core/deployment-configs';
import { type FieldProblem, ValidationError } from '../core/errors';
import { shown } from '../core/input-messages';
import { hasLoadBalancer } from '../core/lifecycle-order';
import { hasTargetSelector, INSTANCE_ID_PATTERN, SELECTOR_FIELDS, targetSelectorProblems } from '../core/target-selection';
import type { ComputePlatform, DeploymentGroup } from '../core/types';
import type { Store } from '../ports';
import { lookupDeploymentConfig, resolveDeploymentConfig } from '../steps/deployment-config-lookup';
import { DEFAULT_TRAFFIC_CONFIG_NAMES } from '../steps/traffic/create-traffic-deployment';
import type { ApiContext } from './api-context';
import { ApiError } from './api-errors';
import type { DeploymentStyleInput, GroupSettingsInput } from './deployment-group-schemas';

const SETTING_FIELDS = [
  ...SELECTOR_FIELDS,
  'deploymentConfigName',
  'serviceRoleArn',
  'triggerConfigurations',
  'autoRollbackConfiguration',
  'alarmConfiguration',
  'loadBalancerInfo',
] as const satisfies readonly (keyof DeploymentGroup)[];

/** Settings that only make sense for hosts: a Lambda group refuses them. */
const HOST_SETTING_FIELDS = [...SELECTOR_FIELDS, 'loadBalancerInfo'] as const satisfies readonly (typeof SETTING_FIELDS)[number][];

/** What a request sets; deploymentStyle is not among them, as it follows from the platform and loadBalancerInfo. */
export type GroupSettingChanges = Omit<GroupSettingsInput, 'deploymentStyle'>;

/** CodeDeploy's deploymentStyle of Server groups and deployments: in place. */
export interface InPlaceStyle {
  readonly deploymentType: 'IN_PLACE';
  readonly deploymentOption: 'WITH_TRAFFIC_CONTROL' | 'WITHOUT_TRAFFIC_CONTROL';
}

/** CodeDeploy's deploymentStyle of every Lambda (and ECS) group and deployment: traffic shifts between two versions. */
export const BLUE_GREEN_STYLE = { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' } as const;

export type DeploymentStyle = InPlaceStyle | typeof BLUE_GREEN_STYLE;

/** The platforms whose groups the API creates and changes. */
export type ServedPlatform = Exclude<ComputePlatform, 'ECS'>;

/**
 * The group's platform when the API serves it. An ECS application or group exists only where the embedded runtime's
 * CLI made it; its settings (services, target group pairs) are not in this API yet, so it is refused by name.
 */
export function servedPlatform(platform: ComputePlatform, applicationName: string): ServedPlatform {
  if (platform !== 'ECS') return platform;
  const message = `Application '${applicationName}' deploys to ECS, which this API does not serve yet; only Server and Lambda applications`;
  throw new ApiError(400, 'InvalidComputePlatform', message, 'applicationName');
}

/** The config a group of the platform gets when the request names none (CodeDeploy's defaults). */
export function defaultConfigName(platform: ServedPlatform): string {
  return platform === 'Lambda' ? DEFAULT_TRAFFIC_CONFIG_NAMES.Lambda : DEFAULT_SERVER_CONFIG_NAME;
}

/**
 * Refuses a config that does not exist (404) or belongs to another platform (400 on deploymentConfigName): a Lambda
 * group or deployment needs a Lambda traffic config, a Server one a Server config. Custom configs are looked up here
 * with the predefined ones, so a custom config of the wrong platform is named as such rather than reported missing.
 */
export async function checkConfigPlatform(store: Store, platform: ServedPlatform, deploymentConfigName: string): Promise<void> {
  if (platform === 'Server') {
    await resolveDeploymentConfig(store, deploymentConfigName);
    return;
  }
  const config = await lookupDeploymentConfig(store, deploymentConfigName);
  if (config.computePlatform !== platform) {
    const message = `names a deployment config for ${config.computePlatform}, not ${platform} (got ${shown(deploymentConfigName)})`;
    throw new ValidationError([{ field: 'deploymentConfigName', message }]);
  }
}

const HOST_NAMING: Readonly<Record<ApiContext['hostNaming'], { readonly pattern: RegExp; readonly rule: string }>> = {
  aws: {
    pattern: INSTANCE_ID_PATTERN,
    rule: 'an EC2 instance id (i- and 8 or 17 characters) or an on-premises one (mi- and 17 characters)',
  },
  // The folder names `cutover local` accepts for hosts.
  local: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    rule: 'a host folder name under .cutover/hosts: 1 to 63 letters, digits, . _ or -, starting with a letter or digit',
  },
};

/** The group with `changes` applied: an omitted field keeps its value, an empty one (`[]`, `{}`) clears it. */
export function applySettings(group: DeploymentGroup, changes: GroupSettingChanges): DeploymentGroup {
  const next: Record<string, unknown> = { ...group };
  for (const field of SETTING_FIELDS) {
    const value = changes[field];
    if (value === undefined) continue;
    if (isEmptySetting(value)) delete next[field];
    else next[field] = value;
  }
  return next as unknown as DeploymentGroup;
}

// CodeDeploy's way to remove a setting on update: an empty list, or an object whose lists are all empty.
function isEmptySetting(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object' && value !== null) return Object.values(value).every((v) => v === undefined || isEmptySetting(v));
  return false;
}

/** A Server group (or deployment) deploys in place, with traffic control exactly when it names load balancers. */
export function inPlaceStyleOf(subject: Pick<DeploymentGroup, 'loadBalancerInfo'>): InPlaceStyle {
  return { deploymentType: 'IN_PLACE', deploymentOption: hasLoadBalancer(subject) ? 'WITH_TRAFFIC_CONTROL' : 'WITHOUT_TRAFFIC_CONTROL' };
}

export function deploymentStyleOf(group: Pick<DeploymentGroup, 'computePlatform' | 'loadBalancerInfo'>): DeploymentStyle {
  return group.computePlatform === 'Server' ? inPlaceStyleOf(group) : BLUE_GREEN_STYLE;
}

/** ValidationError with every rule `group` breaks; `style` is the request's deploymentStyle, if it sent one. */
export function assertValidSettings(
  group: DeploymentGroup,
  style: DeploymentStyleInput | undefined,
  naming: ApiContext['hostNaming'],
): void {
  const problems = group.computePlatform === 'Lambda' ? lambdaProblems(group, style) : serverProblems(group, style, naming);
  if (problems.length > 0) throw new ValidationError(problems);
}

function serverProblems(group: DeploymentGroup, style: DeploymentStyleInput | undefined, naming: ApiContext['hostNaming']): FieldProblem[] {
  const problems = [...hostNameProblems(group.instanceNames ?? [], naming), ...tagCombinationProblems(group), ...trafficProblems(group, style)];
  if (!hasTargetSelector(group)) {
    problems.push({ field: 'body', message: `the group would select no hosts: set at least one of ${SELECTOR_FIELDS.join(', ')}` });
  }
  return problems;
}

// The alias a Lambda deployment shifts is named by its appspec; hosts and load balancers have no part in it.
function lambdaProblems(group: DeploymentGroup, style: DeploymentStyleInput | undefined): FieldProblem[] {
  const problems: FieldProblem[] = HOST_SETTING_FIELDS.filter((field) => group[field] !== undefined).map((field) => ({
    field,
    message: "applies to Server deployment groups only; a Lambda deployment group has no hosts (its deployments' appspecs name the function alias to shift)",
  }));
  if (style?.deploymentType === 'IN_PLACE') {
    problems.push({ field: 'deploymentStyle.deploymentType', message: 'must be BLUE_GREEN for a Lambda deployment group: traffic shifts between two versions of the function' });
  }
  if (style?.deploymentOption === 'WITHOUT_TRAFFIC_CONTROL') {
    problems.push({ field: 'deploymentStyle.deploymentOption', message: 'must be WITH_TRAFFIC_CONTROL for a Lambda deployment group: its alias always routes the traffic' });
  }
  return problems;
}

function hostNameProblems(names: readonly string[], naming: ApiContext['hostNaming']): FieldProblem[] {
  const { pattern, rule } = HOST_NAMING[naming];
  return names.flatMap((name, i) => (pattern.test(name) ? [] : [{ field: `instanceNames.${i}`, message: `must be ${rule} (got ${shown(name)})` }]));
}

// Each field was valid on its own; a request setting one of a pair while the group keeps the other breaks the pair.
function tagCombinationProblems(group: DeploymentGroup): FieldProblem[] {
  const { ec2TagFilters, ec2TagSet, onPremisesInstanceTagFilters, onPremisesTagSet } = group;
  return targetSelectorProblems({ ec2TagFilters, ec2TagSet, onPremisesInstanceTagFilters, onPremisesTagSet });
}

function trafficProblems(group: DeploymentGroup, style: DeploymentStyleInput | undefined): FieldProblem[] {
  if (style?.deploymentType === 'BLUE_GREEN') {
    return [{ field: 'deploymentStyle.deploymentType', message: 'must be IN_PLACE for a Server deployment group: BLUE_GREEN is not supported yet' }];
  }
  const field = 'deploymentStyle.deploymentOption';
  if (style?.deploymentOption === 'WITH_TRAFFIC_CONTROL' && !hasLoadBalancer(group)) {
    return [{ field, message: 'WITH_TRAFFIC_CONTROL needs loadBalancerInfo naming at least one target group or Classic Load Balancer' }];
  }
  if (style?.deploymentOption === 'WITHOUT_TRAFFIC_CONTROL' && hasLoadBalancer(group)) {
    const message = 'WITHOUT_TRAFFIC_CONTROL cannot be combined with loadBalancerInfo: send loadBalancerInfo {} to remove the load balancers, or use WITH_TRAFFIC_CONTROL';
    return [{ field, message }];
  }
  return [];
}
