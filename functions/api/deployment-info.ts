// GetDeployment's answer: CodeDeploy's DeploymentInfo (spec §6.1), one shape per compute platform. A Server
// deployment is in place, with Cutover's trafficWait while a batch waits on its load balancers; a Lambda deployment
// is blue/green with traffic control, with Cutover's trafficShifts and nextShift. The parsed appspec and the engine's
// bookkeeping (the traffic schedule, the task token of a wait) stay inside.
import { z } from 'zod';
import type { Deployment, DeploymentBase, LambdaDeployment, ServerDeployment } from '../core/types';
import { inPlaceStyleOf, BLUE_GREEN_STYLE } from './deployment-group-settings';
import { unservedDeployment } from './deployment-lookup';
import { anyRevisionShown, appSpecContentShown, revisionLocationShown } from './revision-schemas';
import { autoRollbackConfigurationOf, autoRollbackConfigurationShown, loadBalancerInfoOf, loadBalancerInfoShown } from './shown-schemas';

const STATUSES = ['Created', 'Queued', 'InProgress', 'Succeeded', 'Failed', 'Stopped'] as const;

/** What every deployment shows, whatever it deploys to. */
const commonInfo = {
  applicationName: z.string(),
  deploymentGroupName: z.string(),
  deploymentConfigName: z.string(),
  deploymentId: z.string(),
  previousRevision: anyRevisionShown.optional(),
  status: z.enum(STATUSES),
  errorInformation: z.object({ code: z.string(), message: z.string() }).optional(),
  createTime: z.string(),
  startTime: z.string().optional(),
  completeTime: z.string().optional(),
  deploymentOverview: z.object({ Pending: z.number(), InProgress: z.number(), Succeeded: z.number(), Failed: z.number(), Skipped: z.number(), Ready: z.number() }),
  description: z.string().optional(),
  creator: z.enum(['user', 'autoscaling', 'codeDeployRollback']),
  autoRollbackConfiguration: autoRollbackConfigurationShown.optional(),
  rollbackInfo: z.object({ rollbackDeploymentId: z.string().optional(), rollbackTriggeringDeploymentId: z.string().optional(), rollbackMessage: z.string().optional() }).optional(),
};

const serverDeploymentInfo = z.object({
  ...commonInfo,
  computePlatform: z.literal('Server'),
  revision: revisionLocationShown,
  ignoreApplicationStopFailures: z.boolean(),
  loadBalancerInfo: loadBalancerInfoShown.optional(),
  fileExistsBehavior: z.enum(['DISALLOW', 'OVERWRITE', 'RETAIN']),
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

const versionWeights = z
  .record(z.string(), z.number())
  .describe('Percent of the traffic per function version, e.g. {"1": 90, "2": 10}; a version with none is left out');

const lambdaDeploymentInfo = z.object({
  ...commonInfo,
  computePlatform: z.literal('Lambda'),
  revision: appSpecContentShown,
  deploymentStyle: z.object({ deploymentType: z.literal('BLUE_GREEN'), deploymentOption: z.literal('WITH_TRAFFIC_CONTROL') }),
  trafficShifts: z
    .array(z.object({ time: z.string().describe('When the alias changed'), weights: versionWeights }))
    .describe("Cutover's own: every change of the alias so far, oldest first, the restore of a stopped or failed deployment included"),
  nextShift: z
    .object({ time: z.string().describe('When the shift is due'), weights: versionWeights })
    .optional()
    .describe("Cutover's own: while the deployment waits between two shifts, the next one and when it is due (ContinueDeployment makes it now)"),
});

/** For the OpenAPI document: the one shape of each platform, told apart by computePlatform. */
export const deploymentInfo = z.discriminatedUnion('computePlatform', [serverDeploymentInfo, lambdaDeploymentInfo]);

export type DeploymentInfo = z.infer<typeof deploymentInfo>;

export function deploymentInfoOf(deployment: Deployment): DeploymentInfo {
  switch (deployment.computePlatform) {
    case 'Server':
      return serverInfoOf(deployment);
    case 'Lambda':
      return lambdaInfoOf(deployment);
    default:
      throw unservedDeployment(deployment);
  }
}

// Fields the deployment lacks stay undefined, which JSON leaves out, as CodeDeploy leaves them out.
function commonInfoOf(deployment: DeploymentBase & Pick<Deployment, 'previousRevision'>) {
  return {
    applicationName: deployment.applicationName,
    deploymentGroupName: deployment.deploymentGroupName,
    deploymentConfigName: deployment.deploymentConfigName,
    deploymentId: deployment.deploymentId,
    previousRevision: deployment.previousRevision,
    status: deployment.status,
    errorInformation: deployment.errorInformation,
    createTime: deployment.createTime,
    startTime: deployment.startTime,
    completeTime: deployment.completeTime,
    deploymentOverview: deployment.deploymentOverview,
    description: deployment.description,
    creator: deployment.creator,
    autoRollbackConfiguration: autoRollbackConfigurationOf(deployment.autoRollbackConfiguration),
    rollbackInfo: deployment.rollbackInfo,
  };
}

function serverInfoOf(deployment: ServerDeployment): z.infer<typeof serverDeploymentInfo> {
  return {
    ...commonInfoOf(deployment),
    computePlatform: 'Server',
    revision: deployment.revision,
    ignoreApplicationStopFailures: deployment.ignoreApplicationStopFailures,
    loadBalancerInfo: loadBalancerInfoOf(deployment.loadBalancerInfo),
    fileExistsBehavior: deployment.fileExistsBehavior,
    deploymentStyle: inPlaceStyleOf(deployment),
    trafficWait: deployment.trafficWait && { ...deployment.trafficWait, pending: [...deployment.trafficWait.pending] },
  };
}

function lambdaInfoOf(deployment: LambdaDeployment): z.infer<typeof lambdaDeploymentInfo> {
  const { content, sha256 } = deployment.revision.appSpecContent;
  return {
    ...commonInfoOf(deployment),
    computePlatform: 'Lambda',
    revision: { revisionType: 'AppSpecContent', appSpecContent: { content, sha256 } },
    deploymentStyle: BLUE_GREEN_STYLE,
    trafficShifts: deployment.trafficShifts.map(({ time, weights }) => ({ time, weights: { ...weights } })),
    nextShift: deployment.nextShift && { time: deployment.nextShift.time, weights: { ...deployment.nextShift.weights } },
  };
}
