// The table as the embedded runtime and the tests create it, from the same key design the CDK stack uses.
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { TABLE_KEYS } from './table-schema';

/** How long ensureTable waits for ACTIVE; a new on-demand table on AWS usually takes seconds. */
const ACTIVE_WAIT_SECONDS = 120;

export function tableDefinition(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, gsi1 } = TABLE_KEYS;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: 'S' },
      { AttributeName: sortKey, AttributeType: 'S' },
      { AttributeName: gsi1.partitionKey, AttributeType: 'S' },
      { AttributeName: gsi1.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: gsi1.indexName,
        KeySchema: [
          { AttributeName: gsi1.partitionKey, KeyType: 'HASH' },
          { AttributeName: gsi1.sortKey, KeyType: 'RANGE' },
        ],
        // listDeployments returns whole deployments from the index, so it projects every attribute.
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

/** Creates the table unless it exists, then waits until it is ACTIVE. Safe to call concurrently. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  if ((await tableStatus(client, tableName)) === 'ACTIVE') return;
  try {
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
  } catch (err) {
    // Another process created it first (or it is still CREATING): waiting below covers both.
    if (!(err instanceof Error && err.name === 'ResourceInUseException')) throw err;
  }
  await waitUntilTableExists(
    { client, minDelay: 1, maxDelay: 5, maxWaitTime: ACTIVE_WAIT_SECONDS },
    { TableName: tableName },
  );
}

async function tableStatus(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  try {
    const output = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return output.Table?.TableStatus;
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}
