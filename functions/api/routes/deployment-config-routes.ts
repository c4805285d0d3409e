// Deployment configs: CreateDeploymentConfig, ListDeploymentConfigs, GetDeploymentConfig, DeleteDeploymentConfig,
// for the Server, Lambda and ECS compute platforms. The predefined CodeDeployDefault.* configs are listed and read
// like custom ones but never stored, so they have no deploymentConfigId or createTime: those fields are absent for
// them rather than made up.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isPredefinedConfigName, parseCustomServerConfig, PREDEFINED_SERVER_CONFIGS } from '../../core/deployment-configs';
import { ConflictError, NotFoundError } from '../../core/errors';
import { expected } from '../../core/input-messages';
import {
  type AnyDeploymentConfig,
  isPredefinedTrafficConfigName,
  parseCustomTrafficConfig,
  PREDEFINED_TRAFFIC_CONFIGS,
} from '../../core/traffic-configs';
import { lookupDeploymentConfig } from '../../steps/deployment-config-lookup';
import { ApiError } from '../api-errors';
import { nextTokenField, pageQuery, resourceName } from '../api-schemas';
import { deploymentConfigUser } from '../deployment-config-usage';
import { route } from '../route';

const TAG = 'Deployment configs';
const configParams = z.object({ deploymentConfigName: resourceName }).strict();

const PLATFORMS = ['Server', 'Lambda', 'ECS'] as const;
const ROUTING_TYPES = ['TimeBasedCanary', 'TimeBasedLinear', 'AllAtOnce'] as const;
const aNumber = z.number({ error: expected('a number') });

// Types only: which block goes with which platform and type, the value ranges and the reserved CodeDeployDefault.
// prefix are for parseCustomServerConfig and parseCustomTrafficConfig to check, which name the field they refuse.
const createConfigBody = z
  .object(
    {
      deploymentConfigName: resourceName,
      computePlatform: z
        .enum(PLATFORMS, { error: expected('Server, Lambda or ECS') })
        .optional()
        .describe('Server when absent'),
      minimumHealthyHosts: z
        .object(
          {
            type: z.enum(['HOST_COUNT', 'FLEET_PERCENT'], { error: expected('HOST_COUNT or FLEET_PERCENT') }),
            value: z.number({ error: expected('an integer') }).int({ error: expected('an integer') }),
          },
          { error: expected('an object {type, value}') },
        )
        .strict()
        .optional()
        .describe('Server configs only, and required for them'),
      trafficRoutingConfig: z
        .object(
          {
            type: z.enum(ROUTING_TYPES, { error: expected('TimeBasedCanary, TimeBasedLinear or AllAtOnce') }),
            timeBasedCanary: z
              .object({ canaryPercentage: aNumber, canaryInterval: aNumber }, { error: expected('an object {canaryPercentage, canaryInterval}') })
              .strict()
              .optional()
              .describe('With type TimeBasedCanary: the percent shifted first, and the minutes before the rest follows'),
            timeBasedLinear: z
              .object({ linearPercentage: aNumber, linearInterval: aNumber }, { error: expected('an object {linearPercentage, linearInterval}') })
              .strict()
              .optional()
              .describe('With type TimeBasedLinear: the percent shifted per increment, and the minutes between increments'),
          },
          { error: expected('an object {type, timeBasedCanary?, timeBasedLinear?}') },
        )
        .strict()
        .optional()
        .describe('Lambda and ECS configs only, and required for them; at most 2,880 minutes from the first shift to the last'),
    },
    { error: expected('a JSON object {deploymentConfigName, computePlatform?, minimumHealthyHosts | trafficRoutingConfig}') },
  )
  .strict();

const deploymentConfigInfo = z.object({
  deploymentConfigId: z.string().optional().describe('Absent for the predefined CodeDeployDefault.* configs'),
  deploymentConfigName: z.string(),
  computePlatform: z.enum(PLATFORMS),
  minimumHealthyHosts: z
    .object({ type: z.enum(['HOST_COUNT', 'FLEET_PERCENT', 'MOST_CONCURRENCY']), value: z.number() })
    .optional()
    .describe('Server configs only'),
  trafficRoutingConfig: z
    .object({
      type: z.enum(ROUTING_TYPES),
      timeBasedCanary: z.object({ canaryPercentage: z.number(), canaryInterval: z.number() }).optional(),
      timeBasedLinear: z.object({ linearPercentage: z.number(), linearInterval: z.number() }).optional(),
    })
    .optional()
    .describe('Lambda and ECS configs only'),
  createTime: z.string().optional().describe('Absent for the predefined CodeDeployDefault.* configs'),
});

function deploymentConfigInfoOf(config: AnyDeploymentConfig): z.infer<typeof deploymentConfigInfo> {
  const { deploymentConfigId, deploymentConfigName, computePlatform, createTime } = config;
  const settings =
    config.computePlatform === 'Server'
      ? { minimumHealthyHosts: config.minimumHealthyHosts }
      : { trafficRoutingConfig: config.trafficRoutingConfig };
  return { deploymentConfigId, deploymentConfigName, computePlatform, ...settings, createTime };
}

const PREDEFINED_CONFIGS: readonly AnyDeploymentConfig[] = [...PREDEFINED_SERVER_CONFIGS, ...PREDEFINED_TRAFFIC_CONFIGS];

export const deploymentConfigRoutes = [
  route({
    method: 'POST',
    path: '/deployment-configs',
    operationId: 'CreateDeploymentConfig',
    summary: 'Creates a custom deployment config: for Server with minimumHealthyHosts, for Lambda or ECS with trafficRoutingConfig',
    tag: TAG,
    body: createConfigBody,
    response: z.object({ deploymentConfigId: z.string() }),
    successStatus: 201,
    handle: async ({ deps }, { body }) => {
      const parsed = body.computePlatform === 'Lambda' || body.computePlatform === 'ECS' ? parseCustomTrafficConfig(body) : parseCustomServerConfig(body);
      const config: AnyDeploymentConfig = { ...parsed, deploymentConfigId: randomUUID(), createTime: deps.clock().toISOString() };
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
    summary: 'Lists deployment configs by name: the predefined ones of every platform first (on the first page), then the custom ones',
    tag: TAG,
    query: pageQuery,
    response: z.object({ deploymentConfigsList: z.array(z.string()), ...nextTokenField }),
    successStatus: 200,
    handle: async ({ deps }, { query }) => {
      const page = await deps.store.listDeploymentConfigs({ nextToken: query.nextToken });
      const predefined = query.nextToken === undefined ? PREDEFINED_CONFIGS : [];
      return { deploymentConfigsList: [...predefined, ...page.items].map((config) => config.deploymentConfigName), nextToken: page.nextToken };
    },
  }),
  route({
    method: 'GET',
    path: '/deployment-configs/{deploymentConfigName}',
    operationId: 'GetDeploymentConfig',
    summary: 'Gets a deployment config, predefined or custom, of any platform: minimumHealthyHosts for Server, trafficRoutingConfig for Lambda and ECS',
    tag: TAG,
    params: configParams,
    response: z.object({ deploymentConfigInfo }),
    successStatus: 200,
    handle: async ({ deps }, { params }) => ({
      deploymentConfigInfo: deploymentConfigInfoOf(await lookupDeploymentConfig(deps.store, params.deploymentConfigName)),
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
      if (isPredefinedConfigName(name) || isPredefinedTrafficConfigName(name)) {
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
