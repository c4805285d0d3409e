// The embedded runtime set up for Lambda flow tests: function `fn` with versions 1 and 2, alias `live` on 1, a Lambda
// application `app` and group `group`, and two hook functions (`pre`, `post`) whose behaviour each test chooses.
import type { HookInvocation } from '../../functions/ports';
import { createTrafficDeployment } from '../../functions/steps/traffic/create-traffic-deployment';
import { ensureLocalLambdaGroup } from '../../lib/local/local-groups';
import type { LocalRuntimeOptions } from '../../lib/local/local-runtime';
import { type HookBehaviour, scriptedHooks } from './scripted-hooks';
import { type Harness, openHarness } from './local-runtime-harness';

export interface LambdaHarness extends Harness {
  /** Per hook name; a hook not listed reports Succeeded. */
  readonly hooks: Record<string, HookBehaviour>;
  /** Every hook invocation, in order. */
  readonly invocations: { readonly hook: string; readonly event: HookInvocation }[];
}

export async function openLambdaHarness(options: Omit<LocalRuntimeOptions, 'stateDir' | 'persist' | 'hooks'> = {}): Promise<LambdaHarness> {
  const scripted = scriptedHooks(['pre', 'post']);
  const h = await openHarness({ ...options, hooks: scripted.functions });
  await h.runtime.lambdaFunctions.publishVersions('fn', ['1', '2']);
  await h.runtime.lambdaFunctions.createAlias('fn', 'live', '1');
  return { ...h, hooks: scripted.behaviours, invocations: scripted.invocations };
}

export interface LambdaDeployOptions {
  readonly config: string;
  /** Hook events to give functions: `pre` runs BeforeAllowTraffic, `post` AfterAllowTraffic. */
  readonly hooks?: readonly ('BeforeAllowTraffic' | 'AfterAllowTraffic')[];
  readonly alarms?: readonly string[];
  readonly autoRollback?: boolean;
}

export function lambdaAppSpec(hooks: readonly ('BeforeAllowTraffic' | 'AfterAllowTraffic')[] = []): string {
  const names = { BeforeAllowTraffic: 'pre', AfterAllowTraffic: 'post' } as const;
  const hookLines = hooks.map((event) => `  - ${event}: ${names[event]}\n`).join('');
  return (
    'version: 0.0\nResources:\n  - fn:\n      Type: AWS::Lambda::Function\n      Properties:\n        Name: fn\n        Alias: live\n' +
    '        CurrentVersion: 1\n        TargetVersion: 2\n' +
    (hookLines ? `Hooks:\n${hookLines}` : '')
  );
}

/** Creates the group (first time) and a deployment; returns its id without waiting. */
export async function startLambdaDeployment(h: LambdaHarness, options: LambdaDeployOptions): Promise<string> {
  await ensureLocalLambdaGroup(
    h.runtime.store,
    { applicationName: 'app', deploymentGroupName: 'group', deploymentConfigName: options.config, alarms: options.alarms ?? [] },
    new Date(),
  );
  const deployment = await createTrafficDeployment(h.runtime.deps, {
    applicationName: 'app',
    deploymentGroupName: 'group',
    deploymentConfigName: options.config,
    appSpecContent: lambdaAppSpec(options.hooks),
    autoRollbackConfiguration: options.autoRollback ? { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] } : undefined,
  });
  return deployment.deploymentId;
}
