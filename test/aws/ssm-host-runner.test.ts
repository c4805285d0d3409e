import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { CommandCorrelation, CommandRecorder } from '../../functions/aws/command-correlation';
import { SsmHostRunner } from '../../functions/aws/ssm-host-runner';
import type { HostDispatch } from '../../functions/ports';

const ssm = mockClient(SSMClient);

class RecordedCommands implements CommandRecorder {
  public readonly saved: { commandId: string; correlation: CommandCorrelation }[] = [];

  public async saveCommand(commandId: string, correlation: CommandCorrelation): Promise<void> {
    this.saved.push({ commandId, correlation });
  }
}

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

function setup(): { runner: SsmHostRunner; commands: RecordedCommands } {
  let next = 0;
  ssm.on(SendCommandCommand).callsFake(async () => ({ Command: { CommandId: `cmd-${++next}` } }));
  const commands = new RecordedCommands();
  const runner = new SsmHostRunner({ client: new SSMClient({}), commands, logGroupName: '/cutover/commands' });
  return { runner, commands };
}

beforeEach(() => ssm.reset());

describe('SsmHostRunner', () => {
  it('sends 120 hosts as three commands of 50, 50 and 20, with string-array parameters', async () => {
    // GIVEN
    const { runner, commands } = setup();
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
      Comment: 'd-ABCDEFGH1 ApplicationStart',
      CloudWatchOutputConfig: { CloudWatchOutputEnabled: true, CloudWatchLogGroupName: '/cutover/commands' },
    }));
    expected.forEach((input, n) => expect(ssm).toHaveReceivedNthCommandWith(n + 1, SendCommandCommand, input));
    // The matchers compare a subset; the inputs must be exactly these, with nothing added.
    expect(ssm.commandCalls(SendCommandCommand).map((call) => call.args[0].input)).toEqual(expected);
    expect(expected.map((input) => input.InstanceIds.length)).toEqual([50, 50, 20]);
    expect(commands.saved).toEqual(
      chunks.map((chunk, n) => ({
        commandId: `cmd-${n + 1}`,
        correlation: { deploymentId: 'd-ABCDEFGH1', batchNumber: 2, eventIndex: 3, targetIds: chunk },
      })),
    );
  });

  it('sends each script group as its own command', async () => {
    // GIVEN
    const { runner, commands } = setup();

    // WHEN
    await runner.dispatch(
      dispatchOf([
        { script: 'echo old', targetIds: ['i-00000000000000001'] },
        { script: 'echo new', targetIds: ['i-00000000000000002', 'mi-00000000000000003'] },
      ]),
    );

    // THEN
    expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 2);
    expect(ssm).toHaveReceivedNthCommandWith(1, SendCommandCommand, {
      InstanceIds: ['i-00000000000000001'],
      Parameters: { commands: ['echo old'], executionTimeout: ['900'] },
    });
    expect(ssm).toHaveReceivedNthCommandWith(2, SendCommandCommand, {
      InstanceIds: ['i-00000000000000002', 'mi-00000000000000003'],
      Parameters: { commands: ['echo new'], executionTimeout: ['900'] },
    });
    expect(commands.saved.map((saved) => saved.correlation.targetIds)).toEqual([
      ['i-00000000000000001'],
      ['i-00000000000000002', 'mi-00000000000000003'],
    ]);
  });

  it('keeps the comment within 100 characters and the execution timeout within what SSM accepts', async () => {
    // GIVEN
    const { runner } = setup();
    const longId = `d-${'X'.repeat(120)}`;

    // WHEN
    await runner.dispatch(
      dispatchOf([{ script: 'true', targetIds: ['i-00000000000000001'] }], { deploymentId: longId, timeoutSeconds: 200_000.5 }),
    );

    // THEN
    const input = ssm.commandCalls(SendCommandCommand)[0].args[0].input;
    expect(input.Comment).toBe(`${longId} ApplicationStart`.slice(0, 100));
    expect(input.Parameters).toEqual({ commands: ['true'], executionTimeout: ['172800'] });
  });

  it('sends nothing for a dispatch without hosts', async () => {
    const { runner, commands } = setup();

    await runner.dispatch(dispatchOf([{ script: 'true', targetIds: [] }]));

    expect(ssm).not.toHaveReceivedCommand(SendCommandCommand);
    expect(commands.saved).toEqual([]);
  });

  it('fails when SSM returns no command id, before recording anything', async () => {
    // GIVEN
    ssm.on(SendCommandCommand).resolves({});
    const commands = new RecordedCommands();
    const runner = new SsmHostRunner({ client: new SSMClient({}), commands, logGroupName: '/cutover/commands' });

    // WHEN / THEN
    await expect(runner.dispatch(dispatchOf([{ script: 'true', targetIds: ['i-00000000000000001'] }]))).rejects.toThrow(
      'SendCommand returned no CommandId for d-ABCDEFGH1 ApplicationStart on i-00000000000000001',
    );
    expect(commands.saved).toEqual([]);
  });
});
