// Calls the REST API through the real router and every route, as the local server and the Lambda handler do.
import type { ApiContext } from '../../functions/api/api-context';
import type { ApiRequest } from '../../functions/api/api-types';
import { Router } from '../../functions/api/router';
import { API_ROUTES } from '../../functions/api/routes';
import { LocalBundleReader } from '../../lib/local/local-bundle-reader';
import type { Harness } from './local-runtime-harness';

export interface ApiAnswer {
  readonly status: number;
  /** Parsed JSON; undefined for 204. */
  readonly body: Record<string, unknown> | undefined;
}

export type ApiCall = (method: string, path: string, body?: unknown, query?: Record<string, string>) => Promise<ApiAnswer>;

/** `body` as a string is sent as it is (malformed JSON); anything else as JSON. */
export function apiClient(ctx: () => ApiContext): ApiCall {
  const router = new Router(API_ROUTES);
  return async (method, path, body, query = {}) => {
    const request: ApiRequest = { method, path, query, body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body) };
    const response = await router.handle(ctx(), request);
    return { status: response.statusCode, body: response.body === '' ? undefined : (JSON.parse(response.body) as Record<string, unknown>) };
  };
}

/** The embedded runtime's API context, with the bundle reader the local server installs. */
export function localApiContext(h: Harness): ApiContext {
  const bundles = new LocalBundleReader({ revisionsDir: h.runtime.revisionsDir, exclude: [h.runtime.stateDir] });
  return { deps: { ...h.runtime.deps, bundles }, hostNaming: 'local' };
}
