// The explicit host list of a deployment group: all the embedded runtime resolves (its hosts are folders, with no
// tags). On AWS, functions/aws/aws-target-directory.ts adds tags and Auto Scaling groups to it.
import type { DeploymentGroup } from './types';

export function explicitInstances(group: DeploymentGroup): string[] {
  return [...(group.instanceNames ?? [])];
}
