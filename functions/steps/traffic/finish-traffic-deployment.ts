// The last step of every Lambda and ECS execution, whatever led here. It decides the status, gives traffic back to
// the current version or task set when the deployment did not succeed and traffic had moved, closes the target and
// any hook still waiting (a late status is then refused), records the group's outcome and releases the lock. Step
// Functions retries it, so the status is written once and everything after is idempotent.
import { deploymentOverview } from '../../core/deployment-overview';
import { errorInformationFromFailure } from '../../core/failure-codes';
import {
  TERMINAL_DEPLOYMENT_STATUSES,
  type DeploymentStatus,
  type DeploymentTarget,
  type ErrorInformation,
  type TrafficDeployment,
} from '../../core/types';
import { HOOK_EVENT_NAMES } from '../../core/traffic-course';
import type { HookExecution, StepDependencies } from '../../ports';
import { ConflictError } from '../../core/errors';
import { trafficDeployment } from '../deployment-context';
import { restoreTaskSets } from '../ecs/restore-task-sets';
import { restoreAlias } from '../lambda/restore-alias';
import { recordOutcome, statusOf } from '../deployment-outcome';
import { releaseGroupAndStartNext } from '../deployment-queue';
import { finishDeploymentInput, parseStepInput } from '../step-inputs';
import { failTarget } from '../target-updates';
import { loadTrafficDeployment, withHookOutcome } from './traffic-context';
import type { TrafficRestore } from './traffic-rollback';

const HOOK_TIMEOUT_MESSAGE = 'No status was reported for this hook within one hour';

export async function finishTrafficDeployment(deps: StepDependencies, raw: unknown): Promise<{ status: DeploymentStatus }> {
  const input = parseStepInput(finishDeploymentInput, raw, 'finish-traffic-deployment');
  const { store } = deps;
  const loaded = await loadTrafficDeployment(deps, input.deploymentId);
  const ended = TERMINAL_DEPLOYMENT_STATUSES.includes(loaded.status);
  // A retry after the status was written may have lost the final event: consumers dedupe, so it is sent again.
  if (ended) await deps.events.publish({ kind: 'deployment', deployment: loaded });
  const finished = ended ? loaded : await decide(deps, loaded, input.error);
  const { status } = finished;
  await recordOutcome(store, await store.getDeploymentGroup(finished.applicationName, finished.deploymentGroupName), finished);
  await releaseGroupAndStartNext(deps, finished);
  return { status };
}

async function decide(deps: StepDependencies, deployment: TrafficDeployment, error: { Error: string; Cause?: string } | null): Promise<TrafficDeployment> {
  const { store } = deps;
  const timedOut = error?.Error === 'States.Timeout';
  const reported = errorInformationOf(deployment, error);
  const status = statusOf(reported);
  const now = deps.clock().toISOString();
  const hooks = await closeHooks(deps, deployment, timedOut ? HOOK_TIMEOUT_MESSAGE : `The deployment ended ${status}`);
  // Step Functions' timeout names no hook (on AWS it has no cause at all): the hook it closed says which went silent.
  const errorInformation = (timedOut ? silentHookError(hooks) : undefined) ?? reported;
  const restore = errorInformation ? await giveTrafficBack(deps, deployment, errorInformation, now) : undefined;
  const stored = await store.getTargets(deployment.deploymentId);
  // Hook outcomes the API recorded but the execution had not written yet (it writes them only here, or in RunHook).
  const targets = stored.map((t) => closeTarget(hooks.reduce((target, hook) => withHookOutcome(target, hook, now), t), errorInformation, now));
  const changed = targets.filter((t, index) => t !== stored[index]);
  await store.updateTargets(changed);
  const finished = trafficDeployment(
    await store.updateDeployment(
      deployment.deploymentId,
      {
        status,
        completeTime: now,
        errorInformation,
        deploymentOverview: deploymentOverview(targets),
        nextShift: undefined,
        currentWait: undefined,
        // A manual rollback keeps naming the deployment it rolls back.
        ...(restore ? { trafficShifts: restore.trafficShifts, rollbackInfo: { ...deployment.rollbackInfo, ...restore.rollbackInfo } } : {}),
      },
      ['Created', 'InProgress'],
    ),
  );
  const restored = restore?.trafficShifts[restore.trafficShifts.length - 1];
  if (restored && restored !== deployment.trafficShifts[deployment.trafficShifts.length - 1]) {
    await deps.events.publish({ kind: 'traffic', deploymentId: deployment.deploymentId, shift: restored });
  }
  for (const target of changed) await deps.events.publish({ kind: 'target', deploymentId: deployment.deploymentId, target });
  await deps.events.publish({ kind: 'deployment', deployment: finished });
  return finished;
}

function silentHookError(hooks: readonly HookExecution[]): ErrorInformation | undefined {
  const silent = hooks.find((hook) => hook.status === 'Failed' && hook.message === HOOK_TIMEOUT_MESSAGE);
  if (!silent) return undefined;
  return {
    code: 'TIMEOUT',
    message: `The ${silent.lifecycleEventName} hook function ${silent.hookFunction} reported no status within one hour (execution ${silent.lifecycleEventHookExecutionId})`,
  };
}

function errorInformationOf(deployment: TrafficDeployment, error: { Error: string; Cause?: string } | null): ErrorInformation | undefined {
  if (error) return errorInformationFromFailure(error.Error, error.Cause);
  return deployment.errorInformation;
}

/**
 * A hook still waiting is failed for good, so that a status arriving now is refused rather than acted on. Returns
 * every hook execution of the deployment as it ended.
 */
async function closeHooks(deps: StepDependencies, deployment: TrafficDeployment, message: string): Promise<HookExecution[]> {
  const ended: HookExecution[] = [];
  for (const event of HOOK_EVENT_NAMES) {
    const execution = await deps.store.getHookExecution(deployment.deploymentId, event);
    if (execution?.status !== 'Pending') {
      if (execution) ended.push(execution);
      continue;
    }
    try {
      ended.push(await deps.store.completeHookExecution(deployment.deploymentId, event, 'Failed', deps.clock().toISOString(), message));
    } catch (error) {
      // A status that came in meanwhile stands.
      if (!(error instanceof ConflictError)) throw error;
      const reported = await deps.store.getHookExecution(deployment.deploymentId, event);
      if (reported) ended.push(reported);
    }
  }
  return ended;
}

function giveTrafficBack(deps: StepDependencies, deployment: TrafficDeployment, errorInformation: ErrorInformation, now: string): Promise<TrafficRestore | undefined> {
  return deployment.computePlatform === 'Lambda' ? restoreAlias(deps, deployment, errorInformation, now) : restoreTaskSets(deps, deployment, errorInformation, now);
}

/** The alias target ends with the deployment: Succeeded with it, or Failed with the event under way failing. */
function closeTarget(target: DeploymentTarget, errorInformation: ErrorInformation | undefined, now: string): DeploymentTarget {
  if (target.status !== 'Pending' && target.status !== 'InProgress') return target;
  if (!errorInformation) return { ...target, status: 'Succeeded', lastUpdatedAt: now };
  return failTarget(target, { errorCode: 'UnknownError', scriptName: '', message: errorInformation.message, logTail: '' }, now);
}
