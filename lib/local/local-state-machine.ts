// Runs an ASL file with aws-local-stepfunctions, calling the step functions in-process. Task states are matched
// by their FunctionName placeholder, so the local run and the cloud share one definition. `.waitForTaskToken`
// tasks get a real, unique token per wait (the library only offers a static one) and honour TimeoutSeconds.
import './polyfills';
import { StateMachine } from 'aws-local-stepfunctions';
import type { StepDependencies } from '../../functions/ports';
import type { Step } from '../../functions/steps';
import { aslPlaceholders, loadAsl } from '../asl-files';
import type { LocalTaskCallbacks } from './local-task-callbacks';
import * as fs from 'node:fs';

type Json = Parameters<StateMachine['run']>[0];

interface TaskState {
  readonly Type: string;
  readonly Resource?: string;
  readonly TimeoutSeconds?: number;
  readonly Retry?: unknown[];
  readonly SecondsPath?: string;
  readonly TimeoutSecondsPath?: string;
  readonly Parameters?: { readonly Payload?: Readonly<Record<string, unknown>> };
}

/** The `waitSeconds` the last Task of one execution asked for; its next Wait state sleeps that long, scaled. */
interface WaitRequest {
  seconds?: number;
}

const WAIT_FOR_TOKEN = '.waitForTaskToken';
/** Just under 2^31 ms, the longest setTimeout delay Node honours (a longer one fires at once). */
const LIBRARY_TIMEOUT_CEILING_SECONDS = 2_147_483;
/** Step Functions' default when a Task has no TimeoutSeconds. */
const DEFAULT_TIMEOUT_SECONDS = 99_999_999;

export interface LocalStateMachineOptions {
  readonly aslFile: string;
  readonly steps: Readonly<Record<string, Step>>;
  readonly deps: () => StepDependencies;
  readonly callbacks: LocalTaskCallbacks;
  /** Wait states and the pauses between retries run this many times faster. */
  readonly timeScale: number;
  /**
   * Task-token timeouts run this many times faster. Kept apart from timeScale: host scripts run in real time, so
   * shortening the safety timeout below a script's own would fail hosts that are merely working. Tests use it.
   */
  readonly tokenTimeoutScale?: number;
  readonly arnPrefix: string;
}

export class LocalStateMachine {
  private readonly machine: StateMachine;
  private readonly states: Record<string, TaskState>;

  public constructor(private readonly options: LocalStateMachineOptions) {
    const text = fs.readFileSync(options.aslFile, 'utf8');
    // Each placeholder stands for itself: the override below dispatches on that name.
    const substitutions = Object.fromEntries(aslPlaceholders(text).map((name) => [name, name]));
    const definition = loadAsl(options.aslFile, substitutions);
    this.states = definition.States as Record<string, TaskState>;
    checkTimeoutPaths(this.states);
    this.machine = new StateMachine(withoutTimeoutPaths(definition) as unknown as ConstructorParameters<typeof StateMachine>[0], {
      validationOptions: { checkArn: false },
    });
  }

  /** Starts an execution; the result promise never rejects (a failed execution resolves with its error). */
  public start(name: string, input: Record<string, unknown>): LocalExecution {
    const executionArn = `${this.options.arnPrefix}:${name}`;
    const wait: WaitRequest = {};
    const execution = this.machine.run(input as Json, {
      context: {
        Execution: { Id: executionArn, Name: name, Input: input as Json, StartTime: new Date().toISOString() },
        Task: { Token: 'replaced-per-task' },
      } as never,
      overrides: {
        taskResourceLocalHandlers: this.taskHandlers(wait),
        retryIntervalOverrides: this.retryIntervals(),
        waitTimeOverrides: this.waitTimes(wait),
      },
    });
    const stats = { transitions: 0, taskInvocations: 0 };
    const counted = countTransitions(execution.eventLogs, stats);
    const result = execution.result.then(
      (output): ExecutionOutcome => ({ status: 'SUCCEEDED', output }),
      (error: unknown): ExecutionOutcome => ({ status: 'FAILED', error: error instanceof Error ? error.message : String(error) }),
    );
    return { executionArn, result: result.then(async (outcome) => ({ ...outcome, ...(await counted) })) };
  }

