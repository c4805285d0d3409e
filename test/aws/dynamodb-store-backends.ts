// Runs a DynamoDbStore suite on dynalite and on DynamoDB Local: one server per backend per test file, a fresh
// table per test. Both servers start together when the file's first test is about to run, so the JVM boots while
// the dynalite half runs instead of after it.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../../functions/aws/create-table';
import { DynamoDbStore } from '../../functions/aws/dynamodb-store';
import {
  type LocalDynamoDb,
  type StartLocalDynamoDb,
  localClients,
  startDynalite,
  startDynamoDbLocal,
  uniqueTableName,
} from '../support/local-dynamodb';

type LocalClients = ReturnType<typeof localClients>;

/** What a test sees; read it inside tests and hooks only (it is filled in by beforeAll/beforeEach). */
export interface StoreUnderTest {
  readonly store: DynamoDbStore;
  readonly tableName: string;
  readonly clients: LocalClients;
  /** The item as stored, key and storage attributes included. */
  rawItem(pk: string, sk: string): Promise<Record<string, unknown> | undefined>;
}

class Backend {
  private started?: Promise<LocalDynamoDb>;

  public constructor(
    public readonly name: string,
    private readonly start: StartLocalDynamoDb,
  ) {}

  public server(): Promise<LocalDynamoDb> {
    if (this.started === undefined) {
      this.started = this.start();
      // Awaited later by the backend's own beforeAll; until then a failed start must not count as unhandled.
      this.started.catch(() => undefined);
    }
    return this.started;
  }

  public async stop(): Promise<void> {
    if (this.started === undefined) return;
    const server = await this.started.catch(() => undefined);
    this.started = undefined;
    await server?.stop();
  }
}

/** Clients from the backend's beforeAll; table and store from each test's beforeEach. */
interface Connection {
  readonly clients: LocalClients;
  readonly tableName?: string;
  readonly store?: DynamoDbStore;
}

class LiveStore implements StoreUnderTest {
  private current?: Connection;

  public get clients(): LocalClients {
    return this.ready().clients;
  }

  public get tableName(): string {
    return this.ready().tableName ?? notReady('no table yet: read tableName inside a test');
  }

  public get store(): DynamoDbStore {
    return this.ready().store ?? notReady('no store yet: read store inside a test');
  }

  public connect(endpoint: string): void {
    this.current = { clients: localClients(endpoint) };
  }

  public async freshTable(): Promise<void> {
    const { clients } = this.ready();
    const tableName = uniqueTableName();
    await ensureTable(clients.client, tableName);
    this.current = { clients, tableName, store: new DynamoDbStore({ tableName, client: clients.documentClient }) };
  }

  public disconnect(): void {
    this.current?.clients.destroy();
    this.current = undefined;
  }

  public async rawItem(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const get = new GetCommand({ TableName: this.tableName, Key: { pk, sk } });
    const output = await this.clients.documentClient.send(get);
    return output.Item;
  }

  private ready(): Connection {
    return this.current ?? notReady('no backend yet: read the store inside a test');
  }
}

function notReady(message: string): never {
  throw new Error(message);
}

/** `describe.each` over both backends; `body` declares the tests against `subject`. Call it once per file. */
export function describeStoreOnBackends(title: string, body: (subject: StoreUnderTest) => void): void {
  const backends = [new Backend('dynalite', startDynalite), new Backend('DynamoDB Local', startDynamoDbLocal)];

  beforeAll(() => {
    for (const backend of backends) void backend.server();
  });

  afterAll(async () => {
    await Promise.all(backends.map((backend) => backend.stop()));
  });

  describe.each(backends.map((backend): [string, Backend] => [backend.name, backend]))(
    `${title} on %s`,
    (_name, backend) => {
      const subject = new LiveStore();

      beforeAll(async () => {
        subject.connect((await backend.server()).endpoint);
      });

      afterAll(() => {
        subject.disconnect();
      });

      beforeEach(async () => {
        await subject.freshTable();
      });

      body(subject);
    },
  );
}
