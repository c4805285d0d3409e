// Custom deployment config items (pk CONFIG#<name>, sk CONFIG), listed by name through gsi1 (CONFIGS / <name>).
// Server, Lambda and ECS configs share the partition and are stored as given: computePlatform tells them apart.
import { ConflictError } from '../core/errors';
import type { AnyDeploymentConfig } from '../core/traffic-configs';
import type { Page, PageRequest } from '../ports';
import { conditionally } from './dynamodb-errors';
import { CONFIGS_PARTITION, deploymentConfigItem, deploymentConfigKey, fromItem } from './dynamodb-items';
import { queryPage } from './dynamodb-paging';
import type { Table } from './dynamodb-table';
import { TABLE_KEYS } from './table-schema';

/** Like CodeDeploy's CreateDeploymentConfig, a name is taken once: a second create is a ConflictError. */
export async function createDeploymentConfig(table: Table, config: AnyDeploymentConfig): Promise<void> {
  const outcome = await conditionally(
    table.put({ Item: deploymentConfigItem(config), ConditionExpression: 'attribute_not_exists(pk)' }),
  );
  if (!outcome.written) throw new ConflictError(`Deployment config '${config.deploymentConfigName}' already exists`);
}

export async function getDeploymentConfig(
  table: Table,
  deploymentConfigName: string,
): Promise<AnyDeploymentConfig | undefined> {
  return fromItem<AnyDeploymentConfig>(await table.get(deploymentConfigKey(deploymentConfigName)));
}

export async function listDeploymentConfigs(table: Table, page?: PageRequest): Promise<Page<AnyDeploymentConfig>> {
  const query = { list: 'deployment-configs', range: { index: TABLE_KEYS.gsi1.indexName, partition: CONFIGS_PARTITION } };
  return queryPage<AnyDeploymentConfig>(table, query, page);
}

export async function deleteDeploymentConfig(table: Table, deploymentConfigName: string): Promise<boolean> {
  const outcome = await conditionally(
    table.delete({ Key: { ...deploymentConfigKey(deploymentConfigName) }, ConditionExpression: 'attribute_exists(pk)' }),
  );
  return outcome.written;
}
