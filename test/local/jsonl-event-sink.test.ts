import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Deployment } from '../../functions/core/types';
import type { StateChange } from '../../functions/ports';
import { JsonlEventSink } from '../../lib/local/jsonl-event-sink';
import { deploymentRecord, targetRecord } from '../support/state-change-fixtures';

const DEPLOYMENT = deploymentRecord({
  status: 'InProgress',
  completeTime: undefined,
  revision: { revisionType: 'Local', localLocation: { bundlePath: '/b.tar', bundleType: 'tar', sha256: 'ab' } },
  deploymentOverview: { Pending: 1, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 },
});

const TARGET = targetRecord({ targetId: 'web-1' });

const APP = 'arn:aws:codedeploy:local:000000000000:application:shop';
const GROUP = 'arn:aws:codedeploy:local:000000000000:deploymentgroup:shop/web';

const START_LINE =
  '{"Time":"2015-11-05T17:23:09.000Z","Source":"cutover","DetailType":"Cutover Deployment State-change Notification","Detail":' +
  '"{\\"instanceGroupId\\":\\"dg-1\\",\\"region\\":\\"local\\",\\"application\\":\\"shop\\",\\"deploymentId\\":\\"d-AAAAAAAAA\\",' +
  '\\"state\\":\\"START\\",\\"deploymentGroup\\":\\"web\\",\\"status\\":\\"InProgress\\",\\"creator\\":\\"user\\"}",' +
  `"Resources":["${APP}","${GROUP}"]}`;

const TARGET_LINE =
  '{"Time":"2015-11-05T17:23:10.402Z","Source":"cutover","DetailType":"Cutover Instance State-change Notification","Detail":' +
  '"{\\"instanceGroupId\\":\\"dg-1\\",\\"region\\":\\"local\\",\\"application\\":\\"shop\\",\\"deploymentId\\":\\"d-AAAAAAAAA\\",' +
  '\\"state\\":\\"SUCCESS\\",\\"deploymentGroup\\":\\"web\\",\\"instanceId\\":\\"web-1\\",\\"status\\":\\"Succeeded\\"}",' +
  `"Resources":["arn:aws:codedeploy:local:000000000000:instance/web-1","${APP}","${GROUP}"]}`;

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
  it('appends one PutEvents entry per line: Time, Source, DetailType, Detail and Resources', async () => {
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
    expect(lines()).toEqual([TARGET_LINE, TARGET_LINE.replaceAll('web-1', 'web-2'), '']);
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
