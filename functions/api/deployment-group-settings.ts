// A deployment group's settings as a request changes them, and the rules the group as a whole must keep: it selects
// some hosts, named the way the runtime names them; tag filters or tag sets, not both; traffic control exactly when
// it names load balancers. Create and update check the group they would store, so an update cannot break a rule.
import { type FieldProblem, ValidationError } from '../core/errors';
import { shown } from '../core/input-messages';
import { hasTargetSelector, INSTANCE_ID_PATTERN, SELECTOR_FIELDS, targetSelectorProblems } from '../core/target-selection';
import type { DeploymentGroup } from '../core/types';
import type { ApiContext } from './api-context';
import type { DeploymentStyleInput, GroupSettingsInput } from './deployment-group-schemas';
import { hasLoadBalancer } from '../core/lifecycle-order';

const SETTING_FIELDS = [
  ...SELECTOR_FIELDS,
  'deploymentConfigName',
  'serviceRoleArn',
  'triggerConfigurations',
  'autoRollbackConfiguration',
  'loadBalancerInfo',
] as const satisfies readonly (keyof DeploymentGroup)[];

/** What a request sets; deploymentStyle is not among them, as it follows from loadBalancerInfo. */
export type GroupSettingChanges = Omit<GroupSettingsInput, 'deploymentStyle'>;

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

/** Cutover deploys in place, with traffic control exactly when the group (or a deployment of it) names load balancers. */
export function deploymentStyleOf(group: Pick<DeploymentGroup, 'loadBalancerInfo'>): {
  readonly deploymentType: 'IN_PLACE';
  readonly deploymentOption: 'WITH_TRAFFIC_CONTROL' | 'WITHOUT_TRAFFIC_CONTROL';
} {
  return { deploymentType: 'IN_PLACE', deploymentOption: hasLoadBalancer(group) ? 'WITH_TRAFFIC_CONTROL' : 'WITHOUT_TRAFFIC_CONTROL' };
}

/** ValidationError with every rule `group` breaks; `style` is the request's deploymentStyle, if it sent one. */
export function assertValidSettings(
  group: DeploymentGroup,
  style: DeploymentStyleInput | undefined,
  naming: ApiContext['hostNaming'],
): void {
  const problems = [...hostNameProblems(group.instanceNames ?? [], naming), ...tagCombinationProblems(group), ...trafficProblems(group, style)];
  if (!hasTargetSelector(group)) {
    problems.push({ field: 'body', message: `the group would select no hosts: set at least one of ${SELECTOR_FIELDS.join(', ')}` });
  }
  if (problems.length > 0) throw new ValidationError(problems);
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
