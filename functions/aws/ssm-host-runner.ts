// Runs a lifecycle event's rendered scripts on EC2 and on-premises hosts through SSM Run Command. Completion comes
// back later as an EventBridge status event (functions/aws/ssm-command-report.ts), never as a return value.
import { SendCommandCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { HostDispatch, HostRunner } from '../ports';
import type { CommandRecorder } from './command-correlation';

/** SendCommand accepts at most 50 InstanceIds. */
export const MAX_INSTANCES_PER_COMMAND = 50;

/** How long SSM may take to hand the command to an agent before the invocation ends DeliveryTimedOut. */
export const DELIVERY_TIMEOUT_SECONDS = 600;

const RUN_SHELL_SCRIPT = 'AWS-RunShellScript';
const MAX_COMMENT_LENGTH = 100;
// AWS-RunShellScript's executionTimeout accepts 1..172800 seconds (48 hours).
const MAX_EXECUTION_TIMEOUT_SECONDS = 172_800;

export interface SsmHostRunnerOptions {
  readonly client: SSMClient;
  readonly commands: CommandRecorder;
  /** Log group the agents write script output to. */
  readonly logGroupName: string;
}

export class SsmHostRunner implements HostRunner {
  private readonly client: SSMClient;
  private readonly commands: CommandRecorder;
  private readonly logGroupName: string;

  public constructor(options: SsmHostRunnerOptions) {
    this.client = options.client;
    this.commands = options.commands;
    this.logGroupName = options.logGroupName;
  }

  public async dispatch(dispatch: HostDispatch): Promise<void> {
    const executionTimeout = String(clampExecutionTimeout(dispatch.timeoutSeconds));
    const comment = `${dispatch.deploymentId} ${dispatch.eventName}`.slice(0, MAX_COMMENT_LENGTH);
    // Sequential on purpose: a batch needs at most a few dozen calls, and one at a time stays far below SendCommand's
    // throttling limit even when several deployments dispatch at once.
    for (const group of dispatch.scripts) {
      for (const instanceIds of chunk(group.targetIds, MAX_INSTANCES_PER_COMMAND)) {
        const response = await this.client.send(
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
        const commandId = response.Command?.CommandId;
        if (commandId === undefined) {
          throw new Error(`SendCommand returned no CommandId for ${comment} on ${instanceIds.join(', ')}`);
        }
        await this.commands.saveCommand(commandId, {
          deploymentId: dispatch.deploymentId,
          batchNumber: dispatch.batchNumber,
          eventIndex: dispatch.eventIndex,
          targetIds: instanceIds,
        });
      }
    }
  }
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
