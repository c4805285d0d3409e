// SSM Run Command on loopback (awsJson1_1), executing on local hosts: managed instances (`mi-…`) each backed by a
// folder standing in for `/`. SendCommand runs AWS-RunShellScript on every instance at once as a child process and
// keeps the invocation as SSM does (status, response code, the head of stdout and stderr, ISO times); each status
// change goes to the bus as an "EC2 Command Invocation Status-change Notification". An instance whose agent is not
// Online never starts the script: its invocation stays Pending until the delivery timeout, as on AWS.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { AwsServiceError, epochSeconds, startAwsJsonServer } from './aws-json-server';
import type { LoopbackServer } from './loopback-server';
import { type EventBridgeStandIn, isoSeconds } from './eventbridge-standin';
import { type HostShellRun, runHostShell } from './host-shell';
import { paginate, pageSize } from './paging';
import {
  checkPluginName,
  type Invocation,
  type InvocationStatus,
  invocationDetails,
  invocationFilter,
  invocationSummary,
  isFinished,
  RUN_SHELL_SCRIPT,
} from './ssm-invocations';

export type PingStatus = 'Online' | 'ConnectionLost' | 'Inactive';

export interface SsmStandInOptions {
  readonly account: string;
  readonly region: string;
  /** Where invocations' `_script.sh` files go (the agents' orchestration folders). */
  readonly workDir: string;
  /** The default bus status events go to. */
  readonly events: Pick<EventBridgeStandIn, 'publish'>;
}

const MANAGED_INSTANCE_ID = /^(mi-[0-9a-f]{17}|i-[0-9a-f]{8}([0-9a-f]{9})?)$/;
const MAX_INSTANCES_PER_COMMAND = 50;
const MAX_COMMENT_LENGTH = 100;
// GetCommandInvocation's limits on the output it returns.
const STDOUT_LIMIT = 24_000;
const STDERR_LIMIT = 8_000;
const DEFAULT_EXECUTION_TIMEOUT_SECONDS = 3_600;
const DEFAULT_DELIVERY_TIMEOUT_SECONDS = 3_600;

export class SsmStandIn {
  private readonly instances = new Map<string, { root: string; pingStatus: PingStatus }>();
  /** Newest last; listed newest first, as SSM does. */
  private readonly invocations: Invocation[] = [];
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  private constructor(
    private readonly options: SsmStandInOptions,
    private readonly server: LoopbackServer,
  ) {}

  public static async start(options: SsmStandInOptions): Promise<SsmStandIn> {
    let ssm: SsmStandIn | undefined;
    const call = (operation: (stand: SsmStandIn, input: Record<string, unknown>) => unknown) => (input: Record<string, unknown>) =>
      operation(ssm as SsmStandIn, input);
    const server = await startAwsJsonServer({
      targetPrefix: 'AmazonSSM',
      protocol: '1.1',
      operations: {
        SendCommand: call((stand, input) => stand.sendCommand(input)),
        GetCommandInvocation: call((stand, input) => stand.getCommandInvocation(input)),
        ListCommandInvocations: call((stand, input) => stand.listCommandInvocations(input)),
        DescribeInstanceInformation: call((stand, input) => stand.describeInstanceInformation(input)),
        CancelCommand: call((stand, input) => stand.cancelCommand(input)),
      },
    });
    ssm = new SsmStandIn(options, server);
    return ssm;
  }

  public get endpoint(): string {
    return this.server.endpoint;
  }

  /** Registers a managed instance whose filesystem is the folder `root`. */
  public addInstance(instanceId: string, root: string, pingStatus: PingStatus = 'Online'): void {
    if (!MANAGED_INSTANCE_ID.test(instanceId)) throw new Error(`'${instanceId}' is not an instance id SSM would give`);
    this.instances.set(instanceId, { root, pingStatus });
  }

