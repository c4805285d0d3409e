// `cutover local deploy` creates the application and the group on first use, and keeps the group's hosts and
// config in line with the flags on later runs, so one command is enough to try Cutover.
import { newGroupId } from '../../functions/core/deployment-ids';
import type { DeploymentGroup } from '../../functions/core/types';
import type { Store } from '../../functions/ports';
import { resolveDeploymentConfig } from '../../functions/steps/deployment-config-lookup';

export interface LocalGroupRequest {
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  /** Host names; undefined keeps the group's hosts (or the default on first use). */
  readonly hosts?: readonly string[];
  readonly defaultHosts: readonly string[];
  /** Becomes the group's config only when the group is created. */
  readonly deploymentConfigName?: string;
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
    if (!request.hosts) return existing;
    const updated = { ...existing, instanceNames: [...request.hosts] };
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
  };
  await store.putDeploymentGroup(group);
  return group;
}

/** `--hosts N` → host-1 … host-N. */
export function numberedHosts(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `host-${i + 1}`);
}
