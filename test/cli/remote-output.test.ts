// What the API commands print: --output table, and create-deployment --wait's board and change log.
import { Writable } from 'node:stream';
import type { InstanceTargetInfo } from '../../lib/cli/remote/api-shapes';
import { withBatches } from '../../lib/cli/remote/batch-inference';
import { boardLines, changeLines, changeLog, liveBoard, type Snapshot } from '../../lib/cli/remote/progress-view';
import { renderTables } from '../../lib/cli/remote/table';

const EVENTS = ['ApplicationStop', 'DownloadBundle', 'BeforeInstall', 'Install', 'AfterInstall', 'ApplicationStart', 'ValidateService'];

function target(targetId: string, status: string, done: number, batchNumber?: number, failed?: { code: string; message: string }): InstanceTargetInfo {
  return {
    targetId,
    status,
    batchNumber,
    lifecycleEvents: EVENTS.map((name, i) => ({
      lifecycleEventName: name,
      status: i < done ? 'Succeeded' : i === done && failed ? 'Failed' : i === done && status === 'InProgress' ? 'InProgress' : failed ? 'Skipped' : 'Pending',
      ...(i === done && failed ? { diagnostics: { errorCode: failed.code, message: failed.message } } : {}),
    })),
  };
}

function snapshot(status: string, targets: InstanceTargetInfo[], overview = { Succeeded: 0, Failed: 0, Skipped: 0, InProgress: 1, Pending: 2 }): Snapshot {
  return {
    deployment: { deploymentId: 'd-ABCDEFGH1', status, applicationName: 'shop', deploymentGroupName: 'web', deploymentConfigName: 'CodeDeployDefault.OneAtATime', deploymentOverview: overview },
    targets,
  };
}

function sink(columns?: number): { stream: Writable & { columns?: number }; text: () => string } {
  let text = '';
  const stream: Writable & { columns?: number } = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  stream.columns = columns;
  return { stream, text: () => text };
}

describe('--output table', () => {
  it.each([
    [{ applications: ['billing', 'shop'] }, 'applications\n------------\nbilling\nshop'],
    [{ applications: [] }, 'applications\n(none)'],
    [
      { application: { applicationName: 'shop', computePlatform: 'Server', linkedToGitHub: false } },
      'application\nfield            value\n---------------  ------\napplicationName  shop\ncomputePlatform  Server\nlinkedToGitHub   false',
    ],
    [
      { applicationName: 'shop', deploymentGroups: ['web'], nextToken: 'abc' },
      'field            value\n---------------  -----\napplicationName  shop\nnextToken        abc\n\ndeploymentGroups\n----------------\nweb',
    ],
    [
      { deploymentConfigInfo: { deploymentConfigName: 'half', minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 50 } } },
      'deploymentConfigInfo\nfield                      value\n-------------------------  -------------\ndeploymentConfigName       half\nminimumHealthyHosts.type   FLEET_PERCENT\nminimumHealthyHosts.value  50',
    ],
    [
      { revisions: [{ revisionType: 'S3', s3Location: { bucket: 'b', key: 'k' } }, { revisionType: 'Local', localLocation: { bundlePath: '/x' } }] },
      'revisions\nrevisionType  s3Location.bucket  s3Location.key  localLocation.bundlePath\n------------  -----------------  --------------  ------------------------\nS3            b                  k\nLocal                                            /x',
    ],
    [{ events: [{ name: 'Install', tags: ['a', 'b'], extra: [{ x: 1 }] }] }, 'events\nname     tags  extra\n-------  ----  ---------\nInstall  a, b  [{"x":1}]'],
  ])('%j', (value, expected) => {
    expect(renderTables(value)).toBe(expected);
  });
});

