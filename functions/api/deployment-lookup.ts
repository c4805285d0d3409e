// Finding the deployment a request names, with the 404 every deployment operation answers when it is missing.
import { NotFoundError } from '../core/errors';
import type { Deployment } from '../core/types';
import type { Store } from '../ports';

export async function requireDeployment(store: Store, deploymentId: string): Promise<Deployment> {
  const deployment = await store.getDeployment(deploymentId);
  if (!deployment) throw new NotFoundError('Deployment', deploymentId);
  return deployment;
}