  /** The Comment of every command sent to the instance, oldest first. */
  public commandsSentTo(instanceId: string): string[] {
    return this.invocations.filter((i) => i.instanceId === instanceId).map((i) => i.comment);
  }

  /** Resolves once every command sent so far has run (or is left waiting for an offline agent) and been announced. */
  public async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Stops what still runs: scripts are killed, invocations waiting for an offline agent are dropped. */
  public async close(): Promise<void> {
    this.closed = true;
    for (const invocation of this.invocations) {
      clearTimeout(invocation.deliveryTimer);
      invocation.run?.cancel();
    }
    await this.idle();
    await this.server.close();
  }

  private sendCommand(input: Record<string, unknown>): unknown {
    if (input.Targets !== undefined) throw new AwsServiceError('ValidationException', 'The stand-in sends to InstanceIds only');
    if (input.DocumentName !== RUN_SHELL_SCRIPT) throw new AwsServiceError('InvalidDocument', `Document ${String(input.DocumentName)} does not exist`);
    const instanceIds = stringList(input.InstanceIds);
    if (instanceIds.length === 0 || instanceIds.length > MAX_INSTANCES_PER_COMMAND) {
      throw new AwsServiceError('ValidationException', `InstanceIds must hold 1 to ${MAX_INSTANCES_PER_COMMAND} ids`);
    }
    const unknown = instanceIds.filter((id) => !this.instances.has(id));
    if (unknown.length > 0) throw new AwsServiceError('InvalidInstanceId', `Instances [${unknown.join(', ')}] not in a valid state for account ${this.options.account}`);
    const comment = typeof input.Comment === 'string' ? input.Comment : '';
    if (comment.length > MAX_COMMENT_LENGTH) throw new AwsServiceError('ValidationException', `Comment is longer than ${MAX_COMMENT_LENGTH} characters`);
    const parameters = (input.Parameters ?? {}) as Record<string, unknown>;
    const commands = stringList(parameters.commands);
    if (commands.length === 0) throw new AwsServiceError('InvalidParameters', 'Parameter "commands" is required');
    const executionTimeout = secondsParameter(parameters.executionTimeout, DEFAULT_EXECUTION_TIMEOUT_SECONDS);
    const deliveryTimeout = typeof input.TimeoutSeconds === 'number' ? input.TimeoutSeconds : DEFAULT_DELIVERY_TIMEOUT_SECONDS;

    const commandId = randomUUID();
    const requestedAt = new Date();
    const script = `${commands.join('\n')}\n`;
    for (const instanceId of instanceIds) {
      const invocation: Invocation = {
        commandId,
        instanceId,
        comment,
        requestedAt,
        status: 'Pending',
        statusDetails: 'Pending',
        responseCode: -1,
        stdout: '',
        stderr: '',
      };
      this.invocations.push(invocation);
      // The agent picks the command up after SendCommand has answered.
      this.track(new Promise((resolve) => setImmediate(resolve)).then(() => this.deliver(invocation, script, executionTimeout, deliveryTimeout)));
    }
    return {
      Command: {
        CommandId: commandId,
        DocumentName: RUN_SHELL_SCRIPT,
        DocumentVersion: '$DEFAULT',
        Comment: comment,
        Parameters: parameters,
        InstanceIds: instanceIds,
        RequestedDateTime: epochSeconds(requestedAt),
        ExpiresAfter: epochSeconds(new Date(requestedAt.getTime() + (deliveryTimeout + executionTimeout) * 1000)),
        Status: 'Pending',
        StatusDetails: 'Pending',
        TargetCount: instanceIds.length,
        CompletedCount: 0,
        ErrorCount: 0,
        DeliveryTimedOutCount: 0,
        MaxConcurrency: input.MaxConcurrency ?? '50',
        MaxErrors: input.MaxErrors ?? '0',
        TimeoutSeconds: deliveryTimeout,
        CloudWatchOutputConfig: input.CloudWatchOutputConfig ?? { CloudWatchOutputEnabled: false },
      },
    };
  }