describe('create-deployment --wait progress', () => {
  const running = snapshot('InProgress', [target('host-1', 'Succeeded', 7, 1), target('host-2', 'InProgress', 4, 2), target('host-3', 'Pending', 0)]);

  it('draws one bar per batch and a line per host, hosts without a batch last', () => {
    expect(boardLines(running)).toEqual([
      'Deployment d-ABCDEFGH1 InProgress shop/web, CodeDeployDefault.OneAtATime: 0 succeeded, 0 failed, 0 skipped, 3 to go',
      `  Batch 1 [${'#'.repeat(24)}] 100% 1/1 host(s) done`,
      '    host-1    Succeeded',
      `  Batch 2 [${'#'.repeat(14)}${'.'.repeat(10)}]  57% 0/1 host(s) done`,
      '    host-2    InProgress  AfterInstall 5/7',
      '  Waiting for a batch: host-3',
    ]);
  });

  it('shows why a host failed', () => {
    const failed = snapshot('Failed', [target('host-1', 'Failed', 6, 1, { code: 'ScriptFailed', message: 'exit 3:\nboom' })]);
    expect(boardLines(failed)[2]).toBe('    host-1    Failed      ValidateService failed: ScriptFailed: exit 3: boom');
  });

  it.each([
    ['the first poll', undefined, running, [
      'Deployment d-ABCDEFGH1 InProgress shop/web, CodeDeployDefault.OneAtATime: 0 succeeded, 0 failed, 0 skipped, 3 to go',
      '  Batch 1: host-1',
      '  Batch 2: host-2',
      '    host-1 Succeeded',
      '    host-2 InProgress: AfterInstall 5/7',
    ]],
    ['no change', running, running, []],
    ['a host moving on an event', running, snapshot('InProgress', [target('host-1', 'Succeeded', 7, 1), target('host-2', 'InProgress', 5, 2), target('host-3', 'Pending', 0)]), [
      '    host-2 InProgress: ApplicationStart 6/7',
    ]],
    ['a new batch and the end', running, snapshot('Succeeded', [target('host-1', 'Succeeded', 7, 1), target('host-2', 'Succeeded', 7, 2), target('host-3', 'Succeeded', 7, 3)], { Succeeded: 3, Failed: 0, Skipped: 0, InProgress: 0, Pending: 0 }), [
      'Deployment d-ABCDEFGH1 Succeeded shop/web, CodeDeployDefault.OneAtATime: 3 succeeded, 0 failed, 0 skipped, 0 to go',
      '  Batch 3: host-3',
      '    host-2 Succeeded',
      '    host-3 Succeeded',
    ]],
  ])('logs one line per change: %s', (_, before, after, lines) => {
    expect(changeLines(before, after)).toEqual(lines);
  });

  it('redraws the board in place on a terminal, clipped to its width', () => {
    const out = sink(40);
    const board = liveBoard(out.stream);
    board.update(running);
    board.update(running);
    const frames = out.text().split('\x1b[6A\x1b[J');
    expect(frames).toHaveLength(2);
    expect(frames[0]).toBe(frames[1]);
    expect(frames[0].split('\n').every((line) => line.length <= 39)).toBe(true);
  });

  it('keeps a note above the board instead of erasing it', () => {
    const out = sink(200);
    const board = liveBoard(out.stream);
    board.update(running);
    board.note('Automatic rollback d-ROLLBACK1 started');
    board.update(running);
    expect(out.text()).not.toContain('\x1b[');
    expect(out.text()).toContain('Automatic rollback d-ROLLBACK1 started\nDeployment d-ABCDEFGH1');
  });

  it('writes only new lines when not on a terminal', () => {
    const out = sink();
    const log = changeLog(out.stream);
    log.update(running);
    log.update(running);
    expect(out.text()).not.toContain('\x1b[');
    expect(out.text().trimEnd().split('\n')).toHaveLength(5);
  });
});

