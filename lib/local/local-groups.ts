// `cutover local deploy` creates the application and the group on first use, and keeps the group's hosts and
// config in line with the flags on later runs, so one command is enough to try Cutover.
import { newGroupId } from '../../functions/core/deployment-ids';
import type { AlarmConfiguration, ComputePlatform, DeploymentGroup, TargetGroupPairInfo } from '../../functions/core/types';
import type { Store } from '../../functions/ports';
import { ValidationError } from '../../functions/core/errors';
import { resolveDeploymentConfig, resolveTrafficConfig } from '../../functions/steps/deployment-config-lookup';
import { DEFAULT_TRAFFIC_CONFIG_NAMES } from '../../functions/steps/traffic/create-traffic-deployment';
import { balancerNames } from './local-load-balancers';

export interface LocalGroupRequest {
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  /** Host names; undefined keeps the group's hosts (or the default on first use). */
  readonly hosts?: readonly string[];
  readonly defaultHosts: readonly string[];
  /** Becomes the group's config only when the group is created. */
  readonly deploymentConfigName?: string;
  /** Target groups the hosts sit behind; undefined keeps the group's (none on first use). */
  readonly loadBalancers?: readonly string[];
  /** CloudWatch alarm names (simulated) the group watches; undefined keeps the group's (none on first use). */
  readonly alarms?: readonly string[];
}

export async function ensureLocalGroup(store: Store, request: LocalGroupRequest, now: Date): Promise<DeploymentGroup> {
  await ensureApplication(store, request.applicationName, 'Server', now);
  const existing = await store.getDeploymentGroup(request.applicationName, request.deploymentGroupName);
  if (existing) {
    if (!request.hosts && !request.loadBalancers && !request.alarms) return existing;
    const updated: DeploymentGroup = {
      ...existing,
      ...(request.hosts ? { instanceNames: [...request.hosts] } : {}),
      ...(request.loadBalancers ? { loadBalancerInfo: loadBalancerInfo(request.loadBalancers) } : {}),
      ...(request.alarms ? { alarmConfiguration: alarmConfigurationOf(request.alarms) } : {}),
    };
    await store.putDeploymentGroup(updated);
    return updated;
  }
  const deploymentConfigName = request.deploymentConfigName ?? 'CodeDeployDefault.OneAtATime';
  await resolveDeploymentConfig(store, deploymentConfigName);
  const group: DeploymentGroup = {
    applicationName: request.applicationName,
    deploymentGroupName: request.deploymentGroupName,
    deploymentGroupId: newGroupId(),
    deploymentConfigName,
    computePlatform: 'Server',
    instanceNames: [...(request.hosts ?? request.defaultHosts)],
    loadBalancerInfo: request.loadBalancers ? loadBalancerInfo(request.loadBalancers) : undefined,
    alarmConfiguration: request.alarms && alarmConfigurationOf(request.alarms),
  };
  await store.putDeploymentGroup(group);
  return group;
}

function loadBalancerInfo(names: readonly string[]): DeploymentGroup['loadBalancerInfo'] {
  const info = { targetGroupInfoList: names.map((name) => ({ name })) };
  balancerNames(info); // names become file names: refuse unusable ones before anything is written
  return info;
}

/** `--hosts N` → host-1 … host-N. */
export function numberedHosts(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `host-${i + 1}`);
}

export interface LocalLambdaGroupRequest {
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  /** Becomes the group's config only when the group is created. */
  readonly deploymentConfigName?: string;
  /** CloudWatch alarm names (simulated) the group watches; undefined keeps the group's. */
  readonly alarms?: readonly string[];
}

/** The Lambda counterpart of ensureLocalGroup: a Lambda application and group, made on first use. */
export async function ensureLocalLambdaGroup(store: Store, request: LocalLambdaGroupRequest, now: Date): Promise<DeploymentGroup> {
  await ensureApplication(store, request.applicationName, 'Lambda', now);
  const existing = await store.getDeploymentGroup(request.applicationName, request.deploymentGroupName);
  if (existing) {
    if (!request.alarms) return existing;
    const updated: DeploymentGroup = { ...existing, alarmConfiguration: alarmConfigurationOf(request.alarms) };
    await store.putDeploymentGroup(updated);
    return updated;
  }
  const group = await newTrafficGroup(store, request, 'Lambda');
  await store.putDeploymentGroup(group);
  return group;
}

