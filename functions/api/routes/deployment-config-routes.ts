// Deployment configs: CreateDeploymentConfig, ListDeploymentConfigs, GetDeploymentConfig, DeleteDeploymentConfig.
// The predefined CodeDeployDefault.* configs are listed and read like custom ones but never stored, so they have no
// deploymentConfigId or createTime: those fields are absent for them rather than made up.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isPredefinedConfigName, parseCustomServerConfig, PREDEFINED_SERVER_CONFIGS } from '../../core/deployment-configs';
import { ConflictError, NotFoundError } from '../../core/errors';
import { expected } from '../../core/input-messages';
import type { DeploymentConfig } from '../../core/types';
import { resolveDeploymentConfig } from '../../steps/deployment-config-lookup';
import { ApiError } from '../api-errors';
import { nextTokenField, pageQuery, resourceName } from '../api-schemas';
import { deploymentConfigUser } from '../deployment-config-usage';
import { route } from '../route';

const TAG = 'Deployment configs';
const configParams = z.object({ deploymentConfigName: resourceName }).strict();

// Types only: the value ranges and the reserved CodeDeployDefault. prefix are parseCustomServerConfig's to check.
const createConfigBody = z
  .object(
    {
      deploymentConfigName: resourceName,
      computePlatform: z.literal('Server', { error: expected("'Server' (Lambda and ECS come later)") }).optional(),
      minimumHealthyHosts: z
        .object(
          {
            type: z.enum(['HOST_COUNT', 'FLEET_PERCENT'], { error: expected('HOST_COUNT or FLEET_PERCENT') }),
            value: z.number({ error: expected('an integer') }).int({ error: expected('an integer') }),
          },
          { error: expected('an object {type, value}') },
        )
        .strict(),
    },
    { error: expected('a JSON object {deploymentConfigName, minimumHealthyHosts, computePlatform?}') },
  )
  .strict();

const deploymentConfigInfo = z.object({
  deploymentConfigId: z.string().optional().describe('Absent for the predefined CodeDeployDefault.* configs'),
  deploymentConfigName: z.string(),
  minimumHealthyHosts: z.object({ type: z.enum(['HOST_COUNT', 'FLEET_PERCENT', 'MOST_CONCURRENCY']), value: z.number() }),
  computePlatform: z.literal('Server'),
  createTime: z.string().optional().describe('Absent for the predefined CodeDeployDefault.* configs'),
});

function deploymentConfigInfoOf(config: DeploymentConfig): z.infer<typeof deploymentConfigInfo> {
  const { deploymentConfigId, deploymentConfigName, minimumHealthyHosts, computePlatform, createTime } = config;
  return { deploymentConfigId, deploymentConfigName, minimumHealthyHosts, computePlatform, createTime };
}

export const deploymentConfigRoutes = [
  route({
    method: 'POST',
    path: '/deployment-configs',
    operationId: 'CreateDeploymentConfig',
    summary: 'Creates a custom deployment config for the Server platform',
    tag: TAG,
    body: createConfigBody,
    response: z.object({ deploymentConfigId: z.string() }),
    successStatus: 201,
    handle: async ({ deps }, { body }) => {
      const config: DeploymentConfig = { ...parseCustomServerConfig(body), deploymentConfigId: randomUUID(), createTime: deps.clock().toISOString() };
      try {
        await deps.store.createDeploymentConfig(config);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        throw new ApiError(409, 'DeploymentConfigAlreadyExists', `A deployment config named ${body.deploymentConfigName} already exists`, 'deploymentConfigName');
      }
      return { deploymentConfigId: config.deploymentConfigId };
    },
  }),
  route({
    method: 'GET',
    path: '/deployment-configs',
    operationId: 'ListDeploymentConfigs',
    summary: 'Lists deployment configs by name: the predefined ones first (on the first page), then the custom ones',
    tag: TAG,
    query: pageQuery,
    response: z.object({ deploymentConfigsList: z.array(z.string()), ...nextTokenField }),
    successStatus: 200,
    handle: async ({ deps }, { query }) => {
      const page = await deps.store.listDeploymentConfigs({ nextToken: query.nextToken });
      const predefined = query.nextToken === undefined ? PREDEFINED_SERVER_CONFIGS : [];
      return { deploymentConfigsList: [...predefined, ...page.items].map((config) => config.deploymentConfigName), nextToken: page.nextToken };
    },
  }),
  route({
    method: 'GET',
    path: '/deployment-configs/{deploymentConfigName}',
    operationId: 'GetDeploymentConfig',
    summary: 'Gets a deployment config, predefined or custom',
    tag: TAG,
    params: configParams,
    response: z.object({ deploymentConfigInfo }),
    successStatus: 200,
    handle: async ({ deps }, { params }) => ({
      deploymentConfigInfo: deploymentConfigInfoOf(await resolveDeploymentConfig(deps.store, params.deploymentConfigName)),
    }),
  }),
  route({
    method: 'DELETE',
    path: '/deployment-configs/{deploymentConfigName}',
    operationId: 'DeleteDeploymentConfig',
    summary: 'Deletes a custom deployment config no deployment group or running deployment uses',
    tag: TAG,
    params: configParams,
    successStatus: 204,
    handle: async ({ deps }, { params }) => {
      const name = params.deploymentConfigName;
      if (isPredefinedConfigName(name)) {
        throw new ApiError(400, 'InvalidOperation', `${name} is a predefined deployment config and cannot be deleted`, 'deploymentConfigName');
      }
      // Before looking for users, so a misspelt name is a quick 404 rather than a walk through every group.
      if (!(await deps.store.getDeploymentConfig(name))) throw new NotFoundError('Deployment config', name);
      const user = await deploymentConfigUser(deps.store, name);
      if (user !== undefined) {
        const message = `Deployment config ${name} is used by ${user}; point that at another config (or let it finish) first`;
        throw new ApiError(409, 'DeploymentConfigInUse', message, 'deploymentConfigName');
      }
      if (!(await deps.store.deleteDeploymentConfig(name))) throw new NotFoundError('Deployment config', name);
      return undefined;
    },
  }),
];
