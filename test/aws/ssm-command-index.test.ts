import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { SsmCommandIndex } from '../../functions/aws/ssm-command-index';

const dynamo = mockClient(DynamoDBDocumentClient);
const index = new SsmCommandIndex({
  client: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  tableName: 'cutover',
  clock: () => new Date('2026-11-26T10:00:00.000Z'),
});

beforeEach(() => dynamo.reset());

describe('SsmCommandIndex', () => {
  it('writes the correlation under CMD#<commandId> with a TTL a week out', async () => {
    dynamo.on(PutCommand).resolves({});

    await index.saveCommand('cmd-1', { deploymentId: 'd-1', batchNumber: 1, eventIndex: 2, targetIds: ['i-1', 'i-2'] });

    expect(dynamo.commandCalls(PutCommand).map((call) => call.args[0].input)).toEqual([
      {
        TableName: 'cutover',
        Item: {
          pk: 'CMD#cmd-1',
          sk: 'CMD',
          deploymentId: 'd-1',
          batchNumber: 1,
          eventIndex: 2,
          targetIds: ['i-1', 'i-2'],
          expiresAt: Date.parse('2026-12-03T10:00:00.000Z') / 1000,
        },
      },
    ]);
  });

  it('reads the correlation back with a consistent read', async () => {
    dynamo.on(GetCommand).resolves({
      Item: { pk: 'CMD#cmd-1', sk: 'CMD', deploymentId: 'd-1', batchNumber: 1, eventIndex: 2, targetIds: ['i-1'], expiresAt: 1 },
    });

    await expect(index.getCommand('cmd-1')).resolves.toEqual({
      deploymentId: 'd-1',
      batchNumber: 1,
      eventIndex: 2,
      targetIds: ['i-1'],
    });
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, {
      TableName: 'cutover',
      Key: { pk: 'CMD#cmd-1', sk: 'CMD' },
      ConsistentRead: true,
    });
  });

  it('answers undefined for a command it never saw', async () => {
    dynamo.on(GetCommand).resolves({});

    await expect(index.getCommand('someone-elses')).resolves.toBeUndefined();
  });
});
