// Listing deployments newest first through gsi1 (DEPLOYMENTS / <createTime>#<id>): the create-time range is a key
// condition, so it bounds what is read; application, group and status are filters within that range.
import { ValidationError } from '../core/errors';
import type { Deployment } from '../core/types';
import type { DeploymentListFilter, Page, PageRequest } from '../ports';
import { DEPLOYMENTS_PARTITION, fromItem } from './dynamodb-items';
import { type ListFilter, type ListQuery, listQueryInput, queryPage } from './dynamodb-paging';
import type { Table } from './dynamodb-table';
import { TABLE_KEYS } from './table-schema';

/** Every deployment the filter selects, reading every page. */
export async function listDeployments(table: Table, filter: DeploymentListFilter = {}): Promise<Deployment[]> {
  const query = deploymentListQuery(filter);
  if (query === undefined) return [];
  const items = await table.queryAll(listQueryInput(query));
  return items.map((item) => fromItem<Deployment>(item));
}

export async function listDeploymentsPage(
  table: Table,
  filter: DeploymentListFilter,
  page?: PageRequest,
): Promise<Page<Deployment>> {
  const query = deploymentListQuery(filter);
  if (query === undefined) return { items: [] };
  return queryPage<Deployment>(table, query, page);
}

/** Undefined when nothing can match (no status is one of none), so no read is needed. */
function deploymentListQuery(filter: DeploymentListFilter): ListQuery | undefined {
  if (filter.statuses?.length === 0) return undefined;
  const from = filter.createdFrom === undefined ? undefined : isoTime('createdFrom', filter.createdFrom);
  const to = filter.createdTo === undefined ? undefined : isoTime('createdTo', filter.createdTo);
  if (from !== undefined && to !== undefined && from > to) {
    throw new ValidationError([{ field: 'createdFrom', message: `must not be after createdTo (${to}), got ${from}` }]);
  }
  const attributeFilter = deploymentFilter(filter);
  return {
    list: 'deployments',
    range: {
      index: TABLE_KEYS.gsi1.indexName,
      partition: DEPLOYMENTS_PARTITION,
      ...((from !== undefined || to !== undefined) && {
        // `<time>` sorts before every `<time>#<id>`, and `<time>$` after them ('#' < '$'), so both ends include
        // deployments created at exactly that time.
        sort: { ...(from !== undefined && { from }), ...(to !== undefined && { to: `${to}$` }) },
      }),
    },
    ...(attributeFilter !== undefined && { filter: attributeFilter }),
    descending: true,
  };
}

function deploymentFilter(filter: DeploymentListFilter): ListFilter | undefined {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const clauses: string[] = [];
  if (filter.applicationName !== undefined) {
    names['#applicationName'] = 'applicationName';
    values[':applicationName'] = filter.applicationName;
    clauses.push('#applicationName = :applicationName');
  }
  if (filter.deploymentGroupName !== undefined) {
    names['#deploymentGroupName'] = 'deploymentGroupName';
    values[':deploymentGroupName'] = filter.deploymentGroupName;
    clauses.push('#deploymentGroupName = :deploymentGroupName');
  }
  if (filter.statuses !== undefined) {
    names['#status'] = 'status';
    // Sorted and deduplicated: the same statuses in another order are the same list, with the same tokens.
    const placeholders = [...new Set(filter.statuses)].sort().map((status, index) => {
      values[`:status${index}`] = status;
      return `:status${index}`;
    });
    clauses.push(`#status IN (${placeholders.join(', ')})`);
  }
  if (clauses.length === 0) return undefined;
  return { expression: clauses.join(' AND '), names, values };
}

/**
 * The bound in the form createTime is stored in (Date#toISOString), so string order on the index is time order:
 * `2026-11-26T08:00:00Z` and `…08:00:00.000Z` are the same instant but not the same string.
 */
function isoTime(field: 'createdFrom' | 'createdTo', value: string): string {
  const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  const iso = Number.isNaN(time) ? undefined : new Date(time).toISOString();
  // Years outside 0000–9999 come out as ±YYYYYY, which would not sort among stored times.
  if (iso === undefined || !/^\d{4}-/.test(iso)) {
    throw new ValidationError([{ field, message: `must be an ISO 8601 time, got ${JSON.stringify(value)}` }]);
  }
  return iso;
}
