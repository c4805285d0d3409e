// The REST API's Lambda handler given its dependencies: an API Gateway proxy event goes through the one router, and
// an event that is not one (a misconfigured integration) is refused naming the event field at fault.
import type { ApiContext } from './api-context';
import { apiRequestOf, proxyResultOf, type ProxyResult } from './api-gateway';
import type { FailureLog, Router } from './router';

export type ProxyHandler = (event: unknown) => Promise<ProxyResult>;

export function proxyHandler(router: Router, ctx: ApiContext, logFailure: FailureLog): ProxyHandler {
  return async (event) => {
    const request = apiRequestOf(event);
    if ('problem' in request) {
      logFailure('not an API Gateway proxy event', { event });
      const { field, message } = request.problem;
      return proxyResultOf({
        statusCode: 400,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'ValidationError', message: `The integration did not send an API Gateway proxy event: ${field}: ${message}`, field }),
      });
    }
    return proxyResultOf(await router.handle(ctx, request));
  };
}
