// Finding the application and group a request names, with the 404 that tells which of the two is missing.
import { NotFoundError } from '../core/errors';
import type { Application, DeploymentGroup } from '../core/types';
import type { Store } from '../ports';

export async function requireApplication(store: Store, applicationName: string): Promise<Application> {
  const app = await store.getApplication(applicationName);
  if (!app) throw new NotFoundError('Application', applicationName);
  return app;
}

/** ApplicationDoesNotExist when the application is missing too, as CodeDeploy answers, else DeploymentGroupDoesNotExist. */
export async function requireGroup(store: Store, applicationName: string, deploymentGroupName: string): Promise<DeploymentGroup> {
  const group = await store.getDeploymentGroup(applicationName, deploymentGroupName);
  if (group) return group;
  await requireApplication(store, applicationName);
  throw new NotFoundError('Deployment group', `${applicationName}/${deploymentGroupName}`);
}
