import {
  CancelCommandCommand,
  type Command,
  type CommandInvocation,
  type CommandInvocationStatus,
  type CommandStatus,
  DescribeInstanceInformationCommand,
  type DescribeInstanceInformationCommandInput,
  GetCommandInvocationCommand,
  InvocationDoesNotExist,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  type ListCommandsCommandInput,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { SsmHostRunner } from '../../functions/aws/ssm-host-runner';
import type { HostCollection, HostDispatch } from '../../functions/ports';

const ssm = mockClient(SSMClient);
const runner = new SsmHostRunner({ client: new SSMClient({}), logGroupName: '/cutover/commands' });

const COMMENT = 'cutover d-ABCDEFGH1 b2 e3 ApplicationStart';
const HOST_A = 'i-0000000000000000a';
const HOST_B = 'i-0000000000000000b';
const HOST_C = 'mi-0000000000000000c';

const instanceIds = (count: number, prefix = 'i-0000000000000'): string[] =>
  Array.from({ length: count }, (_, n) => `${prefix}${n.toString(16).padStart(4, '0')}`);

const dispatchOf = (scripts: HostDispatch['scripts'], overrides: Partial<HostDispatch> = {}): HostDispatch => ({
  deploymentId: 'd-ABCDEFGH1',
  batchNumber: 2,
  eventIndex: 3,
  eventName: 'ApplicationStart',
  scripts,
  timeoutSeconds: 900,
  ...overrides,
});

const collectionOf = (targetIds: readonly string[]): HostCollection => ({
  deploymentId: 'd-ABCDEFGH1',
  batchNumber: 2,
  eventIndex: 3,
  eventName: 'ApplicationStart',
  targetIds,
  dispatchedAt: '2026-11-26T10:04:00.250Z',
});

// 60 s of clock-skew margin before the dispatch, in whole seconds.
const LIST_INPUT = { Filters: [{ key: 'InvokedAfter', value: '2026-11-26T10:03:00Z' }], Details: false, MaxResults: 50 };

const listed = (commandId: string, instanceId: string, status: CommandInvocationStatus, comment = COMMENT): CommandInvocation => ({
  CommandId: commandId,
  InstanceId: instanceId,
  Comment: comment,
  DocumentName: 'AWS-RunShellScript',
  RequestedDateTime: new Date('2026-11-26T10:04:01.000Z'),
  Status: status,
  StatusDetails: status,
});

/** SSM answers every lookup with the asked-for nodes Online, except those named here. */
function nodesOnlineExcept(offline: Readonly<Record<string, 'ConnectionLost' | 'absent'>> = {}): void {
  ssm.on(DescribeInstanceInformationCommand).callsFake((input: DescribeInstanceInformationCommandInput) => ({
    InstanceInformationList: (input.Filters?.[0]?.Values ?? [])
      .filter((id) => offline[id] !== 'absent')
      .map((id) => ({
        InstanceId: id,
        PingStatus: offline[id] ?? 'Online',
        LastPingDateTime: new Date('2026-11-26T09:00:00.000Z'),
      })),
  }));
}

beforeEach(() => {
  ssm.reset();
  ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
  nodesOnlineExcept();
});

describe('SsmHostRunner.dispatch', () => {
  it('sends 120 hosts as three commands of 50, 50 and 20, each carrying the correlation in its Comment', async () => {
    // GIVEN
    const ids = instanceIds(120);

    // WHEN
    await runner.dispatch(dispatchOf([{ script: '#!/bin/bash\necho start', targetIds: ids }]));

    // THEN
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 3);
    const chunks = [ids.slice(0, 50), ids.slice(50, 100), ids.slice(100)];
    const expected = chunks.map((chunk) => ({
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: chunk,
      Parameters: { commands: ['#!/bin/bash\necho start'], executionTimeout: ['900'] },
      TimeoutSeconds: 600,
      MaxConcurrency: '100%',
      MaxErrors: '100%',
      Comment: COMMENT,
      CloudWatchOutputConfig: { CloudWatchOutputEnabled: true, CloudWatchLogGroupName: '/cutover/commands' },
    }));
    // The matchers compare a subset; the inputs must be exactly these, with nothing added.
    expect(ssm.commandCalls(SendCommandCommand).map((call) => call.args[0].input)).toEqual(expected);
    expect(expected.map((input) => input.InstanceIds.length)).toEqual([50, 50, 20]);
    // Besides the reachability lookups (50 ids each), nothing but SendCommand: the Comment is the correlation.
    expect(ssm.commandCalls(DescribeInstanceInformationCommand).map((call) => call.args[0].input)).toEqual(
      chunks.map((chunk) => ({ Filters: [{ Key: 'InstanceIds', Values: chunk }], MaxResults: 50 })),
    );
    expect(ssm.calls()).toHaveLength(6);
  });

  it('sends nothing to hosts SSM does not report Online and returns each with the reason', async () => {
    // GIVEN
    const lost = 'i-00000000000000002';
    const unknown = 'mi-00000000000000003';
    nodesOnlineExcept({ [lost]: 'ConnectionLost', [unknown]: 'absent' });
    const sent: string[][] = [];

    // WHEN
    const outcome = await runner.dispatch(
      dispatchOf([{ script: 'true', targetIds: ['i-00000000000000001', lost, unknown] }]),
      async (ids) => {
        sent.push([...ids]);
      },
    );

    // THEN
    expect(ssm.commandCalls(SendCommandCommand).map((call) => call.args[0].input.InstanceIds)).toEqual([['i-00000000000000001']]);
    expect(sent).toEqual([['i-00000000000000001']]);
    expect(outcome.unreachable).toEqual([
      { targetId: lost, reason: expect.stringMatching(/^SSM reports i-00000000000000002 ConnectionLost \(last contact .* at 2026-11-26T09:00:00.000Z\)/) },
      { targetId: unknown, reason: expect.stringMatching(/^SSM does not list mi-00000000000000003 as a managed node.*AmazonSSMManagedInstanceCore/) },
    ]);
  });

  it('sends no command at all when no host is reachable', async () => {
    nodesOnlineExcept({ 'i-00000000000000001': 'absent' });

    const outcome = await runner.dispatch(dispatchOf([{ script: 'true', targetIds: ['i-00000000000000001'] }]));

    expect(ssm).not.toHaveReceivedCommand(SendCommandCommand);
    expect(outcome.unreachable.map((host) => host.targetId)).toEqual(['i-00000000000000001']);
  });

  it('follows NextToken when SSM pages a lookup', async () => {
    ssm
      .on(DescribeInstanceInformationCommand)
      .resolvesOnce({ InstanceInformationList: [{ InstanceId: 'i-00000000000000001', PingStatus: 'Online' }], NextToken: 'more' })
      .resolvesOnce({ InstanceInformationList: [{ InstanceId: 'i-00000000000000002', PingStatus: 'Online' }] });

    const outcome = await runner.dispatch(dispatchOf([{ script: 'true', targetIds: ['i-00000000000000001', 'i-00000000000000002'] }]));

    expect(outcome.unreachable).toEqual([]);
    expect(ssm).toHaveReceivedNthCommandWith(2, DescribeInstanceInformationCommand, {
      Filters: [{ Key: 'InstanceIds', Values: ['i-00000000000000001', 'i-00000000000000002'] }],
      MaxResults: 50,
      NextToken: 'more',
    });
    expect(ssm).toHaveReceivedCommandWith(SendCommandCommand, { InstanceIds: ['i-00000000000000001', 'i-00000000000000002'] });
  });

  it('reports each chunk as sent once SSM has it, so a failure in a later chunk leaves the earlier ones marked', async () => {
    const ids = instanceIds(120);
    ssm
      .on(SendCommandCommand)
      .resolvesOnce({ Command: { CommandId: 'cmd-1' } })
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const sent: string[][] = [];

    await expect(
      runner.dispatch(dispatchOf([{ script: '#!/bin/bash\necho start', targetIds: ids }]), async (targetIds) => {
        sent.push([...targetIds]);
      }),
    ).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(sent).toEqual([ids.slice(0, 50)]);
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 2);
  });

  it('sends each script group as its own command, all under the same comment', async () => {
    // WHEN
    await runner.dispatch(
      dispatchOf([
        { script: 'echo old', targetIds: ['i-00000000000000001'] },
        { script: 'echo new', targetIds: ['i-00000000000000002', 'mi-00000000000000003'] },
      ]),
    );

    // THEN
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 2);
    const sends = ssm.commandCalls(SendCommandCommand).map((call) => call.args[0].input);
    expect(sends).toMatchObject([
      { InstanceIds: ['i-00000000000000001'], Parameters: { commands: ['echo old'], executionTimeout: ['900'] }, Comment: COMMENT },
      {
        InstanceIds: ['i-00000000000000002', 'mi-00000000000000003'],
        Parameters: { commands: ['echo new'], executionTimeout: ['900'] },
        Comment: COMMENT,
      },
    ]);
  });

  it('names batch and event in the comment and keeps the execution timeout within what SSM accepts', async () => {
    await runner.dispatch(
      dispatchOf([{ script: 'true', targetIds: ['i-00000000000000001'] }], {
        batchNumber: 12,
        eventIndex: 10,
        eventName: 'BeforeAllowTraffic',
        timeoutSeconds: 200_000.5,
      }),
    );

    expect(ssm).toHaveReceivedCommandWith(SendCommandCommand, {
      Comment: 'cutover d-ABCDEFGH1 b12 e10 BeforeAllowTraffic',
      Parameters: { commands: ['true'], executionTimeout: ['172800'] },
    });
  });

  it('sends nothing for a dispatch without hosts', async () => {
    await runner.dispatch(dispatchOf([{ script: 'true', targetIds: [] }]));

    expect(ssm.calls()).toHaveLength(0);
  });

  it('refuses, before sending anything, an event its comment could not name', async () => {
    const attempt = runner.dispatch(dispatchOf([{ script: 'true', targetIds: ['i-00000000000000001'] }], { deploymentId: 'deploy-42' }));

    await expect(attempt).rejects.toThrow(/^Cannot name .*"deploy-42".* in an SSM command comment$/);
    expect(ssm).not.toHaveReceivedCommand(SendCommandCommand);
  });
});

