// Finding the deployment a request names, with the 404 every deployment operation answers when it is missing, and
// the 400 for a deployment of a platform the API does not serve.
import { NotFoundError } from '../core/errors';
import type { Deployment, EcsDeployment } from '../core/types';
import type { Store } from '../ports';
import { ApiError } from './api-errors';

export async function requireDeployment(store: Store, deploymentId: string): Promise<Deployment> {
  const deployment = await store.getDeployment(deploymentId);
  if (!deployment) throw new NotFoundError('Deployment', deploymentId);
  return deployment;
}

/**
 * The API serves Server and Lambda deployments. An ECS one exists only where the embedded runtime's CLI made it: it
 * is refused by name rather than shown in a shape the API does not document.
 */
export function unservedDeployment(deployment: EcsDeployment): ApiError {
  return new ApiError(
    400,
    'UnsupportedActionForDeploymentType',
    `Deployment ${deployment.deploymentId} is an ECS deployment, which this API does not serve yet; only Server and Lambda deployments`,
    'deploymentId',
  );
}
