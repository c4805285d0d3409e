// zod schemas for what the Lambda and ECS flows' steps receive from the state machine.
import { z } from 'zod';
import { HOOK_EVENT_NAMES } from '../../core/traffic-course';
import { deploymentIdSchema } from '../step-inputs';

const deploymentId = deploymentIdSchema;
const taskToken = z.string().min(1);
const hookEvent = z.enum(HOOK_EVENT_NAMES);

export const runHookInput = z.object({ deploymentId, lifecycleEventName: hookEvent, taskToken }).strict();
/** shiftsDone: the count the cursor was decided with (see TrafficCursor). */
export const advanceInput = z.object({ deploymentId, shiftsDone: z.number().int().min(0) }).strict();
export const waitForShiftInput = z.object({ deploymentId, taskToken, timeoutSeconds: z.number().int().min(1) }).strict();
