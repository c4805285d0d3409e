// The wait before the next shift: a task-token wait whose timeout (TimeoutSecondsPath) is the time left until the
// shift is due. Nobody needs to call back for the shift to happen: the timeout leads to it. A continue, a stop or
// an alarm ends the wait early through the token recorded here (traffic-wait-control.ts).
import { advanceCursor, waitContinued } from '../../core/traffic-course';
import type { StepDependencies } from '../../ports';
import { parseStepInput } from '../step-inputs';
import { beginWait } from './begin-wait';
import { waitForShiftInput } from './traffic-step-inputs';

export async function waitForShift(deps: StepDependencies, raw: unknown): Promise<void> {
  const input = parseStepInput(waitForShiftInput, raw, 'wait-for-shift');
  const deployment = await beginWait(deps, input.deploymentId, 'shift', input.taskToken);
  if (deployment && waitContinued(deployment)) await deps.callbacks.succeed(input.taskToken, advanceCursor(deployment));
}