describe('SsmHostRunner.collect', () => {
  it('pages through the invocations of a host to the one this event sent, and reports it like its status event would', async () => {
    // GIVEN: the first page holds an older event's command, another tool's and the next event's; the second, ours.
    ssm
      .on(ListCommandInvocationsCommand, { InstanceId: HOST_A })
      .resolves({
        CommandInvocations: [
          listed('cmd-earlier', HOST_A, 'Success', 'cutover d-ABCDEFGH1 b2 e2 AfterInstall'),
          listed('cmd-other-tool', HOST_A, 'Success', 'nightly patching'),
          listed('cmd-other-batch', HOST_A, 'Success', 'cutover d-ABCDEFGH1 b1 e3 ApplicationStart'),
        ],
        NextToken: 'page-2',
      })
      .on(ListCommandInvocationsCommand, { InstanceId: HOST_A, NextToken: 'page-2' })
      .resolves({ CommandInvocations: [listed('cmd-ours', HOST_A, 'Failed')] });
    ssm.on(GetCommandInvocationCommand).resolves({
      CommandId: 'cmd-ours',
      InstanceId: HOST_A,
      Comment: COMMENT,
      Status: 'Failed',
      StatusDetails: 'Failed',
      ResponseCode: 3,
      ExecutionStartDateTime: '2026-11-26T10:04:30.000Z',
      ExecutionEndDateTime: '2026-11-26T10:04:32.000Z',
      StandardOutputContent: 'starting\n@@cutover result=ScriptFailed exit=3\n',
      StandardErrorContent: '',
    });

    // WHEN
    const reports = await runner.collect(collectionOf([HOST_A]));

    // THEN
    expect(reports).toEqual([
      {
        deploymentId: 'd-ABCDEFGH1',
        batchNumber: 2,
        eventIndex: 3,
        targetId: HOST_A,
        exitCode: 3,
        output: '[cutover] SSM status Failed (Failed).\nstarting\n@@cutover result=ScriptFailed exit=3\n',
        startTime: '2026-11-26T10:04:30.000Z',
        endTime: '2026-11-26T10:04:32.000Z',
      },
    ]);
    expect(ssm).toHaveReceivedCommandTimes(ListCommandInvocationsCommand, 2);
    expect(ssm).toHaveReceivedNthCommandWith(1, ListCommandInvocationsCommand, { InstanceId: HOST_A, ...LIST_INPUT });
    expect(ssm.commandCalls(ListCommandInvocationsCommand).map((call) => call.args[0].input)).toEqual([
      { InstanceId: HOST_A, ...LIST_INPUT },
      { InstanceId: HOST_A, ...LIST_INPUT, NextToken: 'page-2' },
    ]);
    expect(ssm.commandCalls(GetCommandInvocationCommand).map((call) => call.args[0].input)).toEqual([
      { CommandId: 'cmd-ours', InstanceId: HOST_A },
    ]);
  });

  it('returns reports in target order and leaves out hosts still running or without an invocation', async () => {
    // GIVEN: A succeeded, B is still running, C has nothing since the dispatch, D never got the script (ResponseCode -1).
    const hostD = 'i-0000000000000000d';
    ssm
      .on(ListCommandInvocationsCommand, { InstanceId: HOST_A })
      .resolves({ CommandInvocations: [listed('cmd-1', HOST_A, 'Success')] })
      .on(ListCommandInvocationsCommand, { InstanceId: HOST_B })
      .resolves({ CommandInvocations: [listed('cmd-1', HOST_B, 'InProgress'), listed('cmd-2', HOST_B, 'Cancelling')] })
      .on(ListCommandInvocationsCommand, { InstanceId: HOST_C })
      .resolves({ CommandInvocations: [] })
      .on(ListCommandInvocationsCommand, { InstanceId: hostD })
      .resolves({ CommandInvocations: [listed('cmd-2', hostD, 'TimedOut')] });
    ssm
      .on(GetCommandInvocationCommand, { CommandId: 'cmd-1', InstanceId: HOST_A })
      .resolves({
        Comment: COMMENT,
        Status: 'Success',
        StatusDetails: 'Success',
        ResponseCode: 0,
        ExecutionStartDateTime: '2026-11-26T10:04:02.000Z',
        ExecutionEndDateTime: '2026-11-26T10:04:03.000Z',
        StandardOutputContent: 'ok\n',
      })
      .on(GetCommandInvocationCommand, { CommandId: 'cmd-2', InstanceId: hostD })
      .resolves({ Comment: COMMENT, Status: 'TimedOut', StatusDetails: 'DeliveryTimedOut', ResponseCode: -1, ExecutionStartDateTime: '' });

    // WHEN
    const reports = await runner.collect(collectionOf([hostD, HOST_C, HOST_B, HOST_A]));

    // THEN
    expect(reports).toEqual([
      {
        deploymentId: 'd-ABCDEFGH1',
        batchNumber: 2,
        eventIndex: 3,
        targetId: hostD,
        exitCode: 255,
        output: `[cutover] SSM did not run the script on ${hostD} (ResponseCode -1).\n[cutover] SSM status TimedOut (DeliveryTimedOut).`,
        // SSM leaves the execution times empty; the invocation's request time stands in.
        startTime: '2026-11-26T10:04:01.000Z',
        endTime: '2026-11-26T10:04:01.000Z',
      },
      {
        deploymentId: 'd-ABCDEFGH1',
        batchNumber: 2,
        eventIndex: 3,
        targetId: HOST_A,
        exitCode: 0,
        output: 'ok\n',
        startTime: '2026-11-26T10:04:02.000Z',
        endTime: '2026-11-26T10:04:03.000Z',
      },
    ]);
    for (const instanceId of [HOST_A, HOST_B, HOST_C, hostD]) {
      expect(ssm).toHaveReceivedCommandWith(ListCommandInvocationsCommand, { InstanceId: instanceId, ...LIST_INPUT });
    }
    expect(ssm).toHaveReceivedCommandTimes(ListCommandInvocationsCommand, 4);
    expect(ssm).toHaveReceivedCommandTimes(GetCommandInvocationCommand, 2);
  });

  it('leaves out a host whose invocation GetCommandInvocation does not have yet', async () => {
    ssm.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [listed('cmd-1', HOST_A, 'Success')] });
    ssm.on(GetCommandInvocationCommand).rejects(new InvocationDoesNotExist({ message: 'no such invocation', $metadata: {} }));

    await expect(runner.collect(collectionOf([HOST_A]))).resolves.toEqual([]);
  });

  it('passes on other SSM errors (throttling left after the SDK retries, access denied)', async () => {
    ssm.on(ListCommandInvocationsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    await expect(runner.collect(collectionOf([HOST_A, HOST_B]))).rejects.toThrow('Rate exceeded');
  });

  it('looks up at most five hosts at once', async () => {
    // GIVEN: every lookup holds until the test has seen how many run together.
    let running = 0;
    let most = 0;
    ssm.on(ListCommandInvocationsCommand).callsFake(async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return { CommandInvocations: [] };
    });

    // WHEN
    await expect(runner.collect(collectionOf(instanceIds(12)))).resolves.toEqual([]);

    // THEN
    expect(most).toBe(5);
    expect(ssm).toHaveReceivedCommandTimes(ListCommandInvocationsCommand, 12);
  });

  it('asks SSM nothing for no hosts, and refuses a dispatch time that is not one', async () => {
    await expect(runner.collect(collectionOf([]))).resolves.toEqual([]);
    expect(ssm.calls()).toHaveLength(0);

    await expect(runner.collect({ ...collectionOf([HOST_A]), dispatchedAt: 'yesterday' })).rejects.toThrow(
      "dispatchedAt must be an ISO 8601 time (got 'yesterday')",
    );
  });
});

