// The embedded store: dynalite (DynamoDB's API on LevelDB, pure JS) on loopback, on disk under the state folder so
// a later run sees earlier deployments, or in memory for tests. The DynamoDB adapter talks to it unchanged.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { ensureTable } from '../../functions/aws/create-table';

export interface LocalDynamoDb {
  readonly client: DynamoDBClient;
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startLocalDynamoDb(options: { path?: string; tableName: string }): Promise<LocalDynamoDb> {
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'cutover-local', secretAccessKey: 'cutover-local' },
    maxAttempts: 5,
  });
  await ensureTable(client, options.tableName);
  return {
    client,
    endpoint,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