  /** Runs the script if the instance's agent is Online; resolves when it has finished and been announced. */
  private async deliver(invocation: Invocation, script: string, executionTimeout: number, deliveryTimeout: number): Promise<void> {
    // Cancelled before the agent got it, or the stand-in is shutting down.
    if (invocation.status !== 'Pending' || this.closed) return;
    const instance = this.instances.get(invocation.instanceId);
    if (instance?.pingStatus !== 'Online') {
      invocation.deliveryTimer = setTimeout(() => this.finish(invocation, 'TimedOut', 'DeliveryTimedOut', -1), deliveryTimeout * 1000);
      return;
    }
    invocation.status = 'InProgress';
    invocation.statusDetails = 'InProgress';
    invocation.startedAt = new Date();
    this.announce(invocation);
    let run: HostShellRun;
    try {
      run = runHostShell({
        script,
        workDir: path.join(this.options.workDir, invocation.commandId, invocation.instanceId),
        hostRoot: instance.root,
        env: this.scriptEnvironment(invocation.instanceId, instance.root),
        timeoutSeconds: executionTimeout,
        stdoutLimit: STDOUT_LIMIT,
        stderrLimit: STDERR_LIMIT,
      });
    } catch (error) {
      // The agent could not even write the script out: the invocation fails with the reason as its error output.
      invocation.stderr = `failed to run commands: ${error instanceof Error ? error.message : String(error)}`;
      this.finish(invocation, 'Failed', 'Failed', 1);
      return;
    }
    invocation.run = run;
    const result = await run.result;
    invocation.stdout = result.stdout;
    invocation.stderr = result.stderr;
    if (result.stoppedBy === 'timeout') this.finish(invocation, 'TimedOut', 'ExecutionTimedOut', result.exitCode);
    else if (result.stoppedBy === 'cancel') this.finish(invocation, 'Cancelled', 'Cancelled', result.exitCode);
    else if (result.exitCode === 0) this.finish(invocation, 'Success', 'Success', 0);
    else this.finish(invocation, 'Failed', 'Failed', result.exitCode);
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  // This process's environment, as the embedded runtime's runner passes it, with what the agent adds (AWS_SSM_*) and
  // what a local host needs: its root folder, and the target id that runner also gives, so a bundle behaves the same
  // on both.
  private scriptEnvironment(instanceId: string, root: string): Record<string, string> {
    const inherited = Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined);
    return {
      ...Object.fromEntries(inherited),
      AWS_SSM_INSTANCE_ID: instanceId,
      AWS_SSM_REGION_NAME: this.options.region,
      CUTOVER_HOST_ROOT: root,
      CUTOVER_TARGET_ID: instanceId,
    };
  }

  private finish(invocation: Invocation, status: InvocationStatus, details: string, responseCode: number): void {
    if (isFinished(invocation)) return;
    clearTimeout(invocation.deliveryTimer);
    invocation.status = status;
    invocation.statusDetails = details;
    invocation.responseCode = responseCode;
    invocation.endedAt = new Date();
    this.announce(invocation);
  }

  private announce(invocation: Invocation): void {
    this.options.events.publish({
      'detail-type': 'EC2 Command Invocation Status-change Notification',
      source: 'aws.ssm',
      time: isoSeconds(new Date()),
      resources: [this.instanceArn(invocation.instanceId)],
      detail: {
        'command-id': invocation.commandId,
        'document-name': RUN_SHELL_SCRIPT,
        'instance-id': invocation.instanceId,
        'requested-date-time': invocation.requestedAt.toISOString(),
        status: invocation.status,
      },
    });
  }

  private instanceArn(instanceId: string): string {
    const { region, account } = this.options;
    return instanceId.startsWith('mi-')
      ? `arn:aws:ssm:${region}:${account}:managed-instance/${instanceId}`
      : `arn:aws:ec2:${region}:${account}:instance/${instanceId}`;
  }

