// Pieces GetDeploymentGroup and GetDeployment both answer with: the schemas that document them and the copies that
// fill them, so a group and a deployment show the same setting the same way.
import { z } from 'zod';
import type { AutoRollbackConfiguration, LoadBalancerInfo } from '../core/types';

const names = z.array(z.object({ name: z.string() }));

export const autoRollbackConfigurationShown = z.object({ enabled: z.boolean(), events: z.array(z.string()) });

export const loadBalancerInfoShown = z.object({ targetGroupInfoList: names.optional(), elbInfoList: names.optional() });

/** CodeDeploy's deploymentStyle: in place for Server, blue/green with traffic control for Lambda. */
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
    }
  );
}
