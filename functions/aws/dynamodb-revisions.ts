// Registered revisions (pk APP#<app>, sk REV#<location hash>): one item per location, so registering it again
// overwrites it in place. Listed newest registration first through gsi1 (REVISIONS#<app> / <registerTime>#<hash>):
// the put that moves the registration time also moves the index entry, and each page reads only its own items,
// where sorting the partition in memory would read every revision for every page.
import type { Page, PageRequest, RevisionRecord } from '../ports';
import { registeredRevisionItem, revisionsPartition } from './dynamodb-items';
import { queryPage } from './dynamodb-paging';
import type { Table } from './dynamodb-table';
import { TABLE_KEYS } from './table-schema';

/** A whole put: a registration without a description clears the earlier one, as a new registration should. */
export async function registerRevision(table: Table, record: RevisionRecord): Promise<void> {
  await table.put({ Item: registeredRevisionItem(record) });
}

export async function listRevisions(
  table: Table,
  applicationName: string,
  page?: PageRequest,
): Promise<Page<RevisionRecord>> {
  const query = {
    list: 'revisions',
    range: { index: TABLE_KEYS.gsi1.indexName, partition: revisionsPartition(applicationName) },
    descending: true,
  };
  return queryPage<RevisionRecord>(table, query, page);
}
