// Turns an "EC2 Command Invocation Status-change Notification" into the HostReport the host-report step records.
// The event carries only the coarse status, so the exit code, the output and the command's Comment (which names the
// deployment event, functions/aws/command-correlation.ts) come from GetCommandInvocation. The safety check in
// ssm-host-runner.ts builds its reports with the same functions.
import { GetCommandInvocationCommand, type GetCommandInvocationCommandOutput, type SSMClient } from '@aws-sdk/client-ssm';
import { z } from 'zod';
import { CutoverError, ValidationError } from '../core/errors';
import type { HostReport } from '../ports';
import { type CommandCorrelation, parseCommandComment } from './command-correlation';

/** The exit code reported for a script SSM never ran (ResponseCode -1: not delivered, cancelled, agent gone). */
export const NOT_RUN_EXIT_CODE = 255;

// GetCommandInvocation returns the first 24,000 characters of stdout and the first 8,000 of stderr.
const SSM_STDOUT_LIMIT = 24_000;
const SSM_STDERR_LIMIT = 8_000;

const TERMINAL_STATUSES = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

const statusEventSchema = z.object({
  source: z.literal('aws.ssm'),
  'detail-type': z.literal('EC2 Command Invocation Status-change Notification'),
  time: z.iso.datetime(),
  detail: z.object({
    'command-id': z.string().min(1),
    'instance-id': z.string().min(1),
    status: z.string().min(1),
  }),
});

type StatusEvent = z.infer<typeof statusEventSchema>;

/**
 * SSM has not settled the invocation yet (InvocationDoesNotExist right after the command, or a status still moving).
 * Thrown so Lambda's asynchronous retry asks again later.
 */
export class CommandInvocationNotReadyError extends CutoverError {
  public constructor(commandId: string, instanceId: string, detail: string, options?: ErrorOptions) {
    super(`SSM invocation ${commandId} on ${instanceId} is not settled yet: ${detail}`, options);
    this.name = 'CommandInvocationNotReadyError';
  }
}

/** One command's invocation on one host. */
export interface InvocationKey {
  readonly commandId: string;
  readonly instanceId: string;
}

/** Whether an invocation status is final (Cancelling, Pending, InProgress and Delayed still move). */
export function isTerminalStatus(status: string | undefined): boolean {
  return status !== undefined && TERMINAL_STATUSES.has(status);
}

/** GetCommandInvocation, with InvocationDoesNotExist (SSM has not caught up with its own command) as not ready. */
export async function getInvocation(client: SSMClient, key: InvocationKey): Promise<GetCommandInvocationCommandOutput> {
  try {
    return await client.send(new GetCommandInvocationCommand({ CommandId: key.commandId, InstanceId: key.instanceId }));
  } catch (error) {
    if (error instanceof Error && error.name === 'InvocationDoesNotExist') {
      throw new CommandInvocationNotReadyError(key.commandId, key.instanceId, 'InvocationDoesNotExist', { cause: error });
    }
    throw error;
  }
}

/**
 * The HostReport of a finished invocation of a Cutover command. `fallbackTime` stands in for the execution times SSM
 * leaves empty when the script never ran. Throws CommandInvocationNotReadyError while the invocation has not settled.
 */
export function invocationReport(
  correlation: CommandCorrelation,
  key: InvocationKey,
  invocation: GetCommandInvocationCommandOutput,
  fallbackTime: string,
): HostReport {
  if (!isTerminalStatus(invocation.Status)) {
    throw new CommandInvocationNotReadyError(key.commandId, key.instanceId, `status ${invocation.Status ?? 'missing'}`);
  }
  return {
    deploymentId: correlation.deploymentId,
    batchNumber: correlation.batchNumber,
    eventIndex: correlation.eventIndex,
    targetId: key.instanceId,
    exitCode: exitCodeOf(invocation),
    output: outputOf(invocation, key.instanceId),
    startTime: isoOr(invocation.ExecutionStartDateTime, fallbackTime),
    endTime: isoOr(invocation.ExecutionEndDateTime, fallbackTime),
  };
}

export interface SsmCommandReporterOptions {
  readonly client: SSMClient;
}

export class SsmCommandReporter {
  private readonly client: SSMClient;

  public constructor(options: SsmCommandReporterOptions) {
    this.client = options.client;
  }

  /** The report for this event, or undefined when the event is not about a finished Cutover command. */
  public async toHostReport(input: unknown): Promise<HostReport | undefined> {
    const event = parseStatusEvent(input);
    if (!isTerminalStatus(event.detail.status)) {
      return undefined;
    }
    const key = { commandId: event.detail['command-id'], instanceId: event.detail['instance-id'] };
    const invocation = await getInvocation(this.client, key);
    // Other tools in the account run AWS-RunShellScript too; the rule sees their events, and their comments are not
    // Cutover's. Checked before the status, so a foreign command still moving is not retried.
    const correlation = parseCommandComment(invocation.Comment);
    if (correlation === undefined) {
      return undefined;
    }
    return invocationReport(correlation, key, invocation, event.time);
  }
}

function parseStatusEvent(input: unknown): StatusEvent {
  const parsed = statusEventSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(event)', message: issue.message })),
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

function exitCodeOf(invocation: GetCommandInvocationCommandOutput): number {
  const code = invocation.ResponseCode;
  if (code === undefined || code < 0) {
    return NOT_RUN_EXIT_CODE;
  }
  // A timed-out or cancelled script can leave ResponseCode 0; it still did not succeed.
  if (code === 0 && invocation.Status !== 'Success') {
    return NOT_RUN_EXIT_CODE;
  }
  return code;
}

function outputOf(invocation: GetCommandInvocationCommandOutput, instanceId: string): string {
  const stdout = invocation.StandardOutputContent ?? '';
  const stderr = invocation.StandardErrorContent ?? '';
  const notes: string[] = [];
  if (invocation.ResponseCode === undefined || invocation.ResponseCode < 0) {
    notes.push(`[cutover] SSM did not run the script on ${instanceId} (ResponseCode -1).`);
  }
  if (invocation.Status !== 'Success') {
    notes.push(`[cutover] SSM status ${invocation.Status} (${invocation.StatusDetails ?? 'no details'}).`);
  }
  if (stdout.length >= SSM_STDOUT_LIMIT) {
    notes.push(`[cutover] SSM returned only the first ${SSM_STDOUT_LIMIT} characters of output; the command output log group has all of it.`);
  }
  if (stderr.length >= SSM_STDERR_LIMIT) {
    notes.push(`[cutover] SSM returned only the first ${SSM_STDERR_LIMIT} characters of error output; the command output log group has all of it.`);
  }
  // The rendered script's result marker is the last line of stdout, and parseHostReport reads the last line: notes
  // and stderr go before stdout, never after it.
  return [...notes, stderr, stdout].filter((part) => part.length > 0).join('\n');
}

function isoOr(value: string | undefined, fallback: string): string {
  const parsed = value === undefined || value === '' ? Number.NaN : Date.parse(value);
  return new Date(Number.isNaN(parsed) ? Date.parse(fallback) : parsed).toISOString();
}
