// The explicit host list of a deployment group, the only target selector so far (tags and Auto Scaling groups
// come with the AWS target adapters). Both runtimes resolve targets through it.
import type { DeploymentGroup } from './types';

export function explicitInstances(group: DeploymentGroup): string[] {
  return [...(group.instanceNames ?? [])];
}
