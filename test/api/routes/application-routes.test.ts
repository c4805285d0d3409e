// The application routes through the real router, on the embedded runtime's store.
import { localApiClients } from '../../support/api-client';
import { type Harness, openHarness } from '../../support/local-runtime-harness';

describe('application routes', () => {
  let h: Harness;
  const { call } = localApiClients(() => h);

  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => {
    await h.runtime.close();
  });

  it('creates, gets, lists and deletes an application', async () => {
    const created = await call('POST', '/applications', { applicationName: 'shop' });
    expect(created.status).toBe(201);
    expect(created.body?.applicationId).toMatch(/^[0-9a-f-]{36}$/);

    const got = await call('GET', '/applications/shop');
    expect(got).toEqual({
      status: 200,
      body: {
        application: {
          applicationId: created.body?.applicationId,
          applicationName: 'shop',
          computePlatform: 'Server',
          createTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          linkedToGitHub: false,
        },
      },
    });
    expect((await call('GET', '/applications')).body).toEqual({ applications: expect.arrayContaining(['shop']) });

    expect(await call('DELETE', '/applications/shop')).toEqual({ status: 204, body: undefined });
    expect((await call('GET', '/applications/shop')).status).toBe(404);
  });

  it.each([
    ['Lambda', { computePlatform: 'Lambda' }],
    ['ECS', { computePlatform: 'ECS' }],
    ['Server', { computePlatform: 'Server' }],
    ['Server', {}],
  ])('creates a %s application from %j and shows its platform', async (platform, request) => {
    const applicationName = `platform-${platform}-${Object.keys(request).length}`;
    expect((await call('POST', '/applications', { applicationName, ...request })).status).toBe(201);

    const got = await call('GET', `/applications/${applicationName}`);

    expect(got.status).toBe(200);
    expect((got.body?.application as Record<string, unknown>).computePlatform).toBe(platform);
    expect((await h.runtime.store.getApplication(applicationName))?.computePlatform).toBe(platform);
  });

  it.each([
    ['Windows', /^computePlatform: must be Server, Lambda or ECS \(got "Windows"\)$/],
    ['ecs', /^computePlatform: must be Server, Lambda or ECS \(got "ecs"\)$/],
  ])('says which platforms it takes when given %s, and creates nothing', async (computePlatform, message) => {
    const response = await call('POST', '/applications', { applicationName: `refused-${computePlatform}`, computePlatform });

    expect(response).toEqual({ status: 400, body: { code: 'ValidationError', field: 'computePlatform', message: expect.stringMatching(message) } });
    expect(await h.runtime.store.getApplication(`refused-${computePlatform}`)).toBeUndefined();
  });

  it('refuses to delete an application while one of its groups deploys, and keeps it', async () => {
    expect((await call('POST', '/applications', { applicationName: 'busy' })).status).toBe(201);
    const group = await call('POST', '/applications/busy/deployment-groups', { deploymentGroupName: 'web', instanceNames: ['host-1'] });
    expect(group.status).toBe(201);
    const deploymentGroupId = String(group.body?.deploymentGroupId);
    await h.runtime.store.acquireGroupLock({ deploymentGroupId, deploymentId: 'd-AAAAAAAAA', acquiredAt: new Date().toISOString() }, 'web');

    const refused = await call('DELETE', '/applications/busy');

    expect(refused).toEqual({
      status: 409,
      body: { code: 'DeploymentInProgress', message: expect.stringContaining('d-AAAAAAAAA'), field: 'deploymentGroupName' },
    });
    expect((await call('GET', '/applications/busy/deployment-groups/web')).status).toBe(200);
    await h.runtime.store.releaseGroupLock(deploymentGroupId, 'd-AAAAAAAAA');
    expect((await call('DELETE', '/applications/busy')).status).toBe(204);
  });

  it('pages through applications by name with nextToken', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) expect((await call('POST', '/applications', { applicationName: name })).status).toBe(201);
    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const query: Record<string, string> = nextToken === undefined ? {} : { nextToken };
      const page = await call('GET', '/applications', undefined, query);
      expect(page.status).toBe(200);
      names.push(...(page.body?.applications as string[]));
      nextToken = page.body?.nextToken as string | undefined;
      pages += 1;
    } while (nextToken !== undefined && pages < 10);
    expect(names.filter((n) => n.startsWith('page-'))).toEqual(['page-a', 'page-b', 'page-c']);
  });

  it.each([
    ['a second application of the same name', 'POST', '/applications', { applicationName: 'twice' }, 409, 'ApplicationAlreadyExists', 'applicationName'],
    ['malformed JSON', 'POST', '/applications', '{"applicationName": ', 400, 'MalformedJson', 'body'],
    ['no body', 'POST', '/applications', undefined, 400, 'ValidationError', 'body'],
    ['a name of the wrong type', 'POST', '/applications', { applicationName: 7 }, 400, 'ValidationError', 'applicationName'],
    ['a name with a space', 'POST', '/applications', { applicationName: 'my shop' }, 400, 'ValidationError', 'applicationName'],
    ['an unknown compute platform', 'POST', '/applications', { applicationName: 'box', computePlatform: 'Windows' }, 400, 'ValidationError', 'computePlatform'],
    ['an unknown field', 'POST', '/applications', { applicationName: 'x', tags: [] }, 400, 'ValidationError', 'tags'],
    ['a missing application', 'GET', '/applications/nowhere', undefined, 404, 'ApplicationDoesNotExist', 'applicationName'],
    ['deleting a missing application', 'DELETE', '/applications/nowhere', undefined, 404, 'ApplicationDoesNotExist', 'applicationName'],
    ['a foreign nextToken', 'GET', '/applications?', undefined, 400, 'ValidationError', 'nextToken'],
  ])('refuses %s', async (_case, method, path, body, status, code, field) => {
    if (code === 'ApplicationAlreadyExists') await call('POST', '/applications', body);
    const query: Record<string, string> = field === 'nextToken' ? { nextToken: 'not-a-token-this-store-made' } : {};

    const response = await call(method, path.replace('?', ''), body, query);

    expect(response.status).toBe(status);
    expect(response.body).toEqual({ code, message: expect.any(String), field });
  });
});