export interface LocalEcsGroupRequest {
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly service: { readonly clusterName: string; readonly serviceName: string };
  readonly targetGroupPair: TargetGroupPairInfo;
  /** Becomes the group's config only when the group is created. */
  readonly deploymentConfigName?: string;
  readonly terminationWaitMinutes?: number;
  /** CloudWatch alarm names (simulated) the group watches. This and the settings above count when it is created only. */
  readonly alarms?: readonly string[];
}

/** The ECS counterpart of ensureLocalGroup: an ECS application and group, made on first use. */
export async function ensureLocalEcsGroup(store: Store, request: LocalEcsGroupRequest, now: Date): Promise<DeploymentGroup> {
  await ensureApplication(store, request.applicationName, 'ECS', now);
  const existing = await store.getDeploymentGroup(request.applicationName, request.deploymentGroupName);
  if (existing) return existing;
  const group: DeploymentGroup = {
    ...(await newTrafficGroup(store, request, 'ECS')),
    ecsServices: [request.service],
    loadBalancerInfo: { targetGroupPairInfoList: [request.targetGroupPair] },
    blueGreenDeploymentConfiguration: {
      terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: request.terminationWaitMinutes ?? 0 },
    },
  };
  await store.putDeploymentGroup(group);
  return group;
}

/** A new Lambda or ECS group: the config named (checked to be one of the platform's) or the platform's default. */
async function newTrafficGroup(
  store: Store,
  request: Pick<LocalLambdaGroupRequest, 'applicationName' | 'deploymentGroupName' | 'deploymentConfigName' | 'alarms'>,
  platform: 'Lambda' | 'ECS',
): Promise<DeploymentGroup> {
  const deploymentConfigName = request.deploymentConfigName ?? DEFAULT_TRAFFIC_CONFIG_NAMES[platform];
  await resolveTrafficConfig(store, deploymentConfigName, platform);
  return {
    applicationName: request.applicationName,
    deploymentGroupName: request.deploymentGroupName,
    deploymentGroupId: newGroupId(),
    deploymentConfigName,
    computePlatform: platform,
    alarmConfiguration: request.alarms && alarmConfigurationOf(request.alarms),
  };
}

function alarmConfigurationOf(alarms: readonly string[]): AlarmConfiguration {
  return { enabled: alarms.length > 0, alarms: alarms.map((name) => ({ name })) };
}

/**
 * What ensureLocalLambdaGroup or ensureLocalEcsGroup would refuse, checked without writing anything: an application
 * of another platform, a config that is not one of the platform's.
 */
export async function checkLocalTrafficGroup(
  store: Store,
  request: Pick<LocalLambdaGroupRequest, 'applicationName' | 'deploymentConfigName'>,
  platform: 'Lambda' | 'ECS',
): Promise<void> {
  const application = await store.getApplication(request.applicationName);
  if (application && application.computePlatform !== platform) throw otherPlatform(request.applicationName, application.computePlatform, platform);
  if (request.deploymentConfigName !== undefined) await resolveTrafficConfig(store, request.deploymentConfigName, platform);
}

function otherPlatform(applicationName: string, actual: ComputePlatform, wanted: ComputePlatform): ValidationError {
  return new ValidationError([
    { field: 'applicationName', message: `application ${applicationName} deploys to ${actual}, not ${wanted}; name another with --application` },
  ]);
}

/** The application, made on first use; one of another platform is refused, as its groups could not serve. */
async function ensureApplication(store: Store, applicationName: string, platform: ComputePlatform, now: Date): Promise<void> {
  const application = await store.createApplication({ applicationId: newGroupId(), applicationName, computePlatform: platform, createTime: now.toISOString() });
  if (application.computePlatform !== platform) throw otherPlatform(applicationName, application.computePlatform, platform);
}
