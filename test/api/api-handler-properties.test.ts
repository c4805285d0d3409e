// Property tests of the REST API's Lambda handler, run in-process on the embedded runtime's store: random requests to
// every route, mutations of valid bodies of every create and update operation, and malformed raw bodies. Whatever
// arrives, the handler answers (it never throws), never with a 5xx, every success is 2xx JSON, and every refusal says
// what was wrong and names the field at fault. fast-check picks a new seed each run and prints it with the shrunk
// request when a property fails, so a failure can be replayed with `{ seed, path }`.
import * as path from 'node:path';
import fc from 'fast-check';
import type { ApiContext } from '../../functions/api/api-context';
import type { ProxyResult } from '../../functions/api/api-gateway';
import { type ProxyHandler, proxyHandler } from '../../functions/api/proxy-handler';
import { Router } from '../../functions/api/router';
import { API_ROUTES } from '../../functions/api/routes';
import { localApiClients, localApiContext } from '../support/api-client';
import { loggingBundle } from '../support/bundles';
import { createEcsService } from '../support/ecs-api';
import { ecsAppSpec } from '../support/ecs-harness';
import { EXTREME_STRINGS, jsonText, type Mutable, mutationOf, weirdString } from '../support/json-mutations';
import { appSpecContentRevision, HookInbox, lambdaAppSpec, publishFunction, untilDeployment } from '../support/lambda-api';
import { type Harness, openHarness } from '../support/local-runtime-harness';
import { ReportGate } from '../support/report-gate';
import { trafficApi } from '../support/traffic-api';

const HOOK = 'CodeDeployHook_pre';
const MISSING_ID = 'd-AAAAAAAAA';
const ROLE = 'arn:aws:iam::123456789012:role/CodeDeployServiceRole';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:deployments';

/**
 * Refusals that name no field, each with why none is at fault. Everything else the API refuses names one: a body or
 * query field, a path parameter, `path` for a path no route has (or one that is not valid percent-encoding), `body`
 * for a body that is not JSON, and for an event that is not a proxy request the event field that is wrong.
 */
const FIELDLESS_REFUSALS: Readonly<Record<string, string>> = {
  MethodNotAllowed: 'the path exists and is well formed; only the method is wrong, and the message lists the allowed ones',
};

const JSON_TYPE = { 'content-type': 'application/json' };

interface ProxyEvent {
  readonly httpMethod: string;
  readonly path: string;
  readonly queryStringParameters: Record<string, string> | null;
  readonly body: string | null;
  readonly isBase64Encoded?: boolean;
}

const event = (httpMethod: string, eventPath: string, body: string | null = null, query: Record<string, string> | null = null): ProxyEvent => ({
  httpMethod,
  path: eventPath,
  queryStringParameters: query,
  body,
});

