// The OpenAPI 3.1 document, generated from the very schemas that validate requests, so the two cannot drift.
import { z } from 'zod';
import type { Route } from './route';

type JsonSchema = Record<string, unknown>;

const errorBody: JsonSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', description: "CodeDeploy's exception name without 'Exception', e.g. DeploymentGroupDoesNotExist" },
    message: { type: 'string' },
    field: { type: 'string', description: 'The request field at fault, dotted, when one is' },
  },
};

export function openApiDocument(routes: readonly Route[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operations = (paths[route.path] ??= {});
    operations[route.method.toLowerCase()] = operationOf(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cutover',
      version,
      description:
        "Cutover's REST API: CodeDeploy's operations and field names over REST. On API Gateway every method takes " +
        'IAM (SigV4, service execute-api) authorization; `cutover local serve` serves it on loopback without auth.',
    },
    paths,
    components: {
      schemas: { Error: errorBody },
      securitySchemes: { sigv4: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' } },
    },
    security: [{ sigv4: [] }],
  };
}

function operationOf(route: Route): Record<string, unknown> {
  const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')];
  const success: Record<string, unknown> =
    route.successStatus === 204
      ? { description: 'Done' }
      : { description: 'Done', content: { 'application/json': { schema: route.response ? schemaOf(route.response, 'output') : { type: 'object' } } } };
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(route.body, 'input') } } } } : {}),
    responses: {
      [String(route.successStatus)]: success,
      default: { description: 'An error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    },
  };
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): Record<string, unknown>[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
  }));
}

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  // The document declares its dialect once; nested schemas must not carry their own.
  delete json.$schema;
  return json;
}
