// Calls the REST API through the real router and every route, as the local server and the Lambda handler do.
import { join } from 'node:path';
import type { ApiContext } from '../../functions/api/api-context';
import type { ApiRequest } from '../../functions/api/api-types';
import { Router } from '../../functions/api/router';
import { API_ROUTES } from '../../functions/api/routes';
import { LocalBundleReader } from '../../lib/local/local-bundle-reader';
import { loggingBundle } from './bundles';
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

export interface LocalApiClients {
  /** The API as the local server serves it: explicit hosts are folder names. */
  readonly call: ApiCall;
  /** The same API naming hosts as Cutover on AWS does (EC2 and on-premises instance ids), on the same store. */
  readonly callOnAws: ApiCall;
}

/** Clients of the API on a harness a test opens later (in beforeAll or beforeEach): `harness` is read at each call. */
export function localApiClients(harness: () => Harness): LocalApiClients {
  return {
    call: apiClient(() => localApiContext(harness())),
    callOnAws: apiClient(() => ({ ...localApiContext(harness()), hostNaming: 'aws' })),
  };
}

/** POST /deployments of a fresh logging bundle (its hosts' VERSION reads `label`) to app/<deploymentGroupName>. */
export function deployLoggingBundle(call: ApiCall, h: Harness, label: string, deploymentGroupName = 'group'): Promise<ApiAnswer> {
  const bundlePath = loggingBundle(join(h.dir, label), label);
  return call('POST', '/deployments', { applicationName: 'app', deploymentGroupName, revision: { revisionType: 'Local', localLocation: { bundlePath } } });
}

/** The operations GET /openapi.json documents under the paths `keep` accepts, each as `method path operationId`, sorted. */
export async function documentedOperations(call: ApiCall, keep: (path: string) => boolean): Promise<string[]> {
  const doc = (await call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { operationId: string }>> };
  return Object.entries(doc.paths)
    .filter(([path]) => keep(path))
    .flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => `${method} ${path} ${operation.operationId}`))
    .sort();
}
