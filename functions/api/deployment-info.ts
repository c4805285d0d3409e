// GetDeployment's answer: CodeDeploy's DeploymentInfo (spec §6.1), one shape per compute platform. A Server
// deployment is in place, with Cutover's trafficWait while a batch waits on its load balancers; Lambda and ECS
// deployments are blue/green with traffic control, with Cutover's trafficShifts and nextShift; an ECS one also shows
// its target group pair and termination wait. Any deployment shows the overrideAlarmConfiguration it was created with.
// The parsed appspec and the engine's bookkeeping (the traffic schedule, the polls, the task token of a wait, an
// alarm's stop) stay inside.
import { z } from 'zod';
import { isTerminationWait } from '../core/traffic-course';
import {
  CONCURRENCY_POLICIES,
  type AlarmConfiguration,
  type Deployment,
  type DeploymentBase,
  type EcsDeployment,
  type ServerDeployment,
  type TrafficDeployment,
} from '../core/types';
import { inPlaceStyleOf, BLUE_GREEN_STYLE } from './deployment-group-settings';
import { anyRevisionShown, appSpecContentShown, revisionLocationShown } from './revision-schemas';
import {
  autoRollbackConfigurationOf,
  autoRollbackConfigurationShown,
  blueGreenDeploymentConfigurationShown,
  loadBalancerInfoOf,
  loadBalancerInfoShown,
  targetGroupPairInfoOf,
} from './shown-schemas';

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
  overrideAlarmConfiguration: z
    .object({ enabled: z.boolean(), alarms: z.array(z.object({ name: z.string() })), ignorePollAlarmFailure: z.boolean().optional() })
    .optional()
    .describe("The alarms the deployment watches instead of its group's, when it was created with them"),
  rollbackInfo: z.object({ rollbackDeploymentId: z.string().optional(), rollbackTriggeringDeploymentId: z.string().optional(), rollbackMessage: z.string().optional() }).optional(),
  concurrencyPolicy: z
    .enum(CONCURRENCY_POLICIES)
    .optional()
    .describe("Cutover's own: the policy the request named, or the group's queue or supersede that admitted it"),
  queuePosition: z
    .number()
    .optional()
    .describe("Cutover's own: its place in its group's arrival order, when it was admitted by queue or supersede (it runs when the ones before it have ended)"),
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

/** What Lambda and ECS deployments show: the appspec inline, and how the traffic moved; `shares` says what between. */
function trafficInfo(shares: string, changed: string) {
  const weights = z.record(z.string(), z.number()).describe(`Percent of the traffic per ${shares}; one with none is left out`);
  return {
    ...commonInfo,
    revision: appSpecContentShown,
    deploymentStyle: z.object({ deploymentType: z.literal('BLUE_GREEN'), deploymentOption: z.literal('WITH_TRAFFIC_CONTROL') }),
    trafficShifts: z
      .array(z.object({ time: z.string().describe(`When the ${changed} changed`), weights }))
      .describe(`Cutover's own: every change of the ${changed} so far, oldest first, the restore of a stopped or failed deployment included`),
    nextShift: z
      .object({ time: z.string().describe('When the shift is due'), weights })
      .optional()
      .describe("Cutover's own: while the deployment waits between two shifts, the next one and when it is due (ContinueDeployment makes it now)"),
  };
}

const lambdaDeploymentInfo = z.object({
  ...trafficInfo('function version, e.g. {"1": 90, "2": 10}', 'alias'),
  computePlatform: z.literal('Lambda'),
});

const ecsDeploymentInfo = z.object({
  ...trafficInfo('task set id, e.g. {"ecs-svc/1234": 90, "ecs-svc/5678": 10}', 'production listeners'),
  computePlatform: z.literal('ECS'),
  loadBalancerInfo: loadBalancerInfoShown.describe("The group's target group pair when the deployment was created"),
  blueGreenDeploymentConfiguration: blueGreenDeploymentConfigurationShown.describe('The termination wait the deployment was created with'),
  instanceTerminationWaitTimeStarted: z
    .boolean()
    .describe('True once all production traffic moved: from then on the original task set waits to be removed (ContinueDeployment with TERMINATION_WAIT removes it now)'),
});

/** For the OpenAPI document: the one shape of each platform, told apart by computePlatform. */
export const deploymentInfo = z.discriminatedUnion('computePlatform', [serverDeploymentInfo, lambdaDeploymentInfo, ecsDeploymentInfo]);

export type DeploymentInfo = z.infer<typeof deploymentInfo>;

export function deploymentInfoOf(deployment: Deployment): DeploymentInfo {
  switch (deployment.computePlatform) {
    case 'Server':
      return serverInfoOf(deployment);
    case 'Lambda':
      return { ...trafficInfoOf(deployment), computePlatform: 'Lambda' };
    case 'ECS':
      return ecsInfoOf(deployment);
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
    overrideAlarmConfiguration: alarmConfigurationOf(deployment.overrideAlarmConfiguration),
    rollbackInfo: deployment.rollbackInfo,
    concurrencyPolicy: deployment.concurrencyPolicy,
    queuePosition: deployment.queuePosition,
  };
}

/** Only the fields CodeDeploy shows, copied, so nothing else the record may hold leaks into the answer. */
function alarmConfigurationOf(config: AlarmConfiguration | undefined) {
  return config && { enabled: config.enabled, alarms: config.alarms.map(({ name }) => ({ name })), ignorePollAlarmFailure: config.ignorePollAlarmFailure };
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

function trafficInfoOf(deployment: TrafficDeployment) {
  const { content, sha256 } = deployment.revision.appSpecContent;
  return {
    ...commonInfoOf(deployment),
    revision: { revisionType: 'AppSpecContent' as const, appSpecContent: { content, sha256 } },
    deploymentStyle: BLUE_GREEN_STYLE,
    trafficShifts: deployment.trafficShifts.map(({ time, weights }) => ({ time, weights: { ...weights } })),
    nextShift: deployment.nextShift && { time: deployment.nextShift.time, weights: { ...deployment.nextShift.weights } },
  };
}

function ecsInfoOf(deployment: EcsDeployment): z.infer<typeof ecsDeploymentInfo> {
  return {
    ...trafficInfoOf(deployment),
    computePlatform: 'ECS',
    loadBalancerInfo: { targetGroupPairInfoList: [targetGroupPairInfoOf(deployment.targetGroupPair)] },
    blueGreenDeploymentConfiguration: {
      terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: deployment.terminationWaitMinutes },
    },
    instanceTerminationWaitTimeStarted: isTerminationWait(deployment),
  };
}
