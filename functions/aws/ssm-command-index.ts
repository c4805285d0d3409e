// Correlation items for SSM commands, kept in the deployment table next to the deployment they belong to.
//
//   pk               sk     attributes
//   CMD#<commandId>  CMD    deploymentId, batchNumber, eventIndex, targetIds, expiresAt (TTL, epoch seconds)
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { TABLE_KEYS } from './table-schema';
import type { CommandCorrelation, CommandLookup, CommandRecorder } from './command-correlation';

/** The table's TTL attribute; the CDK table enables TTL on this name. */
export const COMMAND_EXPIRES_AT_ATTRIBUTE = TABLE_KEYS.ttlAttribute;

// A command lives at most 600 s (delivery) + 172,800 s (the longest executionTimeout SSM accepts); a week keeps the
// item through late or redelivered events without keeping it forever.
const DEFAULT_RETENTION_SECONDS = 7 * 24 * 60 * 60;

const SORT_KEY = 'CMD';

const correlationSchema = z.object({
  deploymentId: z.string().min(1),
  batchNumber: z.number().int().nonnegative(),
  eventIndex: z.number().int().nonnegative(),
  targetIds: z.array(z.string()),
});

export interface SsmCommandIndexOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** @default - the system clock */
  readonly clock?: () => Date;
  /** How long an item stays before TTL may delete it. @default 7 days */
  readonly retentionSeconds?: number;
}

export class SsmCommandIndex implements CommandRecorder, CommandLookup {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly clock: () => Date;
  private readonly retentionSeconds: number;

  public constructor(options: SsmCommandIndexOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.clock = options.clock ?? (() => new Date());
    this.retentionSeconds = options.retentionSeconds ?? DEFAULT_RETENTION_SECONDS;
  }

  public async saveCommand(commandId: string, correlation: CommandCorrelation): Promise<void> {
    const nowSeconds = Math.floor(this.clock().getTime() / 1000);
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...commandKey(commandId),
          deploymentId: correlation.deploymentId,
          batchNumber: correlation.batchNumber,
          eventIndex: correlation.eventIndex,
          targetIds: [...correlation.targetIds],
          [COMMAND_EXPIRES_AT_ATTRIBUTE]: nowSeconds + this.retentionSeconds,
        },
      }),
    );
  }

  public async getCommand(commandId: string): Promise<CommandCorrelation | undefined> {
    // Consistent read: the status event of a fast command can arrive moments after the item was written.
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: commandKey(commandId), ConsistentRead: true }),
    );
    if (result.Item === undefined) {
      return undefined;
    }
    return correlationSchema.parse(result.Item);
  }
}

function commandKey(commandId: string): Record<string, string> {
  return { [TABLE_KEYS.partitionKey]: `CMD#${commandId}`, [TABLE_KEYS.sortKey]: SORT_KEY };
}
