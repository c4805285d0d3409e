import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Deployment, DeploymentTarget } from '../../functions/core/types';
import type { StateChange } from '../../functions/ports';
import { JsonlEventSink } from '../../lib/local/jsonl-event-sink';

const DEPLOYMENT: Deployment = {
  deploymentId: 'd-AAAAAAAAA',
  applicationName: 'shop',
  deploymentGroupName: 'web',
  deploymentGroupId: 'dg-1',
  computePlatform: 'Server',
  status: 'InProgress',
  deploymentConfigName: 'CodeDeployDefault.OneAtATime',
  creator: 'user',
  createTime: '2026-01-01T00:00:00.000Z',
  startTime: '2026-01-01T00:00:01.000Z',
  revision: { revisionType: 'Local', localLocation: { bundlePath: '/b.tar', bundleType: 'tar', sha256: 'ab' } },
  appSpec: { version: '0.0', os: 'linux', files: [], permissions: [], hooks: {} },
  ignoreApplicationStopFailures: false,
  fileExistsBehavior: 'DISALLOW',
  lifecycleEventNames: ['Install'],
  deploymentOverview: { Pending: 1, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 },
};

const TARGET: DeploymentTarget = {
  deploymentId: 'd-AAAAAAAAA',
  targetId: 'web-1',
  status: 'Succeeded',
  lastUpdatedAt: '2026-01-01T00:00:05.000Z',
  initiallyHealthy: true,
  lifecycleEvents: [{ lifecycleEventName: 'Install', status: 'Succeeded' }],
};

const START_LINE =
  '{"Source":"cutover","DetailType":"Cutover Deployment State-change Notification","Detail":' +
  '"{\\"instanceGroupId\\":\\"dg-1\\",\\"region\\":\\"local\\",\\"application\\":\\"shop\\",\\"deploymentId\\":\\"d-AAAAAAAAA\\",' +
  '\\"state\\":\\"START\\",\\"deploymentGroup\\":\\"web\\",\\"status\\":\\"InProgress\\",\\"creator\\":\\"user\\"}"}';

const TARGET_LINE =
  '{"Source":"cutover","DetailType":"Cutover Instance State-change Notification","Detail":' +
  '"{\\"instanceGroupId\\":\\"dg-1\\",\\"region\\":\\"local\\",\\"application\\":\\"shop\\",\\"deploymentId\\":\\"d-AAAAAAAAA\\",' +
  '\\"state\\":\\"SUCCESS\\",\\"deploymentGroup\\":\\"web\\",\\"instanceId\\":\\"web-1\\",\\"status\\":\\"Succeeded\\"}"}';

let stateDir: string;

beforeEach(() => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-events-'));
});

afterEach(() => {
  fs.rmSync(stateDir, { recursive: true, force: true });
});

function lines(): string[] {
  return fs.readFileSync(path.join(stateDir, 'events.jsonl'), 'utf8').split('\n');
}

describe('JsonlEventSink', () => {
  it('appends one PutEvents entry per line: Source, DetailType and Detail', async () => {
    const deployments = jest.fn().mockResolvedValue(DEPLOYMENT);
    const sink = new JsonlEventSink({ stateDir, deployments });

    await sink.publish({ kind: 'deployment', deployment: DEPLOYMENT });
    await sink.publish({ kind: 'target', deploymentId: 'd-AAAAAAAAA', target: TARGET });

    expect(sink.file).toBe(path.join(stateDir, 'events.jsonl'));
    expect(lines()).toEqual([START_LINE, TARGET_LINE, '']);
    expect(deployments).toHaveBeenCalledWith('d-AAAAAAAAA');
  });

  it("reads a deployment once for all its targets' events", async () => {
    const deployments = jest.fn().mockResolvedValue(DEPLOYMENT);
    const sink = new JsonlEventSink({ stateDir, deployments });

    await sink.publish({ kind: 'target', deploymentId: 'd-AAAAAAAAA', target: TARGET });
    await sink.publish({ kind: 'target', deploymentId: 'd-AAAAAAAAA', target: { ...TARGET, targetId: 'web-2' } });

    expect(deployments).toHaveBeenCalledTimes(1);
    expect(lines()).toEqual([TARGET_LINE, TARGET_LINE.replace('web-1', 'web-2'), '']);
  });

  it('adds to the file a run before left, never replacing it', async () => {
    fs.writeFileSync(path.join(stateDir, 'events.jsonl'), `${START_LINE}\n`);
    const sink = new JsonlEventSink({ stateDir, deployments: async () => DEPLOYMENT });

    await sink.publish({ kind: 'target', deploymentId: 'd-AAAAAAAAA', target: TARGET });

    expect(lines()).toEqual([START_LINE, TARGET_LINE, '']);
  });

  it.each<[string, StateChange]>([
    ['batch progress', { kind: 'batch', deploymentId: 'd-AAAAAAAAA', batchNumber: 1, targetIds: ['web-1'] }],
    ['a skipped target', { kind: 'target', deploymentId: 'd-AAAAAAAAA', target: { ...TARGET, status: 'Skipped' } }],
    ['a created deployment', { kind: 'deployment', deployment: { ...DEPLOYMENT, status: 'Created' } }],
  ])('writes nothing for %s', async (_what, change) => {
    const deployments = jest.fn().mockResolvedValue(DEPLOYMENT);
    const sink = new JsonlEventSink({ stateDir, deployments });

    await sink.publish(change);

    expect(fs.existsSync(sink.file)).toBe(false);
    expect(deployments).not.toHaveBeenCalled();
  });

  it('keeps publish order when an earlier change waits longer for its deployment', async () => {
    let release: (d: Deployment) => void = () => undefined;
    const slow = new Promise<Deployment>((resolve) => (release = resolve));
    const sink = new JsonlEventSink({ stateDir, deployments: () => slow });

    const first = sink.publish({ kind: 'target', deploymentId: 'd-AAAAAAAAA', target: TARGET });
    const second = sink.publish({ kind: 'deployment', deployment: DEPLOYMENT });
    release(DEPLOYMENT);
    await Promise.all([first, second]);

    expect(lines()).toEqual([TARGET_LINE, START_LINE, '']);
  });

  it('reports a write that failed instead of failing the step', async () => {
    const notADirectory = path.join(stateDir, 'file');
    fs.writeFileSync(notADirectory, '');
    const warn = jest.fn();
    const sink = new JsonlEventSink({ stateDir: notADirectory, deployments: async () => DEPLOYMENT, warn });

    await expect(sink.publish({ kind: 'deployment', deployment: DEPLOYMENT })).resolves.toBeUndefined();

    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(`cutover: event not written to ${notADirectory}/events.jsonl: EEXIST: file already exists, mkdir '${notADirectory}'`);
  });

  it('reports a target whose deployment is not found, and still writes the changes after it', async () => {
    const warn = jest.fn();
    const deployments = jest.fn().mockResolvedValueOnce(undefined).mockResolvedValue(DEPLOYMENT);
    const sink = new JsonlEventSink({ stateDir, deployments, warn });

    await sink.publish({ kind: 'target', deploymentId: 'd-AAAAAAAAA', target: TARGET });
    await sink.publish({ kind: 'target', deploymentId: 'd-AAAAAAAAA', target: TARGET });

    expect(warn).toHaveBeenCalledWith(`cutover: event not written to ${sink.file}: deployment d-AAAAAAAAA of target web-1 not found`);
    expect(lines()).toEqual([TARGET_LINE, '']);
  });
});
