import { z } from 'zod';
import { ApiError } from '../../functions/api/api-errors';
import type { ApiContext } from '../../functions/api/api-context';
import { Router } from '../../functions/api/router';
import { route } from '../../functions/api/route';
import { DeploymentGroupBusyError, NotFoundError, TransientStoreError, ValidationError } from '../../functions/core/errors';

const ctx = {} as ApiContext;

const echo = route({
  method: 'POST',
  path: '/things/{thingName}',
  operationId: 'CreateThing',
  summary: 'test',
  tag: 'Test',
  params: z.object({ thingName: z.string().min(3) }).strict(),
  query: z.object({ dryRun: z.enum(['true', 'false']).optional() }).strict(),
  body: z.object({ size: z.number().int(), nested: z.object({ colour: z.string() }).strict().optional() }).strict(),
  successStatus: 201,
  handle: async (_ctx, input) => ({ received: input }),
});

function failing(error: unknown) {
  return route({ method: 'GET', path: '/fails', operationId: 'Fails', summary: 'test', tag: 'Test', successStatus: 200, handle: async () => Promise.reject(error) });
}

const request = (method: string, path: string, body: string | null = null, query: Record<string, string> = {}) => ({ method, path, query, body });

describe('Router', () => {
  const logged: unknown[] = [];
  const router = new Router([echo, route({ method: 'DELETE', path: '/things/{thingName}', operationId: 'DeleteThing', summary: 't', tag: 'Test', successStatus: 204, handle: async () => undefined })], (message, details) =>
    logged.push({ message, details }),
  );

  it('passes validated path parameters, query and body to the operation and answers its status', async () => {
    const response = await router.handle(ctx, request('POST', '/things/box%20one', '{"size": 3}', { dryRun: 'true' }));

    expect(response).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ received: { params: { thingName: 'box one' }, query: { dryRun: 'true' }, body: { size: 3 } } }),
    });
  });

  it('answers 204 with no body', async () => {
    expect(await router.handle(ctx, request('DELETE', '/things/box'))).toEqual({ statusCode: 204, headers: {}, body: '' });
  });

  it.each([
    ['malformed JSON', request('POST', '/things/box', '{"size": '), 400, 'MalformedJson', 'body'],
    ['no body where one is needed', request('POST', '/things/box'), 400, 'ValidationError', 'body'],
    ['a wrong type', request('POST', '/things/box', '{"size": "3"}'), 400, 'ValidationError', 'size'],
    ['an unknown field', request('POST', '/things/box', '{"size": 3, "colour": "red"}'), 400, 'ValidationError', 'colour'],
    ['an unknown nested field', request('POST', '/things/box', '{"size": 3, "nested": {"colour": "r", "x": 1}}'), 400, 'ValidationError', 'nested.x'],
    ['an unknown query parameter', request('POST', '/things/box', '{"size": 3}', { verbose: '1' }), 400, 'ValidationError', 'verbose'],
    ['a bad path parameter', request('POST', '/things/ab', '{"size": 3}'), 400, 'ValidationError', 'thingName'],
    ['bad percent-encoding', request('POST', '/things/%E0%A4%A', '{"size": 3}'), 400, 'ValidationError', 'path'],
    ['a body where none is taken', request('DELETE', '/things/box', '{}'), 400, 'ValidationError', 'body'],
    ['a query parameter where none is taken', request('DELETE', '/things/box', null, { force: 'true' }), 400, 'ValidationError', 'force'],
    ['a field with an empty name', request('POST', '/things/box', '{"size": 3, "": 1}'), 400, 'ValidationError', 'body'],
    ['a nested field with a blank name', request('POST', '/things/box', '{"size": 3, "nested": {"colour": "r", " ": 1}}'), 400, 'ValidationError', 'nested'],
    ['a query parameter with an empty name', request('DELETE', '/things/box', null, { '': 'x' }), 400, 'ValidationError', 'query'],
    ['an unknown path', request('GET', '/nothing'), 404, 'RouteNotFound', 'path'],
    ['an empty path', request('GET', ''), 404, 'RouteNotFound', 'path'],
    ['a method the path does not take', request('GET', '/things/box'), 405, 'MethodNotAllowed', undefined],
  ])('refuses %s with %p %s naming %p', async (_case, req, status, code, field) => {
    const response = await router.handle(ctx, req);

    expect(response.statusCode).toBe(status);
    const body = JSON.parse(response.body) as { code: string; message: string; field?: string };
    expect(body.code).toBe(code);
    expect(body.field).toBe(field);
    expect(body.message.length).toBeGreaterThan(0);
  });

  it.each([
    ['a NotFoundError', new NotFoundError('Deployment group', 'shop/web'), 404, { code: 'DeploymentGroupDoesNotExist', message: "Deployment group 'shop/web' does not exist", field: 'deploymentGroupName' }],
    ['a busy group', new DeploymentGroupBusyError('web', 'd-ABCDEFGH1'), 409, { code: 'DeploymentLimitExceeded', message: "The Deployment Group 'web' already has an active Deployment 'd-ABCDEFGH1'", field: 'deploymentGroupName' }],
    ['a ValidationError', new ValidationError([{ field: 'revision.s3Location.bucket', message: 'is required' }]), 400, { code: 'ValidationError', message: 'revision.s3Location.bucket: is required', field: 'revision.s3Location.bucket' }],
    ['an ApiError', new ApiError(409, 'ApplicationAlreadyExists', 'exists', 'applicationName'), 409, { code: 'ApplicationAlreadyExists', message: 'exists', field: 'applicationName' }],
    ['throttling', new TransientStoreError('DynamoDB PutItem failed: ThrottlingException'), 503, { code: 'Throttling', message: 'The service is busy; retry the request with backoff' }],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')"), 500, { code: 'InternalError', message: 'The request failed inside Cutover; the API log has the details' }],
  ])('maps %s to %p', async (_case, error, status, body) => {
    const response = await new Router([failing(error)]).handle(ctx, request('GET', '/fails'));

    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body)).toEqual(body);
  });

  it('logs the stack of an unexpected failure, never sends it', async () => {
    logged.length = 0;
    const withLog = new Router([failing(new TypeError('boom'))], (message, details) => logged.push({ message, details }));

    const response = await withLog.handle(ctx, request('GET', '/fails'));

    expect(response.body).not.toContain('boom');
    expect(logged).toEqual([{ message: 'request failed', details: expect.objectContaining({ method: 'GET', path: '/fails', error: expect.objectContaining({ message: 'boom' }) }) }]);
  });
});
