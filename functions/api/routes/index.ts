// Every route of the REST API, and the OpenAPI document built from them.
import { z } from 'zod';
import { openApiDocument } from '../openapi';
import { type Route, route } from '../route';
import { applicationRoutes } from './application-routes';
import { deploymentConfigRoutes } from './deployment-config-routes';
import { deploymentGroupRoutes } from './deployment-group-routes';
import { deploymentRoutes } from './deployment-routes';
import { hookRoutes } from './hook-routes';
import { revisionRoutes } from './revision-routes';
import { rollbackRoutes } from './rollback-routes';
import { targetRoutes } from './target-routes';

const API_VERSION = '2026-11-26';

const OPERATION_ROUTES: readonly Route[] = [...applicationRoutes, ...deploymentGroupRoutes, ...deploymentConfigRoutes, ...revisionRoutes, ...deploymentRoutes, ...rollbackRoutes, ...targetRoutes, ...hookRoutes];

const openApiRoute = route({
  method: 'GET',
  path: '/openapi.json',
  operationId: 'GetOpenApiDocument',
  summary: 'This API as an OpenAPI 3.1 document',
  tag: 'API',
  response: z.object({ openapi: z.string() }).loose(),
  successStatus: 200,
  handle: async () => openApiDocument(API_ROUTES, API_VERSION),
});

export const API_ROUTES: readonly Route[] = [...OPERATION_ROUTES, openApiRoute];
