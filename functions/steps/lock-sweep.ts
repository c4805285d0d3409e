// The scheduled backstop of lock recovery. A lock left by a dead execution is recovered by the next request for its
// group, but a group nobody deploys to again would keep it (and its deployment would stay InProgress) for good. The
// sweep walks every deployment group, recovers what it finds, and starts the first of a queue left waiting by a crash;
// it also finds the locks and queues of groups deleted by hand, through the deployments still active in them, since
// the group walk can no longer reach them.
import type { DeploymentGroup } from '../core/types';
import type { Page, PageRequest, StepDependencies } from '../ports';
import { startNext } from './deployment-queue';
import { type LockedGroup, recoverLock } from './lock-recovery';

/**
 * How far back the sweep looks for deployments of deleted groups: longer than any deployment may run (CodeDeploy's
 * longest, EC2 blue/green, is 109 hours), so the read stays bounded as history grows.
 */
export const DELETED_GROUP_LOOKBACK_MS = 7 * 24 * 60 * 60 * 1000;

export interface LockSweepSummary {
  /** Deployment groups whose lock was looked at. */
  readonly groupsChecked: number;
  /** Deployments whose abandoned lock was recovered: finished on their behalf, failed, freed, or started. */
  readonly recovered: string[];
  /** Deployments whose finish step failed for good during recovery, so they were failed as abandoned instead. */
  readonly finishFailures: { readonly deploymentId: string; readonly error: string }[];
  /** Groups the sweep could not recover (a store fault, say); the next sweep tries them again. */
  readonly errors: { readonly applicationName: string; readonly deploymentGroupName: string; readonly error: string }[];
}

type SweepTally = { -readonly [K in keyof LockSweepSummary]: LockSweepSummary[K] };

/** Recovers every abandoned lock. One group's trouble never stops the others. */
export async function sweepLocks(deps: StepDependencies): Promise<LockSweepSummary> {
  const summary: SweepTally = { groupsChecked: 0, recovered: [], finishFailures: [], errors: [] };
  for await (const group of everyGroup(deps)) {
    await sweepGroup(deps, group, summary);
  }
  for (const group of await deletedGroupsWithActiveDeployments(deps)) {
    await sweepGroup(deps, group, summary);
  }
  return summary;
}

async function sweepGroup(deps: StepDependencies, group: LockedGroup, summary: SweepTally): Promise<void> {
  summary.groupsChecked += 1;
  try {
    const outcome = await recoverLock(deps, group);
    if (outcome.kind === 'alive') return;
    if (outcome.kind !== 'free') summary.recovered.push(outcome.deploymentId);
    if (outcome.kind === 'failed') summary.finishFailures.push({ deploymentId: outcome.deploymentId, error: outcome.error });
    // A group left free with deployments waiting (its holder died, or a crash came between a release and the start of
    // the next): the first of its queue starts. startNextQueued, for a group that may be gone: only its id and name.
    if (outcome.kind !== 'started') await startNext(deps, group);
  } catch (error) {
    summary.errors.push({
      applicationName: group.applicationName,
      deploymentGroupName: group.deploymentGroupName,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }
}

async function* everyGroup(deps: StepDependencies): AsyncGenerator<DeploymentGroup> {
  for await (const application of allPages((page) => deps.store.listApplications(page))) {
    yield* allPages((page) => deps.store.listDeploymentGroups(application.applicationName, page));
  }
}

async function* allPages<T>(list: (page: PageRequest) => Promise<Page<T>>): AsyncGenerator<T> {
  let nextToken: string | undefined;
  do {
    const page = await list({ nextToken });
    yield* page.items;
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
}

/**
 * Groups deleted (or deleted and created again, under a new id) while a deployment was active or waiting in them: the
 * group walk cannot see their locks and queues, which are keyed by the old id. Only a deployment the lock still names
 * is recovered; a waiting one starts, and its first step fails it for the missing group.
 */
async function deletedGroupsWithActiveDeployments(deps: StepDependencies): Promise<LockedGroup[]> {
  const createdFrom = new Date(deps.clock().getTime() - DELETED_GROUP_LOOKBACK_MS).toISOString();
  const found = new Map<string, LockedGroup>();
  for await (const deployment of allPages((page) => deps.store.listDeploymentsPage({ statuses: ['Created', 'Queued', 'InProgress'], createdFrom }, page))) {
    if (found.has(deployment.deploymentGroupId)) continue;
    const group = await deps.store.getDeploymentGroup(deployment.applicationName, deployment.deploymentGroupName);
    if (group?.deploymentGroupId === deployment.deploymentGroupId) continue;
    found.set(deployment.deploymentGroupId, {
      applicationName: deployment.applicationName,
      deploymentGroupName: deployment.deploymentGroupName,
      deploymentGroupId: deployment.deploymentGroupId,
    });
  }
  return [...found.values()];
}
