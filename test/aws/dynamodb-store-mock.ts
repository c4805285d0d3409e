// The commands suites' store: a DynamoDbStore whose document client is stubbed with aws-sdk-client-mock, so each
// test sees the exact command input, plus the DynamoDB failures those tests feed it.
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDbStore } from '../../functions/aws/dynamodb-store';

export const TABLE = 'cutover-table';

/** Stubs every document client's `send` in this test file and resets the stub before each test. */
export function mockedStore(): { readonly ddb: AwsClientStub<DynamoDBDocumentClient>; readonly store: DynamoDbStore } {
  const ddb = mockClient(DynamoDBDocumentClient);
  const store = new DynamoDbStore({
    tableName: TABLE,
    client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
  });
  beforeEach(() => {
    ddb.reset();
  });
  return { ddb, store };
}

/** What DynamoDB answers to a failed condition; `Item` is the raw wire form, as the SDK leaves it on errors. */
export function conditionFailed(item?: ConditionalCheckFailedException['Item']): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, Item: item });
}

export function namedError(name: string): Error {
  return Object.assign(new Error(`${name} from DynamoDB`), { name });
}
