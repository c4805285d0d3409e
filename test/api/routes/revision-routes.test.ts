// The application revision routes through the real router, on the embedded runtime's store.
import * as path from 'node:path';
import type { ApiContext } from '../../../functions/api/api-context';
import { ensureLocalGroup } from '../../../lib/local/local-groups';
import { type ApiCall, apiClient, localApiContext } from '../../support/api-client';
import { loggingBundle, writeBundle } from '../../support/bundles';
import { type Harness, openHarness } from '../../support/local-runtime-harness';

const S3_REVISION = { revisionType: 'S3', s3Location: { bucket: 'my-bundles', key: 'shop/v1.zip', bundleType: 'zip', version: 'v-1' } };

describe('application revision routes', () => {
  let h: Harness;
  let ctx: ApiContext;
  let call: ApiCall;
  let callOnAws: ApiCall;
  let bundlePath: string;
  let emptyAppSpecBundle: string;

  beforeAll(async () => {
    h = await openHarness();
    ctx = localApiContext(h);
    call = apiClient(() => ctx);
    callOnAws = apiClient(() => ({ ...ctx, hostNaming: 'aws' }));
    for (const applicationName of ['local-app', 'aws-app', 'empty-app']) {
      await ensureLocalGroup(h.runtime.store, { applicationName, deploymentGroupName: 'group', defaultHosts: ['host-1'] }, new Date());
    }
    bundlePath = loggingBundle(path.join(h.dir, 'v1'), 'v1');
    emptyAppSpecBundle = writeBundle(path.join(h.dir, 'empty-appspec'), { appspec: '', files: { 'README.md': 'an empty appspec' } });
  });
  afterAll(async () => {
    await h.runtime.close();
  });

  it('registers S3 revisions as given on AWS and lists them newest first', async () => {
    const second = { revisionType: 'S3', s3Location: { bucket: 'my-bundles', key: 'shop/v2.tgz', bundleType: 'tgz', eTag: '0a1b2c' } };

    expect(await callOnAws('POST', '/applications/aws-app/revisions', { revision: S3_REVISION, description: 'first' })).toEqual({ status: 204, body: undefined });
    expect(await callOnAws('POST', '/applications/aws-app/revisions', { revision: second })).toEqual({ status: 204, body: undefined });

    expect(await callOnAws('GET', '/applications/aws-app/revisions')).toEqual({ status: 200, body: { revisions: [second, S3_REVISION] } });
    const stored = await h.runtime.store.listRevisions('aws-app');
    expect(stored.items.map((r) => r.description)).toEqual([undefined, 'first']);
  });

  it('registers a local bundle as the tar hosts copy, which can then be deployed as listed', async () => {
    expect(await call('POST', '/applications/local-app/revisions', { revision: { revisionType: 'Local', localLocation: { bundlePath } } })).toEqual({ status: 204, body: undefined });

    const listed = await call('GET', '/applications/local-app/revisions');

    expect(listed).toEqual({
      status: 200,
      body: {
        revisions: [
          {
            revisionType: 'Local',
            localLocation: { bundlePath: expect.stringMatching(/[/\\]revisions[/\\][0-9a-f]{64}\.tar$/), bundleType: 'tar', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
          },
        ],
      },
    });
    const [revision] = listed.body?.revisions as unknown[];
    const created = await call('POST', '/deployments', { applicationName: 'local-app', deploymentGroupName: 'group', revision });
    expect(created.status).toBe(201);
    expect((await h.runtime.waitForDeployment(created.body?.deploymentId as string)).status).toBe('Succeeded');
  });

  it('lists no revisions for an application that has none', async () => {
    expect(await call('GET', '/applications/empty-app/revisions')).toEqual({ status: 200, body: { revisions: [] } });
  });

  it.each([
    ['malformed JSON', 'POST', '/applications/local-app/revisions', '{"revision": ', {}, 400, 'MalformedJson', 'body'],
    ['no body', 'POST', '/applications/local-app/revisions', undefined, {}, 400, 'ValidationError', 'body'],
    ['no revision', 'POST', '/applications/local-app/revisions', { description: 'x' }, {}, 400, 'ValidationError', 'revision'],
    ['a revision type of the wrong kind', 'POST', '/applications/local-app/revisions', { revision: { revisionType: 3 } }, {}, 400, 'ValidationError', 'revision.revisionType'],
    ['an S3 revision on the embedded runtime', 'POST', '/applications/local-app/revisions', { revision: S3_REVISION }, {}, 400, 'ValidationError', 'revision.revisionType'],
    ['an unknown field of s3Location', 'POST', '/applications/local-app/revisions', { revision: { ...S3_REVISION, s3Location: { ...S3_REVISION.s3Location, region: 'x' } } }, {}, 400, 'ValidationError', 'revision.s3Location.region'],
    ['an unknown field', 'POST', '/applications/local-app/revisions', { revision: S3_REVISION, tags: [] }, {}, 400, 'ValidationError', 'tags'],
    ['a description over 256 characters', 'POST', '/applications/local-app/revisions', { revision: S3_REVISION, description: 'x'.repeat(257) }, {}, 400, 'ValidationError', 'description'],
    ['a local bundle that is not there', 'POST', '/applications/local-app/revisions', { revision: { revisionType: 'Local', localLocation: { bundlePath: '/nowhere/v1' } } }, {}, 400, 'RevisionDoesNotExist', 'revision'],
    ['a local bundle whose appspec is empty', 'POST', '/applications/local-app/revisions', { revision: '{empty appspec}' }, {}, 400, 'InvalidRevision', 'revision'],
    ['registering with a missing application', 'POST', '/applications/nowhere/revisions', { revision: S3_REVISION }, {}, 404, 'ApplicationDoesNotExist', 'applicationName'],
    ['a malformed application name', 'GET', '/applications/my%20app/revisions', undefined, {}, 400, 'ValidationError', 'applicationName'],
    ['listing a missing application', 'GET', '/applications/nowhere/revisions', undefined, {}, 404, 'ApplicationDoesNotExist', 'applicationName'],
    ['a foreign nextToken', 'GET', '/applications/local-app/revisions', undefined, { nextToken: 'not-a-token-this-store-made' }, 400, 'ValidationError', 'nextToken'],
    ['an unknown query parameter', 'GET', '/applications/local-app/revisions', undefined, { sortBy: 'registerTime' }, 400, 'ValidationError', 'sortBy'],
  ])('refuses %s', async (_case, method, path_, body, query, status, code, field) => {
    const placeholder = (body as { revision?: unknown } | undefined)?.revision === '{empty appspec}';
    const sent = placeholder ? { revision: { revisionType: 'Local', localLocation: { bundlePath: emptyAppSpecBundle } } } : body;

    const response = await call(method, path_, sent, query);

    expect(response).toEqual({ status, body: { code, message: expect.any(String), field } });
  });

  it('refuses a Local revision on AWS, naming revision.revisionType', async () => {
    const response = await callOnAws('POST', '/applications/aws-app/revisions', { revision: { revisionType: 'Local', localLocation: { bundlePath } } });

    expect(response).toEqual({ status: 400, body: { code: 'ValidationError', message: expect.stringContaining('only the embedded runtime'), field: 'revision.revisionType' } });
  });
});
