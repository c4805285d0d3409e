// zod schemas for what each step receives from the state machine or a host report. A step's input is an edge:
// Step Functions passes whatever the ASL says, so a mistake there must fail loudly with the field named.
import { z } from 'zod';
import { ValidationError } from '../core/errors';

export const deploymentIdSchema = z.string().regex(/^d-[A-Z0-9]{9}$/, 'must look like d-XXXXXXXXX (9 upper-case letters or digits)');
const deploymentId = deploymentIdSchema;
const batchNumber = z.number().int().min(1);
const eventIndex = z.number().int().min(0);

export const startDeploymentInput = z.object({ deploymentId, executionArn: z.string().min(1) }).strict();

export const planNextBatchInput = z.object({ deploymentId, firstBatch: batchNumber }).strict();

export const cursorInput = z.object({ deploymentId, batchNumber, eventIndex }).strict();

export const runLifecycleEventInput = cursorInput.extend({ taskToken: z.string().min(1) }).strict();

export const finishDeploymentInput = z
  .object({
    deploymentId,
    error: z.object({ Error: z.string(), Cause: z.string().optional() }).nullable(),
  })
  .strict();

export const hostReportInput = z
  .object({
    deploymentId,
    batchNumber,
    eventIndex,
    targetId: z.string().min(1),
    exitCode: z.number().int(),
    output: z.string(),
    startTime: z.string().min(1),
    endTime: z.string().min(1),
  })
  .strict();

/** Parses a step's input, turning zod issues into a ValidationError that names each field. */
export function parseStepInput<T>(schema: z.ZodType<T>, input: unknown, step: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.join('.') : step,
      message: `${issue.message} (input of step ${step})`,
    })),
  );
}

/** Where the state machine goes next; every field is always present because the ASL selects all three. */
export interface Cursor {
  /**
   * handover: a new execution took over the deployment, this one ends. traffic: the batch waits `waitSeconds` on a
   * load balancer change at `eventIndex`, then checks it again.
   */
  readonly action: 'plan' | 'run' | 'finish' | 'handover' | 'traffic';
  readonly batchNumber: number;
  readonly eventIndex: number;
  /** Only with action 'traffic' (check-traffic always sets it, 0 otherwise, because its ResultSelector reads it). */
  readonly waitSeconds?: number;
}

export const PLAN_CURSOR: Cursor = { action: 'plan', batchNumber: 0, eventIndex: 0 };
export const FINISH_CURSOR: Cursor = { action: 'finish', batchNumber: 0, eventIndex: 0 };