describe('batches from event times', () => {
  const at = (second: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
  /** A host whose events ran [start, end] each, or still runs the last one when `end` is undefined. */
  function timed(targetId: string, spans: [number, number | undefined][], status = 'Succeeded'): InstanceTargetInfo {
    return {
      targetId,
      status,
      lifecycleEvents: spans.map(([start, end]) => ({
        lifecycleEventName: 'E',
        status: end === undefined ? 'InProgress' : 'Succeeded',
        startTime: at(start),
        ...(end === undefined ? {} : { endTime: at(end) }),
      })),
    };
  }
  const pending: InstanceTargetInfo = { targetId: 'host-9', status: 'Pending', lifecycleEvents: [{ lifecycleEventName: 'E', status: 'Pending' }] };

  it.each([
    ['one at a time', [timed('host-1', [[0, 2], [2, 4]]), timed('host-2', [[5, 6], [6, 8]]), timed('host-3', [[9, undefined]], 'InProgress')], [1, 2, 3]],
    ['two in lockstep, then one', [timed('host-1', [[0, 3], [4, 6]]), timed('host-2', [[1, 2], [4, 5]]), timed('host-3', [[7, 8]])], [1, 1, 2]],
    ['a host still running keeps later starts in its batch', [timed('host-1', [[0, undefined]], 'InProgress'), timed('host-2', [[30, 31]])], [1, 1]],
    ['waiting hosts get none', [timed('host-1', [[0, 1]]), pending], [1, undefined]],
  ])('%s', (_, targets, batches) => {
    expect(withBatches(targets).map((t) => t.batchNumber)).toEqual(batches);
  });

  it("keeps the API's own batch numbers when it gives them", () => {
    const given = [{ ...timed('host-1', [[0, 1]]), batchNumber: 4 }, timed('host-2', [[5, 6]])];
    expect(withBatches(given).map((t) => t.batchNumber)).toEqual([4, undefined]);
  });
});

describe('--wait for a Lambda or ECS deployment', () => {
  const TRAFFIC_EVENTS = ['BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'];
  const alias = (status: string, done: number): InstanceTargetInfo => ({
    targetId: 'fn:live',
    status,
    lifecycleEvents: TRAFFIC_EVENTS.map((name, i) => ({ lifecycleEventName: name, status: i < done ? 'Succeeded' : i === done ? status : 'Pending' })),
  });
  const shift = (time: string, weights: Record<string, number>) => ({ time: `2026-01-01T00:00:${time}Z`, weights });
  const traffic = (status: string, shifts: ReturnType<typeof shift>[], platform = 'Lambda', next?: ReturnType<typeof shift>): Snapshot['deployment'] => ({
    deploymentId: 'd-LAMBDA001',
    status,
    computePlatform: platform,
    applicationName: 'fns',
    deploymentGroupName: 'live',
    deploymentOverview: { Succeeded: status === 'Succeeded' ? 1 : 0, Failed: 0, Skipped: 0, InProgress: status === 'InProgress' ? 1 : 0, Pending: 0 },
    trafficShifts: shifts,
    nextShift: next,
  });

  it('draws the one target and where the traffic is, without batches', () => {
    const deployment = traffic('InProgress', [shift('01', { '1': 90, '2': 10 })], 'Lambda', shift('05', { '2': 100 }));
    expect(boardLines({ deployment, targets: [alias('InProgress', 1)] })).toEqual([
      'Deployment d-LAMBDA001 InProgress fns/live: 0 succeeded, 0 failed, 0 skipped, 1 to go',
      '  fn:live  InProgress  AllowTraffic 2/3',
      '  Traffic: version 1: 90%, version 2: 10%',
      '  Next shift at 2026-01-01T00:00:05Z: version 2: 100%',
    ]);
    expect(boardLines({ deployment: traffic('Created', []), targets: [] })).toEqual([
      'Deployment d-LAMBDA001 Created fns/live: 0 succeeded, 0 failed, 0 skipped, 0 to go',
      '  Traffic: not shifted yet',
    ]);
  });

  it('logs each traffic shift once, in order, even when a poll missed some', () => {
    const first = { deployment: traffic('InProgress', [shift('01', { '1': 90, '2': 10 })]), targets: [alias('InProgress', 1)] };
    const last = {
      deployment: traffic('Succeeded', [shift('01', { '1': 90, '2': 10 }), shift('02', { '1': 80, '2': 20 }), shift('03', { '2': 100 })]),
      targets: [alias('Succeeded', 3)],
    };
    expect(changeLines(undefined, first)).toEqual([
      'Deployment d-LAMBDA001 InProgress fns/live: 0 succeeded, 0 failed, 0 skipped, 1 to go',
      '  fn:live InProgress: AllowTraffic 2/3',
      '  Traffic shifted at 2026-01-01T00:00:01Z: version 1: 90%, version 2: 10%',
    ]);
    expect(changeLines(first, last)).toEqual([
      'Deployment d-LAMBDA001 Succeeded fns/live: 1 succeeded, 0 failed, 0 skipped, 0 to go',
      '  fn:live Succeeded',
      '  Traffic shifted at 2026-01-01T00:00:02Z: version 1: 80%, version 2: 20%',
      '  Traffic shifted at 2026-01-01T00:00:03Z: version 2: 100%',
    ]);
    expect(changeLines(last, last)).toEqual([]);
  });

  it('names ECS task sets', () => {
    const deployment = traffic('InProgress', [shift('01', { 'ecs-svc/1': 80, 'ecs-svc/2': 20 })], 'ECS');
    expect(boardLines({ deployment, targets: [] })).toContain('  Traffic: task set ecs-svc/1: 80%, task set ecs-svc/2: 20%');
  });
});
