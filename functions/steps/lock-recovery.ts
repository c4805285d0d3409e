// A group lock outlives its deployment when the execution that held it ended without finishing (a killed CLI, an
// execution that crashed, timed out or was stopped from the console, a finish step that failed for good). The next
// request for the group, and the scheduled sweep, recognise such a lock and finish the deployment's job on its behalf
// with the platform's own finish step: the terminal status written once, targets and hooks closed, traffic given back,
// the group's outcome recorded, the rollback its policy asks for started (the lock handed to it) or the lock released.
// If even that fails for good, the deployment is failed as abandoned and the lock freed: no group stays blocked.
import { deploymentOverview } from '../core/deployment-overview';
import { ConflictError, isTransientError } from '../core/errors';
import { EXECUTION_ABANDONED } from '../core/failure-codes';
import { TERMINAL_DEPLOYMENT_STATUSES, type Deployment, type DeploymentGroup } from '../core/types';
import type { GroupLock, StepDependencies } from '../ports';
import { resumeQueuedHolder } from './deployment-queue';
import { finishDeployment } from './finish-deployment';
import { closeOutTargets } from './target-updates';
import { finishTrafficDeployment } from './traffic/finish-traffic-deployment';

/**
 * How long a lock may have no execution before it counts as abandoned: the time between taking the lock and the
 * execution's first step, which is seconds when all is well.
 */
export const LOCK_START_GRACE_MS = 5 * 60 * 1000;

/** CodeDeploy's limit on errorInformation.message, as errorInformationFromFailure keeps it. */
const MAX_MESSAGE = 1024;

/** What recovery needs of a group: its lock's key, and its name for messages (a group deleted by hand has no more). */
export type LockedGroup = Pick<DeploymentGroup, 'applicationName' | 'deploymentGroupName' | 'deploymentGroupId'>;

/** What recovery found, and did, about a group's lock. */
export type LockRecovery =
  /** No lock, or another deployment's than the one asked about: the caller may try to take it. */
  | { readonly kind: 'free' }
  /** The holder's execution runs, may still start, or the lock moved on to a new execution meanwhile. */
  | { readonly kind: 'alive'; readonly deploymentId: string }
  /** Its finish step ran on its behalf: the lock is released, or handed to the rollback the step started. */
  | { readonly kind: 'finished'; readonly deploymentId: string }
  /** The finish step failed for good (`error`): the deployment was failed as abandoned and the lock freed. */
  | { readonly kind: 'failed'; readonly deploymentId: string; readonly error: string }
  /** The lock named a deployment that was never written (its creator died first): freed. */
  | { readonly kind: 'released'; readonly deploymentId: string }
  /**
   * The holder had the lock but its execution never started: a rollback handed the lock, or the first of the group's
   * queue whose start died half-way. Started now, and the lock names its execution.
   */
  | { readonly kind: 'started'; readonly deploymentId: string };

/** Frees (or hands on) the group if `holderId`'s lock is abandoned; true when the caller should try to take the lock again. */
export async function recoverAbandonedLock(deps: StepDependencies, group: LockedGroup, holderId: string): Promise<boolean> {
  return (await recoverLock(deps, group, holderId)).kind !== 'alive';
}

/** Recovers the group's lock if its holder (`holderId` when given, whoever holds it otherwise) is dead. */
export async function recoverLock(deps: StepDependencies, group: LockedGroup, holderId?: string): Promise<LockRecovery> {
  const lock = await deps.store.getGroupLock(group.deploymentGroupId);
  if (!lock || (holderId !== undefined && lock.deploymentId !== holderId)) return { kind: 'free' };
  const { deploymentId } = lock;
  const holder = await deps.store.getDeployment(deploymentId);
  if (await isAlive(deps, lock, holder)) return { kind: 'alive', deploymentId };
  // Acting only on the execution found dead: a hand-over to a new execution in the meantime means the deployment is
  // alive after all. The finish step releases by deployment id, so this is the last look before it.
  if (!(await stillNames(deps, lock))) return { kind: 'alive', deploymentId };
  if (!holder) {
    const freed = await deps.store.releaseGroupLock(lock.deploymentGroupId, deploymentId, lock.executionArn ?? null);
    return freed ? { kind: 'released', deploymentId } : { kind: 'alive', deploymentId };
  }
  if (holder.status === 'Queued' && holder.queuePosition !== undefined) {
    await resumeQueuedHolder(deps, group, { ...holder, queuePosition: holder.queuePosition });
    return { kind: 'started', deploymentId };
  }
  if (waitsToBeStarted(holder, lock) && (await startNeverRun(deps, holder, lock))) return { kind: 'started', deploymentId };
  return finishOnBehalf(deps, holder, lock);
}

