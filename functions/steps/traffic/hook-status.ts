// PutLifecycleEventHookExecutionStatus: a hook function reports. The first status is recorded with one conditional
// write and resumes the waiting execution; a second is refused. A report that finds its own status already there
// (the caller retried after a lost answer) still resumes the execution, in case the first attempt died before that.
import { ConflictError, NotFoundError, UnsupportedPlatformError } from '../../core/errors';
import type { StepDependencies } from '../../ports';
import { loadDeployment } from '../deployment-context';
import { hookFailureMessage, settleHookWait } from './traffic-context';
import { hookEventOfExecutionId } from './run-hook';

export interface HookStatusReport {
  readonly deploymentId: string;
  readonly lifecycleEventHookExecutionId: string;
  readonly status: 'Succeeded' | 'Failed';
}

/**
 * NotFoundError for an execution id the deployment never handed out; ConflictError when the execution already has a
 * status; UnsupportedPlatformError for a Server deployment, whose hooks are scripts that report by themselves.
 */
export async function reportHookStatus(deps: StepDependencies, report: HookStatusReport): Promise<void> {
  const deployment = await loadDeployment(deps.store, report.deploymentId);
  if (deployment.computePlatform === 'Server') {
    throw new UnsupportedPlatformError(
      `Deployment ${deployment.deploymentId} is a Server deployment: its hooks are scripts on the hosts, which report by themselves; lifecycle hook executions belong to Lambda and ECS deployments`,
    );
  }
  const event = hookEventOfExecutionId(report.lifecycleEventHookExecutionId);
  const existing = event && (await deps.store.getHookExecution(deployment.deploymentId, event));
  if (!event || !existing || existing.lifecycleEventHookExecutionId !== report.lifecycleEventHookExecutionId) {
    throw new NotFoundError('Lifecycle hook execution', report.lifecycleEventHookExecutionId);
  }
  const message = report.status === 'Failed' ? hookFailureMessage(existing) : undefined;
  try {
    const completed = await deps.store.completeHookExecution(deployment.deploymentId, event, report.status, deps.clock().toISOString(), message);
    await settleHookWait(deps, deployment, completed);
  } catch (error) {
    if (error instanceof ConflictError && existing.status === report.status) await settleHookWait(deps, deployment, existing);
    throw error;
  }
}
