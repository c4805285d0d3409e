// Lambda entry for the REST API (API Gateway proxy integration, IAM auth on every method). Dependencies are built
// once per cold start; every request goes through the one router.
import { proxyHandler } from '../api/proxy-handler';
import { type FailureLog, Router } from '../api/router';
import { API_ROUTES } from '../api/routes';
import { createAwsRuntime } from '../aws/aws-dependencies';

const { deps, logger } = createAwsRuntime();
const logFailure: FailureLog = (message, details) => logger.error(message, details);

export const handler = proxyHandler(new Router(API_ROUTES, logFailure), { deps, hostNaming: 'aws' }, logFailure);
