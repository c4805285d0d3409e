// The remote CLI and the deployment queue: --concurrency-policy on the group and deployment commands, sent as the API
// takes it and refused when it is none of the three, and --wait's progress while a deployment waits in the queue.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CliContext } from '../../lib/cli/cli-context';
import { main } from '../../lib/cli/main';
import { boardLines, changeLines, type Snapshot } from '../../lib/cli/remote/progress-view';
import { tempDir } from '../support/bundles';
import { capture } from '../support/captured-stream';

describe('--concurrency-policy', () => {
  let server: http.Server;
  let endpoint: string;
  const bodies: { method?: string; url?: string; body: unknown }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push({ method: req.method, url: req.url, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"deploymentId":"d-ABCDEFGH1"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    bodies.length = 0;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function run(args: string[]): Promise<{ code: number; stderr: string }> {
    const err = capture();
    const ctx: CliContext = { cwd: tempDir('remote-queue'), stdout: capture().stream, stderr: err.stream };
    const code = await main(['--endpoint', endpoint, ...args], ctx);
    return { code, stderr: err.text() };
  }

  const revision = ['--revision', 'revisionType=AppSpecContent,appSpecContent={content=version: 0.0}'];

  it.each([
    [
      ['create-deployment-group', '--application-name', 'fn', '--deployment-group-name', 'live', '--concurrency-policy', 'queue'],
      { method: 'POST', url: '/applications/fn/deployment-groups', body: { deploymentGroupName: 'live', concurrencyPolicy: 'queue' } },
    ],
    [
      ['update-deployment-group', '--application-name', 'fn', '--current-deployment-group-name', 'live', '--concurrency-policy', 'supersede'],
      { method: 'PATCH', url: '/applications/fn/deployment-groups/live', body: { concurrencyPolicy: 'supersede' } },
    ],
    [
      ['create-deployment', '--application-name', 'fn', '--deployment-group-name', 'live', ...revision, '--concurrency-policy', 'reject'],
      { method: 'POST', url: '/deployments', body: expect.objectContaining({ deploymentGroupName: 'live', concurrencyPolicy: 'reject' }) },
    ],
  ])('%j sends the policy as the API takes it', async (args, request) => {
    expect(await run(args)).toEqual({ code: 0, stderr: '' });
    expect(bodies).toEqual([request]);
  });

  it.each([
    [['create-deployment-group', '--application-name', 'fn', '--deployment-group-name', 'live']],
    [['update-deployment-group', '--application-name', 'fn', '--current-deployment-group-name', 'live']],
    [['create-deployment', '--application-name', 'fn', '--deployment-group-name', 'live', ...revision]],
  ])('%j refuses a policy that is none of reject, queue, supersede before calling the API', async (args) => {
    const outcome = await run([...args, '--concurrency-policy', 'fifo']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/--concurrency-policy.*reject, queue, supersede/);
    expect(bodies).toEqual([]);
  });
});

describe('--wait progress of a queued deployment', () => {
  const snapshot = (status: string, extra: Record<string, unknown> = {}): Snapshot => ({
    deployment: {
      deploymentId: 'd-ABCDEFGH1',
      status,
      applicationName: 'fn',
      deploymentGroupName: 'live',
      deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
      computePlatform: 'Lambda',
      deploymentOverview: { Succeeded: 0, Failed: 0, Skipped: 0, InProgress: 0, Pending: 0 },
      ...extra,
    },
    targets: [],
  });

  it('says it waits in the queue, with its place, on the board and in the change log', () => {
    const queued = snapshot('Queued', { queuePosition: 3 });
    const line = "Deployment d-ABCDEFGH1 Queued fn/live, CodeDeployDefault.LambdaAllAtOnce: waits in its group's queue (arrival 3) for the deployments before it";
    expect(boardLines(queued)[0]).toBe(line);
    expect(changeLines(undefined, queued)).toEqual([line]);
    expect(changeLines(queued, snapshot('InProgress'))[0]).toMatch(/^Deployment d-ABCDEFGH1 InProgress fn\/live/);
  });

  it('says a deployment stopped in the queue was superseded', () => {
    const stopped = snapshot('Stopped', { queuePosition: 3, errorInformation: { code: 'MANUAL_STOP', message: 'Superseded by deployment d-LATER0001' } });
    expect(changeLines(snapshot('Queued', { queuePosition: 3 }), stopped)).toEqual([
      'Deployment d-ABCDEFGH1 Stopped fn/live, CodeDeployDefault.LambdaAllAtOnce: 0 succeeded, 0 failed, 0 skipped, 0 to go (MANUAL_STOP: Superseded by deployment d-LATER0001)',
    ]);
  });
});
