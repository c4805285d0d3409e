// Deployment targets: ListDeploymentTargets, GetDeploymentTarget (spec §6.4): a Server deployment's hosts as
// InstanceTarget, a Lambda deployment's one alias as LambdaTarget, an ECS deployment's one service as ECSTarget.
import { z } from 'zod';
import { NotFoundError } from '../../core/errors';
import { expected } from '../../core/input-messages';
import { type EventContext, eventContextFromArn, instanceArn } from '../../core/state-change-events';
import type { Deployment, DeploymentTarget, EcsDeployment, LambdaDeployment, ServerDeployment, TargetStatus, TaskSetRef } from '../../core/types';
import type { ApiContext } from '../api-context';
import { ApiError } from '../api-errors';
import { deploymentId, nextTokenField } from '../api-schemas';
import { commaList } from '../comma-list';
import { requireDeployment } from '../deployment-lookup';
import { route } from '../route';

const TAG = 'Deployment targets';
const TARGET_STATUSES = ['Pending', 'InProgress', 'Succeeded', 'Failed', 'Skipped', 'Unknown', 'Ready'] as const satisfies readonly TargetStatus[];

const targetId = z
  .string({ error: expected('a target id: an instance id on AWS, a host name on the embedded runtime, <function>:<alias> for Lambda, <cluster>:<service> for ECS') })
  .min(1)
  .max(255, { error: (issue) => `must be at most 255 characters (got ${String(issue.input).length})` });

const statusList = commaList(TARGET_STATUSES, 'target status');

const lifecycleEvent = z.object({
  lifecycleEventName: z.string(),
  status: z.string(),
  startTime: z.string().optional(),
  endTime: z.string().optional(),
  diagnostics: z.object({ errorCode: z.string(), scriptName: z.string(), message: z.string(), logTail: z.string() }).optional(),
});

/** A target's shape: the fields every kind has (targetFields fills them), what its id and ARN are, and its own. */
function targetShape<T extends z.ZodRawShape>(targetId: string, targetArn: z.ZodType, own: T) {
  return z.object({
    deploymentId: z.string(),
    targetId: z.string().describe(targetId),
    targetArn,
    status: z.enum(TARGET_STATUSES),
    lastUpdatedAt: z.string(),
    lifecycleEvents: z.array(lifecycleEvent),
    ...own,
  });
}

const instanceTarget = z.object({
  deploymentTargetType: z.literal('InstanceTarget'),
  instanceTarget: targetShape(
    'An instance id on AWS, a host name on the embedded runtime',
    z.string().describe('An EC2 or SSM managed-instance ARN on AWS; the host name on the embedded runtime'),
    { instanceLabel: z.literal('Blue') },
  ),
});

const lambdaTarget = z.object({
  deploymentTargetType: z.literal('LambdaTarget'),
  lambdaTarget: targetShape(
    '<function>:<alias>, as the appspec names them',
    z.string().optional().describe("The alias's ARN on AWS; absent on the embedded runtime unless the appspec names the function by ARN"),
    {
      lambdaFunctionInfo: z.object({
        functionName: z.string(),
        functionAlias: z.string(),
        currentVersion: z.string(),
        targetVersion: z.string(),
        targetVersionWeight: z.number().describe('The fraction of the traffic (0 to 1) on targetVersion since the latest shift; 0 before the first'),
      }),
    },
  ),
});

const TASK_SET_STATUSES = ['PRIMARY', 'ACTIVE', 'DRAINING'] as const;
type TaskSetStatus = (typeof TASK_SET_STATUSES)[number];

const ecsTarget = z.object({
  deploymentTargetType: z.literal('ECSTarget'),
  ecsTarget: targetShape('<cluster>:<service>', z.string().optional().describe("The service's ARN on AWS; absent on the embedded runtime"), {
    taskSetsInfo: z
      .array(
        z.object({
          identifer: z.string().describe("The task set's id (CodeDeploy's spelling of the field)"),
          status: z.enum(TASK_SET_STATUSES).describe('As the deployment left it: DRAINING once removed'),
          trafficWeight: z.number().describe('Percent of the production traffic on the task set since the latest shift'),
          targetGroup: z.object({ name: z.string() }),
          taskSetLabel: z.enum(['Blue', 'Green']).describe('Blue: the original task set; Green: the replacement'),
        }),
      )
      .describe('The original task set once the deployment found it, and the replacement once created; the task counts are left out: Cutover does not keep them'),
  }),
});

