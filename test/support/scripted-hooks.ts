// Hook functions for flow tests, whose behaviour each test chooses per hook name, recording every invocation.
import type { HookInvocation } from '../../functions/ports';
import type { LocalCodeDeployClient, LocalHookFunction } from '../../lib/local/local-runtime';

/** What a hook does when invoked: report a status, stay silent (never report), or hand the event to the test. */
export type HookBehaviour = 'Succeeded' | 'Failed' | 'silent' | ((event: HookInvocation) => void);

export interface ScriptedHooks {
  /** Per hook name; a hook not listed reports Succeeded. */
  readonly behaviours: Record<string, HookBehaviour>;
  /** Every hook invocation, in order. */
  readonly invocations: { readonly hook: string; readonly event: HookInvocation }[];
  /** The functions to hand to the runtime, by name. */
  readonly functions: Record<string, LocalHookFunction>;
}

export function scriptedHooks(names: readonly string[]): ScriptedHooks {
  const behaviours: Record<string, HookBehaviour> = {};
  const invocations: { hook: string; event: HookInvocation }[] = [];
  const hookFunction = (name: string): LocalHookFunction => async (event: HookInvocation, codedeploy: LocalCodeDeployClient) => {
    invocations.push({ hook: name, event });
    const behaviour = behaviours[name] ?? 'Succeeded';
    if (behaviour === 'silent') return;
    if (typeof behaviour === 'function') return behaviour(event);
    await codedeploy.putLifecycleEventHookExecutionStatus({
      deploymentId: event.DeploymentId,
      lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
      status: behaviour,
    });
  };
  return { behaviours, invocations, functions: Object.fromEntries(names.map((name) => [name, hookFunction(name)])) };
}
