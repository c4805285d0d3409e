import { GetCommandInvocationCommand, InvocationDoesNotExist, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { CommandInvocationNotReadyError, SsmCommandReporter } from '../../functions/aws/ssm-command-report';
import { ValidationError } from '../../functions/core/errors';

const COMMAND_ID = 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b';
const INSTANCE_ID = 'i-0123456789abcdef0';
// What SsmHostRunner sends for batch 2, event 5 of d-ABCDEFGH1.
const COMMENT = 'cutover d-ABCDEFGH1 b2 e5 ApplicationStart';
// The deployment, batch, event and host that a report of the invocation with COMMENT on INSTANCE_ID names.
const REPORT_OF_COMMENT = { deploymentId: 'd-ABCDEFGH1', batchNumber: 2, eventIndex: 5, targetId: INSTANCE_ID };

const ssm = mockClient(SSMClient);
const reporter = new SsmCommandReporter({ client: new SSMClient({}) });

// The shape SSM puts on the default bus (aws-contracts.md §1.5).
const statusEvent = (detail: Record<string, unknown> = {}): Record<string, unknown> => ({
  version: '0',
  id: '4780e1b8-f56b-4de5-95f2-95db273d1602',
  'detail-type': 'EC2 Command Invocation Status-change Notification',
  source: 'aws.ssm',
  account: '123456789012',
  time: '2026-11-26T10:05:00Z',
  region: 'eu-west-1',
  resources: [`arn:aws:ec2:eu-west-1:123456789012:instance/${INSTANCE_ID}`],
  detail: {
    'command-id': COMMAND_ID,
    'document-name': 'AWS-RunShellScript',
    'instance-id': INSTANCE_ID,
    'requested-date-time': '2026-11-26T10:04:00.000Z',
    status: 'Success',
    ...detail,
  },
});

beforeEach(() => ssm.reset());

describe('SsmCommandReporter', () => {
  it('turns a finished invocation into a HostReport with its exit code and output', async () => {
    ssm.on(GetCommandInvocationCommand).resolves({
      CommandId: COMMAND_ID,
      InstanceId: INSTANCE_ID,
      Comment: COMMENT,
      Status: 'Success',
      StatusDetails: 'Success',
      ResponseCode: 0,
      ExecutionStartDateTime: '2026-11-26T10:04:30.439Z',
      ExecutionEndDateTime: '2026-11-26T10:04:31.000Z',
      StandardOutputContent: 'started\n',
      StandardErrorContent: '',
    });

    await expect(reporter.toHostReport(statusEvent())).resolves.toEqual({
      ...REPORT_OF_COMMENT,
      exitCode: 0,
      output: 'started\n',
      startTime: '2026-11-26T10:04:30.439Z',
      endTime: '2026-11-26T10:04:31.000Z',
    });
    expect(ssm).toHaveReceivedCommandTimes(GetCommandInvocationCommand, 1);
    expect(ssm).toHaveReceivedCommandWith(GetCommandInvocationCommand, { CommandId: COMMAND_ID, InstanceId: INSTANCE_ID });
    expect(ssm.commandCalls(GetCommandInvocationCommand).map((call) => call.args[0].input)).toEqual([
      { CommandId: COMMAND_ID, InstanceId: INSTANCE_ID },
    ]);
  });

  it('reports a failed script with its own exit code, keeping stdout (and its result marker) last', async () => {
    ssm.on(GetCommandInvocationCommand).resolves({
      Comment: COMMENT,
      Status: 'Failed',
      StatusDetails: 'Failed',
      ResponseCode: 3,
      ExecutionStartDateTime: '2026-11-26T10:04:30.000Z',
      ExecutionEndDateTime: '2026-11-26T10:04:32.000Z',
      StandardOutputContent: 'checking\n@@cutover result=ScriptFailed exit=3\n',
      StandardErrorContent: 'agent: warning\n',
    });

    const report = await reporter.toHostReport(statusEvent({ status: 'Failed' }));

    expect(report).toMatchObject({
      exitCode: 3,
      output: '[cutover] SSM status Failed (Failed).\nagent: warning\n\nchecking\n@@cutover result=ScriptFailed exit=3\n',
    });
  });

  it('says so when SSM cut the output short', async () => {
    ssm.on(GetCommandInvocationCommand).resolves({
      Comment: COMMENT,
      Status: 'Success',
      ResponseCode: 0,
      StandardOutputContent: 'x'.repeat(24_000),
      StandardErrorContent: 'e'.repeat(8_000),
    });

    const report = await reporter.toHostReport(statusEvent());

    expect(report?.output).toBe(
      '[cutover] SSM returned only the first 24000 characters of output; the command output log group has all of it.\n' +
        '[cutover] SSM returned only the first 8000 characters of error output; the command output log group has all of it.\n' +
        `${'e'.repeat(8_000)}\n${'x'.repeat(24_000)}`,
    );
  });

  it('maps ResponseCode -1 (never ran) to exit code 255 with a message, timed from the event', async () => {
    ssm.on(GetCommandInvocationCommand).resolves({
      Comment: COMMENT,
      Status: 'TimedOut',
      StatusDetails: 'DeliveryTimedOut',
      ResponseCode: -1,
      ExecutionStartDateTime: '',
      ExecutionEndDateTime: '',
      StandardOutputContent: '',
      StandardErrorContent: '',
    });

    await expect(reporter.toHostReport(statusEvent({ status: 'TimedOut' }))).resolves.toEqual({
      ...REPORT_OF_COMMENT,
      exitCode: 255,
      output:
        `[cutover] SSM did not run the script on ${INSTANCE_ID} (ResponseCode -1).\n` +
        '[cutover] SSM status TimedOut (DeliveryTimedOut).',
      startTime: '2026-11-26T10:05:00.000Z',
      endTime: '2026-11-26T10:05:00.000Z',
    });
  });

  it('reports a script stopped at its execution timeout as failed, with what it printed so far', async () => {
    ssm.on(GetCommandInvocationCommand).resolves({
      Comment: COMMENT,
      Status: 'TimedOut',
      StatusDetails: 'ExecutionTimedOut',
      ResponseCode: 0,
      ExecutionStartDateTime: '2026-11-26T10:04:30.000Z',
      ExecutionEndDateTime: '2026-11-26T10:19:30.000Z',
      StandardOutputContent: 'waiting for the service\n',
      StandardErrorContent: '',
    });

    await expect(reporter.toHostReport(statusEvent({ status: 'TimedOut' }))).resolves.toEqual({
      ...REPORT_OF_COMMENT,
      exitCode: 255,
      output: '[cutover] SSM status TimedOut (ExecutionTimedOut).\nwaiting for the service\n',
      startTime: '2026-11-26T10:04:30.000Z',
      endTime: '2026-11-26T10:19:30.000Z',
    });
  });

  it('never reports success for a cancelled invocation that left ResponseCode 0', async () => {
    ssm.on(GetCommandInvocationCommand).resolves({ Comment: COMMENT, Status: 'Cancelled', StatusDetails: 'Cancelled', ResponseCode: 0 });

    await expect(reporter.toHostReport(statusEvent({ status: 'Cancelled' }))).resolves.toMatchObject({ exitCode: 255 });
  });

  it('asks to be retried when SSM does not know the invocation yet', async () => {
    ssm.on(GetCommandInvocationCommand).rejects(new InvocationDoesNotExist({ message: 'no such invocation', $metadata: {} }));

    const attempt = reporter.toHostReport(statusEvent());

    await expect(attempt).rejects.toBeInstanceOf(CommandInvocationNotReadyError);
    await expect(attempt).rejects.toMatchObject({ name: 'CommandInvocationNotReadyError' });
  });

  it('asks to be retried when the invocation has not settled behind the event', async () => {
    ssm.on(GetCommandInvocationCommand).resolves({ Comment: COMMENT, Status: 'InProgress', ResponseCode: -1 });

    await expect(reporter.toHostReport(statusEvent())).rejects.toThrow(
      `SSM invocation ${COMMAND_ID} on ${INSTANCE_ID} is not settled yet: status InProgress`,
    );
  });

  it('ignores a status that is not final without calling SSM', async () => {
    await expect(reporter.toHostReport(statusEvent({ status: 'InProgress' }))).resolves.toBeUndefined();
    expect(ssm).not.toHaveReceivedCommand(GetCommandInvocationCommand);
  });

  it.each([
    ['another tool', 'nightly patching'],
    ['no comment', undefined],
    ['a comment in the wrong format', 'cutover d-ABCDEFGH1 ApplicationStart'],
  ])('ignores the invocation of a command with %s, settled or not', async (_case, comment) => {
    // Not Cutover's: even an unsettled status is no reason for a retry.
    ssm.on(GetCommandInvocationCommand).resolves({ Comment: comment, Status: 'InProgress', ResponseCode: 7 });

    await expect(reporter.toHostReport(statusEvent())).resolves.toBeUndefined();
    expect(ssm).toHaveReceivedCommandWith(GetCommandInvocationCommand, { CommandId: COMMAND_ID, InstanceId: INSTANCE_ID });
  });

  it('rejects an event without the fields it needs, naming them', async () => {
    const event = statusEvent();
    const { 'command-id': _dropped, ...detail } = event.detail as Record<string, unknown>;

    const attempt = reporter.toHostReport({ ...event, detail });

    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(/^detail\.command-id: /);
  });
});
