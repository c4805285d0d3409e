// Starts the server in-place state machine for a deployment. The execution is named after the deployment, so a
// deployment can never run twice and a retried start is harmless.
import { DescribeExecutionCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { executionInput, executionName } from '../core/execution-segments';
import type { ExecutionStarter } from '../ports';

const STATE_MACHINE_MARKER = ':stateMachine:';

export interface SfnExecutionStarterOptions {
  readonly client: SFNClient;
  readonly stateMachineArn: string;
}

export class SfnExecutionStarter implements ExecutionStarter {
  private readonly client: SFNClient;
  private readonly stateMachineArn: string;

  public constructor(options: SfnExecutionStarterOptions) {
    if (!options.stateMachineArn.includes(STATE_MACHINE_MARKER)) {
      throw new Error(`Not a state machine ARN: '${options.stateMachineArn}'`);
    }
    this.client = options.client;
    this.stateMachineArn = options.stateMachineArn;
  }

  public async start(deploymentId: string, firstBatch = 1): Promise<{ executionArn: string }> {
    const name = executionName(deploymentId, firstBatch);
    try {
      const response = await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: JSON.stringify(executionInput(deploymentId, firstBatch)),
        }),
      );
      return { executionArn: response.executionArn ?? executionArnFor(this.stateMachineArn, name) };
    } catch (error) {
      // The name is the deployment id and the input is derived from it, so an existing execution of that name is
      // this deployment's, started by an earlier attempt (possibly finished by now). No DescribeExecution needed:
      // its ARN follows from the state machine's.
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') {
        return { executionArn: executionArnFor(this.stateMachineArn, name) };
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
