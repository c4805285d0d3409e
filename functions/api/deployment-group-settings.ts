// A deployment group's settings as a request changes them, and the rules the group as a whole must keep. A Server
// group selects some hosts, named the way the runtime names them; tag filters or tag sets, not both; traffic control
// exactly when it names load balancers. A Lambda group names no hosts at all: its deployments' appspecs name the
// alias. An ECS group names one service and the target group pair its task sets alternate between. Each refuses the
// settings of the other platforms by field. Create and update check the group they would store, so an update cannot
// break a rule.
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
import type { DeploymentStyleInput, GroupSettingsInput } from './deployment-group-schemas';

const SETTING_FIELDS = [
  ...SELECTOR_FIELDS,
  'deploymentConfigName',
  'serviceRoleArn',
  'triggerConfigurations',
  'autoRollbackConfiguration',
  'alarmConfiguration',
  'loadBalancerInfo',
  'ecsServices',
  'blueGreenDeploymentConfiguration',
  'concurrencyPolicy',
] as const satisfies readonly (keyof DeploymentGroup)[];

/** What a request sets; deploymentStyle is not among them, as it follows from the platform and loadBalancerInfo. */
export type GroupSettingChanges = Omit<GroupSettingsInput, 'deploymentStyle'>;

/** CodeDeploy's deploymentStyle of Server groups and deployments: in place. */
export interface InPlaceStyle {
  readonly deploymentType: 'IN_PLACE';
  readonly deploymentOption: 'WITH_TRAFFIC_CONTROL' | 'WITHOUT_TRAFFIC_CONTROL';
}

