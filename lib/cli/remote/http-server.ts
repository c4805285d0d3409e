// The REST API over node:http, for `cutover local serve`: each request becomes an ApiRequest for the same Router
// API Gateway's Lambda uses, and its ApiResponse goes back as it is. Loopback only, so no auth.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiContext } from '../../../functions/api/api-context';
import type { ApiRequest, ApiResponse } from '../../../functions/api/api-types';
import type { Router } from '../../../functions/api/router';

export const LOOPBACK = '127.0.0.1';
/** Where `cutover local serve` listens, and so where the API commands look by default. */
export const DEFAULT_PORT = 8642;
/** API Gateway's own limit is 10 MB, Lambda's 6 MB; API bodies are small JSON, so anything near this is a mistake. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

export interface ApiServer {
  readonly port: number;
  /** Stops accepting, lets requests in flight finish, then resolves. */
  close(): Promise<void>;
}

export async function startApiServer(router: Router, context: ApiContext, port: number): Promise<ApiServer> {
  let listening = 0;
  const server = http.createServer((req, res) => {
    answer(router, context, req, listening).then(
      (response) => {
        res.writeHead(response.statusCode, { ...response.headers });
        res.end(response.body);
      },
      // The client went away mid-request: there is no one left to answer.
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  listening = (server.address() as AddressInfo).port;
  return {
    port: listening,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function answer(router: Router, context: ApiContext, req: http.IncomingMessage, port: number): Promise<ApiResponse> {
  const refused = refusal(req, port);
  if (refused) {
    req.resume();
    return refused;
  }
  let body: string | null;
  try {
    body = await readBody(req);
  } catch (error) {
    if (error instanceof BodyTooLarge) return errorResponse(413, 'RequestTooLarge', error.message);
    throw error;
  }
  return router.handle(context, apiRequestOf(req, body));
}

/**
 * Loopback is not a boundary against the user's own browser: a web page may send a simple (text/plain) POST to
 * 127.0.0.1, or reach it through DNS rebinding under another host name. A JSON content type cannot be sent without a
 * CORS preflight this server never approves, and a host name other than the loopback ones gives rebinding away.
 */
function refusal(req: http.IncomingMessage, port: number): ApiResponse | undefined {
  const host = (req.headers.host ?? '').toLowerCase();
  if (host !== `${LOOPBACK}:${port}` && host !== `localhost:${port}`) {
    return errorResponse(403, 'ForbiddenHost', `The local API answers requests for ${LOOPBACK}:${port} or localhost:${port} only (got Host '${host}')`);
  }
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (hasBody && type !== 'application/json') {
    return errorResponse(415, 'UnsupportedMediaType', `Request bodies must be sent as application/json (got '${type || 'none'}')`);
  }
  return undefined;
}

/** Path without the query; each query parameter's first value, as API Gateway's queryStringParameters has it. */
export function apiRequestOf(req: Pick<http.IncomingMessage, 'method' | 'url'>, body: string | null): ApiRequest {
  const url = new URL(req.url ?? '/', `http://${LOOPBACK}`);
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (!(key in query)) query[key] = value;
  }
  return { method: req.method ?? 'GET', path: url.pathname, query, body };
}

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge(`The body is over ${MAX_BODY_BYTES} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 0 ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

class BodyTooLarge extends Error {}

function errorResponse(status: number, code: string, message: string): ApiResponse {
  return { statusCode: status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, message }) };
}
