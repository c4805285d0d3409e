// How the CLI reports failures: bad input exits 2 with the field named, everything else exits 1.
import { CutoverError, NotFoundError, ValidationError } from '../../functions/core/errors';

/** A flag or argument the user got wrong. */
export class UsageError extends ValidationError {
  public constructor(field: string, message: string) {
    super([{ field, message }]);
    this.name = 'UsageError';
  }
}

/** `--help` on a command: its usage goes to stdout and the command exits 0. */
export class HelpRequested extends Error {
  public constructor(public readonly usage: string) {
    super(usage);
    this.name = 'HelpRequested';
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** Prints an error the way every command does and returns its exit code. */
export function reportError(error: unknown, stderr: NodeJS.WritableStream, stdout: NodeJS.WritableStream): number {
  if (error instanceof HelpRequested) {
    stdout.write(`${error.usage}\n`);
    return EXIT_OK;
  }
  if (error instanceof ValidationError || error instanceof NotFoundError) {
    stderr.write(`cutover: ${error.message.split('\n').join('\ncutover: ')}\n`);
    return EXIT_BAD_INPUT;
  }
  if (error instanceof CutoverError) {
    stderr.write(`cutover: ${error.message}\n`);
    return EXIT_FAILED;
  }
  throw error;
}
