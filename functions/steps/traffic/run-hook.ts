// A lifecycle hook of a Lambda or ECS deployment (BeforeAllowTraffic, …): invoke the function with a fresh
// execution id and leave the execution waiting; the function's status, through the API, resumes it (hook-status.ts).
// A retried step renews the token of the execution already recorded; the function is invoked at least once, and a
// status for a repeated invocation is refused as a second one.
import { randomUUID } from 'node:crypto';
import { CutoverError } from '../../core/errors';
import { HOOK_EVENT_NAMES } from '../../core/traffic-course';
import type { TrafficDeployment } from '../../core/types';
import type { HookEventName, HookExecution, StepDependencies } from '../../ports';
import { parseStepInput } from '../step-inputs';
import { beginWait } from './begin-wait';
import { aliasesOf, concludeHook, loadTrafficDeployment, loadTrafficTarget, markEvent } from './traffic-context';
import { runHookInput } from './traffic-step-inputs';

export async function runHook(deps: StepDependencies, raw: unknown): Promise<void> {
  const input = parseStepInput(runHookInput, raw, 'run-hook');
  const { store } = deps;
  const deployment = await loadTrafficDeployment(deps, input.deploymentId);
  const event = input.lifecycleEventName;
  const hooks: Partial<Record<HookEventName, string>> = deployment.appSpec.hooks;
  const hookFunction = hooks[event];
  // The cursor sends only events with a function here; anything else is a wiring mistake worth failing loudly.
  if (hookFunction === undefined) throw new CutoverError(`Deployment ${deployment.deploymentId} has no ${event} hook function to run`);

  const now = deps.clock().toISOString();
  const existing = await store.getHookExecution(deployment.deploymentId, event);
  const execution: HookExecution = {
    deploymentId: deployment.deploymentId,
    lifecycleEventName: event,
    lifecycleEventHookExecutionId: existing?.lifecycleEventHookExecutionId ?? newHookExecutionId(event),
    hookFunction,
    taskToken: input.taskToken,
    status: 'Pending',
    invoked: existing?.invoked ?? false,
    startTime: existing?.startTime ?? now,
  };
  if (existing && existing.status !== 'Pending') {
    await concludeHook(deps, deployment, { ...existing, taskToken: input.taskToken });
    return;
  }
  if (!(await store.putHookExecution(execution))) {
    // The status came in between the read and the write.
    await concludeRecorded(deps, deployment, event, input.taskToken);
    return;
  }
  await markEvent(deps, await loadTrafficTarget(deps, deployment), event, 'InProgress');
  if (!execution.invoked) {
    await aliasesOf(deps).invokeHook(hookFunction, {
      DeploymentId: deployment.deploymentId,
      LifecycleEventHookExecutionId: execution.lifecycleEventHookExecutionId,
    });
    if (!(await store.putHookExecution({ ...execution, invoked: true }))) {
      await concludeRecorded(deps, deployment, event, input.taskToken);
      return;
    }
  }
  // Last, so that a stop or an alarm ending the wait from outside finds this step's work done: on AWS the execution
  // moves on the moment its token is failed, whether or not this Lambda has returned.
  await beginWait(deps, deployment.deploymentId, 'hook', input.taskToken);
}

/**
 * Opaque to the hook, but it names the event so that a status finds its record with one read: CodeDeploy's ids are
 * opaque strings too, and nothing outside Cutover may rely on their shape.
 */
export function newHookExecutionId(event: HookEventName): string {
  return `${event}-${randomUUID()}`;
}

/** The event a hook execution id names, or undefined for an id Cutover did not hand out. */
export function hookEventOfExecutionId(id: string): HookEventName | undefined {
  const event = id.slice(0, id.indexOf('-'));
  return (HOOK_EVENT_NAMES as readonly string[]).includes(event) ? (event as HookEventName) : undefined;
}

async function concludeRecorded(deps: StepDependencies, deployment: TrafficDeployment, event: HookEventName, taskToken: string): Promise<void> {
  const recorded = await deps.store.getHookExecution(deployment.deploymentId, event);
  if (recorded) await concludeHook(deps, deployment, { ...recorded, taskToken });
}
