// Stopping a deployment, for StopDeployment and for a later deployment that supersedes it. One still waiting in its
// group's queue (Queued) never ran: it ends Stopped at once and leaves the queue. One launched has the stop recorded
// on it and its engine acts on it: a Server deployment between batches, a Lambda or ECS one at once if it waits on a
// hook or a traffic shift (the wait is ended through its task token), else at its next step.
import { ConflictError, NotFoundError } from '../core/errors';
import { TERMINAL_DEPLOYMENT_STATUSES, type Deployment, type DeploymentStatus, type StopRequest } from '../core/types';
import type { StepDependencies } from '../ports';
import { endWaitOnStop } from './traffic/traffic-wait-control';

/** Statuses in which a launched deployment takes a stop request. */
const LAUNCHED: readonly DeploymentStatus[] = ['Created', 'InProgress'];

/** Statuses only move forward (Queued, Created, InProgress, then an end), so a stop settles within this many reads. */
const STATUS_MOVES = 4;

export interface StopOptions {
  /** Roll the stopped deployment back; absent: its own DEPLOYMENT_STOP_ON_REQUEST policy decides. */
  readonly autoRollbackEnabled?: boolean;
  /** The MANUAL_STOP message when it is not a StopDeployment call (a later deployment superseded this one). */
  readonly reason?: string;
}

export type StopOutcome =
  /** It was launched: the stop is recorded and its engine ends it Stopped. */
  | { readonly kind: 'stopping'; readonly deployment: Deployment }
  /** It waited in the queue: it is Stopped now and will never run. */
  | { readonly kind: 'stopped'; readonly deployment: Deployment }
  /** It had already ended (as `deployment` shows): there was nothing to stop. */
  | { readonly kind: 'ended'; readonly deployment: Deployment };

/**
 * Stops `deployment` as it stands now, re-reading it when its status moves under the write. Asking again changes
 * nothing: the first request's rollback choice and reason stand. The wait in progress is ended again, though: a first
 * request may have died between recording the stop and ending the wait, and ending a wait that already ended is a
 * no-op for the engine.
 */
export async function stopDeployment(deps: StepDependencies, deployment: Deployment, options: StopOptions = {}): Promise<StopOutcome> {
  let current = deployment;
  for (let read = 1; read <= STATUS_MOVES; read += 1) {
    if (TERMINAL_DEPLOYMENT_STATUSES.includes(current.status)) return { kind: 'ended', deployment: current };
    try {
      if (current.status === 'Queued') return { kind: 'stopped', deployment: await stopQueued(deps, current, options.reason) };
      const recorded = current.stopRequested ? current : await recordStop(deps, current, options);
      await endWaitOnStop(deps, recorded);
      return { kind: 'stopping', deployment: recorded };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
    const reread = await deps.store.getDeployment(current.deploymentId);
    if (!reread) throw new NotFoundError('Deployment', current.deploymentId);
    current = reread;
  }
  throw new ConflictError(`Deployment ${deployment.deploymentId} kept changing status while it was being stopped`);
}

/**
 * Queued → Stopped with one conditional write (a launch racing it moves Queued → Created under the same condition, so
 * exactly one of them wins), then the queue entry goes and the change is published. ConflictError when it left Queued.
 */
export async function stopQueued(deps: StepDependencies, deployment: Deployment, reason?: string): Promise<Deployment> {
  const now = deps.clock().toISOString();
  const message = reason ?? `The deployment was stopped on request at ${now} while it waited in the queue; it never ran`;
  const stopped = await deps.store.updateDeployment(
    deployment.deploymentId,
    { status: 'Stopped', completeTime: now, errorInformation: { code: 'MANUAL_STOP', message } },
    ['Queued'],
  );
  if (deployment.queuePosition !== undefined) await deps.store.dequeue(deployment.deploymentGroupId, deployment.queuePosition);
  await deps.events.publish({ kind: 'deployment', deployment: stopped });
  return stopped;
}

async function recordStop(deps: StepDependencies, deployment: Deployment, options: StopOptions): Promise<Deployment> {
  const stopRequested: StopRequest = {
    at: deps.clock().toISOString(),
    autoRollbackEnabled: options.autoRollbackEnabled ?? rollsBackOnStop(deployment),
    ...(options.reason === undefined ? {} : { reason: options.reason }),
  };
  return deps.store.updateDeployment(deployment.deploymentId, { stopRequested }, LAUNCHED);
}

function rollsBackOnStop(deployment: Deployment): boolean {
  const policy = deployment.autoRollbackConfiguration;
  return policy?.enabled === true && policy.events.includes('DEPLOYMENT_STOP_ON_REQUEST');
}
