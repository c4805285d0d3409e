// The REST API's Lambda handler with its dependencies given: API Gateway proxy events in, proxy results out.
import { z } from 'zod';
import type { ApiContext } from '../../functions/api/api-context';
import { proxyHandler } from '../../functions/api/proxy-handler';
import { route } from '../../functions/api/route';
import { Router } from '../../functions/api/router';

const echo = route({
  method: 'POST',
  path: '/things',
  operationId: 'CreateThing',
  summary: 'test',
  tag: 'Test',
  body: z.object({ size: z.number() }).strict(),
  successStatus: 201,
  handle: async (_ctx, { body }) => ({ received: body }),
});

describe('proxyHandler', () => {
  const logged: unknown[] = [];
  const handler = proxyHandler(new Router([echo]), {} as ApiContext, (message, details) => logged.push({ message, details }));

  beforeEach(() => {
    logged.length = 0;
  });

  it('answers a proxy event through the router, decoding a base64 body', async () => {
    const body = Buffer.from('{"size": 3}', 'utf8').toString('base64');

    expect(await handler({ httpMethod: 'POST', path: '/things', queryStringParameters: null, body, isBase64Encoded: true })).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'application/json' },
      body: '{"received":{"size":3}}',
      isBase64Encoded: false,
    });
  });

  it.each([
    ['nothing', null, 'event'],
    ['a list', [], 'event'],
    ['an event without a method', { path: '/things' }, 'httpMethod'],
    ['a path that is not text', { httpMethod: 'GET', path: 5 }, 'path'],
    ['a body that is not text', { httpMethod: 'POST', path: '/things', body: { size: 3 } }, 'body'],
    ['query parameters that are not text', { httpMethod: 'GET', path: '/things', queryStringParameters: { a: 1 } }, 'queryStringParameters.a'],
    ['a base64 flag that is not a boolean', { httpMethod: 'GET', path: '/things', isBase64Encoded: 'yes' }, 'isBase64Encoded'],
  ])('refuses %s (%j), which is not a proxy event, naming the event field %s, and logs it', async (_case, event, field) => {
    const result = await handler(event);

    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({
      code: 'ValidationError',
      message: expect.stringMatching(new RegExp(`^The integration did not send an API Gateway proxy event: ${field.replace('.', '\\.')}: .+`)),
      field,
    });
    expect(logged).toEqual([{ message: 'not an API Gateway proxy event', details: { event } }]);
  });
});
