// The embedded runtime set up for ECS flow tests: service `main/web` (EXTERNAL controller) running task definition
// web:1 behind target group `blue`, a second group `green`, a production listener `prod` (and a test listener `test`
// when asked), an ECS application `app` with group `group`, and hook functions whose behaviour each test chooses.
import type { HookInvocation } from '../../functions/ports';
import { createTrafficDeployment } from '../../functions/steps/traffic/create-traffic-deployment';
import type { EcsHookEvent } from '../../functions/core/appspec/ecs-appspec';
import { ensureLocalEcsGroup } from '../../lib/local/local-groups';
import type { LocalRuntimeOptions } from '../../lib/local/local-runtime';
import { type HookBehaviour, scriptedHooks } from './scripted-hooks';
import { type Harness, openHarness } from './local-runtime-harness';

export const ORIGINAL_TASK_DEFINITION = 'arn:aws:ecs:local:000000000000:task-definition/web:1';
export const NEW_TASK_DEFINITION = 'arn:aws:ecs:local:000000000000:task-definition/web:2';

export interface EcsHarness extends Harness {
  readonly hooks: Record<string, HookBehaviour>;
  readonly invocations: { readonly hook: string; readonly event: HookInvocation }[];
  readonly listeners: { readonly prod: string; readonly test?: string };
}

export async function openEcsHarness(
  options: Omit<LocalRuntimeOptions, 'stateDir' | 'persist' | 'hooks'> & { readonly testListener?: boolean } = {},
): Promise<EcsHarness> {
  const scripted = scriptedHooks(['BeforeInstall', 'AfterInstall', 'AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AfterAllowTraffic']);
  const { testListener, ...runtimeOptions } = options;
  const h = await openHarness({ ...runtimeOptions, hooks: scripted.functions });
  const ecs = h.runtime.ecsServices;
  await ecs.createTargetGroup('blue');
  await ecs.createTargetGroup('green');
  const prod = await ecs.createListener('prod', 'blue');
  const test = testListener ? await ecs.createListener('test', 'blue') : undefined;
  await ecs.createService({
    cluster: 'main',
    service: 'web',
    desiredCount: 2,
    taskDefinition: ORIGINAL_TASK_DEFINITION,
    targetGroupName: 'blue',
    containerName: 'web',
    containerPort: 80,
  });
  return { ...h, hooks: scripted.behaviours, invocations: scripted.invocations, listeners: { prod, ...(test ? { test } : {}) } };
}

export function ecsAppSpec(hooks: readonly EcsHookEvent[] = [], taskDefinition = NEW_TASK_DEFINITION): string {
  const hookLines = hooks.map((event) => `  - ${event}: ${event}\n`).join('');
  return (
    'version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n' +
    `        TaskDefinition: "${taskDefinition}"\n        LoadBalancerInfo:\n          ContainerName: web\n          ContainerPort: 80\n` +
    (hookLines ? `Hooks:\n${hookLines}` : '')
  );
}

export interface EcsDeployOptions {
  readonly config: string;
  readonly hooks?: readonly EcsHookEvent[];
  readonly taskDefinition?: string;
  readonly alarms?: readonly string[];
  readonly autoRollback?: boolean;
  readonly terminationWaitMinutes?: number;
}

/** Creates the group (first time) and a deployment; returns its id without waiting. */
export async function startEcsDeployment(h: EcsHarness, options: EcsDeployOptions): Promise<string> {
  await ensureLocalEcsGroup(
    h.runtime.store,
    {
      applicationName: 'app',
      deploymentGroupName: 'group',
      service: { clusterName: 'main', serviceName: 'web' },
      targetGroupPair: {
        targetGroups: [{ name: 'blue' }, { name: 'green' }],
        prodTrafficRoute: { listenerArns: [h.listeners.prod] },
        ...(h.listeners.test ? { testTrafficRoute: { listenerArns: [h.listeners.test] } } : {}),
      },
      deploymentConfigName: options.config,
      terminationWaitMinutes: options.terminationWaitMinutes,
      alarms: options.alarms ?? [],
    },
    new Date(),
  );
  const deployment = await createTrafficDeployment(h.runtime.deps, {
    applicationName: 'app',
    deploymentGroupName: 'group',
    deploymentConfigName: options.config,
    appSpecContent: ecsAppSpec(options.hooks, options.taskDefinition),
    autoRollbackConfiguration: options.autoRollback ? { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] } : undefined,
  });
  return deployment.deploymentId;
}
