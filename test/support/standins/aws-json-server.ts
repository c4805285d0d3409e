// The AWS JSON protocols (awsJson1_0, awsJson1_1) on loopback: every call is a POST to `/` naming its operation in
// X-Amz-Target, with a JSON body each way. Stand-ins only supply the operations; signatures are not checked.
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { type LoopbackServer, listenOnLoopback } from './loopback-server';

export type JsonProtocol = '1.0' | '1.1';

/** An operation: the parsed request body in, the response body out. */
export type AwsJsonOperation = (input: Record<string, unknown>) => unknown;

/** A modeled error: the SDK turns `__type` into the thrown error's name, as for the real service. */
export class AwsServiceError extends Error {
  public constructor(
    public readonly type: string,
    message: string,
    public readonly statusCode = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export interface AwsJsonServerOptions {
  /** The service's X-Amz-Target prefix, e.g. `AmazonSSM`. */
  readonly targetPrefix: string;
  readonly protocol: JsonProtocol;
  readonly operations: Readonly<Record<string, AwsJsonOperation>>;
}

export async function startAwsJsonServer(options: AwsJsonServerOptions): Promise<LoopbackServer> {
  const server = http.createServer((request, response) => {
    void readBody(request)
      .then((body) => dispatch(options, request.headers['x-amz-target'], body))
      .then(
        (output) => send(response, options.protocol, 200, output ?? {}),
        (error: unknown) => {
          if (!(error instanceof AwsServiceError)) {
            // A bug in the stand-in, not an answer of the service: the SDK would retry it quietly, so say it here.
            process.stderr.write(`${options.targetPrefix} stand-in failed: ${error instanceof Error ? error.stack : String(error)}\n`);
          }
          const failure =
            error instanceof AwsServiceError ? error : new AwsServiceError('InternalFailure', error instanceof Error ? error.message : String(error), 500);
          send(response, options.protocol, failure.statusCode, { __type: failure.type, message: failure.message });
        },
      );
  });
  return listenOnLoopback(server);
}

async function dispatch(options: AwsJsonServerOptions, target: string | string[] | undefined, body: string): Promise<unknown> {
  const [prefix, name] = String(target ?? '').split('.');
  const operation = prefix === options.targetPrefix && name !== undefined ? options.operations[name] : undefined;
  if (operation === undefined) {
    throw new AwsServiceError('UnknownOperationException', `${options.targetPrefix} stand-in does not implement '${String(target)}'`);
  }
  let input: unknown;
  try {
    input = body === '' ? {} : JSON.parse(body);
  } catch {
    throw new AwsServiceError('SerializationException', 'The request body is not JSON');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AwsServiceError('SerializationException', 'The request body is not a JSON object');
  }
  return operation(input as Record<string, unknown>);
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: http.ServerResponse, protocol: JsonProtocol, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': `application/x-amz-json-${protocol}`,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}

/** awsJson timestamps are epoch seconds with a fraction. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}