/** CodeDeploy's deploymentStyle of every Lambda and ECS group and deployment: traffic shifts from the old to the new. */
export const BLUE_GREEN_STYLE = { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' } as const;

export type DeploymentStyle = InPlaceStyle | typeof BLUE_GREEN_STYLE;

/** What a group of each platform deploys to, for telling a request why a setting does not fit its group. */
const DEPLOYS_TO: Readonly<Record<ComputePlatform, string>> = {
  Server: 'a Server deployment group deploys to hosts, in place',
  Lambda: "a Lambda deployment group has no hosts (its deployments' appspecs name the function alias to shift)",
  ECS: 'an ECS deployment group deploys to the service in ecsServices, behind the target groups of loadBalancerInfo.targetGroupPairInfoList',
};

interface PlatformSetting {
  /** The field a refusal names, dotted. */
  readonly field: string;
  readonly platform: ComputePlatform;
  readonly value: (group: DeploymentGroup) => unknown;
}

/** Settings only the groups of one platform take. */
const PLATFORM_SETTINGS: readonly PlatformSetting[] = [
  ...SELECTOR_FIELDS.map((field): PlatformSetting => ({ field, platform: 'Server', value: (group) => group[field] })),
  { field: 'loadBalancerInfo.targetGroupInfoList', platform: 'Server', value: (group) => group.loadBalancerInfo?.targetGroupInfoList },
  { field: 'loadBalancerInfo.elbInfoList', platform: 'Server', value: (group) => group.loadBalancerInfo?.elbInfoList },
  { field: 'loadBalancerInfo.targetGroupPairInfoList', platform: 'ECS', value: (group) => group.loadBalancerInfo?.targetGroupPairInfoList },
  { field: 'ecsServices', platform: 'ECS', value: (group) => group.ecsServices },
  { field: 'blueGreenDeploymentConfiguration', platform: 'ECS', value: (group) => group.blueGreenDeploymentConfiguration },
];

/** Why Lambda and ECS groups are always BLUE_GREEN with traffic control. */
const BLUE_GREEN_REASONS: Readonly<Record<Exclude<ComputePlatform, 'Server'>, { readonly type: string; readonly option: string }>> = {
  Lambda: { type: 'traffic shifts between two versions of the function', option: 'its alias always routes the traffic' },
  ECS: { type: 'traffic shifts from the original task set to a replacement', option: 'its listeners always route the traffic' },
};

/** The config a group of the platform gets when the request names none (CodeDeploy's defaults). */
export function defaultConfigName(platform: ComputePlatform): string {
  return platform === 'Server' ? DEFAULT_SERVER_CONFIG_NAME : DEFAULT_TRAFFIC_CONFIG_NAMES[platform];
}

/**
 * Refuses a config that does not exist (404) or belongs to another platform (400 on deploymentConfigName): a Lambda
 * or ECS group or deployment needs a traffic config of its own platform, a Server one a Server config. Custom configs
 * are looked up here with the predefined ones, so a custom config of the wrong platform is named as such rather than
 * reported missing.
 */
export async function checkConfigPlatform(store: Store, platform: ComputePlatform, deploymentConfigName: string): Promise<void> {
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
  const problems = [...foreignSettingProblems(group), ...platformProblems(group, style, naming)];
  if (problems.length > 0) throw new ValidationError(problems);
}

function platformProblems(group: DeploymentGroup, style: DeploymentStyleInput | undefined, naming: ApiContext['hostNaming']): FieldProblem[] {
  switch (group.computePlatform) {
    case 'Server':
      return serverProblems(group, style, naming);
    case 'Lambda':
      return blueGreenStyleProblems('Lambda', style);
    case 'ECS':
      return [...ecsProblems(group), ...blueGreenStyleProblems('ECS', style)];
  }
}

// An empty list or object was cleared by applySettings, or is one of loadBalancerInfo's lists sent empty: either way none.
function foreignSettingProblems(group: DeploymentGroup): FieldProblem[] {
  return PLATFORM_SETTINGS.filter(({ platform, value }) => {
    const setting = value(group);
    return platform !== group.computePlatform && setting !== undefined && !isEmptySetting(setting);
  })
    .map(({ field, platform }) => ({ field, message: `applies to ${platform} deployment groups only; ${DEPLOYS_TO[group.computePlatform]}` }));
}

function serverProblems(group: DeploymentGroup, style: DeploymentStyleInput | undefined, naming: ApiContext['hostNaming']): FieldProblem[] {
  const problems = [...hostNameProblems(group.instanceNames ?? [], naming), ...tagCombinationProblems(group), ...trafficProblems(group, style)];
  if (!hasTargetSelector(group)) {
    problems.push({ field: 'body', message: `the group would select no hosts: set at least one of ${SELECTOR_FIELDS.join(', ')}` });
  }
  return problems;
}

// The engine deploys one service behind one target group pair; the schema lets through at most one of each.
function ecsProblems(group: DeploymentGroup): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if ((group.ecsServices?.length ?? 0) === 0) {
    problems.push({ field: 'ecsServices', message: 'is required for an ECS deployment group: the one service [{serviceName, clusterName}] it deploys' });
  }
  if ((group.loadBalancerInfo?.targetGroupPairInfoList?.length ?? 0) === 0) {
    const message =
      'is required for an ECS deployment group: one pair [{targetGroups, prodTrafficRoute, testTrafficRoute?}] whose two target groups the task sets alternate between';
    problems.push({ field: 'loadBalancerInfo.targetGroupPairInfoList', message });
  }
  return problems;
}

// The function alias (Lambda) or the listeners (ECS) route the traffic: there is no other style.
function blueGreenStyleProblems(platform: keyof typeof BLUE_GREEN_REASONS, style: DeploymentStyleInput | undefined): FieldProblem[] {
  const reasons = BLUE_GREEN_REASONS[platform];
  const problems: FieldProblem[] = [];
  if (style?.deploymentType === 'IN_PLACE') {
    problems.push({ field: 'deploymentStyle.deploymentType', message: `must be BLUE_GREEN for a ${platform} deployment group: ${reasons.type}` });
  }
  if (style?.deploymentOption === 'WITHOUT_TRAFFIC_CONTROL') {
    problems.push({ field: 'deploymentStyle.deploymentOption', message: `must be WITH_TRAFFIC_CONTROL for a ${platform} deployment group: ${reasons.option}` });
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
