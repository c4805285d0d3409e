// The last step of every execution, whatever path led here: decide the status, close out every target, record host
// health and the group's last good revision, then hand the lock to an automatic rollback or release it.
import { planNextBatch } from '../core/batch-planning';
import { deploymentOverview } from '../core/deployment-overview';
import {
  TERMINAL_DEPLOYMENT_STATUSES,
  type Deployment,
  type DeploymentStatus,
  type DeploymentTarget,
  type ErrorInformation,
  type HostRecord,
} from '../core/types';
import type { StepDependencies } from '../ports';
import { createRollbackDeployment } from './create-deployment';
import { loadDeployment, loadGroup, revisionKey } from './deployment-context';
import { resolveDeploymentConfig } from './deployment-config-lookup';
import { noteRollbackResult, startRollbackIfWanted } from './rollback';
import { finishDeploymentInput, parseStepInput } from './step-inputs';
import { failTarget, skipTarget } from './target-updates';

export async function finishDeployment(deps: StepDependencies, raw: unknown): Promise<{ status: Deployment['status'] }> {
  const input = parseStepInput(finishDeploymentInput, raw, 'finish-deployment');
  const { store } = deps;
  const deployment = await loadDeployment(store, input.deploymentId);
  if (TERMINAL_DEPLOYMENT_STATUSES.includes(deployment.status)) return { status: deployment.status };
  const group = await loadGroup(store, deployment);
  const now = deps.clock().toISOString();

  const targets = closeOutTargets(await store.getTargets(deployment.deploymentId), now);
  await store.updateTargets(targets.changed);
  const errorInformation = await decideError(deps, deployment, targets.all, input.error);
  const status: DeploymentStatus = errorInformation ? 'Failed' : 'Succeeded';

  await store.putHostRecords(await healthAfter(deps, deployment, targets.all));
  const finished = await store.updateDeployment(
    deployment.deploymentId,
    { status, completeTime: now, deploymentOverview: deploymentOverview(targets.all), errorInformation },
    ['Created', 'InProgress'],
  );
  const summary = { deploymentId: deployment.deploymentId, status, createTime: deployment.createTime, endTime: now };
  await store.putDeploymentGroup({
    ...group,
    lastAttemptedDeployment: summary,
    ...(status === 'Succeeded' ? { lastSuccessfulDeployment: summary, targetRevision: deployment.revision } : {}),
  });
  for (const target of targets.changed) await deps.events.publish({ kind: 'target', deploymentId: deployment.deploymentId, target });
  await deps.events.publish({ kind: 'deployment', deployment: finished });

  if (deployment.creator === 'codeDeployRollback') await noteRollbackResult(deps, finished);
  const handedOver = status === 'Failed' && (await startRollbackIfWanted(deps, group, finished, createRollbackDeployment));
  if (!handedOver) await store.releaseGroupLock(group.deploymentGroupId, deployment.deploymentId);
  return { status };
}

/** Nothing stays Pending or InProgress once a deployment ends. */
function closeOutTargets(targets: DeploymentTarget[], now: string): { all: DeploymentTarget[]; changed: DeploymentTarget[] } {
  const changed: DeploymentTarget[] = [];
  const all = targets.map((t) => {
    if (t.status === 'Pending') {
      const skipped = skipTarget(t, now);
      changed.push(skipped);
      return skipped;
    }
    if (t.status === 'InProgress') {
      const failed = failTarget(t, { errorCode: 'UnknownError', scriptName: '', message: 'The deployment ended before this host finished', logTail: '' }, now);
      changed.push(failed);
      return failed;
    }
    return t;
  });
  return { all, changed };
}

async function decideError(
  deps: StepDependencies,
  deployment: Deployment,
  targets: readonly DeploymentTarget[],
  error: { Error: string; Cause?: string } | null,
): Promise<ErrorInformation | undefined> {
  if (error) {
    return { code: 'INTERNAL_ERROR', message: `${error.Error}: ${error.Cause ?? 'no cause given'}`.slice(0, 1024) };
  }
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
async function healthAfter(deps: StepDependencies, deployment: Deployment, targets: readonly DeploymentTarget[]): Promise<HostRecord[]> {
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
