// UpdateDeploymentGroup: changes the settings the request names and, with newDeploymentGroupName, the name. Settings
// are written with one UpdateItem that names only them and holds only while the group under that name is still the
// one read (same id): the outcome fields a finishing deployment records meanwhile (lastAttemptedDeployment and the
// like) are kept, and a group deleted or renamed meanwhile is not brought back.
import { ConflictError } from '../core/errors';
import type { DeploymentGroup } from '../core/types';
import type { Store } from '../ports';
import type { ApiContext } from './api-context';
import { ApiError } from './api-errors';
import { assertNoActiveDeployment } from './deployment-group-activity';
import { requireGroup } from './deployment-group-lookup';
import type { UpdateGroupBody } from './deployment-group-schemas';
import { applySettings, assertValidSettings, checkConfigPlatform } from './deployment-group-settings';

export async function updateDeploymentGroup(
  { deps, hostNaming }: ApiContext,
  applicationName: string,
  deploymentGroupName: string,
  body: UpdateGroupBody,
): Promise<void> {
  const { newDeploymentGroupName, deploymentStyle, ...changes } = body;
  const current = await requireGroup(deps.store, applicationName, deploymentGroupName);
  assertValidSettings(applySettings(current, changes), deploymentStyle, hostNaming);
  if (changes.deploymentConfigName !== undefined) await checkConfigPlatform(deps.store, current.computePlatform, changes.deploymentConfigName);
  const newName = newDeploymentGroupName !== deploymentGroupName ? newDeploymentGroupName : undefined;
  if (newName !== undefined) await assertNoActiveDeployment(deps, current, 'rename');

  // Checked again on what is written: another update may have changed the group since it was first read.
  const updated = applySettings(await requireGroup(deps.store, applicationName, deploymentGroupName), changes);
  assertValidSettings(updated, deploymentStyle, hostNaming);
  if (newName === undefined) await writeSettings(deps.store, updated, 'deploymentGroupName');
  else await rename(deps.store, updated, newName);
}

/** The group's settings onto the stored group of its name and id; 409 DeploymentGroupChanged if that group is gone. */
async function writeSettings(store: Store, group: DeploymentGroup, field: string): Promise<void> {
  const { applicationName, deploymentGroupName, deploymentGroupId } = group;
  try {
    await store.updateDeploymentGroupSettings(applicationName, deploymentGroupName, deploymentGroupId, group);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const message = `Deployment group '${deploymentGroupName}' of application '${applicationName}' was deleted or renamed while this request updated it; nothing was changed`;
    throw new ApiError(409, 'DeploymentGroupChanged', message, field);
  }
}

// The new item keeps the group id, so the lock and host records (keyed by id) stay the group's. Written before the
// old one is deleted, so a failure in between leaves the group under both names rather than under none.
async function rename(store: Store, group: DeploymentGroup, newName: string): Promise<void> {
  const renamed: DeploymentGroup = { ...group, deploymentGroupName: newName };
  try {
    await store.createDeploymentGroup(renamed);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // A retry of a rename that stopped between its two writes finds its own copy: the same group id.
    const existing = await store.getDeploymentGroup(group.applicationName, newName);
    if (existing?.deploymentGroupId !== group.deploymentGroupId) {
      const message = `Cannot rename '${group.deploymentGroupName}' to '${newName}': application '${group.applicationName}' already has a deployment group of that name`;
      throw new ApiError(409, 'DeploymentGroupAlreadyExists', message, 'newDeploymentGroupName');
    }
    await writeSettings(store, renamed, 'newDeploymentGroupName');
  }
  await store.deleteDeploymentGroup(group.applicationName, group.deploymentGroupName);
}
