// Starts the state machine of a deployment's platform (server in-place, Lambda traffic shift). The execution is named
// after the deployment, so a deployment can never run twice and a retried start is harmless.
import { DescribeExecutionCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { executionInput, executionName } from '../core/execution-segments';
import { UnsupportedPlatformError } from '../core/errors';
import type { ComputePlatform, Deployment } from '../core/types';
import type { ExecutionStarter } from '../ports';

const STATE_MACHINE_MARKER = ':stateMachine:';

export interface SfnExecutionStarterOptions {
  readonly client: SFNClient;
  /** Per platform: the state machine that runs its deployments. A platform without one cannot be started. */
  readonly stateMachineArns: StateMachineArns;
}

export type StateMachineArns = Readonly<Partial<Record<ComputePlatform, string>>>;

export class SfnExecutionStarter implements ExecutionStarter {
  private readonly client: SFNClient;
  private readonly stateMachineArns: StateMachineArns;

  public constructor(options: SfnExecutionStarterOptions) {
    for (const arn of Object.values(options.stateMachineArns)) {
      if (arn !== undefined && !arn.includes(STATE_MACHINE_MARKER)) throw new Error(`Not a state machine ARN: '${arn}'`);
    }
    this.client = options.client;
    this.stateMachineArns = options.stateMachineArns;
  }

  public async start(deployment: Pick<Deployment, 'deploymentId' | 'computePlatform'>, firstBatch = 1): Promise<{ executionArn: string }> {
    const { deploymentId } = deployment;
    const stateMachineArn = this.stateMachineArns[deployment.computePlatform];
    if (stateMachineArn === undefined) {
      throw new UnsupportedPlatformError(`No state machine runs ${deployment.computePlatform} deployments in this installation`);
    }
    const name = executionName(deploymentId, firstBatch);
    try {
      const response = await this.client.send(
        new StartExecutionCommand({
          stateMachineArn,
          name,
          input: JSON.stringify(executionInput(deploymentId, firstBatch)),
        }),
      );
      return { executionArn: response.executionArn ?? executionArnFor(stateMachineArn, name) };
    } catch (error) {
      // The name is the deployment id and the input is derived from it, so an existing execution of that name is
      // this deployment's, started by an earlier attempt (possibly finished by now). No DescribeExecution needed:
      // its ARN follows from the state machine's.
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') {
        return { executionArn: executionArnFor(stateMachineArn, name) };
      }
      throw error;
    }
  }

  /** A lock whose execution is no longer RUNNING belongs to nobody: the caller may recover it. */
  public async isRunning(executionArn: string): Promise<boolean> {
    try {
      const response = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      return response.status === 'RUNNING';
    } catch (error) {
      if (error instanceof Error && error.name === 'ExecutionDoesNotExist') return false;
      throw error;
    }
  }
}

/** arn:…:states:<region>:<account>:stateMachine:<machine> → arn:…:states:<region>:<account>:execution:<machine>:<name> */
export function executionArnFor(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(STATE_MACHINE_MARKER, ':execution:')}:${executionName}`;
}
