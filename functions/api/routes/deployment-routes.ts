// Deployments: CreateDeployment, ListDeployments, GetDeployment, StopDeployment, ContinueDeployment.
import { z } from 'zod';
import { expected, shown } from '../../core/input-messages';
import type { DeploymentStatus } from '../../core/types';
import { commaList } from '../comma-list';
import { deploymentId, nextTokenField, resourceName } from '../api-schemas';
import { continueDeployment } from '../deployment-continue';
import { createDeploymentFromRequest } from '../deployment-creation';
import { requireGroup } from '../deployment-group-lookup';
import { alarmConfiguration, AUTO_ROLLBACK_EVENTS, concurrencyPolicy } from '../deployment-group-schemas';
import { deploymentInfo, deploymentInfoOf } from '../deployment-info';
import { requireDeployment } from '../deployment-lookup';
import { requestStop } from '../deployment-stop';
import { deploymentRevision } from '../revision-schemas';
import { route } from '../route';

const TAG = 'Deployments';
const STATUSES: readonly DeploymentStatus[] = ['Created', 'Queued', 'InProgress', 'Succeeded', 'Failed', 'Stopped'];
const CLIENT_TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

const deploymentParams = z.object({ deploymentId }).strict();

const createDeploymentBody = z
  .object(
    {
      applicationName: resourceName,
      deploymentGroupName: resourceName,
      revision: deploymentRevision,
      deploymentConfigName: resourceName.optional(),
      description: z
        .string({ error: expected('a string of at most 256 characters') })
        .max(256, { error: (issue) => `must be at most 256 characters (got ${String(issue.input).length})` })
        .optional(),
      ignoreApplicationStopFailures: z.boolean({ error: expected('true or false') }).optional().describe('Server deployments only'),
      fileExistsBehavior: z
        .enum(['DISALLOW', 'OVERWRITE', 'RETAIN'], { error: (issue) => `must be one of DISALLOW, OVERWRITE, RETAIN (got ${shown(issue.input)})` })
        .optional()
        .describe('Server deployments only'),
      autoRollbackConfiguration: z
        .object(
          {
            enabled: z.boolean({ error: expected('true or false') }),
            events: z.array(z.enum(AUTO_ROLLBACK_EVENTS, { error: (issue) => `must be one of ${AUTO_ROLLBACK_EVENTS.join(', ')} (got ${shown(issue.input)})` }), {
              error: expected(`a list of ${AUTO_ROLLBACK_EVENTS.join(', ')}`),
            }),
          },
          { error: expected('an object {enabled, events}') },
        )
        .strict()
        .optional(),
      overrideAlarmConfiguration: alarmConfiguration
        .optional()
        .describe(
          "Instead of the group's alarmConfiguration, for this deployment only: e.g. enabled: false ships a fix while the group's alarm still fires",
        ),
      concurrencyPolicy: concurrencyPolicy
        .optional()
        .describe("Instead of the group's, for this deployment: what it does if the group is busy (reject, queue or supersede)"),
      clientToken: z
        .string({ error: expected('1 to 64 letters, digits, _ or -') })
        .regex(CLIENT_TOKEN, { error: (issue) => `must be 1 to 64 letters, digits, _ or - (got ${shown(issue.input)})` })
        .optional()
        .describe('Makes the request idempotent: a repeat with the same token (per application) answers with the deployment the first created'),
    },
    { error: expected('a JSON object {applicationName, deploymentGroupName, revision, ...}') },
  )
  .strict();

const statusList = commaList(STATUSES, 'deployment status');

const isoTime = z
  .iso.datetime({ offset: true, error: (issue) => `must be an ISO 8601 time such as 2026-01-31T12:00:00Z (got ${shown(issue.input)})` })
  // Stored times are UTC with a Z; comparing like with like needs the same form.
  .transform((text) => new Date(text).toISOString());

const listDeploymentsQuery = z
  .object({
    applicationName: resourceName.optional(),
    deploymentGroupName: resourceName.optional(),
    includeOnlyStatuses: statusList.optional(),
    createTimeStart: isoTime.optional(),
    createTimeEnd: isoTime.optional(),
    nextToken: z.string({ error: expected('the nextToken of the previous page') }).min(1).optional(),
  })
  .strict()
  .superRefine((query, ctx) => {
    // CodeDeploy's rule: a group name means nothing without its application, and the filter takes both or neither.
    if ((query.applicationName === undefined) !== (query.deploymentGroupName === undefined)) {
      const missing = query.applicationName === undefined ? 'applicationName' : 'deploymentGroupName';
      const given = missing === 'applicationName' ? 'deploymentGroupName' : 'applicationName';
      ctx.addIssue({ code: 'custom', path: [missing], message: `is required with ${given}: give both or neither` });
    }
    if (query.createTimeStart !== undefined && query.createTimeEnd !== undefined && query.createTimeStart > query.createTimeEnd) {
      ctx.addIssue({ code: 'custom', path: ['createTimeEnd'], message: `must not be before createTimeStart ${query.createTimeStart} (got ${query.createTimeEnd})` });
    }
  });

