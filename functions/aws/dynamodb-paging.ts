// The Store's paged lists: one Query description builds the request, runs it a page at a time, and turns where
// it stopped into an opaque nextToken that only the same list accepts back.
import { createHash } from 'node:crypto';
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../core/errors';
import type { Page, PageRequest } from '../ports';
import type { StoredItem } from './dynamodb-errors';
import { fromItem } from './dynamodb-items';
import type { Table } from './dynamodb-table';
import { TABLE_KEYS } from './table-schema';

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

/** Which items of one partition (of the table or of gsi1) a list reads. Bounds are inclusive. */
export interface KeyRange {
  readonly index?: typeof TABLE_KEYS.gsi1.indexName;
  readonly partition: string;
  readonly sort?: { readonly beginsWith: string } | { readonly from?: string; readonly to?: string };
}

/** A filter applied after the key range; its placeholders must differ from the key condition's (#pk, :gsi1sk…). */
export interface ListFilter {
  readonly expression: string;
  readonly names: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, unknown>>;
}

export interface ListQuery {
  /** Names the list inside its tokens. */
  readonly list: string;
  readonly range: KeyRange;
  readonly filter?: ListFilter;
  /** Descending sort key order (newest first for time-keyed indexes). */
  readonly descending?: boolean;
}

type StartKey = Record<string, string>;

/** The page size a request asks for: the default when absent, else an integer from 1 to MAX_PAGE_LIMIT. */
export function pageLimit(page: PageRequest = {}): number {
  const { limit } = page;
  if (limit === undefined) return DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    // A string (an unconverted query parameter) is quoted, so "10" does not read like the number 10.
    const given = typeof limit === 'string' ? JSON.stringify(limit) : String(limit);
    throw new ValidationError([{ field: 'limit', message: `must be an integer from 1 to ${MAX_PAGE_LIMIT}, got ${given}` }]);
  }
  return limit;
}

/**
 * The Query behind a list, without paging. Base-table reads are strongly consistent; gsi1 cannot be, so an item
 * written a moment ago may be missing from an index-backed list for a moment on DynamoDB.
 */
export function listQueryInput(query: ListQuery): Omit<QueryCommandInput, 'TableName'> {
  const { partitionKey, sortKey } = keyAttributes(query.range);
  const names: Record<string, string> = { [`#${partitionKey}`]: partitionKey };
  const values: Record<string, unknown> = { [`:${partitionKey}`]: query.range.partition };
  let condition = `#${partitionKey} = :${partitionKey}`;
  const sort = query.range.sort;
  if (sort !== undefined && 'beginsWith' in sort) {
    names[`#${sortKey}`] = sortKey;
    values[`:${sortKey}`] = sort.beginsWith;
    condition += ` AND begins_with(#${sortKey}, :${sortKey})`;
  } else if (sort?.from !== undefined || sort?.to !== undefined) {
    names[`#${sortKey}`] = sortKey;
    if (sort.from !== undefined) values[`:${sortKey}From`] = sort.from;
    if (sort.to !== undefined) values[`:${sortKey}To`] = sort.to;
    condition +=
      sort.from !== undefined && sort.to !== undefined
        ? ` AND #${sortKey} BETWEEN :${sortKey}From AND :${sortKey}To`
        : sort.from !== undefined
          ? ` AND #${sortKey} >= :${sortKey}From`
          : ` AND #${sortKey} <= :${sortKey}To`;
  }
  const filter = query.filter;
  return {
    ...(query.range.index !== undefined ? { IndexName: query.range.index } : { ConsistentRead: true }),
    KeyConditionExpression: condition,
    ...(filter !== undefined && { FilterExpression: filter.expression }),
    ExpressionAttributeNames: { ...names, ...filter?.names },
    ExpressionAttributeValues: { ...values, ...filter?.values },
    ScanIndexForward: query.descending !== true,
  };
}

/**
 * One page of the list. DynamoDB's Limit counts items evaluated before the filter, and a Query also stops at 1 MB,
 * so rounds continue until the page is full or the range is exhausted.
 *
 * Unfiltered, each round asks for the missing items plus one: seeing that one more exists costs a single item and
 * makes the token exact (absent on the last page, never a trailing empty page). Filtered, a round evaluates a
 * page's worth (asking for the few missing items would crawl through a sparse match one item per round) and the
 * page ends as soon as it is full: proving that no further match exists could mean reading the rest of the index,
 * so there the last page may be an empty one. Matches beyond the page are cut and resumed after the last one kept.
 * Items come back as domain objects (fromItem); the token is made from the stored keys before they are stripped.
 */
