// Step Functions on loopback (awsJson1_0): StartExecution, DescribeExecution and the task-token callbacks, running
// executions of one or more state machines on the embedded interpreter (LocalStateMachine) with every Task calling the
// Lambda handler its ASL placeholder names, in-process. The handlers build their own dependencies, exactly as on
// Lambda. Task tokens are one service-wide set, as on Step Functions: a callback finds its execution whatever the
// machine.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import type { StepDependencies } from '../../../functions/ports';
import { aslPlaceholders } from '../../../lib/asl-files';
import { type ExecutionOutcome, LocalStateMachine } from '../../../lib/local/local-state-machine';
import { LocalTaskCallbacks } from '../../../lib/local/local-task-callbacks';
import { AwsServiceError, epochSeconds, startAwsJsonServer } from './aws-json-server';
import type { LoopbackServer } from './loopback-server';

/** A Lambda function's exported handler. */
export type LambdaHandler = (event: unknown) => Promise<unknown>;

/** A state machine of the stand-in: its ARN and the ASL file it runs. */
export interface StandInStateMachine {
  readonly stateMachineArn: string;
  readonly aslFile: string;
}

export interface SfnStandInOptions {
  readonly stateMachines: readonly StandInStateMachine[];
  /**
   * The handler of the function an ASL placeholder (`StartDeploymentFunctionArn`) names, looked up at each
   * invocation as Step Functions resolves a function ARN when it invokes it.
   */
  readonly resolveFunction: (placeholder: string) => LambdaHandler;
  /** Wait states and pauses between retries run this many times faster. */
  readonly timeScale: number;
}

interface Execution {
  readonly stateMachineArn: string;
  readonly executionArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  outcome?: ExecutionOutcome;
  stopDate?: Date;
  readonly done: Promise<void>;
}

const STATE_MACHINE_MARKER = ':stateMachine:';
// Closing the stand-in fails the tokens still waiting; their executions then end through the ASL's Catch.
const CLOSE_WAIT_MS = 10_000;

export class SfnStandIn {
  /** Task-token timeouts run this many times faster, for executions started from now on (lost-event tests). */
  public tokenTimeoutScale = 1;
  private readonly tokens = new TrackedTaskCallbacks();
  /** By state machine ARN and token timeout scale. */
  private readonly machines = new Map<string, LocalStateMachine>();
  private readonly executions = new Map<string, Execution>();

  private constructor(
    private readonly options: SfnStandInOptions,
    private readonly server: LoopbackServer,
  ) {
    for (const { stateMachineArn } of options.stateMachines) {
      if (!stateMachineArn.includes(STATE_MACHINE_MARKER)) throw new Error(`not a state machine ARN: ${stateMachineArn}`);
    }
  }

  public static async start(options: SfnStandInOptions): Promise<SfnStandIn> {
    let sfn: SfnStandIn | undefined;
    const call = (operation: (stand: SfnStandIn, input: Record<string, unknown>) => unknown) => (input: Record<string, unknown>) =>
      operation(sfn as SfnStandIn, input);
    const server = await startAwsJsonServer({
      targetPrefix: 'AWSStepFunctions',
      protocol: '1.0',
      operations: {
        StartExecution: call((stand, input) => stand.startExecution(input)),
        DescribeExecution: call((stand, input) => stand.describeExecution(input)),
        SendTaskSuccess: call((stand, input) => stand.sendTaskSuccess(input)),
        SendTaskFailure: call((stand, input) => stand.sendTaskFailure(input)),
      },
    });
    sfn = new SfnStandIn(options, server);
    return sfn;
  }

  public get endpoint(): string {
    return this.server.endpoint;
  }

  /** Resolves once every execution started so far, and any it started, has ended. */
  public async idle(): Promise<void> {
    for (let seen = -1; seen !== this.executions.size; ) {
      seen = this.executions.size;
      await Promise.all([...this.executions.values()].map((execution) => execution.done));
    }
  }

  /** How each execution ended, oldest first. */
  public outcomes(): { readonly name: string; readonly outcome?: ExecutionOutcome }[] {
    return [...this.executions.values()].map(({ name, outcome }) => ({ name, outcome }));
  }

  /** The executions started so far, oldest first, with the machine each runs on. */
  public started(): { readonly stateMachineArn: string; readonly executionArn: string; readonly name: string }[] {
    return [...this.executions.values()].map(({ stateMachineArn, executionArn, name }) => ({ stateMachineArn, executionArn, name }));
  }