async function isAlive(deps: StepDependencies, lock: GroupLock, holder: Deployment | undefined): Promise<boolean> {
  // Even a finished holder may still be in its finish step (retrying, or handing the lock to a rollback).
  if (lock.executionArn) return deps.executions.isRunning(lock.executionArn);
  if (holder && TERMINAL_DEPLOYMENT_STATUSES.includes(holder.status)) return false;
  return deps.clock().getTime() - Date.parse(lock.acquiredAt) < LOCK_START_GRACE_MS;
}

async function stillNames(deps: StepDependencies, judged: GroupLock): Promise<boolean> {
  const now = await deps.store.getGroupLock(judged.deploymentGroupId);
  return now?.deploymentId === judged.deploymentId && now.executionArn === judged.executionArn;
}

/**
 * A Created holder whose start was owed by someone who died: a finishing deployment hands the lock to its rollback,
 * then starts it; the queue moves its first deployment to Created, then starts it. A deployment created by a request
 * that died before starting it is not restarted minutes later: its user expected it to start at once, so it fails.
 */
function waitsToBeStarted(holder: Deployment, lock: GroupLock): boolean {
  if (holder.status !== 'Created') return false;
  return holder.creator === 'codeDeployRollback' || (holder.queuePosition !== undefined && lock.executionArn === undefined);
}

/**
 * Starting is idempotent by name, so the deployment either starts now or turns out to have run already (its own
 * execution is the dead one the lock names): then it is finished like any other.
 */
async function startNeverRun(deps: StepDependencies, holder: Deployment, lock: GroupLock): Promise<boolean> {
  const { executionArn } = await deps.executions.start(holder);
  if (executionArn === lock.executionArn) return false;
  try {
    await deps.store.setGroupLockExecution(lock.deploymentGroupId, holder.deploymentId, executionArn);
  } catch (error) {
    // Recovered by someone else meanwhile; the execution finds out at its first step.
    if (!(error instanceof ConflictError)) throw error;
  }
  return true;
}

async function finishOnBehalf(deps: StepDependencies, holder: Deployment, lock: GroupLock): Promise<LockRecovery> {
  const { deploymentId } = holder;
  const input = { deploymentId, error: { Error: EXECUTION_ABANDONED, Cause: `${abandonment(lock)}, so lock recovery finished it` } };
  const finish = holder.computePlatform === 'Server' ? finishDeployment : finishTrafficDeployment;
  try {
    try {
      await finish(deps, input);
    } catch (error) {
      // Someone else finishing it at the same time (a concurrent request, the sweep) wrote first. The step is built
      // to be run again, as Step Functions retries it: the second run completes what is left, idempotently.
      if (!(error instanceof ConflictError)) throw error;
      await finish(deps, input);
    }
    return { kind: 'finished', deploymentId };
  } catch (error) {
    // Throttling or a store fault: the caller fails (the API answers 503) and the next request or sweep tries again.
    if (isTransientError(error)) throw error;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await failAbandoned(deps, holder, lock, reason);
    return { kind: 'failed', deploymentId, error: reason };
  }
}

/** Why the holder counts as abandoned, for the message the deployment ends with. */
function abandonment(lock: GroupLock): string {
  const how = lock.executionArn
    ? `its execution ${lock.executionArn} is no longer running (it crashed, timed out or was stopped outside Cutover)`
    : `its execution never started within ${LOCK_START_GRACE_MS / 60_000} minutes of taking the group's lock`;
  return `The deployment was abandoned: ${how}`;
}

/** The fallback when the finish step cannot run: fail the deployment with its targets closed, and free the group. */
async function failAbandoned(deps: StepDependencies, holder: Deployment, lock: GroupLock, reason: string): Promise<void> {
  try {
    // The finish step may have written the status before it failed: then only the lock is left.
    const current = await deps.store.getDeployment(holder.deploymentId);
    if (!current || TERMINAL_DEPLOYMENT_STATUSES.includes(current.status)) return;
    const now = deps.clock().toISOString();
    const targets = closeOutTargets(await deps.store.getTargets(holder.deploymentId), now);
    await deps.store.updateTargets(targets.changed);
    const message = `${abandonment(lock)}, and finishing it failed (${reason}), so lock recovery failed it and freed the group`;
    try {
      const failed = await deps.store.updateDeployment(
        holder.deploymentId,
        {
          status: 'Failed',
          completeTime: now,
          deploymentOverview: deploymentOverview(targets.all),
          errorInformation: { code: 'INTERNAL_ERROR', message: message.slice(0, MAX_MESSAGE) },
        },
        ['Created', 'Queued', 'InProgress'],
      );
      await deps.events.publish({ kind: 'deployment', deployment: failed });
    } catch (error) {
      // It ended meanwhile: nothing left to do but free the lock.
      if (!(error instanceof ConflictError)) throw error;
    }
  } finally {
    // Whatever happened above, the group is freed, and only if the lock still names the execution found dead.
    await deps.store.releaseGroupLock(lock.deploymentGroupId, holder.deploymentId, lock.executionArn ?? null);
  }
}
