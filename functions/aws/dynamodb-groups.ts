// Deployment group items (pk APP#<app>, sk DG#<group>). The API changes a group's settings with one UpdateItem
// guarded by the group's id, and a finished deployment records its outcome with another that sets only the outcome
// fields: neither overwrites what the other wrote, and neither brings back a group deleted or renamed meanwhile.
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../core/errors';
import type { DeploymentGroup } from '../core/types';
import type { DeploymentGroupSettings, GroupOutcome, Page, PageRequest } from '../ports';
import { conditionally } from './dynamodb-errors';
import { applicationPartition, deploymentGroupItem, deploymentGroupKey, fromItem, GROUP_PREFIX } from './dynamodb-items';
import { queryPage } from './dynamodb-paging';
import type { Table } from './dynamodb-table';
import { SELECTOR_FIELDS } from '../core/target-selection';

/**
 * The group attributes an outcome may set, named here rather than taken from the object: a caller's value with
 * extra properties (structurally still a GroupOutcome) must not write them.
 */
const OUTCOME_FIELDS = ['lastAttemptedDeployment', 'lastSuccessfulDeployment', 'targetRevision'] as const;

/** The group attributes a settings update writes, named for the same reason; every other one it leaves alone. */
const SETTING_FIELDS = [
  'deploymentConfigName',
  'serviceRoleArn',
  'autoRollbackConfiguration',
  'loadBalancerInfo',
  ...SELECTOR_FIELDS,
  'triggerConfigurations',
  'alarmConfiguration',
  'ecsServices',
  'blueGreenDeploymentConfiguration',
  'concurrencyPolicy',
] as const satisfies readonly (keyof DeploymentGroupSettings)[];

// Compile-time check that every DeploymentGroupSettings field is listed above: a new setting the list missed
// would otherwise be silently dropped by every update.
const UNLISTED_SETTINGS: Record<Exclude<keyof DeploymentGroupSettings, (typeof SETTING_FIELDS)[number]>, never> = {};
void UNLISTED_SETTINGS;

export async function putDeploymentGroup(table: Table, group: DeploymentGroup): Promise<void> {
  await table.put({ Item: deploymentGroupItem(group) });
}

export async function createDeploymentGroup(table: Table, group: DeploymentGroup): Promise<void> {
  const outcome = await conditionally(
    table.put({ Item: deploymentGroupItem(group), ConditionExpression: 'attribute_not_exists(pk)' }),
  );
  if (!outcome.written) {
    throw new ConflictError(
      `Deployment group '${group.deploymentGroupName}' already exists in application '${group.applicationName}'`,
    );
  }
}

/** By name: the sort key is DG#<name>, so the partition's own order is the listing order. */
export async function listDeploymentGroups(
  table: Table,
  applicationName: string,
  page?: PageRequest,
): Promise<Page<DeploymentGroup>> {
  const query = {
    list: 'deployment-groups',
    range: { partition: applicationPartition(applicationName), sort: { beginsWith: GROUP_PREFIX } },
  };
  return queryPage<DeploymentGroup>(table, query, page);
}

/**
 * Deletes the group item only. Its lock and host records (pk DG#<groupId>) stay: a deployment still running may
 * hold the lock, and a group re-created under the same name gets a new id, so they are never read again.
 */
export async function deleteDeploymentGroup(
  table: Table,
  applicationName: string,
  deploymentGroupName: string,
): Promise<boolean> {
  const outcome = await conditionally(
    table.delete({
      Key: { ...deploymentGroupKey(applicationName, deploymentGroupName) },
      ConditionExpression: 'attribute_exists(pk)',
    }),
  );
  return outcome.written;
}

export async function getDeploymentGroup(
  table: Table,
  applicationName: string,
  deploymentGroupName: string,
): Promise<DeploymentGroup | undefined> {
  return fromItem<DeploymentGroup>(await table.get(deploymentGroupKey(applicationName, deploymentGroupName)));
}

export async function updateDeploymentGroupSettings(
  table: Table,
  applicationName: string,
  deploymentGroupName: string,
  deploymentGroupId: string,
  settings: DeploymentGroupSettings,
): Promise<void> {
  const update = groupSettingsUpdate(applicationName, deploymentGroupName, deploymentGroupId, settings);
  const result = await conditionally(table.update(update));
  if (!result.written) {
    throw new ConflictError(
      `Deployment group '${deploymentGroupName}' of application '${applicationName}' is no longer the group ${deploymentGroupId}: it was deleted or renamed meanwhile`,
    );
  }
}

/**
 * SETs each setting present and REMOVEs each absent one (a setting cleared by the request); names, id and outcome
 * fields are not in the expression. The condition holds only for the same group under the same name: a group
 * deleted (no item) or renamed away (no item, or a re-created one with another id) is not written, let alone
 * re-created.
 */
function groupSettingsUpdate(
  applicationName: string,
  deploymentGroupName: string,
  deploymentGroupId: string,
  settings: DeploymentGroupSettings,
): Omit<UpdateCommandInput, 'TableName'> {
  const names: Record<string, string> = { '#deploymentGroupId': 'deploymentGroupId' };
  const values: Record<string, unknown> = { ':deploymentGroupId': deploymentGroupId };
  const sets: string[] = [];
  const removes: string[] = [];
  for (const field of SETTING_FIELDS) {
    names[`#${field}`] = field;
    const value = settings[field];
    if (value === undefined) {
      removes.push(`#${field}`);
    } else {
      sets.push(`#${field} = :${field}`);
      values[`:${field}`] = value;
    }
  }
  const clauses = [sets.length > 0 ? `SET ${sets.join(', ')}` : '', removes.length > 0 ? `REMOVE ${removes.join(', ')}` : ''];
  return {
    Key: { ...deploymentGroupKey(applicationName, deploymentGroupName) },
    UpdateExpression: clauses.filter((clause) => clause !== '').join(' '),
    ConditionExpression: 'attribute_exists(pk) AND #deploymentGroupId = :deploymentGroupId',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

export async function recordGroupOutcome(
  table: Table,
  applicationName: string,
  deploymentGroupName: string,
  outcome: GroupOutcome,
): Promise<void> {
  const result = await conditionally(table.update(groupOutcomeUpdate(applicationName, deploymentGroupName, outcome)));
  if (!result.written) throw new NotFoundError('Deployment group', `${applicationName}/${deploymentGroupName}`);
}

/**
 * SETs the outcome fields present; an absent one keeps its stored value (a failed deployment leaves the last
 * successful one in place). The existence condition stops the update from creating a group of outcome fields only.
 */
function groupOutcomeUpdate(
  applicationName: string,
  deploymentGroupName: string,
  outcome: GroupOutcome,
): Omit<UpdateCommandInput, 'TableName'> {
  const sets: string[] = [];
  const values: Record<string, unknown> = {};
  for (const field of OUTCOME_FIELDS) {
    const value = outcome[field];
    if (value === undefined) continue;
    sets.push(`${field} = :${field}`);
    values[`:${field}`] = value;
  }
  return {
    Key: { ...deploymentGroupKey(applicationName, deploymentGroupName) },
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: values,
  };
}