  public async close(): Promise<void> {
    await this.tokens.failAll('States.Runtime', 'The Step Functions stand-in was closed');
    await Promise.race([this.idle(), new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
    await this.server.close();
  }

  private startExecution(input: Record<string, unknown>): unknown {
    const stateMachine = this.options.stateMachines.find((machine) => machine.stateMachineArn === input.stateMachineArn);
    if (stateMachine === undefined) {
      throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(input.stateMachineArn)}'`);
    }
    const name = typeof input.name === 'string' ? input.name : randomUUID();
    const text = typeof input.input === 'string' ? input.input : '{}';
    const existing = this.executions.get(name);
    if (existing !== undefined) {
      // A standard workflow answers a repeated start of a running execution with the same input like the first one.
      if (existing.outcome === undefined && existing.input === text) {
        return { executionArn: existing.executionArn, startDate: epochSeconds(existing.startDate) };
      }
      throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.executionArn}'`);
    }
    const parsed = parseJsonObject(text, 'InvalidExecutionInput');
    const { executionArn, result } = this.machine(stateMachine).start(name, parsed);
    const execution: Execution = {
      stateMachineArn: stateMachine.stateMachineArn,
      executionArn,
      name,
      input: text,
      startDate: new Date(),
      done: result.then((outcome) => {
        execution.outcome = outcome;
        execution.stopDate = new Date();
      }),
    };
    this.executions.set(name, execution);
    return { executionArn, startDate: epochSeconds(execution.startDate) };
  }

  private describeExecution(input: Record<string, unknown>): unknown {
    const execution = [...this.executions.values()].find((e) => e.executionArn === input.executionArn);
    if (execution === undefined) throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(input.executionArn)}'`);
    const { outcome } = execution;
    return {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: outcome?.status ?? 'RUNNING',
      startDate: epochSeconds(execution.startDate),
      ...(execution.stopDate ? { stopDate: epochSeconds(execution.stopDate) } : {}),
      input: execution.input,
      ...(outcome?.status === 'SUCCEEDED' ? { output: JSON.stringify(outcome.output ?? null) } : {}),
      // The interpreter keeps only the failure's message, which is what Step Functions reports as the cause.
      ...(outcome?.status === 'FAILED' ? { cause: outcome.error } : {}),
    };
  }

  private async sendTaskSuccess(input: Record<string, unknown>): Promise<unknown> {
    const token = this.openToken(input.taskToken);
    await this.tokens.succeed(token, parseJson(String(input.output ?? ''), 'InvalidOutput'));
    return {};
  }

  private async sendTaskFailure(input: Record<string, unknown>): Promise<unknown> {
    const token = this.openToken(input.taskToken);
    await this.tokens.fail(token, String(input.error ?? ''), String(input.cause ?? ''));
    return {};
  }

  /** Step Functions answers TaskTimedOut for a token whose task is closed, whatever closed it. */
  private openToken(token: unknown): string {
    if (typeof token !== 'string' || token === '') throw new AwsServiceError('InvalidToken', 'Invalid Token');
    if (!this.tokens.isWaiting(token)) throw new AwsServiceError('TaskTimedOut', 'Task Timed Out');
    return token;
  }

  /** A Task's Lambda invocation: the event and the result cross as JSON, as between Step Functions and Lambda. */
  private invoker(placeholder: string): (deps: StepDependencies, input: unknown) => Promise<unknown> {
    return async (_deps, input) => {
      const result = await this.options.resolveFunction(placeholder)(JSON.parse(JSON.stringify(input ?? null)));
      return result === undefined ? null : JSON.parse(JSON.stringify(result));
    };
  }

  private machine({ stateMachineArn, aslFile }: StandInStateMachine): LocalStateMachine {
    const scale = this.tokenTimeoutScale;
    const key = `${stateMachineArn} ${scale}`;
    let machine = this.machines.get(key);
    if (machine === undefined) {
      machine = new LocalStateMachine({
        aslFile,
        steps: Object.fromEntries(aslPlaceholders(fs.readFileSync(aslFile, 'utf8')).map((name) => [name, this.invoker(name)])),
        deps: () => HANDLERS_OWN_THEIR_DEPENDENCIES,
        callbacks: this.tokens,
        timeScale: this.options.timeScale,
        tokenTimeoutScale: scale,
        arnPrefix: stateMachineArn.replace(STATE_MACHINE_MARKER, ':execution:'),
      });
      this.machines.set(key, machine);
    }
    return machine;
  }
}

/** The embedded runtime's task tokens, plus what the service knows about them: which are still waiting. */
class TrackedTaskCallbacks extends LocalTaskCallbacks {
  private readonly waiting = new Set<string>();

  public override open(timeoutMs: number): { token: string; result: Promise<unknown> } {
    const opened = super.open(timeoutMs);
    this.waiting.add(opened.token);
    const closed = (): void => void this.waiting.delete(opened.token);
    opened.result.then(closed, closed);
    return opened;
  }

  public isWaiting(token: string): boolean {
    return this.waiting.has(token);
  }

  public async failAll(error: string, cause: string): Promise<void> {
    await Promise.all([...this.waiting].map((token) => this.fail(token, error, cause)));
  }
}


// The interpreter hands each step the embedded runtime's dependencies; Lambda handlers have their own, so any use of
// these would be a mistake in the stand-in.
const HANDLERS_OWN_THEIR_DEPENDENCIES = new Proxy({} as StepDependencies, {
  get: (_target, property) => {
    throw new Error(`a Lambda handler reached for the embedded runtime's ${String(property)}`);
  },
});

function parseJson(text: string, errorType: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AwsServiceError(errorType, 'The value is not valid JSON');
  }
}

function parseJsonObject(text: string, errorType: string): Record<string, unknown> {
  const value = parseJson(text, errorType);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AwsServiceError(errorType, 'The value is not a JSON object');
  return value as Record<string, unknown>;
}
