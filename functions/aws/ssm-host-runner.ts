// Runs a lifecycle event's rendered scripts on EC2 and on-premises hosts through SSM Run Command. Completion comes
// back later as an EventBridge status event (functions/aws/ssm-command-report.ts), never as a return value. Those
// events are best effort, so once a wait has timed out `collect` looks the invocations up itself. An alarm cancels
// the commands of the event a batch runs (`cancel`).
import {
  CancelCommandCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type Command,
  type CommandFilter,
  type CommandInvocation,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { DispatchOutcome, HostCancellation, HostCollection, HostDispatch, HostReport, HostRunner } from '../ports';
import { type CommandCorrelation, formatCommandComment, parseCommandComment, sameEvent } from './command-correlation';
import { CommandInvocationNotReadyError, getInvocation, invocationReport, isTerminalStatus } from './ssm-command-report';
import { mapWithLimit } from './bounded-map';
import { unreachableNodes } from './ssm-node-reachability';

/** SendCommand accepts at most 50 InstanceIds. */
export const MAX_INSTANCES_PER_COMMAND = 50;

/** How long SSM may take to hand the command to an agent before the invocation ends DeliveryTimedOut. */
export const DELIVERY_TIMEOUT_SECONDS = 600;

/** How much earlier than the recorded dispatch time SSM may have stamped the command: its clock is not Lambda's. */
export const CLOCK_SKEW_SECONDS = 60;

/** Hosts `collect` looks up at once: a batch's worth finishes in seconds, far below SSM's read throttling. */
export const COLLECT_CONCURRENCY = 5;

const RUN_SHELL_SCRIPT = 'AWS-RunShellScript';
// AWS-RunShellScript's executionTimeout accepts 1..172800 seconds (48 hours).
const MAX_EXECUTION_TIMEOUT_SECONDS = 172_800;
// ListCommandInvocations' and ListCommands' largest page.
const LIST_PAGE_SIZE = 50;
// One host's commands since the dispatch: Cutover sends one per event, so a thousand means something else floods the
// host. The search stops there and the host counts as silent rather than holding up the whole batch. The account's
// commands still executing since a dispatch (cancel) are searched as far.
const MAX_LIST_PAGES = 20;

export interface SsmHostRunnerOptions {
  readonly client: SSMClient;
  /** Log group the agents write script output to. */
  readonly logGroupName: string;
}

/** A finished invocation of the command sent for the event being collected. */
interface FoundInvocation {
  readonly commandId: string;
  readonly correlation: CommandCorrelation;
  readonly requestedAt: string;
}

export class SsmHostRunner implements HostRunner {
  private readonly client: SSMClient;
  private readonly logGroupName: string;

  public constructor(options: SsmHostRunnerOptions) {
    this.client = options.client;
    this.logGroupName = options.logGroupName;
  }

  public async dispatch(dispatch: HostDispatch, onSent?: (targetIds: readonly string[]) => Promise<void>): Promise<DispatchOutcome> {
    const executionTimeout = String(clampExecutionTimeout(dispatch.timeoutSeconds));
    // The comment is the whole correlation: status events and `collect` read the deployment event back from it.
    const { deploymentId, batchNumber, eventIndex, eventName } = dispatch;
    const comment = formatCommandComment({ deploymentId, batchNumber, eventIndex, eventName });
    const unreachable = await unreachableNodes(this.client, dispatch.scripts.flatMap((group) => group.targetIds));
    const skipped = new Set(unreachable.map((host) => host.targetId));
    // Sequential on purpose: a batch needs at most a few dozen calls, and one at a time stays far below SendCommand's
    // throttling limit even when several deployments dispatch at once.
    for (const group of dispatch.scripts) {
      const reachable = group.targetIds.filter((targetId) => !skipped.has(targetId));
      for (const instanceIds of chunk(reachable, MAX_INSTANCES_PER_COMMAND)) {
        await this.client.send(
          new SendCommandCommand({
            DocumentName: RUN_SHELL_SCRIPT,
            InstanceIds: instanceIds,
            Parameters: { commands: [group.script], executionTimeout: [executionTimeout] },
            TimeoutSeconds: DELIVERY_TIMEOUT_SECONDS,
            // Every host's result is its own: the engine applies the minimum-healthy rule. SSM's default MaxErrors of
            // 0 would stop sending to the rest of the chunk after one host fails.
            MaxConcurrency: '100%',
            MaxErrors: '100%',
            Comment: comment,
            CloudWatchOutputConfig: { CloudWatchOutputEnabled: true, CloudWatchLogGroupName: this.logGroupName },
          }),
        );
        // SSM has these hosts' command now: if a later chunk fails, the retried step must not send them it again.
        await onSent?.(instanceIds);
      }
    }
    return { unreachable };
  }

  public async collect(collection: HostCollection): Promise<HostReport[]> {
    const invokedAfter = invokedAfterFilterValue(collection.dispatchedAt);
    const reports = await mapWithLimit(collection.targetIds, COLLECT_CONCURRENCY, (instanceId) =>
      this.collectHost(collection, instanceId, invokedAfter),
    );
    return reports.filter((report): report is HostReport => report !== undefined);
  }

  /**
   * CancelCommand for each command still running that was sent for this event, limited to these hosts. The commands
   * are found as `collect` finds invocations, by the Comment that names the event, among those SSM lists as still
   * executing since the dispatch; one that has finished is left alone. SSM does not promise to stop a script: an
   * invocation ends Cancelled, or as it would have, and either way its status event is refused (the event is closed).
   */
  public async cancel(cancellation: HostCancellation): Promise<void> {
    const hosts = new Set(cancellation.targetIds);
    for (const command of await this.runningCommandsOf(cancellation)) {
      const instanceIds = (command.InstanceIds ?? []).filter((id) => hosts.has(id));
      if (command.CommandId === undefined || instanceIds.length === 0) continue;
      try {
        await this.cancelOn(command.CommandId, instanceIds);
      } catch (error) {
        // The command ended (or expired) between the list and the cancel: there is nothing left to stop.
        if (errorNamed(error, 'InvalidCommandId')) continue;
        // One of the hosts is no longer a node SSM can reach (terminated, shutting down, deregistered): its script is
        // gone with it. The others are cancelled one by one, so that host does not keep theirs running.
        if (!errorNamed(error, 'InvalidInstanceId')) throw error;
        if (instanceIds.length === 1) continue;
        for (const instanceId of instanceIds) {
          try {
            await this.cancelOn(command.CommandId, [instanceId]);
          } catch (single) {
            if (errorNamed(single, 'InvalidInstanceId') || errorNamed(single, 'InvalidCommandId')) continue;
            throw single;
          }
        }
      }
    }
  }

  private async cancelOn(commandId: string, instanceIds: string[]): Promise<void> {
    await this.client.send(new CancelCommandCommand({ CommandId: commandId, InstanceIds: instanceIds }));
  }

  /** The commands sent for this event that SSM still lists as executing; a resent dispatch may have left two. */
  private async runningCommandsOf(cancellation: HostCancellation): Promise<Command[]> {
    const filters: CommandFilter[] = [
      { key: 'InvokedAfter', value: invokedAfterFilterValue(cancellation.dispatchedAt) },
      { key: 'ExecutionStage', value: 'Executing' },
      { key: 'DocumentName', value: RUN_SHELL_SCRIPT },
    ];
    const found: Command[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
      const response = await this.client.send(
        new ListCommandsCommand({ Filters: filters, MaxResults: LIST_PAGE_SIZE, ...(nextToken === undefined ? {} : { NextToken: nextToken }) }),
      );
      for (const command of response.Commands ?? []) {
        const correlation = parseCommandComment(command.Comment);
        // The list can lag behind a command that has just ended.
        if (correlation !== undefined && sameEvent(correlation, cancellation) && !isTerminalStatus(command.Status)) found.push(command);
      }
      nextToken = response.NextToken;
      if (nextToken === undefined || nextToken === '') break;
    }
    return found;
  }

  private async collectHost(collection: HostCollection, instanceId: string, invokedAfter: string): Promise<HostReport | undefined> {
    const found = await this.findFinishedInvocation(collection, instanceId, invokedAfter);
    if (found === undefined) {
      return undefined;
    }
    const key = { commandId: found.commandId, instanceId };
    try {
      return invocationReport(found.correlation, key, await getInvocation(this.client, key), found.requestedAt);
    } catch (error) {
      // The list ran ahead of GetCommandInvocation: to this check the host is still running, like one not finished.
      if (error instanceof CommandInvocationNotReadyError) {
        return undefined;
      }
      throw error;
    }
  }

  /** The host's finished invocation of the command sent for exactly this event, among those since its dispatch. */
  private async findFinishedInvocation(
    collection: HostCollection,
    instanceId: string,
    invokedAfter: string,
  ): Promise<FoundInvocation | undefined> {
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
      const response = await this.client.send(
        new ListCommandInvocationsCommand({
          InstanceId: instanceId,
          Filters: [{ key: 'InvokedAfter', value: invokedAfter }],
          // Status and Comment are enough here; the output comes from GetCommandInvocation, which is not cut at 2,500.
          Details: false,
          MaxResults: LIST_PAGE_SIZE,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
      );
      for (const invocation of response.CommandInvocations ?? []) {
        const found = finishedInvocationOf(invocation, collection);
        if (found !== undefined) {
          return found;
        }
      }
      nextToken = response.NextToken;
      if (nextToken === undefined || nextToken === '') {
        return undefined;
      }
    }
    return undefined;
  }
}

// Earlier events of the same deployment and other tools' commands share the window; only the comment tells them
// apart. A resent dispatch may leave two commands for one event: either result is this event's script's result.
function finishedInvocationOf(invocation: CommandInvocation, collection: HostCollection): FoundInvocation | undefined {
  const correlation = parseCommandComment(invocation.Comment);
  if (invocation.CommandId === undefined || correlation === undefined || !sameEvent(correlation, collection)) {
    return undefined;
  }
  if (!isTerminalStatus(invocation.Status)) {
    return undefined;
  }
  return {
    commandId: invocation.CommandId,
    correlation,
    requestedAt: invocation.RequestedDateTime?.toISOString() ?? collection.dispatchedAt,
  };
}

/** The InvokedAfter filter: the dispatch time less the clock-skew margin, in whole seconds as SSM's own examples. */
function errorNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

function invokedAfterFilterValue(dispatchedAt: string): string {
  const dispatched = Date.parse(dispatchedAt);
  if (Number.isNaN(dispatched)) {
    throw new RangeError(`dispatchedAt must be an ISO 8601 time (got '${dispatchedAt}')`);
  }
  // Rounding down only widens the window.
  const seconds = Math.floor(dispatched / 1000) - CLOCK_SKEW_SECONDS;
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

function clampExecutionTimeout(seconds: number): number {
  return Math.min(MAX_EXECUTION_TIMEOUT_SECONDS, Math.max(1, Math.ceil(seconds)));
}

function chunk(items: readonly string[], size: number): string[][] {
  const chunks: string[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}
