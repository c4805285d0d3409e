// The deployment config routes through the real router, on the embedded runtime's store.
import { PREDEFINED_SERVER_CONFIGS } from '../../../functions/core/deployment-configs';
import { PREDEFINED_TRAFFIC_CONFIGS } from '../../../functions/core/traffic-configs';
import * as fixture from '../../aws/dynamodb-store-fixtures';
import { documentedOperations, localApiClients } from '../../support/api-client';
import { type Harness, openHarness } from '../../support/local-runtime-harness';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PREDEFINED_NAMES = [...PREDEFINED_SERVER_CONFIGS, ...PREDEFINED_TRAFFIC_CONFIGS].map((config) => config.deploymentConfigName);

type Json = Record<string, unknown>;

describe('deployment config routes', () => {
  let h: Harness;
  const { call } = localApiClients(() => h);

  async function createConfig(name: string, minimumHealthyHosts: Json = { type: 'HOST_COUNT', value: 1 }): Promise<string> {
    const created = await call('POST', '/deployment-configs', { deploymentConfigName: name, minimumHealthyHosts });
    expect(created.status).toBe(201);
    return created.body?.deploymentConfigId as string;
  }

  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => {
    await h.runtime.close();
  });

  it('creates, gets, lists and deletes a custom config', async () => {
    const id = await createConfig('ThreeQuarters', { type: 'FLEET_PERCENT', value: 75 });
    expect(id).toMatch(UUID);

    expect(await call('GET', '/deployment-configs/ThreeQuarters')).toEqual({
      status: 200,
      body: {
        deploymentConfigInfo: {
          deploymentConfigId: id,
          deploymentConfigName: 'ThreeQuarters',
          minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 75 },
          computePlatform: 'Server',
          createTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
      },
    });
    const listed = await call('GET', '/deployment-configs');
    expect(listed.status).toBe(200);
    expect((listed.body?.deploymentConfigsList as string[]).slice(0, PREDEFINED_NAMES.length)).toEqual(PREDEFINED_NAMES);
    expect(listed.body?.deploymentConfigsList).toContain('ThreeQuarters');

    expect(await call('DELETE', '/deployment-configs/ThreeQuarters')).toEqual({ status: 204, body: undefined });
    expect((await call('GET', '/deployment-configs/ThreeQuarters')).status).toBe(404);
    expect(await h.runtime.store.getDeploymentConfig('ThreeQuarters')).toBeUndefined();
  });

  it('takes computePlatform Server, as CodeDeploy clients send it', async () => {
    const created = await call('POST', '/deployment-configs', { deploymentConfigName: 'Explicit', computePlatform: 'Server', minimumHealthyHosts: { type: 'HOST_COUNT', value: 0 } });

    expect(created.status).toBe(201);
    expect(await h.runtime.store.getDeploymentConfig('Explicit')).toMatchObject({ computePlatform: 'Server', minimumHealthyHosts: { type: 'HOST_COUNT', value: 0 } });
  });

  it.each<[string, Json]>([
    ['a Lambda canary', { computePlatform: 'Lambda', trafficRoutingConfig: { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 15, canaryInterval: 7 } } }],
    ['an ECS linear', { computePlatform: 'ECS', trafficRoutingConfig: { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 20, linearInterval: 30 } } }],
  ])('creates, gets, lists and deletes %s config', async (_case, settings) => {
    const name = `Traffic-${settings.computePlatform as string}`;
    const created = await call('POST', '/deployment-configs', { deploymentConfigName: name, ...settings });
    expect(created.status).toBe(201);
    const id = created.body?.deploymentConfigId as string;
    expect(id).toMatch(UUID);

    expect(await call('GET', `/deployment-configs/${name}`)).toEqual({
      status: 200,
      body: {
        deploymentConfigInfo: { deploymentConfigId: id, deploymentConfigName: name, ...settings, createTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      },
    });
    expect(await h.runtime.store.getDeploymentConfig(name)).toEqual({ deploymentConfigId: id, deploymentConfigName: name, ...settings, createTime: expect.any(String) });
    const listed = await call('GET', '/deployment-configs');
    expect(listed.body?.deploymentConfigsList).toContain(name);

    expect(await call('DELETE', `/deployment-configs/${name}`)).toEqual({ status: 204, body: undefined });
    expect((await call('GET', `/deployment-configs/${name}`)).status).toBe(404);
  });

  it('refuses a Lambda or ECS config for a Server deployment group, on create and on update', async () => {
    await call('POST', '/deployment-configs', { deploymentConfigName: 'LambdaOnly', computePlatform: 'Lambda', trafficRoutingConfig: { type: 'AllAtOnce' } });
    expect((await call('POST', '/applications', { applicationName: 'traffic' })).status).toBe(201);
    const refusal = (name: string, platform: string): unknown => ({
      status: 400,
      body: {
        code: 'ValidationError',
        field: 'deploymentConfigName',
        message: expect.stringMatching(new RegExp(`^deploymentConfigName: names a deployment config for ${platform}; Server deployments need .*\\(got "${name}"\\)$`)),
      },
    });

    const group = { deploymentGroupName: 'web', deploymentConfigName: 'LambdaOnly', instanceNames: ['host-1'] };
    expect(await call('POST', '/applications/traffic/deployment-groups', group)).toEqual(refusal('LambdaOnly', 'Lambda'));
    expect((await call('POST', '/applications/traffic/deployment-groups', { ...group, deploymentConfigName: 'CodeDeployDefault.AllAtOnce' })).status).toBe(201);
    const name = 'CodeDeployDefault.ECSAllAtOnce';
    expect(await call('PATCH', '/applications/traffic/deployment-groups/web', { deploymentConfigName: name })).toEqual(refusal(name.replace('.', '\\.'), 'ECS'));
    expect(await h.runtime.store.getDeploymentGroup('traffic', 'web')).toMatchObject({ deploymentConfigName: 'CodeDeployDefault.AllAtOnce' });
  });

  it.each(PREDEFINED_SERVER_CONFIGS.map((config) => [config.deploymentConfigName, config] as const))(
    'shows the predefined %s without an id or create time',
    async (name, config) => {
      expect(await call('GET', `/deployment-configs/${name}`)).toEqual({
        status: 200,
        body: { deploymentConfigInfo: { deploymentConfigName: name, minimumHealthyHosts: config.minimumHealthyHosts, computePlatform: 'Server' } },
      });
    },
  );

  it.each(PREDEFINED_TRAFFIC_CONFIGS.map((config) => [config.deploymentConfigName, config] as const))(
    'shows the predefined %s with its traffic routing, without an id or create time',
    async (name, config) => {
      expect(await call('GET', `/deployment-configs/${name}`)).toEqual({
        status: 200,
        body: { deploymentConfigInfo: { deploymentConfigName: name, computePlatform: config.computePlatform, trafficRoutingConfig: config.trafficRoutingConfig } },
      });
    },
  );

  it('lists the predefined configs on the first page only, then every custom one by name', async () => {
    const names = Array.from({ length: 102 }, (_, i) => `Paged-${String(i).padStart(3, '0')}`);
    for (const name of names) {
      await h.runtime.store.createDeploymentConfig({ deploymentConfigName: name, computePlatform: 'Server', minimumHealthyHosts: { type: 'HOST_COUNT', value: 1 } });
    }

    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await call('GET', '/deployment-configs', undefined, nextToken === undefined ? {} : { nextToken });
      expect(page.status).toBe(200);
      pages.push(page.body?.deploymentConfigsList as string[]);
      nextToken = page.body?.nextToken as string | undefined;
    } while (nextToken !== undefined);

    expect(pages.length).toBeGreaterThan(1);
    expect(pages[0]?.slice(0, PREDEFINED_NAMES.length)).toEqual(PREDEFINED_NAMES);
    expect(pages.slice(1).flat().filter((name) => name.startsWith('CodeDeployDefault.'))).toEqual([]);
    expect(pages.flat().filter((name) => name.startsWith('Paged-'))).toEqual(names);
  });

  const valid = { deploymentConfigName: 'Refused', minimumHealthyHosts: { type: 'HOST_COUNT', value: 1 } };
  const lambda = { deploymentConfigName: 'Refused', computePlatform: 'Lambda', trafficRoutingConfig: { type: 'AllAtOnce' } };

  it.each<[string, unknown, string, string, RegExp]>([
    ['malformed JSON', '{"deploymentConfigName": "x",', 'MalformedJson', 'body', /^The body is not valid JSON/],
    ['no body', undefined, 'ValidationError', 'body', /^body: is required: a JSON object \{deploymentConfigName, computePlatform\?, minimumHealthyHosts \| trafficRoutingConfig\}$/],
    ['no deploymentConfigName', { minimumHealthyHosts: valid.minimumHealthyHosts }, 'ValidationError', 'deploymentConfigName', /^deploymentConfigName: is required: a string of 1 to 100 characters/],
    ['the reserved prefix', { ...valid, deploymentConfigName: 'CodeDeployDefault.Mine' }, 'ValidationError', 'deploymentConfigName', /^deploymentConfigName: must not start with the reserved prefix 'CodeDeployDefault\.' \(got "CodeDeployDefault\.Mine"\)$/],
    ['no minimumHealthyHosts', { deploymentConfigName: 'Refused' }, 'ValidationError', 'minimumHealthyHosts', /^minimumHealthyHosts: is required: an object \{type, value\}$/],
    ['a type users cannot create', { ...valid, minimumHealthyHosts: { type: 'MOST_CONCURRENCY', value: 1 } }, 'ValidationError', 'minimumHealthyHosts.type', /must be HOST_COUNT or FLEET_PERCENT \(got "MOST_CONCURRENCY"\)$/],
    ['a value that is not an integer', { ...valid, minimumHealthyHosts: { type: 'HOST_COUNT', value: 1.5 } }, 'ValidationError', 'minimumHealthyHosts.value', /must be an integer \(got 1\.5\)$/],
    ['a value given as a string', { ...valid, minimumHealthyHosts: { type: 'HOST_COUNT', value: '1' } }, 'ValidationError', 'minimumHealthyHosts.value', /must be an integer \(got "1"\)$/],
    ['a negative host count', { ...valid, minimumHealthyHosts: { type: 'HOST_COUNT', value: -1 } }, 'ValidationError', 'minimumHealthyHosts.value', /^minimumHealthyHosts\.value: must be 0 or more for HOST_COUNT \(got -1\)$/],
    ['a fleet percent of 100', { ...valid, minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 100 } }, 'ValidationError', 'minimumHealthyHosts.value', /^minimumHealthyHosts\.value: must be between 0 and 99 for FLEET_PERCENT \(got 100\)$/],
    ['an unknown compute platform', { ...valid, computePlatform: 'Windows' }, 'ValidationError', 'computePlatform', /^computePlatform: must be Server, Lambda or ECS \(got "Windows"\)$/],
    ['an unknown field', { ...valid, zonalConfig: {} }, 'ValidationError', 'zonalConfig', /^zonalConfig: is not a field this operation accepts$/],
    ['trafficRoutingConfig for Server', { ...valid, trafficRoutingConfig: { type: 'AllAtOnce' } }, 'ValidationError', 'trafficRoutingConfig', /^trafficRoutingConfig: applies to Lambda and ECS deployment configs only, not to Server$/],
    ['minimumHealthyHosts for Lambda', { ...lambda, minimumHealthyHosts: valid.minimumHealthyHosts }, 'ValidationError', 'minimumHealthyHosts', /^minimumHealthyHosts: applies to Server deployment configs only, not to Lambda or ECS$/],
    ['no trafficRoutingConfig for ECS', { deploymentConfigName: 'Refused', computePlatform: 'ECS' }, 'ValidationError', 'trafficRoutingConfig', /^trafficRoutingConfig: is required/],
    ['an unknown routing type', { ...lambda, trafficRoutingConfig: { type: 'Gradual' } }, 'ValidationError', 'trafficRoutingConfig.type', /^trafficRoutingConfig\.type: must be TimeBasedCanary, TimeBasedLinear or AllAtOnce \(got "Gradual"\)$/],
    ['a canary of 100 percent', { ...lambda, trafficRoutingConfig: { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 100, canaryInterval: 5 } } }, 'ValidationError', 'trafficRoutingConfig.timeBasedCanary.canaryPercentage', /must be an integer from 1 to 99.*\(got 100\)$/],
    ['a canary interval over 2,880 minutes', { ...lambda, trafficRoutingConfig: { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 2881 } } }, 'ValidationError', 'trafficRoutingConfig.timeBasedCanary.canaryInterval', /must be at most 2880 minutes.*\(got 2881\)$/],
    ['a linear config over 2,880 minutes', { deploymentConfigName: 'Refused', computePlatform: 'ECS', trafficRoutingConfig: { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 10, linearInterval: 321 } } }, 'ValidationError', 'trafficRoutingConfig.timeBasedLinear.linearInterval', /^trafficRoutingConfig\.timeBasedLinear\.linearInterval: must be at most 320 minutes with linearPercentage 10: .*2889 minutes from first to last.*\(got 321\)$/],
    ['an unknown nested field', { ...valid, minimumHealthyHosts: { type: 'HOST_COUNT', value: 1, unit: 'hosts' } }, 'ValidationError', 'minimumHealthyHosts.unit', /^minimumHealthyHosts\.unit: is not a field this operation accepts$/],
  ])('refuses to create a config with %s', async (_case, body, code, field, message) => {
    expect(await call('POST', '/deployment-configs', body)).toEqual({ status: 400, body: { code, field, message: expect.stringMatching(message) } });
    expect(await h.runtime.store.getDeploymentConfig('Refused')).toBeUndefined();
  });

  it('refuses a name that is taken, keeping the config that has it', async () => {
    const id = await createConfig('Taken');

    expect(await call('POST', '/deployment-configs', { deploymentConfigName: 'Taken', minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 10 } })).toEqual({
      status: 409,
      body: { code: 'DeploymentConfigAlreadyExists', field: 'deploymentConfigName', message: 'A deployment config named Taken already exists' },
    });
    expect(await h.runtime.store.getDeploymentConfig('Taken')).toMatchObject({ deploymentConfigId: id, minimumHealthyHosts: { type: 'HOST_COUNT', value: 1 } });
  });

  it.each<[string, string, Record<string, string>, number, string, string, RegExp]>([
    ['GET a config that does not exist', '/deployment-configs/Missing', {}, 404, 'DeploymentConfigDoesNotExist', 'deploymentConfigName', /^Deployment config 'Missing' does not exist$/],
    ['GET a name CodeDeploy refuses', '/deployment-configs/no%20such', {}, 400, 'ValidationError', 'deploymentConfigName', /\(got "no such"\)$/],
    ['DELETE a config that does not exist', '/deployment-configs/Missing', {}, 404, 'DeploymentConfigDoesNotExist', 'deploymentConfigName', /^Deployment config 'Missing' does not exist$/],
    ['DELETE a predefined config', '/deployment-configs/CodeDeployDefault.AllAtOnce', {}, 400, 'InvalidOperation', 'deploymentConfigName', /^CodeDeployDefault\.AllAtOnce is a predefined deployment config and cannot be deleted$/],
    ['DELETE a predefined Lambda config', '/deployment-configs/CodeDeployDefault.LambdaCanary10Percent5Minutes', {}, 400, 'InvalidOperation', 'deploymentConfigName', /^CodeDeployDefault\.LambdaCanary10Percent5Minutes is a predefined deployment config and cannot be deleted$/],
    ['DELETE a predefined ECS config', '/deployment-configs/CodeDeployDefault.ECSLinear10PercentEvery3Minutes', {}, 400, 'InvalidOperation', 'deploymentConfigName', /^CodeDeployDefault\.ECSLinear10PercentEvery3Minutes is a predefined deployment config and cannot be deleted$/],
    ['GET a list with a nextToken it never handed out', '/deployment-configs', { nextToken: 'bogus' }, 400, 'ValidationError', 'nextToken', /nextToken/],
    ['GET a list with an unknown query parameter', '/deployment-configs', { maxResults: '5' }, 400, 'ValidationError', 'maxResults', /^maxResults: is not a field this operation accepts$/],
  ])('refuses to %s', async (action, path, query, status, code, field, message) => {
    const method = action.split(' ')[0];

    expect(await call(method, path, undefined, query)).toEqual({ status, body: { code, field, message: expect.stringMatching(message) } });
  });

  it('refuses to delete a config a deployment group uses, naming the group', async () => {
    await createConfig('UsedByGroup');
    expect((await call('POST', '/applications', { applicationName: 'shop' })).status).toBe(201);
    const group = { deploymentGroupName: 'web', deploymentConfigName: 'UsedByGroup', instanceNames: ['host-1'] };
    expect((await call('POST', '/applications/shop/deployment-groups', group)).status).toBe(201);

    expect(await call('DELETE', '/deployment-configs/UsedByGroup')).toEqual({
      status: 409,
      body: {
        code: 'DeploymentConfigInUse',
        field: 'deploymentConfigName',
        message: "Deployment config UsedByGroup is used by deployment group 'shop/web'; point that at another config (or let it finish) first",
      },
    });
    expect(await h.runtime.store.getDeploymentConfig('UsedByGroup')).toBeDefined();

    expect((await call('PATCH', '/applications/shop/deployment-groups/web', { deploymentConfigName: 'CodeDeployDefault.AllAtOnce' })).status).toBe(200);
    expect((await call('DELETE', '/deployment-configs/UsedByGroup')).status).toBe(204);
  });

  it('refuses to delete a config a running deployment uses, and not one only finished deployments used', async () => {
    await createConfig('UsedByDeployment');
    await createConfig('UsedBefore');
    const running = fixture.deployment({ deploymentId: 'd-RUNNING01', status: 'InProgress', deploymentConfigName: 'UsedByDeployment', applicationName: 'gone' });
    await h.runtime.store.createDeployment(running);
    await h.runtime.store.createDeployment(fixture.deployment({ deploymentId: 'd-FINISHED1', status: 'Succeeded', deploymentConfigName: 'UsedBefore', applicationName: 'gone' }));

    expect(await call('DELETE', '/deployment-configs/UsedByDeployment')).toEqual({
      status: 409,
      body: {
        code: 'DeploymentConfigInUse',
        field: 'deploymentConfigName',
        message: 'Deployment config UsedByDeployment is used by deployment d-RUNNING01 (InProgress); point that at another config (or let it finish) first',
      },
    });
    expect((await call('DELETE', '/deployment-configs/UsedBefore')).status).toBe(204);
  });

  it('describes its four operations in the OpenAPI document', async () => {
    expect(await documentedOperations(call, (path) => path.startsWith('/deployment-configs'))).toEqual([
      'delete /deployment-configs/{deploymentConfigName} DeleteDeploymentConfig',
      'get /deployment-configs ListDeploymentConfigs',
      'get /deployment-configs/{deploymentConfigName} GetDeploymentConfig',
      'post /deployment-configs CreateDeploymentConfig',
    ]);
  });

  it('refuses a body on DELETE', async () => {
    await createConfig('KeepMe');

    expect(await call('DELETE', '/deployment-configs/KeepMe', {})).toEqual({ status: 400, body: { code: 'ValidationError', field: 'body', message: 'This operation takes no body' } });
    expect(await h.runtime.store.getDeploymentConfig('KeepMe')).toBeDefined();
  });
});
