// Deployment groups: CreateDeploymentGroup, ListDeploymentGroups, GetDeploymentGroup, UpdateDeploymentGroup,
// DeleteDeploymentGroup.
import { z } from 'zod';
import { newGroupId } from '../../core/deployment-ids';
import { ConflictError, NotFoundError } from '../../core/errors';
import type { DeploymentGroup } from '../../core/types';
import { ApiError } from '../api-errors';
import { nextTokenField, pageQuery, resourceName } from '../api-schemas';
import { assertNoActiveDeployment } from '../deployment-group-activity';
import { deploymentGroupInfo, deploymentGroupInfoOf } from '../deployment-group-info';
import { requireApplication, requireGroup } from '../deployment-group-lookup';
import { createGroupBody, updateGroupBody } from '../deployment-group-schemas';
import { applySettings, assertValidSettings, checkConfigPlatform, defaultConfigName } from '../deployment-group-settings';
import { updateDeploymentGroup } from '../deployment-group-update';
import { route } from '../route';

const TAG = 'Deployment groups';
const applicationParams = z.object({ applicationName: resourceName }).strict();
const groupParams = z.object({ applicationName: resourceName, deploymentGroupName: resourceName }).strict();

// CodeDeploy lists the Auto Scaling lifecycle hooks it failed to remove; Cutover installs none, so none are left.
const hooksResponse = z.object({
  hooksNotCleanedUp: z.array(z.object({ name: z.string(), hook: z.string() })).describe('Always empty: Cutover installs no lifecycle hooks'),
});
const NO_HOOKS_LEFT = { hooksNotCleanedUp: [] };

export const deploymentGroupRoutes = [
  route({
    method: 'POST',
    path: '/applications/{applicationName}/deployment-groups',
    operationId: 'CreateDeploymentGroup',
    summary:
      "Creates a deployment group of the application's compute platform: hosts for Server, none for Lambda (the appspec names the alias), one service behind a target group pair for ECS",
    tag: TAG,
    params: applicationParams,
    body: createGroupBody,
    response: z.object({ deploymentGroupId: z.string() }),
    successStatus: 201,
    handle: async ({ deps, hostNaming }, { params, body }) => {
      const { deploymentGroupName, deploymentStyle, ...settings } = body;
      // The group deploys to what its application does.
      const app = await requireApplication(deps.store, params.applicationName);
      const { computePlatform } = app;
      const fresh: DeploymentGroup = {
        applicationName: params.applicationName,
        deploymentGroupName,
        deploymentGroupId: newGroupId(),
        deploymentConfigName: defaultConfigName(computePlatform),
        computePlatform,
      };
      const group = applySettings(fresh, settings);
      assertValidSettings(group, deploymentStyle, hostNaming);
      await checkConfigPlatform(deps.store, computePlatform, group.deploymentConfigName);
      try {
        await deps.store.createDeploymentGroup(group);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const message = `Application '${params.applicationName}' already has a deployment group named '${deploymentGroupName}'`;
        throw new ApiError(409, 'DeploymentGroupAlreadyExists', message, 'deploymentGroupName');
      }
      return { deploymentGroupId: group.deploymentGroupId };
    },
  }),
  route({
    method: 'GET',
    path: '/applications/{applicationName}/deployment-groups',
    operationId: 'ListDeploymentGroups',
    summary: "Lists an application's deployment groups by name",
    tag: TAG,
    params: applicationParams,
    query: pageQuery,
    response: z.object({ applicationName: z.string(), deploymentGroups: z.array(z.string()), ...nextTokenField }),
    successStatus: 200,
    handle: async ({ deps }, { params, query }) => {
      // An empty list must mean no groups, not no application.
      await requireApplication(deps.store, params.applicationName);
      const page = await deps.store.listDeploymentGroups(params.applicationName, { nextToken: query.nextToken });
      return {
        applicationName: params.applicationName,
        deploymentGroups: page.items.map((group) => group.deploymentGroupName),
        nextToken: page.nextToken,
      };
    },
  }),
  route({
    method: 'GET',
    path: '/applications/{applicationName}/deployment-groups/{deploymentGroupName}',
    operationId: 'GetDeploymentGroup',
    summary: 'Gets a deployment group',
    tag: TAG,
    params: groupParams,
    response: z.object({ deploymentGroupInfo }),
    successStatus: 200,
    handle: async ({ deps }, { params }) => {
      const group = await requireGroup(deps.store, params.applicationName, params.deploymentGroupName);
      return { deploymentGroupInfo: deploymentGroupInfoOf(group) };
    },
  }),
  route({
    method: 'PATCH',
    path: '/applications/{applicationName}/deployment-groups/{deploymentGroupName}',
    operationId: 'UpdateDeploymentGroup',
    summary: 'Changes the settings a request names (an empty list or object clears one), and with newDeploymentGroupName the name',
    tag: TAG,
    params: groupParams,
    body: updateGroupBody,
    response: hooksResponse,
    successStatus: 200,
    handle: async (ctx, { params, body }) => {
      await updateDeploymentGroup(ctx, params.applicationName, params.deploymentGroupName, body);
      return NO_HOOKS_LEFT;
    },
  }),
  route({
    method: 'DELETE',
    path: '/applications/{applicationName}/deployment-groups/{deploymentGroupName}',
    operationId: 'DeleteDeploymentGroup',
    summary: 'Deletes a deployment group that runs no deployment',
    tag: TAG,
    params: groupParams,
    response: hooksResponse,
    successStatus: 200,
    handle: async ({ deps }, { params }) => {
      const group = await requireGroup(deps.store, params.applicationName, params.deploymentGroupName);
      await assertNoActiveDeployment(deps, group, 'delete');
      if (!(await deps.store.deleteDeploymentGroup(params.applicationName, params.deploymentGroupName))) {
        throw new NotFoundError('Deployment group', `${params.applicationName}/${params.deploymentGroupName}`);
      }
      return NO_HOOKS_LEFT;
    },
  }),
];