describe('SsmHostRunner.cancel', () => {
  // Commands of the whole account still executing since the dispatch (less the skew margin), of Cutover's document.
  const LIST_COMMANDS_INPUT: ListCommandsCommandInput = {
    Filters: [
      { key: 'InvokedAfter', value: '2026-11-26T10:03:00Z' },
      { key: 'ExecutionStage', value: 'Executing' },
      { key: 'DocumentName', value: 'AWS-RunShellScript' },
    ],
    MaxResults: 50,
  };

  const command = (commandId: string, instanceIds: string[], status: CommandStatus = 'InProgress', comment = COMMENT): Command => ({
    CommandId: commandId,
    Comment: comment,
    DocumentName: 'AWS-RunShellScript',
    InstanceIds: instanceIds,
    RequestedDateTime: new Date('2026-11-26T10:04:01.000Z'),
    Status: status,
  });

  it('cancels, on the hosts asked for only, each running command sent for the event, found by its comment over every page', async () => {
    // GIVEN: page 1 holds another event's command, another tool's and one of ours; page 2 a resent one of ours.
    ssm
      .on(ListCommandsCommand, LIST_COMMANDS_INPUT)
      .resolves({
        Commands: [
          command('cmd-earlier', [HOST_A, HOST_B], 'InProgress', 'cutover d-ABCDEFGH1 b2 e2 AfterInstall'),
          command('cmd-other-tool', [HOST_A], 'InProgress', 'nightly patching'),
          command('cmd-ours', [HOST_A, HOST_B, HOST_C]),
        ],
        NextToken: 'page-2',
      })
      .on(ListCommandsCommand, { ...LIST_COMMANDS_INPUT, NextToken: 'page-2' })
      .resolves({ Commands: [command('cmd-resent', [HOST_B])] });
    ssm.on(CancelCommandCommand).resolves({});

    // WHEN: host C's script has already been closed by a report; only A and B are cancelled.
    await runner.cancel(collectionOf([HOST_A, HOST_B]));

    // THEN
    expect(ssm.commandCalls(ListCommandsCommand).map((call) => call.args[0].input)).toEqual([
      LIST_COMMANDS_INPUT,
      { ...LIST_COMMANDS_INPUT, NextToken: 'page-2' },
    ]);
    expect(ssm.commandCalls(CancelCommandCommand).map((call) => call.args[0].input)).toEqual([
      { CommandId: 'cmd-ours', InstanceIds: [HOST_A, HOST_B] },
      { CommandId: 'cmd-resent', InstanceIds: [HOST_B] },
    ]);
    expect(ssm.calls()).toHaveLength(4);
  });

  it.each<[string, Command[]]>([
    ['a command of the event that has finished', [command('cmd-done', [HOST_A], 'Success'), command('cmd-cancelled', [HOST_A], 'Cancelled')]],
    ['a command of the event on other hosts only', [command('cmd-elsewhere', [HOST_C])]],
    ['no command since the dispatch', []],
  ])('cancels nothing for %s', async (_case, commands) => {
    ssm.on(ListCommandsCommand).resolves({ Commands: commands });

    await runner.cancel(collectionOf([HOST_A, HOST_B]));

    expect(ssm).not.toHaveReceivedCommand(CancelCommandCommand);
  });

  it('takes a command that ended between the list and the cancel (InvalidCommandId) as nothing left to stop', async () => {
    ssm.on(ListCommandsCommand).resolves({ Commands: [command('cmd-gone', [HOST_A]), command('cmd-ours', [HOST_B])] });
    ssm
      .on(CancelCommandCommand, { CommandId: 'cmd-gone' })
      .rejects(Object.assign(new Error('Invalid command id'), { name: 'InvalidCommandId' }))
      .on(CancelCommandCommand, { CommandId: 'cmd-ours' })
      .resolves({});

    await runner.cancel(collectionOf([HOST_A, HOST_B]));

    expect(ssm.commandCalls(CancelCommandCommand).map((call) => call.args[0].input.CommandId)).toEqual(['cmd-gone', 'cmd-ours']);
  });

  it('cancels the other hosts one by one when one of them is no longer a node SSM can reach (InvalidInstanceId)', async () => {
    // GIVEN: host B was terminated mid-event; SSM refuses a cancel that names it.
    ssm.on(ListCommandsCommand).resolves({ Commands: [command('cmd-ours', [HOST_A, HOST_B, HOST_C])] });
    const gone = Object.assign(new Error('Instances [[i-b]] not in a valid state'), { name: 'InvalidInstanceId' });
    ssm
      .on(CancelCommandCommand, { CommandId: 'cmd-ours', InstanceIds: [HOST_A, HOST_B, HOST_C] })
      .rejects(gone)
      .on(CancelCommandCommand, { CommandId: 'cmd-ours', InstanceIds: [HOST_B] })
      .rejects(gone)
      .on(CancelCommandCommand, { CommandId: 'cmd-ours', InstanceIds: [HOST_A] })
      .resolves({})
      .on(CancelCommandCommand, { CommandId: 'cmd-ours', InstanceIds: [HOST_C] })
      .resolves({});

    // WHEN / THEN: the cancel completes, and A's and C's scripts are cancelled all the same.
    await runner.cancel(collectionOf([HOST_A, HOST_B, HOST_C]));
    expect(ssm.commandCalls(CancelCommandCommand).map((call) => call.args[0].input.InstanceIds)).toEqual([
      [HOST_A, HOST_B, HOST_C],
      [HOST_A],
      [HOST_B],
      [HOST_C],
    ]);
  });

  it('rejects with the error of a cancel SSM refused for another reason, so the alarm event is delivered again', async () => {
    ssm.on(ListCommandsCommand).resolves({ Commands: [command('cmd-ours', [HOST_A])] });
    ssm.on(CancelCommandCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    await expect(runner.cancel(collectionOf([HOST_A]))).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