  private taskHandlers(wait: WaitRequest): Record<string, (input: Json) => Promise<Json>> {
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    for (const [stateName, state] of Object.entries(this.states)) {
      if (state.Type !== 'Task') continue;
      const waits = state.Resource?.endsWith(WAIT_FOR_TOKEN) ?? false;
      const timeoutMs = ((state.TimeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000) / (this.options.tokenTimeoutScale ?? 1);
      handlers[stateName] = async (input) => {
        const { FunctionName, Payload } = input as { FunctionName: string; Payload: Record<string, unknown> };
        // A timeout read from the input is a timed wait (the next traffic shift), not a safety net: it runs on timeScale.
        const waitMs = state.TimeoutSecondsPath === undefined ? timeoutMs : ((Payload.timeoutSeconds as number) * 1000) / this.options.timeScale;
        const step = this.options.steps[FunctionName];
        if (!step) throw new Error(`State ${stateName}: no local step for FunctionName ${FunctionName}`);
        if (!waits) {
          const result = await step(this.options.deps(), Payload);
          wait.seconds = waitSecondsOf(result);
          return { StatusCode: 200, Payload: (result ?? null) as Json };
        }
        const { token, result } = this.options.callbacks.open(Math.min(waitMs, 2 ** 31 - 1));
        // A short wait may time out while its step still runs: the rejection is handled when awaited below.
        result.catch(() => undefined);
        await step(this.options.deps(), { ...Payload, taskToken: token }).catch(async (error: unknown) => {
          await this.options.callbacks.fail(token, errorName(error), errorMessage(error));
        });
        const output = await result;
        wait.seconds = waitSecondsOf(output);
        return output as Json;
      };
    }
    return handlers;
  }

  /**
   * Wait states that read their seconds from the input sleep what the last Task asked for, shortened by timeScale.
   * The library takes fixed overrides only, but reads them as each Wait starts, so a getter supplies the value.
   */
  private waitTimes(wait: WaitRequest): Record<string, number> {
    const overrides: Record<string, number> = {};
    if (this.options.timeScale === 1) return overrides;
    for (const [name, state] of Object.entries(this.states)) {
      if (state.Type !== 'Wait' || state.SecondsPath === undefined) continue;
      Object.defineProperty(overrides, name, { enumerable: true, get: () => ((wait.seconds ?? 0) * 1000) / this.options.timeScale });
    }
    return overrides;
  }

  /** Retries keep their order and count; only the sleeping between them is shortened. */
  private retryIntervals(): Record<string, number> {
    return Object.fromEntries(
      Object.entries(this.states)
        .filter(([, state]) => Array.isArray(state.Retry))
        .map(([name]) => [name, Math.ceil(2000 / this.options.timeScale)]),
    );
  }
}

/**
 * The handlers see a Task's Parameters, not its input, so a TimeoutSecondsPath must also be passed to the step as
 * Payload.timeoutSeconds from the same path; checked here so that the two can never drift apart.
 */
function checkTimeoutPaths(states: Readonly<Record<string, TaskState>>): void {
  for (const [name, state] of Object.entries(states)) {
    if (state.TimeoutSecondsPath === undefined) continue;
    if (state.Parameters?.Payload?.['timeoutSeconds.$'] !== state.TimeoutSecondsPath) {
      throw new Error(`State ${name}: TimeoutSecondsPath ${state.TimeoutSecondsPath} must also be passed as Payload "timeoutSeconds.$"`);
    }
  }
}

/**
 * aws-local-stepfunctions reads TimeoutSecondsPath from the task's Parameters rather than its input (Step Functions
 * reads the input), and would fail the execution. The handlers time such waits themselves (above), so the library
 * gets a fixed ceiling instead: the longest delay a Node timer takes, which it never reaches first.
 */
function withoutTimeoutPaths(definition: Record<string, unknown>): Record<string, unknown> {
  const states = Object.fromEntries(
    Object.entries(definition.States as Record<string, TaskState>).map(([name, state]) => {
      if (state.TimeoutSecondsPath === undefined) return [name, state];
      const { TimeoutSecondsPath: _path, ...rest } = state;
      return [name, { ...rest, TimeoutSeconds: LIBRARY_TIMEOUT_CEILING_SECONDS }];
    }),
  );
  return { ...definition, States: states };
}

function waitSecondsOf(output: unknown): number | undefined {
  const seconds = (output as { waitSeconds?: unknown } | null | undefined)?.waitSeconds;
  return typeof seconds === 'number' ? seconds : undefined;
}

export type ExecutionOutcome = ({ status: 'SUCCEEDED'; output: unknown } | { status: 'FAILED'; error: string }) & {
  /** States entered, what Step Functions bills as state transitions. */
  readonly transitions?: number;
  /** Task states entered: one Lambda invocation each in the cloud (retries add more there). */
  readonly taskInvocations?: number;
};

export interface LocalExecution {
  readonly executionArn: string;
  readonly result: Promise<ExecutionOutcome>;
}

/** Counts StateEntered events, which is how Step Functions counts billable transitions, and the Task ones among them. */
async function countTransitions(
  logs: AsyncGenerator<{ type: string; state?: { type?: string } }>,
  stats: { transitions: number; taskInvocations: number },
): Promise<{ transitions: number; taskInvocations: number }> {
  for await (const event of logs) {
    if (event.type !== 'StateEntered') continue;
    stats.transitions += 1;
    if (event.state?.type === 'Task') stats.taskInvocations += 1;
  }
  return stats;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
