// The scheduled backstop of lock recovery. A lock left by a dead execution is recovered by the next request for its
// group, but a group nobody deploys to again would keep it (and its deployment would stay InProgress) for good. The
// sweep walks every deployment group, recovers what it finds, and starts the first of a queue left waiting by a crash;
// it also finds the locks and queues of groups deleted by hand, through the deployments still active in them, since
// the group walk can no longer reach them, and, in the same read, Queued deployments whose admission died between
// writing the record and its queue entry, which no queue read would ever find.
import type { Deployment, DeploymentGroup } from '../core/types';
import type { Page, PageRequest, StepDependencies } from '../ports';
import { startNext } from './deployment-queue';
import { LOCK_START_GRACE_MS, type LockedGroup, recoverLock } from './lock-recovery';

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
  /** Queued deployments found without their queue entry (their admission died in between): queued again. */
  readonly requeued: string[];
  /** Deployments whose finish step failed for good during recovery, so they were failed as abandoned instead. */
  readonly finishFailures: { readonly deploymentId: string; readonly error: string }[];
  /** Groups the sweep could not recover (a store fault, say); the next sweep tries them again. */
  readonly errors: { readonly applicationName: string; readonly deploymentGroupName: string; readonly error: string }[];
}

type SweepTally = { -readonly [K in keyof LockSweepSummary]: LockSweepSummary[K] };

/** Recovers every abandoned lock. One group's trouble never stops the others. */
export async function sweepLocks(deps: StepDependencies): Promise<LockSweepSummary> {
  const summary: SweepTally = { groupsChecked: 0, recovered: [], requeued: [], finishFailures: [], errors: [] };
  for await (const group of everyGroup(deps)) {
    await sweepGroup(deps, group, summary);
  }
  const active = await activeDeployments(deps);
  for (const group of active.deletedGroups) {
    await sweepGroup(deps, group, summary);
  }
  for (const waiting of active.queued.values()) {
    await requeueUnqueued(deps, waiting, summary);
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
 * One read of the deployments still active, each group looked up once:
 * - groups deleted (or deleted and created again, under a new id) while a deployment was active or waiting in them: the
 *   group walk cannot see their locks and queues, which are keyed by the old id. Only a deployment the lock still
 *   names is recovered; the waiting ones fail, one after the other, as the queue reaches them (startHead).
 * - Queued deployments older than the start grace, whose queue entry may be missing (in a deleted group, the entry
 *   written again makes the queue fail them).
 */
async function activeDeployments(deps: StepDependencies): Promise<{ deletedGroups: LockedGroup[]; queued: Map<string, Deployment[]> }> {
  const now = deps.clock().getTime();
  const createdFrom = new Date(now - DELETED_GROUP_LOOKBACK_MS).toISOString();
  const live = new Map<string, boolean>();
  const deletedGroups = new Map<string, LockedGroup>();
  const queued = new Map<string, Deployment[]>();
  for await (const deployment of allPages((page) => deps.store.listDeploymentsPage({ statuses: ['Created', 'Queued', 'InProgress'], createdFrom }, page))) {
    const { deploymentGroupId } = deployment;
    let exists = live.get(deploymentGroupId);
    if (exists === undefined) {
      const group = await deps.store.getDeploymentGroup(deployment.applicationName, deployment.deploymentGroupName);
      exists = group?.deploymentGroupId === deploymentGroupId;
      live.set(deploymentGroupId, exists);
    }
    if (!exists && !deletedGroups.has(deploymentGroupId)) {
      deletedGroups.set(deploymentGroupId, { applicationName: deployment.applicationName, deploymentGroupName: deployment.deploymentGroupName, deploymentGroupId });
    }
    if (deployment.status === 'Queued' && now - Date.parse(deployment.createTime) >= LOCK_START_GRACE_MS) {
      const waiting = queued.get(deploymentGroupId) ?? [];
      waiting.push(deployment);
      queued.set(deploymentGroupId, waiting);
    }
  }
  return { deletedGroups: [...deletedGroups.values()], queued };
}

/**
 * A Queued deployment's entry is written right after its record, and goes only once it has left Queued: one still
 * Queued without it, past the start grace, lost it to an admission that died in between, and would wait forever. Its
 * entry is written again, in its own place, and the queue moves on. One read of the group's queue for all of them;
 * writing an entry that is there changes nothing.
 */
async function requeueUnqueued(deps: StepDependencies, waiting: readonly Deployment[], summary: SweepTally): Promise<void> {
  const [first] = waiting;
  if (first === undefined) return;
  try {
    const entered = new Set((await deps.store.listQueue(first.deploymentGroupId)).map((entry) => entry.deploymentId));
    let requeued = false;
    for (const { deploymentId } of waiting) {
      if (entered.has(deploymentId)) continue;
      const deployment = await deps.store.getDeployment(deploymentId);
      if (deployment?.status !== 'Queued' || deployment.queuePosition === undefined) continue;
      const { deploymentGroupId, queuePosition, createTime } = deployment;
      await deps.store.enqueue({ deploymentGroupId, deploymentId, queuePosition, queuedAt: createTime });
      summary.requeued.push(deploymentId);
      requeued = true;
    }
    if (requeued) await startNext(deps, first);
  } catch (error) {
    summary.errors.push({
      applicationName: first.applicationName,
      deploymentGroupName: first.deploymentGroupName,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }
}
