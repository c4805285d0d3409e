// The AWS query protocol (awsQuery) on loopback: every call is a form-encoded POST naming its Action, lists flattened
// as `Name.member.N`, and the answer is XML wrapped in `<ActionResponse><ActionResult>`, lists as `<member>` elements.
// Stand-ins only supply the operations, on the parsed request; signatures are not checked.
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { AwsServiceError } from './aws-json-server';
import { type LoopbackServer, listenOnLoopback } from './loopback-server';

/** A request's parameters, nested: `A.member.1.B=x` is `{ A: [{ B: 'x' }] }`. Values stay strings, as sent. */
export type QueryInput = { [name: string]: QueryValue };
export type QueryValue = string | QueryValue[] | QueryInput;

/** An operation: the parsed parameters in, the Result element's content out (objects, arrays, strings, numbers). */
export type AwsQueryOperation = (input: QueryInput) => unknown;

export interface AwsQueryServerOptions {
  /** The service's XML namespace, e.g. `http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/`. */
  readonly xmlns: string;
  /** For messages: whose stand-in failed. */
  readonly service: string;
  readonly operations: Readonly<Record<string, AwsQueryOperation>>;
}

export async function startAwsQueryServer(options: AwsQueryServerOptions): Promise<LoopbackServer> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const action = params.get('Action') ?? '';
      void Promise.resolve()
        .then(() => {
          const operation = options.operations[action];
          if (operation === undefined) throw new AwsServiceError('InvalidAction', `${options.service} stand-in does not implement '${action}'`);
          return operation(parseQuery(params));
        })
        .then(
          (result) => send(response, 200, `<${action}Response xmlns="${options.xmlns}"><${action}Result>${toXml(result)}</${action}Result>${metadata()}</${action}Response>`),
          (error: unknown) => {
            if (!(error instanceof AwsServiceError)) {
              // A bug in the stand-in, not an answer of the service: the SDK would retry it quietly, so say it here.
              process.stderr.write(`${options.service} stand-in failed: ${error instanceof Error ? error.stack : String(error)}\n`);
            }
            const failure =
              error instanceof AwsServiceError ? error : new AwsServiceError('InternalFailure', error instanceof Error ? error.message : String(error), 500);
            const type = failure.statusCode >= 500 ? 'Receiver' : 'Sender';
            send(
              response,
              failure.statusCode,
              `<ErrorResponse xmlns="${options.xmlns}"><Error><Type>${type}</Type><Code>${escape(failure.type)}</Code>` +
                `<Message>${escape(failure.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
            );
          },
        );
    });
  });
  return listenOnLoopback(server);
}

/** The form's parameters as nested objects and arrays; Action and Version are left out. */
export function parseQuery(params: URLSearchParams): QueryInput {
  const root: QueryInput = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    const path = key.split('.');
    let node: QueryInput | QueryValue[] = root;
    for (let index = 0; index < path.length; index += 1) {
      const isMember = path[index] === 'member';
      // `member.N` is element N-1 of the list the previous name holds.
      const name: string | number = isMember ? Number(path[index + 1]) - 1 : path[index];
      if (isMember) index += 1;
      const last = index === path.length - 1;
      const nextIsList = !last && path[index + 1] === 'member';
      const container = node as Record<string | number, QueryValue>;
      if (last) {
        container[name] = value;
      } else {
        container[name] ??= nextIsList ? [] : {};
        node = container[name] as QueryInput | QueryValue[];
      }
    }
  }
  return root;
}

/** A result value as the query protocol's XML: each key an element, each list a run of `<member>` elements. */
function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([name, item]) => `<${name}>${toXml(item)}</${name}>`)
      .join('');
  }
  return escape(String(value));
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function metadata(): string {
  return `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>`;
}

function send(response: http.ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': randomUUID() });
  response.end(body);
}
