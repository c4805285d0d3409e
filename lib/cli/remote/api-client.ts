// HTTP to the Cutover API: JSON in and out, SigV4-signed off loopback, API errors as RemoteApiError. node:http
// rather than fetch, because the signature covers the Host header and fetch does not let a caller set it.
import * as http from 'node:http';
import * as https from 'node:https';
import type { SignableRequest } from './sigv4';

/** What the request got wrong (invalid, missing, conflicting) exits 2 like bad flags; auth, throttling and outages 1. */
export function exitCodeFor(status: number): number {
  return status === 400 || status === 404 || status === 409 ? 2 : 1;
}

/** The API refused the request: its `{code, message, field}`. */
export class RemoteApiError extends Error {
  public constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly field?: string,
  ) {
    super(message);
    this.name = 'RemoteApiError';
  }

  /** `<code>: <message> (field: <field>)`, as every command prints it. */
  public describe(): string {
    return `${this.code}: ${this.message}${this.field === undefined ? '' : ` (field: ${this.field})`}`;
  }
}

/** The request never got an answer: nothing listening, DNS, TLS, a timeout. */
export class ApiUnreachableError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ApiUnreachableError';
  }
}

export interface ApiCall {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The API path, e.g. `/applications/shop`; the endpoint's own path (an API Gateway stage) goes before it. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
}

export type RequestSigner = (request: SignableRequest) => Promise<Record<string, string>>;

const TIMEOUT_MS = 60_000;

export class ApiClient {
  public constructor(
    public readonly endpoint: URL,
    private readonly sign?: RequestSigner,
  ) {}

  /** The parsed JSON answer of a success, undefined for 204. */
  public async call<T = Record<string, unknown>>(call: ApiCall): Promise<T> {
    const url = this.urlOf(call);
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    const base: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) base['content-type'] = 'application/json';
    const headers = this.sign ? await this.sign({ method: call.method, url, headers: base, body }) : base;
    const response = await send(call.method, url, headers, body);
    const parsed = parseJson(response.body);
    if (response.status >= 200 && response.status < 300) return parsed as T;
    throw errorOf(response, parsed);
  }

  private urlOf(call: ApiCall): URL {
    const url = new URL(this.endpoint.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${call.path}`;
    url.search = '';
    for (const [key, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.append(key, value);
    }
    return url;
  }
}

interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

function send(method: string, url: URL, headers: Record<string, string>, body: string | undefined): Promise<RawResponse> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, { method, headers, timeout: TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (error) => reject(unreachable(url, error)));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    request.on('error', (error) => reject(unreachable(url, error)));
    request.end(body);
  });
}

function unreachable(url: URL, error: Error): ApiUnreachableError {
  const code = (error as NodeJS.ErrnoException).code;
  const hint = code === 'ECONNREFUSED' && url.hostname.startsWith('127.') ? ': start it with `cutover local serve`, or pass --endpoint' : '';
  return new ApiUnreachableError(`cannot reach the Cutover API at ${url.origin} (${code ?? error.message})${hint}`);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Cutover's `{code, message, field}`; API Gateway's own refusals (auth) carry only a message and x-amzn-ErrorType. */
function errorOf(response: RawResponse, parsed: unknown): RemoteApiError {
  const body = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const gatewayType = String(response.headers['x-amzn-errortype'] ?? '').split(':')[0];
  const code = typeof body.code === 'string' ? body.code : gatewayType !== '' ? gatewayType : `HTTP${response.status}`;
  const message =
    typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : typeof parsed === 'string' ? parsed.slice(0, 500) : 'no message';
  return new RemoteApiError(response.status, code, message, typeof body.field === 'string' ? body.field : undefined);
}

/** One path segment, encoded. */
export function seg(value: string): string {
  return encodeURIComponent(value);
}
