// Applications: CreateApplication, GetApplication, ListApplications, DeleteApplication.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { NotFoundError } from '../../core/errors';
import { expected } from '../../core/input-messages';
import type { Application, ComputePlatform } from '../../core/types';
import type { StepDependencies } from '../../ports';
import { ApiError } from '../api-errors';
import { assertNoActiveDeployment } from '../deployment-group-activity';
import { requireApplication } from '../deployment-group-lookup';
import { nextTokenField, pageQuery, resourceName } from '../api-schemas';
import { route } from '../route';

const TAG = 'Applications';
const applicationParams = z.object({ applicationName: resourceName }).strict();
const PLATFORMS = ['Server', 'Lambda', 'ECS'] as const satisfies readonly ComputePlatform[];

const computePlatform = z
  .enum(PLATFORMS, { error: expected('Server, Lambda or ECS') })
  .optional()
  .describe('Server when absent; the deployment groups and deployments of the application share it');

const applicationInfo = z.object({
  applicationId: z.string(),
  applicationName: z.string(),
  computePlatform: z.enum(PLATFORMS),
  createTime: z.string(),
  linkedToGitHub: z.boolean(),
});

function applicationInfoOf(app: Application): z.infer<typeof applicationInfo> {
  return { applicationId: app.applicationId, applicationName: app.applicationName, computePlatform: app.computePlatform, createTime: app.createTime, linkedToGitHub: false };
}

/** Deleting an application deletes its groups: refused, like deleting one group, while any of them deploys. */
async function assertNoGroupDeploying(deps: StepDependencies, applicationName: string): Promise<void> {
  let nextToken: string | undefined;
  do {
    const page = await deps.store.listDeploymentGroups(applicationName, { nextToken });
    for (const group of page.items) await assertNoActiveDeployment(deps, group, 'delete');
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
}

export const applicationRoutes = [
  route({
    method: 'POST',
    path: '/applications',
    operationId: 'CreateApplication',
    summary: 'Creates an application',
    tag: TAG,
    body: z
      .object(
        {
          applicationName: resourceName,
          computePlatform,
        },
        { error: expected('a JSON object {applicationName, computePlatform?}') },
      )
      .strict(),
    response: z.object({ applicationId: z.string() }),
    successStatus: 201,
    handle: async ({ deps }, { body }) => {
      const candidate: Application = {
        applicationId: randomUUID(),
        applicationName: body.applicationName,
        computePlatform: body.computePlatform ?? 'Server',
        createTime: deps.clock().toISOString(),
      };
      const stored = await deps.store.createApplication(candidate);
      if (stored.applicationId !== candidate.applicationId) {
        throw new ApiError(409, 'ApplicationAlreadyExists', `An application named ${body.applicationName} already exists`, 'applicationName');
      }
      return { applicationId: stored.applicationId };
    },
  }),
  route({
    method: 'GET',
    path: '/applications',
    operationId: 'ListApplications',
    summary: 'Lists the applications by name',
    tag: TAG,
    query: pageQuery,
    response: z.object({ applications: z.array(z.string()), ...nextTokenField }),
    successStatus: 200,
    handle: async ({ deps }, { query }) => {
      const page = await deps.store.listApplications({ nextToken: query.nextToken });
      return { applications: page.items.map((app) => app.applicationName), nextToken: page.nextToken };
    },
  }),
  route({
    method: 'GET',
    path: '/applications/{applicationName}',
    operationId: 'GetApplication',
    summary: 'Gets an application',
    tag: TAG,
    params: applicationParams,
    response: z.object({ application: applicationInfo }),
    successStatus: 200,
    handle: async ({ deps }, { params }) => {
      return { application: applicationInfoOf(await requireApplication(deps.store, params.applicationName)) };
    },
  }),
  route({
    method: 'DELETE',
    path: '/applications/{applicationName}',
    operationId: 'DeleteApplication',
    summary: 'Deletes an application with its deployment groups and registered revisions',
    tag: TAG,
    params: applicationParams,
    successStatus: 204,
    handle: async ({ deps }, { params }) => {
      await requireApplication(deps.store, params.applicationName);
      await assertNoGroupDeploying(deps, params.applicationName);
      if (!(await deps.store.deleteApplication(params.applicationName))) throw new NotFoundError('Application', params.applicationName);
      return undefined;
    },
  }),
];
