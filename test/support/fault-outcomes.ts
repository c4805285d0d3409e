// What fault-injection tests check after a deployment ends, whatever the platform: nothing left open, no hook still
// waiting, and how each status a hook sent (in order, late, twice, for another execution) was answered.
import type { DeploymentView } from '../../functions/core/types';
import { HOOK_EVENT_NAMES } from '../../functions/core/traffic-course';
import type { HookInvocation } from '../../functions/ports';
import { reportHookStatus } from '../../functions/steps/traffic/hook-status';
import type { LocalRuntime } from '../../lib/local/local-runtime';
import type { HookBehaviour } from './scripted-hooks';

/** Targets and lifecycle events a deployment left Pending or InProgress, as "<target> [<event>] <status>". */
export function leftOpen(view: DeploymentView): string[] {
  return view.targets.flatMap((t) => [
    ...(t.status === 'Pending' || t.status === 'InProgress' ? [`${t.targetId} ${t.status}`] : []),
    ...t.lifecycleEvents.filter((e) => e.status === 'Pending' || e.status === 'InProgress').map((e) => `${t.targetId} ${e.lifecycleEventName} ${e.status}`),
  ]);
}

/** Hook executions of a Lambda or ECS deployment still Pending: a status sent now would still be taken. */
export async function hooksStillPending(runtime: LocalRuntime, deploymentId: string): Promise<string[]> {
  const executions = await Promise.all(HOOK_EVENT_NAMES.map((event) => runtime.store.getHookExecution(deploymentId, event)));
  return executions.filter((e) => e?.status === 'Pending').map((e) => e!.lifecycleEventName);
}

export interface HookReport {
  /** Shown in the answers. */
  readonly label: string;
  readonly status: 'Succeeded' | 'Failed';
  /** The execution id reported; the invoked one when absent. */
  readonly executionId?: (event: HookInvocation) => string;
  /** The deployment reported for; the invoking one when absent. */
  readonly deploymentId?: (event: HookInvocation) => string;
}

/** Hook functions that send a series of statuses through PutLifecycleEventHookExecutionStatus's step. */
export class HookReports {
  /** Each status sent, in order, with 'accepted' or the name of the error that refused it. */
  public readonly answers: { readonly label: string; readonly answer: string }[] = [];
  private readonly sending: Promise<void>[] = [];

  public constructor(private readonly runtime: () => LocalRuntime) {}

  /** A hook behaviour for scripted hooks: sends `reports` one after the other once invoked. */
  public behaviour(reports: readonly HookReport[]): HookBehaviour {
    return (event) => {
      this.sending.push(this.send(event, reports));
    };
  }

  /** The answers, once every series has been sent. */
  public async settled(): Promise<{ readonly label: string; readonly answer: string }[]> {
    await Promise.all(this.sending);
    return this.answers;
  }

  private async send(event: HookInvocation, reports: readonly HookReport[]): Promise<void> {
    for (const report of reports) {
      const answer = await reportHookStatus(this.runtime().deps, {
        deploymentId: report.deploymentId?.(event) ?? event.DeploymentId,
        lifecycleEventHookExecutionId: report.executionId?.(event) ?? event.LifecycleEventHookExecutionId,
        status: report.status,
      }).then(
        () => 'accepted',
        (error: unknown) => (error instanceof Error ? error.name : String(error)),
      );
      this.answers.push({ label: report.label, answer });
    }
  }
}