/** CodeDeploy's DeploymentTarget: an instance of a Server deployment, the alias of a Lambda one, the service of an ECS one. */
const deploymentTarget = z.discriminatedUnion('deploymentTargetType', [instanceTarget, lambdaTarget, ecsTarget]);

/** Where a deployment running on AWS runs: its execution's partition, region and account. */
function awsContext(ctx: ApiContext, deployment: Deployment): EventContext | undefined {
  if (ctx.hostNaming === 'local' || deployment.executionArn === undefined) return undefined;
  return eventContextFromArn(deployment.executionArn);
}

/** The embedded runtime's hosts are folders: their name is all there is. */
function instanceTargetOf(ctx: ApiContext, deployment: ServerDeployment, target: DeploymentTarget): z.infer<typeof instanceTarget> {
  const where = awsContext(ctx, deployment);
  return {
    deploymentTargetType: 'InstanceTarget',
    instanceTarget: {
      ...targetFields(target),
      targetArn: where ? instanceArn(target.targetId, where) : target.targetId,
      // In-place deployments have no green fleet: every host is the original (blue) one.
      instanceLabel: 'Blue',
    },
  };
}

function lambdaTargetOf(ctx: ApiContext, deployment: LambdaDeployment, target: DeploymentTarget): z.infer<typeof lambdaTarget> {
  const { functionName, alias, currentVersion, targetVersion } = deployment.appSpec;
  const functionArn = lambdaFunctionArn(functionName, awsContext(ctx, deployment));
  const latest = deployment.trafficShifts[deployment.trafficShifts.length - 1];
  return {
    deploymentTargetType: 'LambdaTarget',
    lambdaTarget: {
      ...targetFields(target),
      targetArn: functionArn && `${functionArn}:${alias}`,
      lambdaFunctionInfo: {
        functionName,
        functionAlias: alias,
        currentVersion,
        targetVersion,
        targetVersionWeight: (latest?.weights[targetVersion] ?? 0) / 100,
      },
    },
  };
}

/**
 * The function's ARN: as written when the appspec gives one, else built in the deployment's account and region;
 * undefined where there is neither (the embedded runtime's functions have no ARN).
 */
function lambdaFunctionArn(functionName: string, where: EventContext | undefined): string | undefined {
  if (functionName.startsWith('arn:')) return functionName;
  if (where === undefined) return undefined;
  const prefix = `arn:${where.partition}:lambda:${where.region}:`;
  // A partial ARN (123456789012:function:name) names its account.
  return /^\d{12}:function:/.test(functionName) ? `${prefix}${functionName}` : `${prefix}${where.accountId}:function:${functionName}`;
}

function ecsTargetOf(ctx: ApiContext, deployment: EcsDeployment, target: DeploymentTarget): z.infer<typeof ecsTarget> {
  const where = awsContext(ctx, deployment);
  const { clusterName, serviceName } = deployment.service;
  const { originalTaskSet: original, replacementTaskSet: replacement } = deployment;
  const statuses = taskSetStatuses(deployment);
  const latest = deployment.trafficShifts[deployment.trafficShifts.length - 1];
  // Before the first shift, production traffic is all the original's.
  const weightOf = (taskSet: TaskSetRef) => (latest ? (latest.weights[taskSet.id] ?? 0) : taskSet === original ? 100 : 0);
  const info = (taskSet: TaskSetRef, status: TaskSetStatus, taskSetLabel: 'Blue' | 'Green') => ({
    identifer: taskSet.id,
    status,
    trafficWeight: weightOf(taskSet),
    targetGroup: { name: taskSet.targetGroupName },
    taskSetLabel,
  });
  return {
    deploymentTargetType: 'ECSTarget',
    ecsTarget: {
      ...targetFields(target),
      targetArn: where && `arn:${where.partition}:ecs:${where.region}:${where.accountId}:service/${clusterName}/${serviceName}`,
      taskSetsInfo: [...(original ? [info(original, statuses.original, 'Blue')] : []), ...(replacement ? [info(replacement, statuses.replacement, 'Green')] : [])],
    },
  };
}

