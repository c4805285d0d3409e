// One deployment per group, with a policy for the ones that find it busy (reject is create-deployment.ts's own path).
// Under queue and supersede a deployment takes the next place in its group's arrival order, is written Queued, and
// its queue entry follows; whoever frees the group then starts the first entry. Under supersede the newcomer also
// stops every deployment that arrived before it. Everything is single-item conditional writes on the deployment
// record, the group lock and the queue items (design §3.5): no transaction, so calls from any number of requests,
// finish steps and sweeps may interleave, and each step below says why its order keeps the group consistent.
//
// No lost wake-up: a new entry is always written before its admission reads the lock (startNextQueued), and a
// finishing deployment always frees the lock before it reads the queue (releaseGroupAndStartNext). Of two such calls
// racing, the later read sees the other's write: either the admission finds the lock free and starts the head itself,
// or the finisher finds the entry and starts it. Every path below that frees the lock goes on to read the queue again.
import { ConflictError, DeploymentGroupBusyError } from '../core/errors';
import { TERMINAL_DEPLOYMENT_STATUSES, type ConcurrencyPolicy, type Deployment, type DeploymentGroup, type ErrorInformation } from '../core/types';
import type { QueueEntry, StepDependencies } from '../ports';
import { stopDeployment, stopQueued } from './stop-deployment';

/** The policy a deployment is admitted under: its own, else its group's, else CodeDeploy's reject. */
export function concurrencyPolicyOf(group: Pick<DeploymentGroup, 'concurrencyPolicy'>, deployment: Pick<Deployment, 'concurrencyPolicy'>): ConcurrencyPolicy {
  return deployment.concurrencyPolicy ?? group.concurrencyPolicy ?? 'reject';
}

/** The MANUAL_STOP message of a deployment a later one superseded. */
export function supersededMessage(supersedingDeploymentId: string): string {
  return `Superseded by deployment ${supersedingDeploymentId}, which arrived later with concurrency policy supersede`;
}

/** What admission under queue or supersede answers. */
export interface Admission<T extends Deployment> {
  /** The record as written: Queued, with its queuePosition (it may have started, or been stopped, since). */
  readonly deployment: T;
  /** The deployment holding the group when the queue could not start its first entry; undefined when none did. */
  readonly busyWith?: string;
}

/**
 * Admits a deployment under queue or supersede. The record is written before the entry, so an entry never names a
 * deployment that is not there; if the entry cannot be written the deployment fails rather than wait unseen forever.
 */
export async function enqueueDeployment<T extends Deployment>(
  deps: StepDependencies,
  group: DeploymentGroup,
  deployment: T,
  policy: Exclude<ConcurrencyPolicy, 'reject'>,
): Promise<Admission<T>> {
  const { store } = deps;
  const superseding = policy === 'supersede';
  // Taking the place and, under supersede, marking everything before it as superseded is one atomic write: a launch
  // that reads the mark (startHead) can never see this place taken without seeing that it supersedes.
  const ticket = await store.nextQueuePosition(group.deploymentGroupId, superseding ? deployment.deploymentId : undefined);
  const queued: T = { ...deployment, status: 'Queued', concurrencyPolicy: policy, queuePosition: ticket.queuePosition };
  await writeRecord(deps, queued);
  await deps.events.publish({ kind: 'deployment', deployment: queued });
  await writeEntry(deps, queued, ticket.queuePosition);
  if (superseding) await supersedeEarlier(deps, group, queued, ticket.queuePosition, ticket.previousSupersedingPosition);
  return { deployment: queued, busyWith: await startNext(deps, group) };
}

async function writeRecord(deps: StepDependencies, deployment: Deployment): Promise<void> {
  try {
    await deps.store.createDeployment(deployment);
  } catch (error) {
    // The write may have landed with its answer lost: a record that is there goes ahead. One that is not leaves a
    // gap in the arrival order, which nothing waits on.
    if (!(await deps.store.getDeployment(deployment.deploymentId).catch(() => undefined))) throw error;
  }
}

