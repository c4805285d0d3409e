// A thin wrapper over the document client bound to one table: it fills in TableName, reads strongly consistent,
// follows Query pages and BatchWrite/BatchGet leftovers, and sends every call through callDynamoDb so transient
// failures are mapped in one place.
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DeleteCommandInput,
  type DeleteCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  type PutCommandOutput,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  UpdateCommand,
  type UpdateCommandInput,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { TransientStoreError } from '../core/errors';
import { callDynamoDb, type StoredItem } from './dynamodb-errors';
import type { ItemKey, KeyedItem } from './dynamodb-items';

/** BatchWriteItem's limit per request. */
const BATCH_WRITE_LIMIT = 25;
/** BatchGetItem's limit per request. */
const BATCH_GET_LIMIT = 100;
/** Rounds of resending unprocessed items before giving up; with the backoff below that is 3–6 s in all. */
const LEFTOVER_ROUNDS = 8;
const LEFTOVER_BASE_DELAY_MS = 25;

type WithoutTable<T> = Omit<T, 'TableName'>;

/** One request of a BatchWriteItem, as lib-dynamodb takes it. */
type WriteRequest = { PutRequest: { Item: StoredItem } } | { DeleteRequest: { Key: StoredItem } };

/** Attributes to read, e.g. `#pk, #position` with its placeholder names. */
export interface Projection {
  readonly expression: string;
  readonly names: Readonly<Record<string, string>>;
}

export class Table {
  public constructor(
    private readonly client: DynamoDBDocumentClient,
    public readonly name: string,
  ) {}

  public async get(key: ItemKey): Promise<StoredItem | undefined> {
    const output = await callDynamoDb('GetItem', () =>
      this.client.send(new GetCommand({ TableName: this.name, Key: { ...key }, ConsistentRead: true })),
    );
    return output.Item;
  }

  /**
   * The item that failed a conditional write: as the backend returned it (ReturnValuesOnConditionCheckFailure
   * ALL_OLD, `Conditional.current`), else read now, since dynalite returns none with the failure.
   */
  public async failedItem(key: ItemKey, returned: StoredItem | undefined): Promise<StoredItem | undefined> {
    return returned ?? (await this.get(key));
  }

  public put(input: WithoutTable<PutCommandInput>): Promise<PutCommandOutput> {
    return callDynamoDb('PutItem', () => this.client.send(new PutCommand({ TableName: this.name, ...input })));
  }

  public update(input: WithoutTable<UpdateCommandInput>): Promise<UpdateCommandOutput> {
    return callDynamoDb('UpdateItem', () => this.client.send(new UpdateCommand({ TableName: this.name, ...input })));
  }

  public delete(input: WithoutTable<DeleteCommandInput>): Promise<DeleteCommandOutput> {
    return callDynamoDb('DeleteItem', () => this.client.send(new DeleteCommand({ TableName: this.name, ...input })));
  }

  /** One page; the caller decides whether to follow LastEvaluatedKey. */
  public query(input: WithoutTable<QueryCommandInput>): Promise<QueryCommandOutput> {
    return callDynamoDb('Query', () => this.client.send(new QueryCommand({ TableName: this.name, ...input })));
  }

  /** Every page: only an absent LastEvaluatedKey means done (a short or empty page does not). */
  public async queryAll(input: WithoutTable<QueryCommandInput>): Promise<StoredItem[]> {
    const items: StoredItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const output = await callDynamoDb('Query', () =>
        this.client.send(new QueryCommand({ TableName: this.name, ...input, ExclusiveStartKey: startKey })),
      );
      items.push(...(output.Items ?? []));
      startKey = output.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  /** Puts items in requests of 25, resending UnprocessedItems with backoff. Not atomic across items. */
  public async batchPut(items: readonly KeyedItem[]): Promise<void> {
    await this.batchWrite(items, (item) => ({ PutRequest: { Item: item } }));
  }

  /** Deletes items in requests of 25, resending UnprocessedItems with backoff. Not atomic across items. */
  public async batchDelete(keys: readonly ItemKey[]): Promise<void> {
    await this.batchWrite(keys, (key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } }));
  }

  private async batchWrite<T extends ItemKey>(entries: readonly T[], request: (entry: T) => WriteRequest): Promise<void> {
    // One request may not name a key twice (ValidationException): the last write of a key wins, as it would
    // with single writes.
    const byKey = new Map(entries.map((entry) => [`${entry.pk}\u0000${entry.sk}`, entry]));
    for (const chunk of chunks([...byKey.values()], BATCH_WRITE_LIMIT)) {
      let pending: WriteRequest[] = chunk.map(request);
      for (let round = 0; pending.length > 0; round += 1) {
        if (round > 0) await leftoverBackoff('BatchWriteItem', round, pending.length);
        const requests = pending;
        const output = await callDynamoDb('BatchWriteItem', () =>
          this.client.send(new BatchWriteCommand({ RequestItems: { [this.name]: requests } })),
        );
        pending = (output.UnprocessedItems?.[this.name] ?? []).flatMap((left): WriteRequest[] => {
          if (left.PutRequest?.Item !== undefined) return [{ PutRequest: { Item: left.PutRequest.Item } }];
          if (left.DeleteRequest?.Key !== undefined) return [{ DeleteRequest: { Key: left.DeleteRequest.Key } }];
          return [];
        });
      }
    }
  }

  /** Reads items by key in requests of 100, resending UnprocessedKeys with backoff; missing keys are absent. */
  public async batchGet(keys: readonly ItemKey[], projection?: Projection): Promise<StoredItem[]> {
    const found: StoredItem[] = [];
    for (const chunk of chunks(keys, BATCH_GET_LIMIT)) {
      let pending: Record<string, unknown>[] = chunk.map((key) => ({ ...key }));
      for (let round = 0; pending.length > 0; round += 1) {
        if (round > 0) await leftoverBackoff('BatchGetItem', round, pending.length);
        const request = {
          Keys: pending,
          ConsistentRead: true,
          ...(projection && {
            ProjectionExpression: projection.expression,
            ExpressionAttributeNames: projection.names,
          }),
        };
        const output = await callDynamoDb('BatchGetItem', () =>
          this.client.send(new BatchGetCommand({ RequestItems: { [this.name]: request } })),
        );
        found.push(...(output.Responses?.[this.name] ?? []));
        pending = output.UnprocessedKeys?.[this.name]?.Keys ?? [];
      }
    }
    return found;
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/**
 * Unprocessed items are DynamoDB's way of throttling a batch without an exception, so running out of rounds is
 * reported like any other throttling: as TransientStoreError.
 */
async function leftoverBackoff(operation: string, round: number, left: number): Promise<void> {
  if (round >= LEFTOVER_ROUNDS) {
    throw new TransientStoreError(
      `DynamoDB ${operation} left ${left} items unprocessed after ${LEFTOVER_ROUNDS} rounds`,
    );
  }
  const delay = LEFTOVER_BASE_DELAY_MS * 2 ** (round - 1);
  await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
}
