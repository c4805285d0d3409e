// One command's run on one managed instance, as SSM keeps it, and the shapes SSM's read APIs give it:
// GetCommandInvocation (the head of stdout and stderr, ISO times) and ListCommandInvocations (epoch times, the
// plugin's first 2,500 characters with Details).
import { AwsServiceError, epochSeconds } from './aws-json-server';
import type { HostShellRun } from './host-shell';

export type InvocationStatus = 'Pending' | 'InProgress' | 'Success' | 'Failed' | 'TimedOut' | 'Cancelled';

export interface Invocation {
  readonly commandId: string;
  readonly instanceId: string;
  readonly comment: string;
  readonly requestedAt: Date;
  status: InvocationStatus;
  statusDetails: string;
  /** -1 until the script has run. */
  responseCode: number;
  startedAt?: Date;
  endedAt?: Date;
  stdout: string;
  stderr: string;
  run?: HostShellRun;
  /** Ends the wait of an invocation whose agent is offline (DeliveryTimedOut). */
  deliveryTimer?: NodeJS.Timeout;
}

export const RUN_SHELL_SCRIPT = 'AWS-RunShellScript';
const PLUGIN_NAME = 'aws:runShellScript';
const DETAILS_OUTPUT_LIMIT = 2_500;
const TERMINAL: readonly InvocationStatus[] = ['Success', 'Failed', 'TimedOut', 'Cancelled'];

export function isFinished(invocation: Invocation): boolean {
  return TERMINAL.includes(invocation.status);
}

export function checkPluginName(name: unknown): void {
  if (name !== undefined && name !== PLUGIN_NAME) throw new AwsServiceError('InvalidPluginName', `Plugin ${String(name)} is not in the document`);
}

/** GetCommandInvocation's answer. */
export function invocationDetails(invocation: Invocation): Record<string, unknown> {
  return {
    CommandId: invocation.commandId,
    InstanceId: invocation.instanceId,
    Comment: invocation.comment,
    DocumentName: RUN_SHELL_SCRIPT,
    DocumentVersion: '$DEFAULT',
    PluginName: PLUGIN_NAME,
    ResponseCode: invocation.responseCode,
    ExecutionStartDateTime: invocation.startedAt?.toISOString() ?? '',
    ExecutionEndDateTime: invocation.endedAt?.toISOString() ?? '',
    ExecutionElapsedTime: elapsed(invocation),
    Status: invocation.status,
    StatusDetails: invocation.statusDetails,
    StandardOutputContent: invocation.stdout,
    StandardOutputUrl: '',
    StandardErrorContent: invocation.stderr,
    StandardErrorUrl: '',
    CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
  };
}

/** One entry of ListCommandInvocations. */
export function invocationSummary(invocation: Invocation, withDetails: boolean): Record<string, unknown> {
  return {
    CommandId: invocation.commandId,
    InstanceId: invocation.instanceId,
    InstanceName: '',
    Comment: invocation.comment,
    DocumentName: RUN_SHELL_SCRIPT,
    DocumentVersion: '$DEFAULT',
    RequestedDateTime: epochSeconds(invocation.requestedAt),
    Status: invocation.status,
    StatusDetails: invocation.statusDetails,
    TraceOutput: '',
    StandardOutputUrl: '',
    StandardErrorUrl: '',
    CommandPlugins: withDetails ? [pluginOf(invocation)] : [],
  };
}

/** ListCommandInvocations' Filters: InvokedAfter, InvokedBefore, Status and DocumentName. */
export function invocationFilter(key: unknown, value: unknown): (invocation: Invocation) => boolean {
  const text = String(value);
  switch (key) {
    case 'InvokedAfter':
      return (i) => i.requestedAt.getTime() >= timeFilterValue(text);
    case 'InvokedBefore':
      return (i) => i.requestedAt.getTime() <= timeFilterValue(text);
    case 'Status':
      return (i) => i.status === text;
    case 'DocumentName':
      return () => text === RUN_SHELL_SCRIPT;
    default:
      throw new AwsServiceError('InvalidFilterKey', `The filter key ${String(key)} is not valid`);
  }
}

function timeFilterValue(text: string): number {
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new AwsServiceError('InvalidFilterValue', `${text} is not an ISO 8601 time`);
  return time;
}

function pluginOf(invocation: Invocation): Record<string, unknown> {
  const output = invocation.stdout + (invocation.stderr === '' ? '' : `\n----------ERROR-------\n${invocation.stderr}`);
  return {
    Name: PLUGIN_NAME,
    Status: invocation.status,
    StatusDetails: invocation.statusDetails,
    ResponseCode: invocation.responseCode,
    ...(invocation.startedAt ? { ResponseStartDateTime: epochSeconds(invocation.startedAt) } : {}),
    ...(invocation.endedAt ? { ResponseFinishDateTime: epochSeconds(invocation.endedAt) } : {}),
    Output: output.slice(0, DETAILS_OUTPUT_LIMIT),
  };
}

/** SSM's elapsed time, e.g. PT0.153S. */
function elapsed(invocation: Invocation): string {
  if (!invocation.startedAt) return '';
  const end = invocation.endedAt ?? new Date();
  return `PT${((end.getTime() - invocation.startedAt.getTime()) / 1000).toFixed(3)}S`;
}
