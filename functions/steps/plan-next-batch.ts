// Between batches: choose the next batch under the minimum-healthy rule, end the deployment (a stop, an alarm, or no
// host left), or hand it over to a new execution when this one has run its share of batches.
import { planNextBatch as planBatch } from '../core/batch-planning';
import { deploymentOverview } from '../core/deployment-overview';
import { batchesPerExecution } from '../core/execution-segments';
import type { Deployment, DeploymentTarget } from '../core/types';
import type { StepDependencies } from '../ports';
import { checkAlarms } from './alarm-check';
import { refuseIfAlarmStopped } from './alarm-stop';
import { loadGroup, loadServerDeployment } from './deployment-context';
import { resolveDeploymentConfig } from './deployment-config-lookup';
import { type Cursor, FINISH_CURSOR, parseStepInput, planNextBatchInput } from './step-inputs';
import { skipTarget } from './target-updates';

export async function planNextBatch(deps: StepDependencies, raw: unknown): Promise<Cursor> {
  const input = parseStepInput(planNextBatchInput, raw, 'plan-next-batch');
  const { store } = deps;
  const deployment = await loadServerDeployment(store, input.deploymentId);
  if (deployment.status !== 'InProgress') return FINISH_CURSOR;
  // A retry in an execution that already handed over: the newer execution owns the deployment, this one stops.
  const owner = deployment.executionFirstBatch ?? 1;
  if (owner > input.firstBatch) return handOver(deps, deployment.deploymentGroupId, deployment.deploymentId, owner);
  // An alarm's state change stopped it (and cancelled what its batch ran): no batch resumes or starts, whatever the
  // cancelled hosts did to its health.
  refuseIfAlarmStopped(deployment);
  const targets = await store.getTargets(deployment.deploymentId);

  // A retry after a partial first attempt: the batch already exists, so resume it rather than plan another.
  const resumed = await resumeOpenBatch(deps, deployment.deploymentId, targets);
  if (resumed) return resumed;
  const config = await resolveDeploymentConfig(store, deployment.deploymentConfigName);
  const plan = planBatch(config, targets);
  const now = deps.clock().toISOString();

  // Between batches is where a stop takes effect: the batch that was running has finished, and no other starts.
  // A deployment that has already failed its health constraints fails, stop or not, so its rollback follows the
  // failure policy; a stop already recorded (this is a retry) stands.
  const stopRecorded = deployment.errorInformation?.code === 'MANUAL_STOP';
  if ((stopRecorded || plan.kind !== 'finished') && isStopping(deployment, targets)) {
    await stopBeforeNextBatch(deps, deployment, targets);
    return FINISH_CURSOR;
  }

  if (plan.kind === 'finished') {
    if (plan.outcome.status === 'Failed') {
      const skipped = new Set(plan.outcome.skipTargetIds);
      const changed = targets.filter((t) => skipped.has(t.targetId)).map((t) => skipTarget(t, now));
      await store.updateTargets(changed);
      await store.updateDeployment(deployment.deploymentId, {
        errorInformation: { code: plan.outcome.code, message: plan.outcome.message },
      });
      for (const target of changed) await deps.events.publish({ kind: 'target', deploymentId: deployment.deploymentId, target });
    }
    return FINISH_CURSOR;
  }

  const batchNumber = 1 + Math.max(0, ...targets.map((t) => t.batchNumber ?? 0));
  const perExecution = deps.batchesPerExecution ?? batchesPerExecution(deployment.loadBalancerInfo !== undefined);
  if (batchNumber >= input.firstBatch + perExecution) {
    // Ownership moves first, so a retry of this step can only ever hand over again, never plan.
    await store.updateDeployment(deployment.deploymentId, { executionFirstBatch: batchNumber }, ['InProgress']);
    return handOver(deps, deployment.deploymentGroupId, deployment.deploymentId, batchNumber);
  }
  // The poll between batches: an alarm firing now stops the deployment before any host of this batch is touched.
  await checkAlarms(deps, deployment, await loadGroup(store, deployment));
  const chosen = new Set(plan.targetIds);
  const started = targets
    .filter((t) => chosen.has(t.targetId))
    .map((t): DeploymentTarget => ({ ...t, status: 'InProgress', batchNumber, lastUpdatedAt: now }));
  await store.updateTargets(started);
  await store.putBatch({ deploymentId: deployment.deploymentId, batchNumber, targetIds: plan.targetIds, eventIndex: 0, expected: 0, reported: 0 });

  const all = targets.map((t) => (chosen.has(t.targetId) ? { ...t, status: 'InProgress' as const } : t));
  await store.updateDeployment(deployment.deploymentId, { deploymentOverview: deploymentOverview(all) });
  await deps.events.publish({ kind: 'batch', deploymentId: deployment.deploymentId, batchNumber, targetIds: plan.targetIds });
  for (const target of started) await deps.events.publish({ kind: 'target', deploymentId: deployment.deploymentId, target });
  return { action: 'run', batchNumber, eventIndex: 0 };
}

