// Config names resolve to the predefined CodeDeployDefault.* configs or to a custom config in the store.
import { findConfig, isPredefinedConfigName } from '../core/deployment-configs';
import { NotFoundError } from '../core/errors';
import type { DeploymentConfig } from '../core/types';
import type { Store } from '../ports';

export async function resolveDeploymentConfig(store: Store, name: string): Promise<DeploymentConfig> {
  if (isPredefinedConfigName(name)) return findConfig(name, []);
  const custom = await store.getDeploymentConfig(name);
  if (!custom) throw new NotFoundError('Deployment config', name);
  return custom;
}