async function writeEntry(deps: StepDependencies, deployment: Deployment, queuePosition: number): Promise<void> {
  const entry: QueueEntry = {
    deploymentGroupId: deployment.deploymentGroupId,
    deploymentId: deployment.deploymentId,
    queuePosition,
    queuedAt: deployment.createTime,
  };
  try {
    await deps.store.enqueue(entry);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The caller must see why queueing failed, not why failing the deployment did too (the store may be down).
    await failQueued(deps, deployment, `The deployment could not be queued: ${message}`).catch(() => undefined);
    throw error;
  }
}

/**
 * Stops what arrived before the newcomer: the entries since the previous superseding arrival (those before it were
 * that one's to stop), then the deployment holding the group. An entry not yet written when this reads, or launched
 * meanwhile, is not missed: startHead stops any head the supersession mark is past, and a launched one holds the lock,
 * which is read after the entries (a head takes the lock before its entry goes). Entries are read only from the
 * previous superseding place up, so a burst of superseding arrivals stops each deployment once, not once per arrival.
 */
async function supersedeEarlier(
  deps: StepDependencies,
  group: DeploymentGroup,
  newcomer: Deployment,
  queuePosition: number,
  previousSupersedingPosition: number | undefined,
): Promise<void> {
  const reason = supersededMessage(newcomer.deploymentId);
  const earlier = queuePosition > 1 ? await deps.store.listQueueBetween(group.deploymentGroupId, previousSupersedingPosition ?? 1, queuePosition - 1) : [];
  for (const entry of earlier) {
    const waiting = await deps.store.getDeployment(entry.deploymentId);
    if (waiting?.status !== 'Queued') continue;
    try {
      await stopQueued(deps, waiting, reason);
    } catch (error) {
      // Launched or stopped meanwhile: a launched one is the lock holder below.
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  const lock = await deps.store.getGroupLock(group.deploymentGroupId);
  if (!lock || lock.deploymentId === newcomer.deploymentId) return;
  const holder = await deps.store.getDeployment(lock.deploymentId);
  // A holder without a place came in under reject, or is a rollback: it arrived before any newcomer still admitting.
  if (holder && (holder.queuePosition === undefined || holder.queuePosition < queuePosition)) {
    await stopDeployment(deps, holder, { autoRollbackEnabled: false, reason });
  }
}

/**
 * Starts the first deployment of the group's queue when the group is free: entries whose deployment stopped, or was
 * started by a racing call, are dropped on the way, and one whose execution cannot start fails and makes way for the
 * next. Idempotent, and safe to call from anywhere at any time (finish steps retried, the lock sweep): two calls for
 * the same head launch it once.
 */
export async function startNextQueued(deps: StepDependencies, group: DeploymentGroup): Promise<void> {
  await startNext(deps, group);
}

/** What the queue needs of a group: the key of its queue and lock, and its name for messages. */
type QueueGroup = Pick<DeploymentGroup, 'deploymentGroupId' | 'deploymentGroupName'>;

/** startNextQueued, answering the deployment that keeps the group busy, if one does (for lock recovery). */
export async function startNext(deps: StepDependencies, group: QueueGroup): Promise<string | undefined> {
  for (;;) {
    const [head] = await deps.store.listQueue(group.deploymentGroupId, 1);
    if (!head) return undefined;
    const outcome = await startHead(deps, group, head);
    if (outcome.kind === 'busy') return outcome.holder;
    if (outcome.kind === 'started') return undefined;
    // Dropped: its lock, if this call took it, is free again, so the next head gets its chance.
  }
}

/**
 * Lock recovery's start of a Queued deployment found holding its group's lock: a start took the lock for it, then died
 * before moving it on. It never ran, so it is not finished but started (or stopped, if superseded), as the head it was
 * when its lock was taken, even if an entry written late now comes before it; then the queue moves on as after any start.
 */
export async function resumeQueuedHolder(deps: StepDependencies, group: QueueGroup, holder: Deployment & { readonly queuePosition: number }): Promise<void> {
  const entry: QueueEntry = { deploymentGroupId: holder.deploymentGroupId, deploymentId: holder.deploymentId, queuePosition: holder.queuePosition, queuedAt: holder.createTime };
  if ((await startHead(deps, group, entry)).kind === 'dropped') await startNext(deps, group);
}

type HeadOutcome = { readonly kind: 'started' } | { readonly kind: 'dropped' } | { readonly kind: 'busy'; readonly holder?: string };

async function startHead(deps: StepDependencies, group: QueueGroup, head: QueueEntry): Promise<HeadOutcome> {
  const { store } = deps;
  const deployment = await store.getDeployment(head.deploymentId);
  // Stopped while it waited, or started by a racing call that has not dropped the entry yet (and holds the lock).
  if (deployment?.status !== 'Queued') return drop(deps, head);
  // Its group deleted by hand (the API refuses while anything waits), or deleted and made again under a new id: it
  // would run against no group, or against the new one beside that group's own deployments. It never ran: it fails,
  // and frees the lock if a start that died took it for it.
  const current = await store.getDeploymentGroup(deployment.applicationName, deployment.deploymentGroupName);
  if (current?.deploymentGroupId !== head.deploymentGroupId) {
    const message = `Deployment group ${deployment.deploymentGroupName} of application ${deployment.applicationName} was deleted while the deployment waited in its queue; it never ran`;
    // Moved on meanwhile (a racing start passed this check before the group went): that call decides what follows.
    return (await failQueued(deps, deployment, message, ['Queued'], 'DEPLOYMENT_GROUP_MISSING')) ? release(deps, head) : drop(deps, head);
  }
  try {
    // Taking the lock a racing call took for the same head succeeds (same deployment): both go on, and the
    // conditional moves out of Queued below let exactly one of them decide what becomes of it.
    await store.acquireGroupLock({ deploymentGroupId: head.deploymentGroupId, deploymentId: head.deploymentId, acquiredAt: deps.clock().toISOString() }, group.deploymentGroupName);
  } catch (error) {
    // Its holder frees it when it ends and then reads the queue (a dead holder: lock recovery, or the sweep).
    if (error instanceof DeploymentGroupBusyError) return { kind: 'busy', holder: error.activeDeploymentId };
    // It kept changing hands: whoever frees it last reads the queue.
    if (error instanceof ConflictError) return { kind: 'busy' };
    throw error;
  }
  // Read under the lock: a superseding arrival marked after this read finds the head holding the lock and stops it.
  const supersession = await store.getSupersession(head.deploymentGroupId);
  let created: Deployment;
  try {
    // Only by a superseding arrival whose record is there. One whose record is still to come stops this head itself
    // (it reads the lock after writing its record and entry); one whose record never came (its request died right
    // after taking its place) must not stop the deployments before it in favour of nothing.
    if (supersession && supersession.queuePosition > head.queuePosition && (await store.getDeployment(supersession.deploymentId)) !== undefined) {
      await stopQueued(deps, deployment, supersededMessage(supersession.deploymentId));
      return await release(deps, head);
    }
    created = await store.updateDeployment(head.deploymentId, { status: 'Created' }, ['Queued']);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const now = await store.getDeployment(head.deploymentId);
    if (now === undefined || TERMINAL_DEPLOYMENT_STATUSES.includes(now.status)) return releaseEnded(deps, head, now);
    // A racing call for the same head moved it first. Started by now (the execution took over): taking the lock
    // again left it as it was, naming the execution (which a Server deployment changes per batch, so it is not
    // written again from the record here). Not yet: carry on, starting is idempotent.
    if (now.status === 'InProgress') {
      await drop(deps, head);
      return { kind: 'started' };
    }
    created = now;
  }
  const started = await launchCreated(deps, created);
  await drop(deps, head);
  return started ? { kind: 'started' } : { kind: 'dropped' };
}

/**
 * The head ended while this call took its lock: stopped while it waited (the usual case), or, in a far rarer race,
 * launched by another call and run to its end in between. The lock this call took is freed, unless the ended
 * deployment is handing it to its automatic rollback, which must keep it: the rollback's own end frees it.
 */
async function releaseEnded(deps: StepDependencies, head: QueueEntry, ended: Deployment | undefined): Promise<HeadOutcome> {
  const rollbackId = ended?.rollbackInfo?.rollbackDeploymentId;
  const rollback = rollbackId === undefined ? undefined : await deps.store.getDeployment(rollbackId);
  if (rollbackId !== undefined && (rollback === undefined || !TERMINAL_DEPLOYMENT_STATUSES.includes(rollback.status))) return drop(deps, head);
  return release(deps, head);
}

/**
 * Starts the execution of a deployment just moved to Created; false when it cannot start: it then fails
 * (INTERNAL_ERROR with the cause) and frees the group. Either way the caller drops its entry.
 */
async function launchCreated(deps: StepDependencies, deployment: Deployment): Promise<boolean> {
  // Before the start, as launch() does: the execution's own changes come after Created.
  await deps.events.publish({ kind: 'deployment', deployment });
  let executionArn: string;
  try {
    ({ executionArn } = await deps.executions.start(deployment));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // A racing call for the same head started it, and its execution moved it on: it runs, and keeps its lock.
    if (!(await failQueued(deps, deployment, `The deployment could not be started: ${message}`, ['Created']))) return true;
    await deps.store.releaseGroupLock(deployment.deploymentGroupId, deployment.deploymentId);
    return false;
  }
  await recordLockExecution(deps, deployment, executionArn);
  return true;
}

/**
 * Until an execution's first step records itself, the lock would name no execution (or, after a transfer, the
 * finishing one): launches record it at once, so lock recovery judges the right execution.
 */
export async function recordLockExecution(deps: StepDependencies, deployment: Deployment, executionArn: string): Promise<void> {
  try {
    await deps.store.setGroupLockExecution(deployment.deploymentGroupId, deployment.deploymentId, executionArn);
  } catch (error) {
    // The lock is no longer ours (recovered as abandoned meanwhile): the execution will find that out and fail.
    if (!(error instanceof ConflictError)) throw error;
  }
}

/** Fails a deployment that never ran, from the statuses it may still be in; one that moved on meanwhile stands (false). */
async function failQueued(
  deps: StepDependencies,
  deployment: Deployment,
  message: string,
  from: Deployment['status'][] = ['Queued'],
  code: ErrorInformation['code'] = 'INTERNAL_ERROR',
): Promise<boolean> {
  const now = deps.clock().toISOString();
  try {
    const failed = await deps.store.updateDeployment(
      deployment.deploymentId,
      { status: 'Failed', completeTime: now, errorInformation: { code, message } },
      from,
    );
    await deps.events.publish({ kind: 'deployment', deployment: failed });
    return true;
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    return false;
  }
}

/** Frees the lock this call took for the head (only if it still names the head), then drops the entry. */
async function release(deps: StepDependencies, head: QueueEntry): Promise<HeadOutcome> {
  await deps.store.releaseGroupLock(head.deploymentGroupId, head.deploymentId);
  return drop(deps, head);
}

async function drop(deps: StepDependencies, head: QueueEntry): Promise<HeadOutcome> {
  await deps.store.dequeue(head.deploymentGroupId, head.queuePosition);
  return { kind: 'dropped' };
}

/**
 * Every release of a group's lock by a deployment that ends, then the next queued deployment's start: the finish
 * steps (retried by Step Functions: both halves are idempotent) and a launch that failed. The deployment names its
 * group's id and name, all the queue needs: the API refuses to delete or rename a group while anything is queued, and
 * deployments queued in one deleted by hand fail, one after the other, rather than start or wait forever (startHead).
 */
export async function releaseGroupAndStartNext(
  deps: StepDependencies,
  deployment: Pick<Deployment, 'deploymentGroupName' | 'deploymentGroupId' | 'deploymentId'>,
): Promise<void> {
  await deps.store.releaseGroupLock(deployment.deploymentGroupId, deployment.deploymentId);
  await startNext(deps, deployment);
}
