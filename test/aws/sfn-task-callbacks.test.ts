import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  CallbackOutputTooLargeError,
  MAX_CAUSE_LENGTH,
  MAX_ERROR_LENGTH,
  SfnTaskCallbacks,
  truncate,
} from '../../functions/aws/sfn-task-callbacks';

const sfn = mockClient(SFNClient);
const callbacks = new SfnTaskCallbacks(new SFNClient({}));

beforeEach(() => sfn.reset());

describe('SfnTaskCallbacks.succeed', () => {
  it('sends the output as JSON', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});

    await callbacks.succeed('token-1', { action: 'run', batchNumber: 1, eventIndex: 4 });

    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input).toEqual({
      taskToken: 'token-1',
      output: '{"action":"run","batchNumber":1,"eventIndex":4}',
    });
  });

  it('sends an empty object for an undefined output', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});

    await callbacks.succeed('token-1', undefined);

    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-1', output: '{}' });
  });

  it('refuses an output over 262,144 UTF-8 bytes without calling Step Functions', async () => {
    // 87,382 three-byte characters: 262,146 bytes of text, plus the quotes.
    const output = '€'.repeat(87_382);

    await expect(callbacks.succeed('token-1', output)).rejects.toBeInstanceOf(CallbackOutputTooLargeError);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it.each([
    ['TaskTimedOut', new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} })],
    ['TaskDoesNotExist', new TaskDoesNotExist({ message: 'Task does not exist', $metadata: {} })],
  ])('treats %s (a duplicate or late callback) as already resolved', async (_name, error) => {
    sfn.on(SendTaskSuccessCommand).rejects(error);

    await expect(callbacks.succeed('token-1', {})).resolves.toBeUndefined();
  });

  it('passes other errors on', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(new InvalidToken({ message: 'Invalid token', $metadata: {} }));

    await expect(callbacks.succeed('token-1', {})).rejects.toBeInstanceOf(InvalidToken);
  });
});

describe('SfnTaskCallbacks.fail', () => {
  it('sends error and cause unchanged when they fit', async () => {
    sfn.on(SendTaskFailureCommand).resolves({});

    await callbacks.fail('token-2', 'ScriptFailed', 'exit 3');

    expect(sfn.commandCalls(SendTaskFailureCommand)[0].args[0].input).toEqual({
      taskToken: 'token-2',
      error: 'ScriptFailed',
      cause: 'exit 3',
    });
  });

  it('truncates the error to 256 and the cause to 32,768 characters', async () => {
    sfn.on(SendTaskFailureCommand).resolves({});

    await callbacks.fail('token-2', 'E'.repeat(300), 'c'.repeat(40_000));

    const input = sfn.commandCalls(SendTaskFailureCommand)[0].args[0].input;
    expect(input.error).toBe(`${'E'.repeat(MAX_ERROR_LENGTH - 1)}…`);
    expect(input.cause).toBe(`${'c'.repeat(MAX_CAUSE_LENGTH - 1)}…`);
    expect(input.error).toHaveLength(256);
    expect(input.cause).toHaveLength(32_768);
  });

  it('treats TaskTimedOut as already resolved', async () => {
    sfn.on(SendTaskFailureCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));

    await expect(callbacks.fail('token-2', 'ScriptFailed', 'exit 3')).resolves.toBeUndefined();
  });
});

describe('truncate', () => {
  it.each([
    ['abc', 3, 'abc'],
    ['abcd', 3, 'ab…'],
    ['', 3, ''],
  ])('truncate(%j, %i) is %j', (text, max, expected) => {
    expect(truncate(text, max)).toBe(expected);
  });

  it('does not split a surrogate pair', () => {
    // '😀' is two UTF-16 units; cutting after 'a' + its first unit would leave a lone surrogate.
    expect(truncate('a😀bc', 3)).toBe('a…');
  });
});
