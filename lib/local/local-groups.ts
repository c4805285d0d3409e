// `cutover local deploy` creates the application and the group on first use, and keeps the group's hosts and
// config in line with the flags on later runs, so one command is enough to try Cutover.
import { newGroupId } from '../../functions/core/deployment-ids';
import type { DeploymentGroup } from '../../functions/core/types';
import type { Store } from '../../functions/ports';
import { resolveDeploymentConfig } from '../../functions/steps/deployment-config-lookup';
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
}

export async function ensureLocalGroup(store: Store, request: LocalGroupRequest, now: Date): Promise<DeploymentGroup> {
  await store.createApplication({
    applicationId: newGroupId(),
    applicationName: request.applicationName,
    computePlatform: 'Server',
    createTime: now.toISOString(),
  });
  const existing = await store.getDeploymentGroup(request.applicationName, request.deploymentGroupName);
  if (existing) {
    if (!request.hosts && !request.loadBalancers) return existing;
    const updated: DeploymentGroup = {
      ...existing,
      ...(request.hosts ? { instanceNames: [...request.hosts] } : {}),
      ...(request.loadBalancers ? { loadBalancerInfo: loadBalancerInfo(request.loadBalancers) } : {}),
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
