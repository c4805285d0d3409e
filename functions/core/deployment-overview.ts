// deploymentOverview: how many targets of a deployment are in each status, as CodeDeploy reports it (spec §6.1).
import type { DeploymentOverview, TargetStatus } from './types';

/** Counts targets per status. Unknown has no counter in CodeDeploy's overview, so those targets count nowhere. */
export function deploymentOverview(targets: readonly { status: TargetStatus }[]): DeploymentOverview {
  const overview: DeploymentOverview = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };
  for (const { status } of targets) {
    if (status !== 'Unknown') overview[status] += 1;
  }
  return overview;
}
