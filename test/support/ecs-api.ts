// What API tests of ECS deployments share: a simulated service of its own per test (cluster `main`, running
// ORIGINAL_TASK_DEFINITION behind target group `<name>-blue`, a second group `<name>-green`, a production listener
// `<name>-prod` and, when asked, a test listener `<name>-test`), the CreateDeploymentGroup settings naming it, and
// where its production traffic goes.
import type { Harness } from './local-runtime-harness';
import { ORIGINAL_TASK_DEFINITION } from './ecs-harness';

export const ECS_CLUSTER = 'main';

export interface EcsServiceSetup {
  readonly serviceName: string;
  readonly prodListener: string;
  readonly testListener?: string;
  /** CreateDeploymentGroup's settings for the service: ecsServices and its target group pair. */
  readonly groupSettings: Record<string, unknown>;
}

export async function createEcsService(h: Harness, name: string, options: { readonly testListener?: boolean } = {}): Promise<EcsServiceSetup> {
  const ecs = h.runtime.ecsServices;
  await ecs.createTargetGroup(`${name}-blue`);
  await ecs.createTargetGroup(`${name}-green`);
  const prodListener = await ecs.createListener(`${name}-prod`, `${name}-blue`);
  const testListener = options.testListener ? await ecs.createListener(`${name}-test`, `${name}-blue`) : undefined;
  await ecs.createService({
    cluster: ECS_CLUSTER,
    service: name,
    desiredCount: 2,
    taskDefinition: ORIGINAL_TASK_DEFINITION,
    targetGroupName: `${name}-blue`,
    containerName: 'web',
    containerPort: 80,
  });
  const pair = {
    targetGroups: [{ name: `${name}-blue` }, { name: `${name}-green` }],
    prodTrafficRoute: { listenerArns: [prodListener] },
    ...(testListener ? { testTrafficRoute: { listenerArns: [testListener] } } : {}),
  };
  return {
    serviceName: name,
    prodListener,
    ...(testListener ? { testListener } : {}),
    groupSettings: { ecsServices: [{ serviceName: name, clusterName: ECS_CLUSTER }], loadBalancerInfo: { targetGroupPairInfoList: [pair] } },
  };
}

/** The service's task sets as the simulation has them now: id, task definition and status. */
export async function taskSetsOf(h: Harness, setup: EcsServiceSetup): Promise<{ id: string; taskDefinition: string; status: string }[]> {
  const service = await h.runtime.ecsServices.describe(ECS_CLUSTER, setup.serviceName);
  return service.taskSets.map(({ id, taskDefinition, status }) => ({ id, taskDefinition, status }));
}

/** Percent of the production listener's traffic per task set id; a task set it sends nothing is left out. */
export async function prodTraffic(h: Harness, setup: EcsServiceSetup): Promise<Record<string, number>> {
  const service = await h.runtime.ecsServices.describe(ECS_CLUSTER, setup.serviceName);
  const shares: Record<string, number> = {};
  for (const taskSet of service.taskSets) {
    const share = taskSet.trafficWeights.find((weight) => weight.listenerArn === setup.prodListener);
    if (share && share.percent > 0) shares[taskSet.id] = share.percent;
  }
  return shares;
}