  private getCommandInvocation(input: Record<string, unknown>): unknown {
    checkPluginName(input.PluginName);
    const invocation = this.invocations.find((i) => i.commandId === input.CommandId && i.instanceId === input.InstanceId);
    if (invocation === undefined) throw new AwsServiceError('InvocationDoesNotExist', 'An error occurred (InvocationDoesNotExist) when calling the GetCommandInvocation operation');
    return invocationDetails(invocation);
  }

  private listCommandInvocations(input: Record<string, unknown>): unknown {
    const maxResults = pageSize(input.MaxResults, 1, 50);
    const filters = Array.isArray(input.Filters) ? (input.Filters as { key?: unknown; value?: unknown }[]) : [];
    const matches = this.invocations
      .filter((i) => input.CommandId === undefined || i.commandId === input.CommandId)
      .filter((i) => input.InstanceId === undefined || i.instanceId === input.InstanceId)
      .filter((i) => filters.every((filter) => invocationFilter(filter.key, filter.value)(i)))
      .reverse();
    const { page, nextToken } = paginate(matches, input.NextToken, maxResults);
    return {
      CommandInvocations: page.map((invocation) => invocationSummary(invocation, input.Details === true)),
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    };
  }

  private describeInstanceInformation(input: Record<string, unknown>): unknown {
    if (input.InstanceInformationFilterList !== undefined) {
      throw new AwsServiceError('ValidationException', 'The stand-in filters with Filters only');
    }
    const maxResults = pageSize(input.MaxResults, 5, 50);
    const filters = Array.isArray(input.Filters) ? (input.Filters as { Key?: unknown; Values?: unknown }[]) : [];
    const matches = [...this.instances.entries()].filter(([instanceId, instance]) =>
      filters.every((filter) => {
        const values = stringList(filter.Values);
        if (filter.Key === 'InstanceIds') return values.includes(instanceId);
        if (filter.Key === 'PingStatus') return values.includes(instance.pingStatus);
        throw new AwsServiceError('InvalidFilterKey', `The stand-in does not filter by ${String(filter.Key)}`);
      }),
    );
    const { page, nextToken } = paginate(matches, input.NextToken, maxResults);
    return {
      InstanceInformationList: page.map(([instanceId, instance]) => ({
        InstanceId: instanceId,
        PingStatus: instance.pingStatus,
        LastPingDateTime: epochSeconds(new Date()),
        AgentVersion: '3.3.0.0',
        IsLatestVersion: true,
        PlatformType: 'Linux',
        PlatformName: 'Amazon Linux',
        PlatformVersion: '2023',
        ResourceType: instanceId.startsWith('mi-') ? 'ManagedInstance' : 'EC2Instance',
        IPAddress: '127.0.0.1',
        ComputerName: instanceId,
      })),
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    };
  }

  private cancelCommand(input: Record<string, unknown>): unknown {
    const targets = this.invocations.filter((i) => i.commandId === input.CommandId);
    if (targets.length === 0) throw new AwsServiceError('InvalidCommandId', `Command ${String(input.CommandId)} does not exist`);
    const only = input.InstanceIds === undefined ? undefined : stringList(input.InstanceIds);
    for (const invocation of targets.filter((i) => only === undefined || only.includes(i.instanceId))) {
      if (invocation.status === 'Pending') this.finish(invocation, 'Cancelled', 'Cancelled', -1);
      else invocation.run?.cancel();
    }
    return {};
  }
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** AWS-RunShellScript's executionTimeout: a list of one string of whole seconds, 1 to 172800. */
function secondsParameter(value: unknown, fallback: number): number {
  const [text] = stringList(value);
  if (text === undefined) return fallback;
  const seconds = Number(text);
  if (!/^\d+$/.test(text) || seconds < 1 || seconds > 172_800) {
    throw new AwsServiceError('InvalidParameters', `executionTimeout '${text}' is not a number of seconds from 1 to 172800`);
  }
  return seconds;
}
