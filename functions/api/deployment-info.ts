// GetDeployment's answer: CodeDeploy's DeploymentInfo (spec §6.1) for an in-place Server deployment, plus Cutover's
// trafficWait while a batch waits on its load balancers. The parsed appspec and the engine's bookkeeping stay inside.
import { z } from 'zod';
import type { Deployment } from '../core/types';
import { deploymentStyleOf } from './deployment-group-settings';
import { revisionLocationShown } from './revision-schemas';

const STATUSES = ['Created', 'Queued', 'InProgress', 'Succeeded', 'Failed', 'Stopped'] as const;
const names = z.array(z.object({ name: z.string() }));

/** For the OpenAPI document. */
export const deploymentInfo = z.object({
  applicationName: z.string(),
  deploymentGroupName: z.string(),
  deploymentConfigName: z.string(),
  deploymentId: z.string(),
  previousRevision: revisionLocationShown.optional(),
  revision: revisionLocationShown,
  status: z.enum(STATUSES),
  errorInformation: z.object({ code: z.string(), message: z.string() }).optional(),
  createTime: z.string(),
  startTime: z.string().optional(),
  completeTime: z.string().optional(),
  deploymentOverview: z.object({ Pending: z.number(), InProgress: z.number(), Succeeded: z.number(), Failed: z.number(), Skipped: z.number(), Ready: z.number() }),
  description: z.string().optional(),
  creator: z.enum(['user', 'autoscaling', 'codeDeployRollback']),
  ignoreApplicationStopFailures: z.boolean(),
  autoRollbackConfiguration: z.object({ enabled: z.boolean(), events: z.array(z.string()) }).optional(),
  rollbackInfo: z.object({ rollbackDeploymentId: z.string().optional(), rollbackTriggeringDeploymentId: z.string().optional(), rollbackMessage: z.string().optional() }).optional(),
  loadBalancerInfo: z.object({ targetGroupInfoList: names.optional(), elbInfoList: names.optional() }).optional(),
  fileExistsBehavior: z.enum(['DISALLOW', 'OVERWRITE', 'RETAIN']),
  computePlatform: z.literal('Server'),
  deploymentStyle: z.object({ deploymentType: z.literal('IN_PLACE'), deploymentOption: z.enum(['WITH_TRAFFIC_CONTROL', 'WITHOUT_TRAFFIC_CONTROL']) }),
  trafficWait: z
    .object({
      batchNumber: z.number(),
      lifecycleEventName: z.enum(['BlockTraffic', 'AllowTraffic']),
      since: z.string(),
      nextCheck: z.string(),
      until: z.string(),
      reason: z.string(),
      pending: z.array(z.object({ targetId: z.string(), loadBalancer: z.string(), state: z.string(), reason: z.string().optional() })),
      pendingCount: z.number(),
    })
    .optional()
    .describe("Cutover's own: while a batch waits on its load balancers, what for and until when"),
});

export type DeploymentInfo = z.infer<typeof deploymentInfo>;

export function deploymentInfoOf(deployment: Deployment): DeploymentInfo {
  // Fields the deployment lacks stay undefined, which JSON leaves out, as CodeDeploy leaves them out.
  return {
    applicationName: deployment.applicationName,
    deploymentGroupName: deployment.deploymentGroupName,
    deploymentConfigName: deployment.deploymentConfigName,
    deploymentId: deployment.deploymentId,
    previousRevision: deployment.previousRevision,
    revision: deployment.revision,
    status: deployment.status,
    errorInformation: deployment.errorInformation,
    createTime: deployment.createTime,
    startTime: deployment.startTime,
    completeTime: deployment.completeTime,
    deploymentOverview: deployment.deploymentOverview,
    description: deployment.description,
    creator: deployment.creator,
    ignoreApplicationStopFailures: deployment.ignoreApplicationStopFailures,
    autoRollbackConfiguration: deployment.autoRollbackConfiguration && { ...deployment.autoRollbackConfiguration, events: [...deployment.autoRollbackConfiguration.events] },
    rollbackInfo: deployment.rollbackInfo,
    loadBalancerInfo: deployment.loadBalancerInfo && {
      targetGroupInfoList: deployment.loadBalancerInfo.targetGroupInfoList?.map(({ name }) => ({ name })),
      elbInfoList: deployment.loadBalancerInfo.elbInfoList?.map(({ name }) => ({ name })),
    },
    fileExistsBehavior: deployment.fileExistsBehavior,
    computePlatform: deployment.computePlatform,
    deploymentStyle: deploymentStyleOf(deployment),
    trafficWait: deployment.trafficWait && { ...deployment.trafficWait, pending: [...deployment.trafficWait.pending] },
  };
}
