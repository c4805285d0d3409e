// Deployment targets: ListDeploymentTargets, GetDeploymentTarget (spec §6.4): a Server deployment's hosts as
// InstanceTarget, a Lambda deployment's one alias as LambdaTarget.
import { z } from 'zod';
import { NotFoundError } from '../../core/errors';
import { expected } from '../../core/input-messages';
import { type EventContext, eventContextFromArn, instanceArn } from '../../core/state-change-events';
import type { Deployment, DeploymentTarget, LambdaDeployment, ServerDeployment, TargetStatus } from '../../core/types';
import type { ApiContext } from '../api-context';
import { ApiError } from '../api-errors';
import { deploymentId, nextTokenField } from '../api-schemas';
import { commaList } from '../comma-list';
import { requireDeployment, unservedDeployment } from '../deployment-lookup';
import { route } from '../route';

const TAG = 'Deployment targets';
const TARGET_STATUSES = ['Pending', 'InProgress', 'Succeeded', 'Failed', 'Skipped', 'Unknown', 'Ready'] as const satisfies readonly TargetStatus[];

const targetId = z
  .string({ error: expected('a target id: an instance id on AWS, a host name on the embedded runtime, <function>:<alias> for Lambda') })
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

const instanceTarget = z.object({
  deploymentTargetType: z.literal('InstanceTarget'),
  instanceTarget: z.object({
    deploymentId: z.string(),
    targetId: z.string(),
    targetArn: z.string().describe('An EC2 or SSM managed-instance ARN on AWS; the host name on the embedded runtime'),
    status: z.enum(TARGET_STATUSES),
    lastUpdatedAt: z.string(),
    lifecycleEvents: z.array(lifecycleEvent),
    instanceLabel: z.literal('Blue'),
  }),
});

const lambdaTarget = z.object({
  deploymentTargetType: z.literal('LambdaTarget'),
  lambdaTarget: z.object({
    deploymentId: z.string(),
    targetId: z.string().describe('<function>:<alias>, as the appspec names them'),
    targetArn: z.string().optional().describe("The alias's ARN on AWS; absent on the embedded runtime unless the appspec names the function by ARN"),
    status: z.enum(TARGET_STATUSES),
    lastUpdatedAt: z.string(),
    lifecycleEvents: z.array(lifecycleEvent),
    lambdaFunctionInfo: z.object({
      functionName: z.string(),
      functionAlias: z.string(),
      currentVersion: z.string(),
      targetVersion: z.string(),
      targetVersionWeight: z.number().describe('The fraction of the traffic (0 to 1) on targetVersion since the latest shift; 0 before the first'),
    }),
  }),
});

/** CodeDeploy's DeploymentTarget: an instance of a Server deployment, or the alias of a Lambda one. */
const deploymentTarget = z.discriminatedUnion('deploymentTargetType', [instanceTarget, lambdaTarget]);

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
    default:
      throw unservedDeployment(deployment);
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
      // Targets are written when the deployment starts; before that there are none to list (CodeDeploy's answer too).
      if (deployment.status === 'Created') {
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
