// Pieces GetDeploymentGroup and GetDeployment both answer with: the schemas that document them and the copies that
// fill them, so a group and a deployment show the same setting the same way.
import { z } from 'zod';
import type { AutoRollbackConfiguration, BlueGreenDeploymentConfiguration, LoadBalancerInfo, TargetGroupPairInfo } from '../core/types';

const names = z.array(z.object({ name: z.string() }));

export const autoRollbackConfigurationShown = z.object({ enabled: z.boolean(), events: z.array(z.string()) });

const trafficRouteShown = z.object({ listenerArns: z.array(z.string()) });

const targetGroupPairInfoShown = z.object({ targetGroups: names, prodTrafficRoute: trafficRouteShown, testTrafficRoute: trafficRouteShown.optional() });

export const loadBalancerInfoShown = z.object({
  targetGroupInfoList: names.optional(),
  elbInfoList: names.optional(),
  targetGroupPairInfoList: z.array(targetGroupPairInfoShown).optional().describe('ECS: the target groups the task sets alternate between'),
});

/** CodeDeploy's blueGreenDeploymentConfiguration as ECS groups and deployments have it. */
export const blueGreenDeploymentConfigurationShown = z.object({
  terminateBlueInstancesOnDeploymentSuccess: z
    .object({ action: z.literal('TERMINATE'), terminationWaitTimeInMinutes: z.number().optional() })
    .optional()
    .describe('Minutes the original task set is kept after all traffic moved'),
});

/** CodeDeploy's deploymentStyle: in place for Server, blue/green with traffic control for Lambda and ECS. */
export const deploymentStyleShown = z.union([
  z.object({ deploymentType: z.literal('IN_PLACE'), deploymentOption: z.enum(['WITH_TRAFFIC_CONTROL', 'WITHOUT_TRAFFIC_CONTROL']) }),
  z.object({ deploymentType: z.literal('BLUE_GREEN'), deploymentOption: z.literal('WITH_TRAFFIC_CONTROL') }),
]);

export function autoRollbackConfigurationOf(config: AutoRollbackConfiguration | undefined): z.infer<typeof autoRollbackConfigurationShown> | undefined {
  return config && { ...config, events: [...config.events] };
}

export function loadBalancerInfoOf(info: LoadBalancerInfo | undefined): z.infer<typeof loadBalancerInfoShown> | undefined {
  return (
    info && {
      targetGroupInfoList: info.targetGroupInfoList?.map(({ name }) => ({ name })),
      elbInfoList: info.elbInfoList?.map(({ name }) => ({ name })),
      targetGroupPairInfoList: info.targetGroupPairInfoList?.map(targetGroupPairInfoOf),
    }
  );
}

export function targetGroupPairInfoOf(pair: TargetGroupPairInfo): z.infer<typeof targetGroupPairInfoShown> {
  const route = (listenerArns: readonly string[]) => ({ listenerArns: [...listenerArns] });
  return {
    targetGroups: pair.targetGroups.map(({ name }) => ({ name })),
    prodTrafficRoute: route(pair.prodTrafficRoute.listenerArns),
    testTrafficRoute: pair.testTrafficRoute && route(pair.testTrafficRoute.listenerArns),
  };
}

export function blueGreenDeploymentConfigurationOf(
  config: BlueGreenDeploymentConfiguration | undefined,
): z.infer<typeof blueGreenDeploymentConfigurationShown> | undefined {
  const terminate = config?.terminateBlueInstancesOnDeploymentSuccess;
  return config && { terminateBlueInstancesOnDeploymentSuccess: terminate && { ...terminate } };
}
