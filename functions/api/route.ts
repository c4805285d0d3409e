// One REST operation: its method and path, the zod schemas of its path parameters, query and body (the same
// schemas validate requests and generate the OpenAPI document), and what it does.
import type { z } from 'zod';
import type { ApiContext } from './api-context';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
}

export interface Route {
  readonly method: HttpMethod;
  /** With `{name}` placeholders, e.g. `/applications/{applicationName}`. */
  readonly path: string;
  /** CodeDeploy's operation name, e.g. `GetApplication`. */
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** For the document only: what a success returns. */
  readonly response?: z.ZodType;
  /** 200, 201 or 204 (no body). */
  readonly successStatus: 200 | 201 | 204;
  readonly handle: (ctx: ApiContext, input: RouteInput<unknown, unknown, unknown>) => Promise<unknown>;
}

/** Declares a route with its input typed from its schemas. */
export function route<P = Record<string, never>, Q = Record<string, never>, B = undefined>(definition: {
  readonly method: HttpMethod;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  readonly response?: z.ZodType;
  readonly successStatus: 200 | 201 | 204;
  readonly handle: (ctx: ApiContext, input: RouteInput<P, Q, B>) => Promise<unknown>;
}): Route {
  return definition as unknown as Route;
}
