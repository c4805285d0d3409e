// Resumes executions waiting in a `.waitForTaskToken` task.
import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { TaskCallbacks } from '../ports';
import { CutoverError } from '../core/errors';

/** SendTaskSuccess `output`: at most 262,144 bytes of UTF-8. */
export const MAX_OUTPUT_BYTES = 262_144;
/** SendTaskFailure `error`: at most 256 characters. */
export const MAX_ERROR_LENGTH = 256;
/** SendTaskFailure `cause`: at most 32,768 characters. */
export const MAX_CAUSE_LENGTH = 32_768;

// The task was closed already (an earlier callback, a timeout, a stopped execution). Step Functions answers
// TaskTimedOut for a closed task, so a duplicate SSM event or a late retry lands here: the work is done.
const ALREADY_RESOLVED = new Set(['TaskTimedOut', 'TaskDoesNotExist']);

/** A callback output over Step Functions' limit; executions carry ids and cursors, so this is a bug, not data. */
export class CallbackOutputTooLargeError extends CutoverError {
  public constructor(bytes: number) {
    super(`Task output is ${bytes} bytes; Step Functions accepts at most ${MAX_OUTPUT_BYTES}`);
    this.name = 'CallbackOutputTooLargeError';
  }
}

export class SfnTaskCallbacks implements TaskCallbacks {
  public constructor(private readonly client: SFNClient) {}

  public async succeed(taskToken: string, output: unknown): Promise<void> {
    // `undefined` has no JSON form; an empty object is what a task with nothing to say returns.
    const json = JSON.stringify(output ?? {});
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > MAX_OUTPUT_BYTES) {
      throw new CallbackOutputTooLargeError(bytes);
    }
    await ignoreClosedTask(this.client.send(new SendTaskSuccessCommand({ taskToken, output: json })));
  }

  public async fail(taskToken: string, error: string, cause: string): Promise<void> {
    await ignoreClosedTask(
      this.client.send(
        new SendTaskFailureCommand({
          taskToken,
          error: truncate(error, MAX_ERROR_LENGTH),
          cause: truncate(cause, MAX_CAUSE_LENGTH),
        }),
      ),
    );
  }
}

async function ignoreClosedTask(callback: Promise<unknown>): Promise<void> {
  try {
    await callback;
  } catch (error) {
    if (error instanceof Error && ALREADY_RESOLVED.has(error.name)) {
      return;
    }
    throw error;
  }
}

/** Cuts `text` to at most `max` UTF-16 units, marking the cut, without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) {
    return text;
  }
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) {
    end -= 1;
  }
  return `${text.slice(0, end)}…`;
}
