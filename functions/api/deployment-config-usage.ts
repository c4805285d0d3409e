// What keeps a deployment config from being deleted: a deployment group naming it, or a deployment still running
// with it (its steps look the config up again at every batch and at the end).
import type { DeploymentStatus } from '../core/types';
import type { Page, Store } from '../ports';

const ACTIVE_STATUSES: readonly DeploymentStatus[] = ['Created', 'Queued', 'InProgress'];

/** Who uses the config, in words for an error message; undefined when nothing does. Stops at the first user. */
export async function deploymentConfigUser(store: Store, deploymentConfigName: string): Promise<string | undefined> {
  for await (const app of everyItem((nextToken) => store.listApplications({ nextToken }))) {
    for await (const group of everyItem((nextToken) => store.listDeploymentGroups(app.applicationName, { nextToken }))) {
      if (group.deploymentConfigName === deploymentConfigName) return `deployment group '${app.applicationName}/${group.deploymentGroupName}'`;
    }
  }
  const running = await store.listDeployments({ statuses: ACTIVE_STATUSES });
  const deployment = running.find((candidate) => candidate.deploymentConfigName === deploymentConfigName);
  return deployment && `deployment ${deployment.deploymentId} (${deployment.status})`;
}

// A page at a time, so a match on the first page reads no more.
async function* everyItem<T>(read: (nextToken: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
  let nextToken: string | undefined;
  do {
    const page = await read(nextToken);
    yield* page.items;
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
}