/** What every answer must be; throws (failing the property) with the answer when it is not. */
function expectWellFormed(result: ProxyResult): void {
  const fail = (why: string) => {
    throw new Error(`${why}: ${JSON.stringify(result).slice(0, 600)}`);
  };
  if (!Number.isInteger(result.statusCode) || result.statusCode < 200 || result.statusCode >= 500) fail('status is not 2xx or 4xx');
  if (result.isBase64Encoded !== false) fail('the answer is base64-encoded');
  if (result.statusCode === 204) {
    if (result.body !== '') fail('a 204 has a body');
    return;
  }
  if (result.headers['content-type'] !== JSON_TYPE['content-type']) fail('the answer is not JSON');
  let body: unknown;
  try {
    body = JSON.parse(result.body);
  } catch {
    fail('the body does not parse as JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) fail('the body is not a JSON object');
  if (result.statusCode < 300) return;
  if (result.statusCode < 400) fail('a 3xx');
  const { code, message, field } = body as { code?: unknown; message?: unknown; field?: unknown };
  if (typeof code !== 'string' || code === '') fail('a refusal without a code');
  if (typeof message !== 'string' || message.trim() === '') fail('a refusal without a message');
  if (field === undefined && FIELDLESS_REFUSALS[code as string] === undefined) fail('a refusal without a field');
  if (field !== undefined && (typeof field !== 'string' || field.trim() === '')) fail('a refusal with an empty field');
}

/** Percent-encodes what encodeURIComponent can (it refuses lone surrogates); anything else goes raw. */
function encoded(segment: string): string {
  try {
    return encodeURIComponent(segment);
  } catch {
    return segment;
  }
}

describe('the API handler under random and mutated input', () => {
  let h: Harness;
  let handler: ProxyHandler;
  /** The same handler naming hosts as on AWS, where S3 revisions are what a deployment takes. */
  let awsHandler: ProxyHandler;
  const gate = new ReportGate();
  const inbox = new HookInbox();
  const unexpected: unknown[] = [];
  const { call } = localApiClients(() => h);
  const { stopRunning } = trafficApi(call);
  let bundlePath: string;
  /** A Server deployment whose hosts' reports the gate holds: in progress until the end. */
  let serverDeploymentId: string;
  /** A Lambda deployment waiting 30 minutes for its next traffic shift. */
  let canaryDeploymentId: string;
  /** A Lambda deployment waiting on its BeforeAllowTraffic hook, and that hook execution's id. */
  let hookedDeploymentId: string;
  let hookExecutionId: string;
  let prototypeKeys: string[];
  /** CreateDeploymentGroup's ecsServices and loadBalancerInfo for a service no group deploys yet. */
  let ecsSettings: Record<string, Mutable>;

  const send = (httpMethod: string, eventPath: string, body?: Mutable) => handler(event(httpMethod, eventPath, body === undefined ? null : jsonText(body)));

  async function expectCreated(httpMethod: string, eventPath: string, body: Mutable): Promise<ProxyResult> {
    const result = await send(httpMethod, eventPath, body);
    if (result.statusCode !== 201) throw new Error(`${httpMethod} ${eventPath} answered ${result.statusCode}: ${result.body}`);
    return result;
  }

  beforeAll(async () => {
    gate.close();
    h = await openHarness({ timeScale: 20, hostRunner: gate.hostRunner, hooks: inbox.hooks([HOOK]) });
    // The router logs what it could not answer; the handler also logs each event that is not a proxy request,
    // which the last property sends on purpose.
    const logFailure = (message: string, details: Record<string, unknown>) => {
      unexpected.push({ message, details });
    };
    const logUnreadable = () => undefined;
    const context: ApiContext = localApiContext(h);
    handler = proxyHandler(new Router(API_ROUTES, logFailure), context, logUnreadable);
    awsHandler = proxyHandler(new Router(API_ROUTES, logFailure), { ...context, hostNaming: 'aws' }, logUnreadable);
    prototypeKeys = Object.getOwnPropertyNames(Object.prototype);
    bundlePath = loggingBundle(path.join(h.dir, 'v1'), 'v1');

    await expectCreated('POST', '/applications', { applicationName: 'app' });
    await expectCreated('POST', '/applications', { applicationName: 'fn', computePlatform: 'Lambda' });
    await expectCreated('POST', '/applications', { applicationName: 'svc', computePlatform: 'ECS' });
    // Hosts of their own per group: a host already holding another group's files would refuse them (DISALLOW).
    for (const group of ['group', 'deploy-me', 'patch-me']) {
      await expectCreated('POST', '/applications/app/deployment-groups', { deploymentGroupName: group, instanceNames: [`${group}-1`] });
    }
    const server = await expectCreated('POST', '/deployments', { applicationName: 'app', deploymentGroupName: 'group', revision: { revisionType: 'Local', localLocation: { bundlePath } } });
    serverDeploymentId = (JSON.parse(server.body) as { deploymentId: string }).deploymentId;

    for (const name of ['canary', 'hooked', 'deploy-me']) await publishFunction(h, name);
    await expectCreated('POST', '/applications/fn/deployment-groups', { deploymentGroupName: 'canary', deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent30Minutes' });
    await expectCreated('POST', '/applications/fn/deployment-groups', { deploymentGroupName: 'hooked' });
    await expectCreated('POST', '/applications/fn/deployment-groups', { deploymentGroupName: 'deploy-me' });
    const deployLambda = async (group: string, hooks: string[] = []) => {
      const created = await expectCreated('POST', '/deployments', { applicationName: 'fn', deploymentGroupName: group, revision: appSpecContentRevision(lambdaAppSpec(group, hooks)) as Mutable });
      return (JSON.parse(created.body) as { deploymentId: string }).deploymentId;
    };
    canaryDeploymentId = await deployLambda('canary');
    hookedDeploymentId = await deployLambda('hooked', [`BeforeAllowTraffic: ${HOOK}`]);
    hookExecutionId = (await inbox.invocation(HOOK, hookedDeploymentId)).LifecycleEventHookExecutionId;
    await untilDeployment(h, canaryDeploymentId, (d) => d.computePlatform === 'Lambda' && d.currentWait?.kind === 'shift');

    const ecs = await createEcsService(h, 'deploy-me');
    await expectCreated('POST', '/applications/svc/deployment-groups', { deploymentGroupName: 'deploy-me', ...(ecs.groupSettings as Record<string, Mutable>) });
    ecsSettings = (await createEcsService(h, 'made')).groupSettings as Record<string, Mutable>;
  });

  afterAll(async () => {
    await stopRunning(h);
    gate.open();
    await h.runtime.close();
  });

  afterEach(() => {
    // Nothing the handler did may have been a failure it had to log, nor may a request have reached Object.prototype.
    expect(unexpected).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  /** Valid requests of every create and update operation; each is sent as it is first, and must answer `status`. */
  const validRequests = (): { name: string; method: string; path: string; body: Mutable; status: number; onAws?: boolean }[] => {
    const local = { revisionType: 'Local', localLocation: { bundlePath } };
    const rollback = { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'] };
    const trigger = { triggerName: 'all', triggerTargetArn: TOPIC, triggerEvents: ['DeploymentFailure', 'DeploymentSuccess'] };
    const ecsContent = { revisionType: 'AppSpecContent', appSpecContent: { content: ecsAppSpec() } };
    return [
      { name: 'CreateApplication', method: 'POST', path: '/applications', body: { applicationName: 'made', computePlatform: 'Lambda' }, status: 201 },
      {
        name: 'CreateDeploymentGroup (Server)',
        method: 'POST',
        path: '/applications/app/deployment-groups',
        body: {
          deploymentGroupName: 'made',
          instanceNames: ['made-1', 'made-2'],
          deploymentConfigName: 'CodeDeployDefault.OneAtATime',
          serviceRoleArn: ROLE,
          triggerConfigurations: [trigger],
          autoRollbackConfiguration: rollback,
          deploymentStyle: { deploymentType: 'IN_PLACE', deploymentOption: 'WITHOUT_TRAFFIC_CONTROL' },
        },
        status: 201,
      },
      {
        name: 'CreateDeploymentGroup (Lambda)',
        method: 'POST',
        path: '/applications/fn/deployment-groups',
        body: {
          deploymentGroupName: 'made',
          deploymentConfigName: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
          serviceRoleArn: ROLE,
          autoRollbackConfiguration: rollback,
          alarmConfiguration: { enabled: true, alarms: [{ name: 'errors' }], ignorePollAlarmFailure: false },
          deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
        },
        status: 201,
      },
      {
        name: 'CreateDeploymentGroup (ECS)',
        method: 'POST',
        path: '/applications/svc/deployment-groups',
        body: {
          deploymentGroupName: 'made',
          ...ecsSettings,
          blueGreenDeploymentConfiguration: { terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 5 } },
          deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
        },
        status: 201,
      },
      {
        name: 'UpdateDeploymentGroup',
        method: 'PATCH',
        path: '/applications/app/deployment-groups/patch-me',
        body: { deploymentConfigName: 'CodeDeployDefault.HalfAtATime', instanceNames: ['patch-1', 'patch-2'], triggerConfigurations: [trigger], autoRollbackConfiguration: rollback },
        status: 200,
      },
      {
        name: 'CreateDeploymentConfig (Server)',
        method: 'POST',
        path: '/deployment-configs',
        body: { deploymentConfigName: 'made-server', computePlatform: 'Server', minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 75 } },
        status: 201,
      },
      {
        name: 'CreateDeploymentConfig (Lambda canary)',
        method: 'POST',
        path: '/deployment-configs',
        body: { deploymentConfigName: 'made-canary', computePlatform: 'Lambda', trafficRoutingConfig: { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5 } } },
        status: 201,
      },
      {
        name: 'CreateDeploymentConfig (ECS linear)',
        method: 'POST',
        path: '/deployment-configs',
        body: { deploymentConfigName: 'made-linear', computePlatform: 'ECS', trafficRoutingConfig: { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 25, linearInterval: 2 } } },
        status: 201,
      },
      {
        name: 'CreateDeployment (Local bundle)',
        method: 'POST',
        path: '/deployments',
        body: {
          applicationName: 'app',
          deploymentGroupName: 'deploy-me',
          revision: local,
          description: 'a property test',
          ignoreApplicationStopFailures: true,
          fileExistsBehavior: 'OVERWRITE',
          autoRollbackConfiguration: rollback,
          clientToken: 'token-1',
        },
        status: 201,
      },
      {
        // The embedded runtime reads Local bundles only, so even a valid S3 revision is refused by field there.
        name: 'CreateDeployment (S3)',
        method: 'POST',
        path: '/deployments',
        body: {
          applicationName: 'app',
          deploymentGroupName: 'deploy-me',
          revision: { revisionType: 'S3', s3Location: { bucket: 'releases', key: 'app/v1.zip', bundleType: 'zip', version: 'v1', eTag: 'abc' } },
          deploymentConfigName: 'CodeDeployDefault.AllAtOnce',
        },
        status: 400,
        onAws: true,
      },
      {
        name: 'CreateDeployment (AppSpecContent, Lambda)',
        method: 'POST',
        path: '/deployments',
        body: { applicationName: 'fn', deploymentGroupName: 'deploy-me', revision: appSpecContentRevision(lambdaAppSpec('deploy-me')) as Mutable, description: 'lambda' },
        status: 201,
      },
      {
        name: 'CreateDeployment (AppSpecContent, ECS)',
        method: 'POST',
        path: '/deployments',
        body: { applicationName: 'svc', deploymentGroupName: 'deploy-me', revision: ecsContent, autoRollbackConfiguration: { enabled: false, events: [] } },
        status: 201,
      },
      { name: 'StopDeployment', method: 'POST', path: `/deployments/${serverDeploymentId}/stop`, body: { autoRollbackEnabled: false }, status: 200 },
      { name: 'ContinueDeployment', method: 'POST', path: `/deployments/${canaryDeploymentId}/continue`, body: { deploymentWaitType: 'READY_WAIT' }, status: 204 },
      {
        name: 'PutLifecycleEventHookExecutionStatus',
        method: 'POST',
        path: `/deployments/${hookedDeploymentId}/lifecycle-hook-executions/${hookExecutionId}`,
        body: { status: 'Succeeded' },
        status: 200,
      },
      { name: 'RegisterApplicationRevision', method: 'POST', path: '/applications/app/revisions', body: { revision: local, description: 'v1' }, status: 204 },
    ];
  };

  it('takes every valid request it is about to mutate', async () => {
    for (const request of validRequests()) {
      const result = await (request.onAws ? awsHandler : handler)(event(request.method, request.path, jsonText(request.body)));
      expectWellFormed(result);
      expect({ name: request.name, status: result.statusCode }).toEqual({ name: request.name, status: request.status });
    }
  });

  it('answers every mutation of a valid body, one field at a time, with 2xx JSON or a refusal naming a field', async () => {
    const requests = validRequests();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...requests).chain((request) => mutationOf(request.body).map((mutation) => ({ request, mutation }))),
        async ({ request, mutation }) => {
          const body = mutation.doc === undefined ? null : jsonText(mutation.doc);
          const result = await (request.onAws ? awsHandler : handler)(event(request.method, request.path, body));
          expectWellFormed(result);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('answers malformed raw bodies (not JSON, cut short, __proto__ keys, deep nesting) with a refusal naming a field', async () => {
    const requests = validRequests();
    const deep = (depth: number, open: string, close: string, inner = '1') => open.repeat(depth) + inner + close.repeat(depth);
    const rawBody = (valid: string): fc.Arbitrary<string> =>
      fc.oneof(
        fc.nat({ max: valid.length - 1 }).map((cut) => valid.slice(0, cut)),
        fc.constantFrom('__proto__', 'constructor', 'prototype').map((key) => `{"${key}": {"polluted": true}, ${valid.slice(1)}`),
        fc.constant(`{"constructor": {"prototype": {"polluted": true}}, ${valid.slice(1)}`),
        fc.integer({ min: 1, max: 200_000 }).map((depth) => deep(depth, '[', ']', '')),
        fc.integer({ min: 1, max: 100_000 }).map((depth) => deep(depth, '{"a":', '}')),
        fc.integer({ min: 1, max: 100_000 }).map((depth) => `${valid.slice(0, -1)}, "extra": ${deep(depth, '[', ']', '')}}`),
        fc.constantFrom(`\uFEFF${valid}`, `${valid}${valid}`, `${valid},`, valid.replace(/"/g, "'"), 'undefined', 'NaN', '{', '}', '[]', '""', 'null', 'true', '0'),
        fc.string({ unit: 'binary', maxLength: 100 }),
        fc.json(),
      );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...requests).chain((request) => rawBody(jsonText(request.body)).map((body) => ({ request, body }))),
        fc.boolean(),
        async ({ request, body }, base64) => {
          const sent = base64 ? { ...event(request.method, request.path, Buffer.from(body, 'utf8').toString('base64')), isBase64Encoded: true } : event(request.method, request.path, body);
          expectWellFormed(await (request.onAws ? awsHandler : handler)(sent));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers random methods, paths, path parameters, queries and bodies on every route', async () => {
    const known: Readonly<Record<string, readonly string[]>> = {
      applicationName: ['app', 'fn', 'svc', 'nope'],
      deploymentGroupName: ['group', 'deploy-me', 'canary', 'hooked', 'nope'],
      deploymentConfigName: ['made-server', 'made-canary', 'CodeDeployDefault.AllAtOnce', 'CodeDeployDefault.LambdaAllAtOnce', 'nope'],
      deploymentId: [serverDeploymentId, canaryDeploymentId, hookedDeploymentId, MISSING_ID, 'd-0'],
      targetId: ['group-1', 'canary:live', 'main:deploy-me', 'nope'],
      lifecycleEventHookExecutionId: [hookExecutionId, 'nope'],
    };
    const param = (name: string): fc.Arbitrary<string> =>
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...(known[name] ?? ['x'])) },
        { weight: 2, arbitrary: weirdString.map(encoded) },
        { weight: 1, arbitrary: weirdString },
      );
    const routePath = fc.constantFrom(...API_ROUTES.map((route) => route.path)).chain((template) => {
      const names = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      return fc.tuple(...names.map(param)).map((values) => names.reduce((filled, name, i) => filled.replace(`{${name}}`, values[i]), template));
    });
    const anyPath = fc.oneof(
      { weight: 6, arbitrary: routePath },
      { weight: 1, arbitrary: routePath.map((p) => `${p}/`) },
      { weight: 1, arbitrary: routePath.map((p) => `/${p}//extra`) },
      { weight: 1, arbitrary: fc.webPath() },
      { weight: 1, arbitrary: weirdString },
    );
    const method = fc.oneof(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'OPTIONS', 'get', 'Post', 'TRACE'), weirdString);
    const queryKey = fc.oneof(fc.constantFrom('nextToken', 'applicationName', 'deploymentGroupName', 'includeOnlyStatuses', 'createTimeStart', 'createTimeEnd', 'targetStatus', ''), weirdString);
    const queryValue = fc.oneof(fc.constantFrom(...EXTREME_STRINGS, 'Succeeded,Failed', 'InProgress', '2026-01-31T12:00:00Z', 'app', 'group', 'eyJ4IjoxfQ=='), weirdString);
    const query = fc.option(fc.dictionary(queryKey, queryValue, { maxKeys: 3 }), { nil: null });
    const body = fc.oneof(
      fc.constant(null),
      fc.constant(''),
      fc.json(),
      fc.anything().map((value) => JSON.stringify(value) ?? null),
      fc.string({ unit: 'binary', maxLength: 50 }),
    );
    await fc.assert(
      fc.asyncProperty(method, anyPath, query, body, fc.boolean(), async (httpMethod, eventPath, queryStringParameters, text, onAws) => {
        expectWellFormed(await (onAws ? awsHandler : handler)(event(httpMethod, eventPath, text, queryStringParameters)));
      }),
      { numRuns: 500 },
    );
  });

  it('answers events that are not API Gateway proxy requests with a refusal naming the event field', async () => {
    const proxyish = fc.record(
      { httpMethod: fc.anything(), path: fc.anything(), queryStringParameters: fc.anything(), body: fc.anything(), isBase64Encoded: fc.anything() },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), proxyish), async (anything) => {
        expectWellFormed(await handler(anything));
      }),
      { numRuns: 300 },
    );
  });
});
