// First step of an execution: resolve the hosts, order them as CodeDeploy does, check the deployment's alarms and the
// minimum-healthy rule, write the targets and move the deployment to InProgress.
import { checkStart, orderTargets, type RevisionHealth } from '../core/batch-planning';
import { deploymentOverview } from '../core/deployment-overview';
import type { DeploymentTarget, HostRecord } from '../core/types';
import type { StepDependencies } from '../ports';
import { checkAlarms } from './alarm-check';
import { loadServerDeployment, loadGroup, revisionKey } from './deployment-context';
import { resolveDeploymentConfig } from './deployment-config-lookup';
import { type Cursor, FINISH_CURSOR, PLAN_CURSOR, parseStepInput, startDeploymentInput } from './step-inputs';

export async function startDeployment(deps: StepDependencies, raw: unknown): Promise<Cursor> {
  const input = parseStepInput(startDeploymentInput, raw, 'start-deployment');
  const { store } = deps;
  const deployment = await loadServerDeployment(store, input.deploymentId);
  // A retried invocation, or an execution taking over a long deployment, finds it started: carry on from there.
  if (deployment.status === 'InProgress') {
    await store.setGroupLockExecution(deployment.deploymentGroupId, deployment.deploymentId, input.executionArn);
    return PLAN_CURSOR;
  }
  if (deployment.status !== 'Created') return FINISH_CURSOR;

  const group = await loadGroup(store, deployment);
  const config = await resolveDeploymentConfig(store, deployment.deploymentConfigName);
  const hostRecords = new Map((await store.getHostRecords(group.deploymentGroupId)).map((r) => [r.targetId, r]));
  const wanted = revisionKey(deployment);
  const targetIds = [...new Set(await deps.targets.resolve(group))];
  const now = deps.clock().toISOString();

  const ordered = orderTargets(
    targetIds.map((targetId) => {
      const record = hostRecords.get(targetId);
      return { targetId, initiallyHealthy: record?.instanceHealth !== 'Unhealthy', revisionHealth: healthOf(record, wanted) };
    }),
  );
  const targets: DeploymentTarget[] = ordered.map(({ targetId, initiallyHealthy }) => ({
    deploymentId: deployment.deploymentId,
    targetId,
    status: 'Pending',
    lastUpdatedAt: now,
    initiallyHealthy,
    lifecycleEvents: deployment.lifecycleEventNames.map((lifecycleEventName) => ({ lifecycleEventName, status: 'Pending' })),
  }));
  await store.putTargets(targets);
  // Before any host is touched: an alarm already firing ends the deployment Stopped (AlarmActiveError, caught by the
  // state machine), and the finish closes these targets as Skipped.
  await checkAlarms(deps, deployment, group);

  const check = checkStart(config, targets);
  if (!check.ok) {
    await store.updateDeployment(deployment.deploymentId, {
      errorInformation: { code: check.code, message: check.message },
      executionArn: input.executionArn,
      deploymentOverview: deploymentOverview(targets),
    });
    return FINISH_CURSOR;
  }

  const started = await store.updateDeployment(
    deployment.deploymentId,
    { status: 'InProgress', startTime: now, executionArn: input.executionArn, deploymentOverview: deploymentOverview(targets) },
    ['Created'],
  );
  await store.setGroupLockExecution(group.deploymentGroupId, deployment.deploymentId, input.executionArn);
  await deps.events.publish({ kind: 'deployment', deployment: started });
  return PLAN_CURSOR;
}

function healthOf(record: HostRecord | undefined, wanted: string): RevisionHealth {
  if (!record?.revisionKey) return 'Unknown';
  return record.revisionKey === wanted ? 'Current' : 'Old';
}