/**
 * The task sets' statuses, from the record: the replacement becomes PRIMARY once all traffic moved, and the original
 * is removed after the termination wait. A deployment that failed or stopped before all traffic moved gave it back to
 * the original and removed the replacement (one that had moved it all keeps the replacement serving).
 */
function taskSetStatuses(deployment: EcsDeployment): { readonly original: TaskSetStatus; readonly replacement: TaskSetStatus } {
  const latest = deployment.trafficShifts[deployment.trafficShifts.length - 1];
  const allMoved = deployment.replacementTaskSet !== undefined && latest?.weights[deployment.replacementTaskSet.id] === 100;
  if ((deployment.status === 'Failed' || deployment.status === 'Stopped') && !allMoved) return { original: 'PRIMARY', replacement: 'DRAINING' };
  if (deployment.terminationWaitDone) return { original: 'DRAINING', replacement: 'PRIMARY' };
  return deployment.replacementPrimary ? { original: 'ACTIVE', replacement: 'PRIMARY' } : { original: 'PRIMARY', replacement: 'ACTIVE' };
}

function targetFields(target: DeploymentTarget) {
  return {
    deploymentId: target.deploymentId,
    targetId: target.targetId,
    status: target.status,
    lastUpdatedAt: target.lastUpdatedAt,
    lifecycleEvents: target.lifecycleEvents.map(({ lifecycleEventName, status, startTime, endTime, diagnostics }) => ({ lifecycleEventName, status, startTime, endTime, diagnostics })),
  };
}

function deploymentTargetOf(ctx: ApiContext, deployment: Deployment, target: DeploymentTarget): z.infer<typeof deploymentTarget> {
  switch (deployment.computePlatform) {
    case 'Server':
      return instanceTargetOf(ctx, deployment, target);
    case 'Lambda':
      return lambdaTargetOf(ctx, deployment, target);
    case 'ECS':
      return ecsTargetOf(ctx, deployment, target);
  }
}

export const targetRoutes = [
  route({
    method: 'GET',
    path: '/deployments/{deploymentId}/targets',
    operationId: 'ListDeploymentTargets',
    summary: "Lists a deployment's target ids by id, optionally only those in some statuses",
    tag: TAG,
    params: z.object({ deploymentId }).strict(),
    query: z
      .object({
        targetStatus: statusList.optional(),
        nextToken: z.string({ error: expected('the nextToken of the previous page') }).min(1).optional(),
      })
      .strict(),
    response: z.object({ targetIds: z.array(z.string()), ...nextTokenField }),
    successStatus: 200,
    handle: async ({ deps }, { params, query }) => {
      const deployment = await requireDeployment(deps.store, params.deploymentId);
      // Targets are written when the deployment starts; before that (or while it waits in its group's queue) there are
      // none to list (CodeDeploy's answer too).
      if (deployment.status === 'Created' || deployment.status === 'Queued') {
        throw new ApiError(400, 'DeploymentNotStarted', `Deployment ${deployment.deploymentId} has not started yet; its targets are chosen when it starts`, 'deploymentId');
      }
      const page = await deps.store.listTargetsPage(deployment.deploymentId, { nextToken: query.nextToken });
      const wanted = query.targetStatus === undefined ? undefined : new Set<string>(query.targetStatus);
      // A status filter can leave a page short, or empty with a nextToken: the next page may still hold matches.
      const targetIds = page.items.filter((target) => wanted === undefined || wanted.has(target.status)).map((target) => target.targetId);
      return { targetIds, nextToken: page.nextToken };
    },
  }),
  route({
    method: 'GET',
    path: '/deployments/{deploymentId}/targets/{targetId}',
    operationId: 'GetDeploymentTarget',
    summary: 'Gets one target of a deployment with its lifecycle events',
    tag: TAG,
    params: z.object({ deploymentId, targetId }).strict(),
    response: z.object({ deploymentTarget }),
    successStatus: 200,
    handle: async (ctx, { params }) => {
      const deployment = await requireDeployment(ctx.deps.store, params.deploymentId);
      const target = await ctx.deps.store.getTarget(deployment.deploymentId, params.targetId);
      if (!target) throw new NotFoundError('Deployment target', params.targetId);
      return { deploymentTarget: deploymentTargetOf(ctx, deployment, target) };
    },
  }),
];
