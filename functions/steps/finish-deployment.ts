// The last step of every execution, whatever path led here: decide the status, close out every target, record host
// health and the group's outcome, then hand the lock to an automatic rollback or release it. Step Functions retries
// this step, so after the status is written once, every later action is idempotent and a retry completes them.
import { planNextBatch } from '../core/batch-planning';
import { deploymentOverview } from '../core/deployment-overview';
import { errorInformationFromFailure } from '../core/failure-codes';
import {
  TERMINAL_DEPLOYMENT_STATUSES,
  type Deployment,
  type ServerDeployment,
  type DeploymentTarget,
  type ErrorInformation,
  type HostRecord,
} from '../core/types';
import type { StepDependencies } from '../ports';
import { loadServerDeployment, revisionKey, serverDeployment } from './deployment-context';
import { resolveDeploymentConfig } from './deployment-config-lookup';
import { recordOutcome, statusOf } from './deployment-outcome';
import { ensureRollback, noteRollbackResult } from './rollback';
import { finishDeploymentInput, parseStepInput } from './step-inputs';
import { closeOutTargets } from './target-updates';

export async function finishDeployment(deps: StepDependencies, raw: unknown): Promise<{ status: Deployment['status'] }> {
  const input = parseStepInput(finishDeploymentInput, raw, 'finish-deployment');
  const { store } = deps;
  const loaded = await loadServerDeployment(store, input.deploymentId);
  // The API refuses to delete a group while it deploys, but a group deleted anyway (by hand, in the table) must not
  // keep the deployment from ending: without it there is no outcome to record and no rollback to run.
  const group = await store.getDeploymentGroup(loaded.applicationName, loaded.deploymentGroupName);
  const finished = TERMINAL_DEPLOYMENT_STATUSES.includes(loaded.status) ? loaded : await decide(deps, loaded, input.error);
  const { status } = finished;

  await recordOutcome(store, group, finished);
  if (finished.creator === 'codeDeployRollback') await noteRollbackResult(deps, finished);
  const rollbackCandidate = group ? rollbackCandidateOf(finished) : undefined;
  const handedOver = group !== undefined && rollbackCandidate !== undefined && (await ensureRollback(deps, group, rollbackCandidate));
  if (!handedOver) await store.releaseGroupLock(finished.deploymentGroupId, finished.deploymentId);
  return { status };
}

/** Writes the final status once: targets closed out, host health recorded, then the deployment itself. */
async function decide(deps: StepDependencies, deployment: ServerDeployment, error: { Error: string; Cause?: string } | null): Promise<ServerDeployment> {
  const { store } = deps;
  const now = deps.clock().toISOString();
  const targets = closeOutTargets(await store.getTargets(deployment.deploymentId), now);
  await store.updateTargets(targets.changed);
  const errorInformation = await decideError(deps, deployment, targets.all, error);
  const status = statusOf(errorInformation);
  await store.putHostRecords(await healthAfter(deps, deployment, targets.all));
  const finished = serverDeployment(await store.updateDeployment(
    deployment.deploymentId,
    // A wait on a load balancer ends with the deployment, however it ended.
    { status, completeTime: now, deploymentOverview: deploymentOverview(targets.all), errorInformation, trafficWait: undefined },
    ['Created', 'InProgress'],
  ));
  for (const target of targets.changed) await deps.events.publish({ kind: 'target', deploymentId: deployment.deploymentId, target });
  await deps.events.publish({ kind: 'deployment', deployment: finished });
  return finished;
}

/**
 * The deployment to hand to ensureRollback, or none. A failure follows the deployment's rollback policy; a stop
 * follows what StopDeployment asked (autoRollbackEnabled), which ensureRollback reads as an enabled failure policy.
 */
function rollbackCandidateOf(finished: ServerDeployment): ServerDeployment | undefined {
  if (finished.status === 'Failed') return finished;
  if (finished.status !== 'Stopped' || finished.stopRequested?.autoRollbackEnabled !== true) return undefined;
  return { ...finished, autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'] } };
}

async function decideError(
  deps: StepDependencies,
  deployment: ServerDeployment,
  targets: readonly DeploymentTarget[],
  error: { Error: string; Cause?: string } | null,
): Promise<ErrorInformation | undefined> {
  if (error) return errorInformationFromFailure(error.Error, error.Cause);
  if (deployment.errorInformation) return deployment.errorInformation;
  const config = await resolveDeploymentConfig(deps.store, deployment.deploymentConfigName);
  const plan = planNextBatch(config, targets);
  if (plan.kind === 'finished' && plan.outcome.status === 'Failed') {
    return { code: plan.outcome.code, message: plan.outcome.message };
  }
  if (plan.kind === 'batch') {
    return { code: 'INTERNAL_ERROR', message: 'The deployment ended with hosts still waiting for a batch' };
  }
  return undefined;
}

/** CodeDeploy's health bookkeeping: succeeded hosts become healthy and current, failed ones unhealthy. */
async function healthAfter(deps: StepDependencies, deployment: ServerDeployment, targets: readonly DeploymentTarget[]): Promise<HostRecord[]> {
  const key = revisionKey(deployment);
  const touched = targets.filter((t) => t.status === 'Succeeded' || t.status === 'Failed');
  const records = await Promise.all(touched.map((t) => deps.store.getHostRecord(deployment.deploymentGroupId, t.targetId)));
  return touched.map((t, i): HostRecord => {
    const previous = records[i];
    const succeeded = t.status === 'Succeeded';
    return {
      deploymentGroupId: deployment.deploymentGroupId,
      targetId: t.targetId,
      instanceHealth: succeeded ? 'Healthy' : 'Unhealthy',
      lastSuccessfulInstall: previous?.lastSuccessfulInstall,
      revisionKey: succeeded ? key : previous?.revisionKey,
    };
  });
}
