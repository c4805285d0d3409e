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
import { releaseGroupAndStartNext } from './deployment-queue';
import { alarmStopMessage, cancelledDiagnostics } from './alarm-stop';
import { recordOutcome, statusOf } from './deployment-outcome';
import { ensureRollback, noteRollbackResult } from './rollback';
import { finishDeploymentInput, parseStepInput } from './step-inputs';
import { closeOutTargets, failTarget, isActive } from './target-updates';

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
  const handedOver = group !== undefined && (await ensureRollback(deps, group, finished));
  if (!handedOver) await releaseGroupAndStartNext(deps, finished);
  return { status };
}

/** Writes the final status once: targets closed out, host health recorded, then the deployment itself. */
async function decide(deps: StepDependencies, deployment: ServerDeployment, error: { Error: string; Cause?: string } | null): Promise<ServerDeployment> {
  const { store } = deps;
  const now = deps.clock().toISOString();
  const known = knownError(deployment, error);
  const stored = await store.getTargets(deployment.deploymentId);
  // Hosts an alarm caught mid-event say why they stopped; the rest of the close-out is the same for every ending.
  const alarmed = known?.code === 'ALARM_ACTIVE' ? cancelledDiagnostics(known.message) : undefined;
  const interrupted = alarmed ? stored.map((t) => (isActive(t) ? failTarget(t, alarmed, now) : t)) : stored;
  const closed = closeOutTargets(interrupted, now);
  const targets = { all: closed.all, changed: closed.all.filter((t, i) => t !== stored[i]) };
  await store.updateTargets(targets.changed);
  const errorInformation = known ?? (await errorFromPlan(deps, deployment, targets.all));
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
 * Why the deployment ended, when that is known without looking at its hosts: the error that ended the execution, the
 * error a step recorded, or an alarm's stop recorded by its state change event.
 */
function knownError(deployment: ServerDeployment, error: { Error: string; Cause?: string } | null): ErrorInformation | undefined {
  const alarmed: ErrorInformation | undefined = deployment.alarmStop && { code: 'ALARM_ACTIVE', message: alarmStopMessage(deployment.alarmStop) };
  // Once an alarm has stopped the deployment, a step failing on the way out (a cancel SSM refused) is part of that
  // stop: CodeDeploy ends it Stopped with ALARM_ACTIVE, and its rollback follows DEPLOYMENT_STOP_ON_ALARM.
  if (error) return alarmed ?? errorInformationFromFailure(error.Error, error.Cause);
  return deployment.errorInformation ?? alarmed;
}

/** The execution ended on its own: its hosts' results decide, as they would have for the next batch. */
async function errorFromPlan(deps: StepDependencies, deployment: ServerDeployment, targets: readonly DeploymentTarget[]): Promise<ErrorInformation | undefined> {
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
