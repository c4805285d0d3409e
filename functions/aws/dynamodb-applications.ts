// Application items (pk APP#<app>, sk APP), listed by name through gsi1 (APPLICATIONS / <app>). The application's
// partition also holds its groups, registered revisions and client tokens, so deleting it sweeps that partition.
import type { Application } from '../core/types';
import type { Page, PageRequest } from '../ports';
import { conditionally } from './dynamodb-errors';
import {
  APPLICATION_SORT_KEY,
  APPLICATIONS_PARTITION,
  applicationItem,
  applicationKey,
  applicationPartition,
  fromItem,
  type ItemKey,
} from './dynamodb-items';
import { queryPage } from './dynamodb-paging';
import type { Table } from './dynamodb-table';
import { TABLE_KEYS } from './table-schema';

/** Idempotent: creating an application that exists returns the stored one (the embedded runtime re-creates). */
export async function createApplication(table: Table, app: Application): Promise<Application> {
  const outcome = await conditionally(
    table.put({
      Item: applicationItem(app),
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  );
  if (outcome.written) return app;
  const stored = await table.failedItem(applicationKey(app.applicationName), outcome.current);
  // Absent only if it was deleted in between; the caller's app is then the truth.
  return fromItem<Application>(stored) ?? app;
}

export async function getApplication(table: Table, applicationName: string): Promise<Application | undefined> {
  return fromItem<Application>(await table.get(applicationKey(applicationName)));
}

export async function listApplications(table: Table, page?: PageRequest): Promise<Page<Application>> {
  const query = { list: 'applications', range: { index: TABLE_KEYS.gsi1.indexName, partition: APPLICATIONS_PARTITION } };
  return queryPage<Application>(table, query, page);
}

/**
 * Deletes the application item first, so the application is gone for readers in one write, then sweeps what its
 * partition still holds (groups, revisions, client tokens). Interrupted, the sweep is finished by calling again:
 * that call returns false but sweeps all the same. Deployments live in their own partitions and stay.
 */
export async function deleteApplication(table: Table, applicationName: string): Promise<boolean> {
  const outcome = await conditionally(
    table.delete({ Key: { ...applicationKey(applicationName) }, ConditionExpression: 'attribute_exists(pk)' }),
  );
  await sweepPartition(table, applicationName);
  return outcome.written;
}

/** One page of keys at a time, so an application with many revisions never has to fit in memory. */
async function sweepPartition(table: Table, applicationName: string): Promise<void> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const output = await table.query({
      KeyConditionExpression: '#pk = :pk',
      ProjectionExpression: '#pk, #sk',
      ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey, '#sk': TABLE_KEYS.sortKey },
      ExpressionAttributeValues: { ':pk': applicationPartition(applicationName) },
      ConsistentRead: true,
      ...(startKey !== undefined && { ExclusiveStartKey: startKey }),
    });
    const keys = (output.Items ?? [])
      .map((item): ItemKey => ({ pk: String(item.pk), sk: String(item.sk) }))
      // An application re-created while the sweep ran is not the one being deleted.
      .filter((key) => key.sk !== APPLICATION_SORT_KEY);
    await table.batchDelete(keys);
    startKey = output.LastEvaluatedKey;
  } while (startKey !== undefined);
}
