// Matches a request to its route, parses and validates its parts with the route's schemas, runs it, and turns
// any failure into `{code, message, field}`. Nothing reaches an operation unvalidated.
import { z } from 'zod';
import { type FieldProblem, ValidationError } from '../core/errors';
import { shown } from '../core/input-messages';
import type { ApiContext } from './api-context';
import { ApiError, errorOutcome } from './api-errors';
import type { ApiRequest, ApiResponse } from './api-types';
import type { Route } from './route';

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

const NO_QUERY = z.object({}).strict();

interface CompiledRoute {
  readonly route: Route;
  readonly segments: readonly string[];
}

/** Logs what the caller must not see: the stack of an unexpected failure. */
export type FailureLog = (message: string, details: Record<string, unknown>) => void;

export class Router {
  private readonly compiled: readonly CompiledRoute[];

  public constructor(
    public readonly routes: readonly Route[],
    private readonly logFailure: FailureLog = () => undefined,
  ) {
    this.compiled = routes.map((route) => ({ route, segments: splitPath(route.path) }));
  }

  public async handle(ctx: ApiContext, request: ApiRequest): Promise<ApiResponse> {
    try {
      const { route, params } = this.match(request);
      const input = {
        params: validate(route.params, params, 'path'),
        // A route without query parameters refuses any, like unknown body fields.
        query: validate(route.query ?? NO_QUERY, definedOnly(request.query), 'query'),
        body: route.body ? validate(route.body, parseBody(request.body), 'body') : refuseBody(request.body),
      };
      const result = await route.handle(ctx, input);
      if (route.successStatus === 204) return { statusCode: 204, headers: {}, body: '' };
      return { statusCode: route.successStatus, headers: JSON_HEADERS, body: JSON.stringify(result ?? {}) };
    } catch (error) {
      const outcome = errorOutcome(error);
      if (outcome.unexpected) {
        this.logFailure('request failed', {
          method: request.method,
          path: request.path,
          error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
        });
      }
      return { statusCode: outcome.status, headers: JSON_HEADERS, body: JSON.stringify(outcome.body) };
    }
  }

  private match(request: ApiRequest): { route: Route; params: Record<string, string> } {
    const segments = splitPath(request.path).map(decodeSegment);
    const byPath = this.compiled
      .map((candidate) => ({ candidate, params: matchSegments(candidate.segments, segments) }))
      .filter((m): m is { candidate: CompiledRoute; params: Record<string, string> } => m.params !== undefined);
    if (byPath.length === 0) throw new ApiError(404, 'RouteNotFound', `No operation at ${request.path}`, 'path');
    const found = byPath.find((m) => m.candidate.route.method === request.method.toUpperCase());
    if (!found) {
      const allowed = byPath.map((m) => m.candidate.route.method).join(', ');
      throw new ApiError(405, 'MethodNotAllowed', `${request.method} is not allowed on ${request.path}; allowed: ${allowed}`);
    }
    return { route: found.candidate.route, params: found.params };
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError(400, 'ValidationError', `The path segment '${segment}' is not valid percent-encoding`, 'path');
  }
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i += 1) {
    const placeholder = /^\{(\w+)\}$/.exec(pattern[i]);
    if (placeholder) params[placeholder[1]] = actual[i];
    else if (pattern[i] !== actual[i]) return undefined;
  }
  return params;
}

function parseBody(body: string | null): unknown {
  if (body === null || body.trim() === '') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new ApiError(400, 'MalformedJson', `The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, 'body');
  }
}

function refuseBody(body: string | null): undefined {
  if (body !== null && body.trim() !== '') throw new ApiError(400, 'ValidationError', 'This operation takes no body', 'body');
  return undefined;
}

function definedOnly(query: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The part of a request a schema checks: what a problem with the part as a whole is named. */
type RequestPart = 'path' | 'query' | 'body';

/** Parses `value` with `schema`; every zod issue becomes a problem naming its field. */
function validate(schema: z.ZodType | undefined, value: unknown, part: RequestPart): unknown {
  if (!schema) return {};
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.flatMap((issue) => problemsOf(issue, part)));
}

function problemsOf(issue: z.core.$ZodIssue, part: RequestPart): FieldProblem[] {
  const at = issue.path.map(String);
  const field = (path: readonly string[]) => (path.length > 0 ? path.join('.') : part);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) =>
      // A blank key (`{"": 1}`, `?=1`) would make a blank field: the problem is named where the key sits instead.
      key.trim() === ''
        ? { field: field(at), message: `has a field named ${shown(key)}, which this operation does not accept` }
        : { field: field([...at, key]), message: 'is not a field this operation accepts' },
    );
  }
  return [{ field: field(at), message: issue.message }];
}