export const deploymentRoutes = [
  route({
    method: 'POST',
    path: '/deployments',
    operationId: 'CreateDeployment',
    summary: "Deploys a revision to a deployment group: a bundle whose appspec is read for a Server application, the appspec itself (AppSpecContent) for a Lambda or ECS one",
    tag: TAG,
    body: createDeploymentBody,
    response: z.object({ deploymentId: z.string() }),
    successStatus: 201,
    // A repeat with an earlier clientToken answers 201 too, with the earlier deployment's id: the router answers one
    // status per operation, and an idempotent repeat answers as the first request did.
    handle: async (ctx, { body }) => ({ deploymentId: await createDeploymentFromRequest(ctx, body) }),
  }),
  route({
    method: 'GET',
    path: '/deployments',
    operationId: 'ListDeployments',
    summary: 'Lists deployment ids, newest first, optionally of one deployment group, some statuses and a creation time range',
    tag: TAG,
    query: listDeploymentsQuery,
    response: z.object({ deployments: z.array(z.string()), ...nextTokenField }),
    successStatus: 200,
    handle: async ({ deps }, { query }) => {
      // The query schema lets the two come only together; a missing application is named before its group.
      if (query.applicationName !== undefined && query.deploymentGroupName !== undefined) await requireGroup(deps.store, query.applicationName, query.deploymentGroupName);
      const page = await deps.store.listDeploymentsPage(
        {
          applicationName: query.applicationName,
          deploymentGroupName: query.deploymentGroupName,
          statuses: query.includeOnlyStatuses,
          createdFrom: query.createTimeStart,
          createdTo: query.createTimeEnd,
        },
        { nextToken: query.nextToken },
      );
      return { deployments: page.items.map((deployment) => deployment.deploymentId), nextToken: page.nextToken };
    },
  }),
  route({
    method: 'GET',
    path: '/deployments/{deploymentId}',
    operationId: 'GetDeployment',
    summary: 'Gets a deployment',
    tag: TAG,
    params: deploymentParams,
    response: z.object({ deploymentInfo }),
    successStatus: 200,
    handle: async ({ deps }, { params }) => ({ deploymentInfo: deploymentInfoOf(await requireDeployment(deps.store, params.deploymentId)) }),
  }),
  route({
    method: 'POST',
    path: '/deployments/{deploymentId}/stop',
    operationId: 'StopDeployment',
    summary:
      "Stops a deployment: a Server one once the hosts in its current batch finish (the rest are skipped), a Lambda or ECS one at once if it waits on a hook or a traffic shift; it ends Stopped. One still waiting in its group's queue is Stopped at once (status Succeeded) and never runs",
    tag: TAG,
    params: deploymentParams,
    body: z
      .object(
        {
          autoRollbackEnabled: z
            .boolean({ error: expected('true or false') })
            .optional()
            .describe("Roll the stopped deployment back to the group's last good revision; absent: the deployment's DEPLOYMENT_STOP_ON_REQUEST policy decides"),
        },
        { error: expected('a JSON object {autoRollbackEnabled?} ({} for none)') },
      )
      .strict(),
    response: z.object({
      status: z.enum(['Pending', 'Succeeded']).describe('Pending while the engine stops the deployment; Succeeded when it was Stopped at once (it was queued)'),
      statusMessage: z.string(),
    }),
    successStatus: 200,
    handle: async ({ deps }, { params, body }) => requestStop(deps, params.deploymentId, body.autoRollbackEnabled),
  }),
  route({
    method: 'POST',
    path: '/deployments/{deploymentId}/continue',
    operationId: 'ContinueDeployment',
    summary:
      'Lambda and ECS deployments in progress: the remaining traffic waits are skipped and all traffic moves now (READY_WAIT), or an ECS deployment that moved it all removes its original task set now (TERMINATION_WAIT); in-place deployments have no wait to end early',
    tag: TAG,
    params: deploymentParams,
    body: z
      .object(
        {
          deploymentWaitType: z
            .enum(['READY_WAIT', 'TERMINATION_WAIT'], { error: (issue) => `must be READY_WAIT or TERMINATION_WAIT (got ${shown(issue.input)})` })
            .optional()
            .describe(
              'READY_WAIT: skip the traffic waits; TERMINATION_WAIT: an ECS deployment that moved all its traffic removes its original task set now (Lambda has no termination wait); absent: whichever wait the deployment is in',
            ),
        },
        { error: expected('a JSON object {deploymentWaitType?}') },
      )
      .strict(),
    successStatus: 204,
    handle: async ({ deps }, { params, body }) => {
      await continueDeployment(deps, params.deploymentId, body.deploymentWaitType);
      return undefined;
    },
  }),
];
