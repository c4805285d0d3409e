// Lambda entry for the REST API (API Gateway proxy integration, IAM auth on every method). Dependencies are built
// once per cold start; every request goes through the one router.
import { apiRequestOf, proxyResultOf, type ProxyResult } from '../api/api-gateway';
import { Router } from '../api/router';
import { API_ROUTES } from '../api/routes';
import { createAwsRuntime } from '../aws/aws-dependencies';

const { deps, logger } = createAwsRuntime();
const router = new Router(API_ROUTES, (message, details) => logger.error(message, details));

export const handler = async (event: unknown): Promise<ProxyResult> => {
  const request = apiRequestOf(event);
  if (request === undefined) {
    logger.error('not an API Gateway proxy event', { event });
    return proxyResultOf({
      statusCode: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'ValidationError', message: 'The integration did not send an API Gateway proxy event' }),
    });
  }
  return proxyResultOf(await router.handle({ deps, hostNaming: 'aws' }, request));
};
