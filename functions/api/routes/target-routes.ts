// Deployment targets: ListDeploymentTargets, GetDeploymentTarget (spec §6.4, InstanceTarget).
import { z } from 'zod';
import { NotFoundError } from '../../core/errors';
import { expected } from '../../core/input-messages';
import { eventContextFromArn, instanceArn } from '../../core/state-change-events';
import type { Deployment, DeploymentTarget, TargetStatus } from '../../core/types';
import type { ApiContext } from '../api-context';
import { ApiError } from '../api-errors';
import { deploymentId, nextTokenField } from '../api-schemas';
import { commaList } from '../comma-list';
import { requireDeployment } from '../deployment-lookup';
import { route } from '../route';

const TAG = 'Deployment targets';
const TARGET_STATUSES: readonly TargetStatus[] = ['Pending', 'InProgress', 'Succeeded', 'Failed', 'Skipped', 'Unknown', 'Ready'];

const targetId = z
  .string({ error: expected('a target id: an instance id on AWS, a host name on the embedded runtime') })
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

const deploymentTarget = z.object({
  deploymentTargetType: z.literal('InstanceTarget'),
  instanceTarget: z.object({
    deploymentId: z.string(),
    targetId: z.string(),
    targetArn: z.string().describe('An EC2 or SSM managed-instance ARN on AWS; the host name on the embedded runtime'),
    status: z.enum(['Pending', 'InProgress', 'Succeeded', 'Failed', 'Skipped', 'Unknown', 'Ready']),
    lastUpdatedAt: z.string(),
    lifecycleEvents: z.array(lifecycleEvent),
    instanceLabel: z.literal('Blue'),
  }),
});

/**
 * The embedded runtime's hosts are folders: their name is all there is. On AWS the account and region come from the
 * deployment's execution ARN, which start-deployment records before it writes any target.
 */
function targetArnOf(ctx: ApiContext, deployment: Deployment, target: DeploymentTarget): string {
  if (ctx.hostNaming === 'local' || deployment.executionArn === undefined) return target.targetId;
  return instanceArn(target.targetId, eventContextFromArn(deployment.executionArn));
}

function deploymentTargetOf(ctx: ApiContext, deployment: Deployment, target: DeploymentTarget): z.infer<typeof deploymentTarget> {
  return {
    deploymentTargetType: 'InstanceTarget',
    instanceTarget: {
      deploymentId: target.deploymentId,
      targetId: target.targetId,
      targetArn: targetArnOf(ctx, deployment, target),
      status: target.status,
      lastUpdatedAt: target.lastUpdatedAt,
      lifecycleEvents: target.lifecycleEvents.map(({ lifecycleEventName, status, startTime, endTime, diagnostics }) => ({ lifecycleEventName, status, startTime, endTime, diagnostics })),
      // In-place deployments have no green fleet: every host is the original (blue) one.
      instanceLabel: 'Blue',
    },
  };
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
