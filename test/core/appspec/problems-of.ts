// The problems an appspec parser reports for a text it refuses; a text it accepts fails the test.
import { AppSpecError, type FieldProblem } from '../../../functions/core/errors';

export function problemsOf(parse: (text: string, source?: string) => unknown, text: string, source?: string): readonly FieldProblem[] {
  try {
    parse(text, source);
  } catch (error) {
    if (error instanceof AppSpecError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error('expected the appspec to be rejected');
}
