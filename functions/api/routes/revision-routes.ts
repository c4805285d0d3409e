// Application revisions: RegisterApplicationRevision, ListApplicationRevisions.
import { z } from 'zod';
import { expected } from '../../core/input-messages';
import type { RevisionLocation } from '../../core/types';
import type { ApiContext } from '../api-context';
import { nextTokenField, pageQuery, resourceName } from '../api-schemas';
import { openBundle, requireBundleReader } from '../deployment-creation';
import { requireApplication } from '../deployment-group-lookup';
import { requestedRevision, revisionLocation, revisionLocationShown, type RevisionLocationInput } from '../revision-schemas';
import { route } from '../route';

const TAG = 'Application revisions';
const applicationParams = z.object({ applicationName: resourceName }).strict();

/**
 * An S3 revision is recorded as given: registering does not read the bundle (nor does CodeDeploy's). A local bundle
 * is registered as deployments register it, as the tar hosts copy, so the listed location can be deployed as listed.
 */
async function registeredLocation(ctx: ApiContext, revision: RevisionLocationInput): Promise<RevisionLocation> {
  const request = requestedRevision(ctx, revision);
  if (request.revisionType === 'S3') return request;
  return (await openBundle(requireBundleReader(ctx.deps), request)).revision;
}

export const revisionRoutes = [
  route({
    method: 'POST',
    path: '/applications/{applicationName}/revisions',
    operationId: 'RegisterApplicationRevision',
    summary: 'Registers a revision with an application; registering it again updates its description',
    tag: TAG,
    params: applicationParams,
    body: z
      .object(
        {
          revision: revisionLocation,
          description: z
            .string({ error: expected('a string of at most 256 characters') })
            .max(256, { error: (issue) => `must be at most 256 characters (got ${String(issue.input).length})` })
            .optional(),
        },
        { error: expected('a JSON object {revision, description?}') },
      )
      .strict(),
    successStatus: 204,
    handle: async (ctx, { params, body }) => {
      await requireApplication(ctx.deps.store, params.applicationName);
      const revision = await registeredLocation(ctx, body.revision);
      await ctx.deps.store.registerRevision({
        applicationName: params.applicationName,
        revision,
        ...(body.description === undefined ? {} : { description: body.description }),
        registerTime: ctx.deps.clock().toISOString(),
      });
      return undefined;
    },
  }),
  route({
    method: 'GET',
    path: '/applications/{applicationName}/revisions',
    operationId: 'ListApplicationRevisions',
    summary: "Lists an application's registered revisions, newest registration first",
    tag: TAG,
    params: applicationParams,
    query: pageQuery,
    response: z.object({ revisions: z.array(revisionLocationShown), ...nextTokenField }),
    successStatus: 200,
    handle: async ({ deps }, { params, query }) => {
      await requireApplication(deps.store, params.applicationName);
      const page = await deps.store.listRevisions(params.applicationName, { nextToken: query.nextToken });
      return { revisions: page.items.map((record) => record.revision), nextToken: page.nextToken };
    },
  }),
];