export async function queryPage<T>(table: Table, query: ListQuery, page: PageRequest = {}): Promise<Page<T>> {
  const result = await queryStoredPage(table, query, page);
  return { ...result, items: result.items.map((item) => fromItem<T>(item)) };
}

async function queryStoredPage(table: Table, query: ListQuery, page: PageRequest): Promise<Page<StoredItem>> {
  const limit = pageLimit(page);
  const base = listQueryInput(query);
  const filtered = query.filter !== undefined;
  const items: StoredItem[] = [];
  let startKey = page.nextToken === undefined ? undefined : decodeStartKey(query, page.nextToken);
  for (;;) {
    const output = await table.query({
      ...base,
      Limit: filtered ? limit : limit - items.length + 1,
      ...(startKey !== undefined && { ExclusiveStartKey: startKey }),
    });
    items.push(...(output.Items ?? []));
    const evaluatedTo = output.LastEvaluatedKey;
    if (items.length > limit) {
      const kept = items.slice(0, limit);
      return { items: kept, nextToken: encodeStartKey(query, keyOf(query.range, kept[limit - 1] ?? {})) };
    }
    // Only an absent LastEvaluatedKey means the range is exhausted; a short or empty round does not.
    if (evaluatedTo === undefined) return { items };
    if (filtered && items.length === limit) return { items, nextToken: encodeStartKey(query, evaluatedTo) };
    startKey = evaluatedTo;
  }
}

/** The attributes of a start key: the table's key, plus the index's key for an index query. */
function keyAttributes(range: KeyRange): { partitionKey: string; sortKey: string; all: readonly string[] } {
  const { partitionKey: pk, sortKey: sk } = TABLE_KEYS;
  if (range.index === undefined) return { partitionKey: pk, sortKey: sk, all: [pk, sk] };
  const { partitionKey, sortKey } = TABLE_KEYS.gsi1;
  return { partitionKey, sortKey, all: [partitionKey, sortKey, pk, sk] };
}

/** An item's start key; every listed item carries its keys (gsi1 projects all attributes). */
function keyOf(range: KeyRange, item: StoredItem): StartKey {
  return Object.fromEntries(keyAttributes(range).all.map((attribute) => [attribute, String(item[attribute])]));
}

/**
 * Which list a token belongs to: its name, and a digest of its key range and filter values, so a token of one
 * application's groups, or of deployments under another filter, is refused instead of starting somewhere odd.
 */
function listMarker(query: ListQuery): string {
  const scope = JSON.stringify([query.range, query.filter?.values ?? null]);
  return `${query.list}:${createHash('sha256').update(scope).digest('base64url').slice(0, 16)}`;
}

function encodeStartKey(query: ListQuery, key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ list: listMarker(query), key }), 'utf8').toString('base64url');
}

function decodeStartKey(query: ListQuery, token: string): StartKey {
  const payload = parseToken(token);
  if (payload === undefined) throw tokenError('is not a token this store handed out');
  if (payload.list !== listMarker(query)) throw tokenError('belongs to another list (or to other filters)');
  const key = payload.key;
  if (!hasExactly(key, keyAttributes(query.range).all) || !withinRange(query.range, key)) {
    throw tokenError('is not a token this store handed out');
  }
  return key;
}

function parseToken(token: string): { list: string; key: Record<string, unknown> } | undefined {
  // Node's base64url decoder skips characters it does not know: insist on the exact encoding this module makes.
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const json = Buffer.from(token, 'base64url').toString('utf8');
  if (Buffer.from(json, 'utf8').toString('base64url') !== token) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { list, key } = payload as { list?: unknown; key?: unknown };
  if (typeof list !== 'string' || typeof key !== 'object' || key === null || Array.isArray(key)) return undefined;
  return { list, key: key as Record<string, unknown> };
}

function hasExactly(key: Record<string, unknown>, attributes: readonly string[]): key is StartKey {
  const present = Object.keys(key);
  return (
    present.length === attributes.length &&
    attributes.every((attribute) => typeof key[attribute] === 'string' && key[attribute] !== '')
  );
}

/** DynamoDB refuses a start key outside the key condition with a ValidationException of its own. */
function withinRange(range: KeyRange, key: StartKey): boolean {
  const { partitionKey, sortKey } = keyAttributes(range);
  if (key[partitionKey] !== range.partition) return false;
  const sortValue = key[sortKey] ?? '';
  const sort = range.sort;
  if (sort === undefined) return true;
  if ('beginsWith' in sort) return sortValue.startsWith(sort.beginsWith);
  return (sort.from === undefined || sortValue >= sort.from) && (sort.to === undefined || sortValue <= sort.to);
}

function tokenError(message: string): ValidationError {
  return new ValidationError([{ field: 'nextToken', message }]);
}
