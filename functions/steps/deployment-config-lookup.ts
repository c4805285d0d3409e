// Config names resolve to the predefined CodeDeployDefault.* configs or to a custom config in the store.
import { findConfig, isPredefinedConfigName } from '../core/deployment-configs';
import { NotFoundError, ValidationError } from '../core/errors';
import { shown } from '../core/input-messages';
import { PREDEFINED_TRAFFIC_CONFIGS, findTrafficConfig } from '../core/traffic-configs';
import type { AnyDeploymentConfig, TrafficComputePlatform, TrafficDeploymentConfig } from '../core/traffic-configs';
import type { DeploymentConfig } from '../core/types';
import type { Store } from '../ports';

/** The config of any platform, predefined or custom, as GetDeploymentConfig shows it. */
export async function lookupDeploymentConfig(store: Store, name: string): Promise<AnyDeploymentConfig> {
  if (isPredefinedConfigName(name)) return findConfig(name, []);
  const predefined = PREDEFINED_TRAFFIC_CONFIGS.find((config) => config.deploymentConfigName === name);
  if (predefined !== undefined) return predefined;
  const custom = await store.getDeploymentConfig(name);
  if (!custom) throw new NotFoundError('Deployment config', name);
  return custom;
}

/**
 * The config a Server deployment or group runs with. A Lambda or ECS config is bad input there, not a missing one,
 * so the message says which platform it belongs to.
 */
export async function resolveDeploymentConfig(store: Store, name: string): Promise<DeploymentConfig> {
  const config = await lookupDeploymentConfig(store, name);
  if (config.computePlatform === 'Server') return config;
  const message =
    `names a deployment config for ${config.computePlatform}; Server deployments need a Server config such as ` +
    `CodeDeployDefault.OneAtATime or a custom one with minimumHealthyHosts (got ${shown(name)})`;
  throw new ValidationError([{ field: 'deploymentConfigName', message }]);
}

/** The config a Lambda or ECS deployment or group runs with; a config of another platform is refused by name. */
export async function resolveTrafficConfig(store: Store, name: string, platform: TrafficComputePlatform): Promise<TrafficDeploymentConfig> {
  if (isPredefinedConfigName(name) || PREDEFINED_TRAFFIC_CONFIGS.some((config) => config.deploymentConfigName === name)) {
    return findTrafficConfig(name, platform);
  }
  const custom = await store.getDeploymentConfig(name);
  if (custom?.computePlatform === 'Server') {
    const message = `names a deployment config for Server, not ${platform} (got ${shown(name)})`;
    throw new ValidationError([{ field: 'deploymentConfigName', message }]);
  }
  return findTrafficConfig(name, platform, custom ? [custom] : []);
}