/** A stop applies while hosts remain to be skipped; a retry finds it recorded and must not plan over it. */
function isStopping(deployment: Deployment, targets: readonly DeploymentTarget[]): boolean {
  if (deployment.errorInformation?.code === 'MANUAL_STOP') return true;
  return deployment.stopRequested !== undefined && targets.some((t) => t.status === 'Pending');
}

/** Records the stop, then skips the hosts that never started; finish-deployment ends the deployment Stopped. */
async function stopBeforeNextBatch(deps: StepDependencies, deployment: Deployment, targets: readonly DeploymentTarget[]): Promise<void> {
  const now = deps.clock().toISOString();
  if (deployment.errorInformation?.code !== 'MANUAL_STOP') {
    const at = deployment.stopRequested?.at ?? now;
    // A stop with a reason came from a later deployment that superseded this one.
    const why = deployment.stopRequested?.reason ?? `The deployment was stopped on request at ${at}`;
    await deps.store.updateDeployment(deployment.deploymentId, {
      errorInformation: { code: 'MANUAL_STOP', message: `${why}: hosts that had not started were skipped` },
    });
  }
  const skipped = targets.filter((t) => t.status === 'Pending').map((t) => skipTarget(t, now));
  await deps.store.updateTargets(skipped);
  for (const target of skipped) await deps.events.publish({ kind: 'target', deploymentId: deployment.deploymentId, target });
}

/** Starts (idempotently) the execution that carries on from `batchNumber`; the lock names it from now on. */
async function handOver(deps: StepDependencies, deploymentGroupId: string, deploymentId: string, batchNumber: number): Promise<Cursor> {
  const { executionArn } = await deps.executions.start({ deploymentId, computePlatform: 'Server' }, batchNumber);
  await deps.store.setGroupLockExecution(deploymentGroupId, deploymentId, executionArn);
  await deps.store.updateDeployment(deploymentId, { executionArn });
  return { action: 'handover', batchNumber, eventIndex: 0 };
}

async function resumeOpenBatch(deps: StepDependencies, deploymentId: string, targets: readonly DeploymentTarget[]): Promise<Cursor | undefined> {
  const open = targets.find((t) => t.status === 'InProgress' && t.batchNumber !== undefined);
  if (!open || open.batchNumber === undefined) return undefined;
  const batchNumber = open.batchNumber;
  const batch = await deps.store.getBatch(deploymentId, batchNumber);
  if (batch) return { action: 'run', batchNumber, eventIndex: batch.eventIndex };
  const targetIds = targets.filter((t) => t.status === 'InProgress' && t.batchNumber === batchNumber).map((t) => t.targetId);
  await deps.store.putBatch({ deploymentId, batchNumber, targetIds, eventIndex: 0, expected: 0, reported: 0 });
  return { action: 'run', batchNumber, eventIndex: 0 };
}
