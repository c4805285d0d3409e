// Which hosts go in the next batch, and when a deployment is over: CodeDeploy's minimum-healthy-hosts rules for
// in-place Server deployments (spec §2.3, reference algorithm), applied between batches.
import { isOneAtATime, minimumHealthyCount } from './deployment-configs';
import type { DeploymentConfig, TargetStatus } from './types';

export type RevisionHealth = 'Unknown' | 'Old' | 'Current';

export interface OrderableTarget {
  targetId: string;
  initiallyHealthy: boolean;
  revisionHealth: RevisionHealth;
}

const REVISION_RANK: Readonly<Record<RevisionHealth, number>> = { Unknown: 0, Old: 1, Current: 2 };
// A fixed locale keeps the order the same on every machine; numeric so host-2 comes before host-10.
const ID_COLLATOR = new Intl.Collator('en', { numeric: true });

function compareIds(a: string, b: string): number {
  // The collator calls 'host-1' and 'host-01' equal; code units then break the tie so the order is total.
  return ID_COLLATOR.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Deployment order (spec §2.3): unhealthy hosts first, then revision health Unknown, Old, Current; then by id. */
export function orderTargets<T extends OrderableTarget>(targets: readonly T[]): T[] {
  return [...targets].sort(
    (a, b) =>
      Number(a.initiallyHealthy) - Number(b.initiallyHealthy) ||
      REVISION_RANK[a.revisionHealth] - REVISION_RANK[b.revisionHealth] ||
      compareIds(a.targetId, b.targetId),
  );
}

/** A target as planning sees it, in deployment order. */
export interface PlanningTarget {
  targetId: string;
  status: TargetStatus;
  initiallyHealthy: boolean;
}

export type StartCheck =
  | { ok: true; minimumHealthy: number }
  | { ok: false; code: 'NO_INSTANCES' | 'HEALTH_CONSTRAINTS_INVALID'; message: string };

export type Outcome =
  | { status: 'Succeeded' }
  | { status: 'Failed'; code: 'HEALTH_CONSTRAINTS'; message: string; skipTargetIds: string[] };

export type BatchPlan = { kind: 'batch'; targetIds: string[] } | { kind: 'finished'; outcome: Outcome };

// CodeDeploy's wording for HEALTH_CONSTRAINTS, which users search for.
export const HEALTH_CONSTRAINTS_MESSAGE =
  'The overall deployment failed because too many individual instances failed deployment, too few healthy ' +
  'instances are available for deployment, or some instances in your deployment group are experiencing problems.';

/**
 * Whether a deployment may start. Only M ≥ N is refused: a group that already has fewer than M healthy hosts may
 * start, and planning then never takes a healthy host offline (spec §2.3, exception). OneAtATime always has M = N-1.
 */
export function checkStart(config: DeploymentConfig, targets: readonly PlanningTarget[]): StartCheck {
  const hostCount = targets.length;
  if (hostCount === 0) {
    return {
      ok: false,
      code: 'NO_INSTANCES',
      message: 'The deployment failed because no instances were found for your deployment group.',
    };
  }
  const minimumHealthy = minimumHealthyCount(config, hostCount);
  if (minimumHealthy >= hostCount && !isOneAtATime(config)) {
    return {
      ok: false,
      code: 'HEALTH_CONSTRAINTS_INVALID',
      message:
        `The deployment failed because the minimum number of healthy instances (${minimumHealthy}) required by ` +
        `deployment config '${config.deploymentConfigName}' is not available: the deployment has ${hostCount} ` +
        `instance${hostCount === 1 ? '' : 's'}, and at least one must be taken offline. Lower the minimum healthy ` +
        'hosts of the deployment config or add instances to the deployment group.',
    };
  }
  return { ok: true, minimumHealthy };
}

/** Hosts serving traffic right now: done with success, or untouched and healthy when the deployment began. */
function isHealthyNow(target: PlanningTarget): boolean {
  switch (target.status) {
    case 'Succeeded':
    case 'Ready':
      return true;
    case 'Pending':
    case 'Skipped':
    case 'Unknown':
      return target.initiallyHealthy;
    case 'Failed':
    case 'InProgress':
      return false;
  }
}

function failed(skipTargetIds: string[]): BatchPlan {
  return {
    kind: 'finished',
    outcome: { status: 'Failed', code: 'HEALTH_CONSTRAINTS', message: HEALTH_CONSTRAINTS_MESSAGE, skipTargetIds },
  };
}

/**
 * The next batch, or the outcome once nothing more may run. Call between batches (no target InProgress).
 * slots = healthy hosts − M: each initially healthy host in the batch takes one slot; initially unhealthy hosts
 * are taken freely, since deploying to them cannot lower the healthy count. OneAtATime runs exactly one host per
 * batch and stops at any failure; the last host's failure is allowed by the success rule, succeeded ≥ max(M, 1).
 */
export function planNextBatch(config: DeploymentConfig, targets: readonly PlanningTarget[]): BatchPlan {
  const inProgress = targets.filter((target) => target.status === 'InProgress').map((target) => target.targetId);
  if (inProgress.length > 0) {
    throw new Error(`planNextBatch runs between batches, but targets are still InProgress: ${inProgress.join(', ')}`);
  }
  const minimumHealthy = minimumHealthyCount(config, targets.length);
  const pending = targets.filter((target) => target.status === 'Pending');

  if (pending.length === 0) {
    const succeeded = targets.filter((target) => target.status === 'Succeeded').length;
    if (succeeded < Math.max(minimumHealthy, 1)) return failed([]);
    return { kind: 'finished', outcome: { status: 'Succeeded' } };
  }

  const pendingIds = pending.map((target) => target.targetId);
  const oneAtATime = isOneAtATime(config);
  // OneAtATime "fails at the first failure": that host was not the last, since hosts remain Pending.
  if (oneAtATime && targets.some((target) => target.status === 'Failed')) return failed(pendingIds);

  const maxBatchSize = oneAtATime ? 1 : pending.length;
  let slots = targets.filter(isHealthyNow).length - minimumHealthy;
  const batch: string[] = [];
  for (const target of pending) {
    if (batch.length === maxBatchSize) break;
    if (!target.initiallyHealthy) {
      batch.push(target.targetId);
    } else if (slots > 0) {
      batch.push(target.targetId);
      slots -= 1;
    }
  }
  return batch.length > 0 ? { kind: 'batch', targetIds: batch } : failed(pendingIds);
}
