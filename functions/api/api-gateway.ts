// API Gateway (REST, Lambda proxy) events to ApiRequest and back. The proxy resource is `/{proxy+}`, so `path` is
// the request path without the stage; bodies may come base64-encoded.
import { z } from 'zod';
import type { FieldProblem } from '../core/errors';
import type { ApiRequest, ApiResponse } from './api-types';

const proxyEvent = z.object({
  httpMethod: z.string(),
  path: z.string(),
  queryStringParameters: z.record(z.string(), z.string().optional()).nullable().optional(),
  body: z.string().nullable().optional(),
  isBase64Encoded: z.boolean().optional(),
});

export interface ProxyResult {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly isBase64Encoded: false;
}

/** The request, or for an event that is not a proxy request (a misconfigured integration) the event field at fault. */
export function apiRequestOf(event: unknown): ApiRequest | { readonly problem: FieldProblem } {
  const parsed = proxyEvent.safeParse(event);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    return { problem: { field: issue.path.length > 0 ? issue.path.join('.') : 'event', message: issue.message } };
  }
  const { httpMethod, path, queryStringParameters, body, isBase64Encoded } = parsed.data;
  const text = body === null || body === undefined ? null : isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  return { method: httpMethod, path, query: queryStringParameters ?? {}, body: text };
}

export function proxyResultOf(response: ApiResponse): ProxyResult {
  return { statusCode: response.statusCode, headers: { ...response.headers }, body: response.body, isBase64Encoded: false };
}
