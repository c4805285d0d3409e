// The OpenAPI document: valid OpenAPI 3, served at GET /openapi.json, with every route and its schemas.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { ApiContext } from '../../functions/api/api-context';
import { Router } from '../../functions/api/router';
import { API_ROUTES } from '../../functions/api/routes';

const VALIDATOR = path.join(__dirname, '..', 'support', 'validate-openapi.mjs');

interface Schema {
  readonly const?: string;
  readonly description?: string;
  readonly properties?: Record<string, Schema>;
  readonly oneOf?: Schema[];
}

interface Document {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, { operationId: string; requestBody?: unknown; parameters?: { name: string; in: string }[] }>>;
}

async function served(): Promise<Document> {
  const response = await new Router(API_ROUTES).handle({} as ApiContext, { method: 'GET', path: '/openapi.json', query: {}, body: null });
  expect(response.statusCode).toBe(200);
  return JSON.parse(response.body) as Document;
}

describe('OpenAPI document', () => {
  it('validates against the OpenAPI 3.1 schema', async () => {
    const document = await served();

    const run = spawnSync(process.execPath, [VALIDATOR], { input: JSON.stringify(document), encoding: 'utf8' });

    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ valid: true, version: '3.1', errors: [] });
  });

  it('the validator does refuse a broken document', () => {
    const broken = { openapi: '3.1.0', info: { title: 'x' }, paths: { '/a': { get: { responses: 'none' } } } };

    const run = spawnSync(process.execPath, [VALIDATOR], { input: JSON.stringify(broken), encoding: 'utf8' });

    expect(JSON.parse(run.stdout).valid).toBe(false);
  });

  it('lists every route, once, under its path and method', async () => {
    const document = await served();

    const listed = Object.entries(document.paths).flatMap(([p, operations]) =>
      Object.entries(operations).map(([method, operation]) => `${method.toUpperCase()} ${p} ${operation.operationId}`),
    );
    expect(listed.sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.path} ${r.operationId}`).sort());
  });

  it('documents path parameters and request bodies from the same schemas that validate requests', async () => {
    const document = await served();

    const getApplication = document.paths['/applications/{applicationName}'].get;
    expect(getApplication.parameters).toEqual([expect.objectContaining({ name: 'applicationName', in: 'path' })]);
    expect(document.paths['/applications'].post.requestBody).toMatchObject({
      content: { 'application/json': { schema: { type: 'object', required: ['applicationName'], additionalProperties: false } } },
    });
  });

  it('documents RollbackDeployment with its optional target and description', async () => {
    const document = await served();

    const operation = document.paths['/deployments/{deploymentId}/rollback'].post;
    expect(operation.operationId).toBe('RollbackDeployment');
    expect(operation.parameters).toEqual([expect.objectContaining({ name: 'deploymentId', in: 'path' })]);
    const schema = (operation.requestBody as { content: Record<string, { schema: { properties: Record<string, unknown>; required?: string[] } }> }).content['application/json'].schema;
    expect(Object.keys(schema.properties)).toEqual(['targetDeploymentId', 'description']);
    expect(schema.required ?? []).toEqual([]);
  });

  it('documents a deployment and its target in one shape per platform, told apart by their discriminator', async () => {
    const document = (await served()) as unknown as { paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: Schema }> }> }>> };
    const answer = (path: string) => document.paths[path].get.responses['200'].content['application/json'].schema;

    const shapes = (answer('/deployments/{deploymentId}').properties?.deploymentInfo.oneOf ?? []).map((shape) => [shape.properties?.computePlatform.const, Object.keys(shape.properties ?? {})]);
    expect(shapes.map(([platform]) => platform)).toEqual(['Server', 'Lambda', 'ECS']);
    const [server, lambda, ecs] = shapes.map(([, fields]) => fields as string[]);
    expect(server).toEqual(expect.arrayContaining(['ignoreApplicationStopFailures', 'fileExistsBehavior', 'trafficWait']));
    expect(lambda).toEqual(expect.arrayContaining(['trafficShifts', 'nextShift', 'revision', 'deploymentStyle']));
    expect(ecs).toEqual(expect.arrayContaining(['trafficShifts', 'nextShift', 'revision', 'deploymentStyle', 'loadBalancerInfo', 'blueGreenDeploymentConfiguration', 'instanceTerminationWaitTimeStarted']));
    for (const serverOnly of ['ignoreApplicationStopFailures', 'fileExistsBehavior', 'loadBalancerInfo', 'trafficWait']) expect(lambda).not.toContain(serverOnly);
    for (const serverOnly of ['ignoreApplicationStopFailures', 'fileExistsBehavior', 'trafficWait']) expect(ecs).not.toContain(serverOnly);
    for (const trafficShape of answer('/deployments/{deploymentId}').properties?.deploymentInfo.oneOf?.slice(1) ?? []) {
      expect(trafficShape.properties?.trafficShifts.description).toMatch(/^Cutover's own: /);
      expect(trafficShape.properties?.nextShift.description).toMatch(/^Cutover's own: /);
    }
    for (const hidden of ['currentWait', 'polls', 'taskToken']) expect(JSON.stringify(document)).not.toContain(hidden);

    const targets = answer('/deployments/{deploymentId}/targets/{targetId}').properties?.deploymentTarget.oneOf ?? [];
    expect(targets.map((shape) => shape.properties?.deploymentTargetType.const)).toEqual(['InstanceTarget', 'LambdaTarget', 'ECSTarget']);
    expect(JSON.stringify(targets[2].properties?.ecsTarget.properties?.taskSetsInfo)).toContain('"identifer"');
  });
});

