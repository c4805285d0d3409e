// What an aws-sdk-client-mock stub was sent, and the problems of the ValidationError a call fails with: the two
// readings the adapter tests (ELB, ECS) make of every call.
import { ValidationError } from '../../functions/core/errors';

/** The part of an aws-sdk-client-mock stub these helpers read. */
interface CallRecorder {
  calls(): ReadonlyArray<{ readonly args: readonly unknown[] }>;
}

/** Every command a mock received, in order, as [command name, exact input]. */
export function sent(mock: CallRecorder): [string, unknown][] {
  return mock.calls().map((call) => {
    const command = call.args[0] as { constructor: { name: string }; input: unknown };
    return [command.constructor.name, command.input];
  });
}

/** The problems of the ValidationError the call fails with; any other outcome fails the test. */
export async function validationProblems(call: Promise<unknown>): Promise<{ field: string; message: string }[]> {
  const error: unknown = await call.then(
    () => undefined,
    (rejected: unknown) => rejected,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).problems.map(({ field, message }) => ({ field, message }));
}
