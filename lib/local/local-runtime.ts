// The embedded runtime: the real state machine and steps, in-process, with dynalite as the store, folders as
// hosts and promises as task tokens. The CLI, the demo, the benchmark and the flow tests all run on it.
import * as path from 'node:path';
import { DynamoDbStore } from '../../functions/aws/dynamodb-store';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ComputePlatform, Deployment, DeploymentView } from '../../functions/core/types';
import type { HostReport, HostRunner, StepDependencies, Store } from '../../functions/ports';
import { NotFoundError } from '../../functions/core/errors';
import { executionInput, executionName } from '../../functions/core/execution-segments';
import { explicitInstances } from '../../functions/core/instance-list';
import { STATE_MACHINE_STEPS } from '../../functions/steps';
import { hostReport } from '../../functions/steps/host-report';
import { type LockSweepSummary, sweepLocks } from '../../functions/steps/lock-sweep';
import { alarmStateChanged } from '../../functions/steps/alarm-state-changed';
import { ECS_BLUE_GREEN_ASL, LAMBDA_TRAFFIC_SHIFT_ASL, SERVER_IN_PLACE_ASL } from '../asl-files';
import { LocalAlarms } from './local-alarms';
import { FanoutEventSink } from './fanout-event-sink';
import { JsonlEventSink } from './jsonl-event-sink';
import { LocalBundleReader } from './local-bundle-reader';
import { LocalEventBus } from './local-event-bus';
import { type LocalDynamoDb, startLocalDynamoDb } from './local-dynamodb';
import { LocalHostRunner } from './local-host-runner';
import { LocalEcsServices } from './local-ecs-services';
import { LocalLambdaFunctions } from './local-lambda-functions';
import { reportHookStatus, type HookStatusReport } from '../../functions/steps/traffic/hook-status';
import type { HookInvocation } from '../../functions/ports';
import { LocalLoadBalancers } from './local-load-balancers';
import { LocalRevisionSource } from './local-revision-source';
import { type ExecutionOutcome, LocalStateMachine } from './local-state-machine';
import { LocalTaskCallbacks } from './local-task-callbacks';

export const LOCAL_TABLE_NAME = 'cutover-local';

/** What a local hook function gets to report with: the one CodeDeploy call a hook makes, in the SDK's shape. */
export interface LocalCodeDeployClient {
  putLifecycleEventHookExecutionStatus(input: HookStatusReport): Promise<{ lifecycleEventHookExecutionId: string }>;
}

/** A hook function run in-process: the event Lambda would deliver, and a client to report its status with. */
export type LocalHookFunction = (event: HookInvocation, codedeploy: LocalCodeDeployClient) => Promise<void>;

interface LocalExecutionEntry {
  readonly name: string;
  readonly executionArn: string;
  readonly result: Promise<ExecutionOutcome>;
  done: boolean;
}

export interface LocalRuntimeOptions {
  /** Folder holding everything: the store (db/), hosts (hosts/<name>/), bundles (revisions/), load-balancers/, lambda/, ecs/, alarms.json. */
  readonly stateDir: string;
  /** Keep the store on disk (the CLI) or in memory (tests). Default: on disk. */
  readonly persist?: boolean;
  /** Wait states and retry pauses run this many times faster. Default 1. */
  readonly timeScale?: number;
  /** Task-token safety timeouts run this many times faster (tests of lost reports). Default 1. */
  readonly tokenTimeoutScale?: number;
  /** Scripts running at once across local hosts. Default 16. */
  readonly hostConcurrency?: number;
  /** Batches per execution before a new one takes over (tests lower it to see the hand-over). */
  readonly batchesPerExecution?: number;
  /** Wraps the steps' dependencies (fault-injection tests make a store call or a callback fail once). */
  readonly decorate?: (deps: StepDependencies) => StepDependencies;
  /** Lambda hook functions by the name an appspec gives them: local modules instead of deployed functions. */
  readonly hooks?: Readonly<Record<string, LocalHookFunction>>;
  /** Replaces the local host runner (tests use it to lose or duplicate reports). */
  readonly hostRunner?: (report: (r: HostReport) => Promise<void>, hostsDir: string) => HostRunner;
  /**
   * Acts on alarms.json changes other processes make (`cutover local alarm set`) within a fraction of a second, not
   * only at a deployment's next traffic change: for processes that run deployments for a while (serve, local deploy).
   */
  readonly watchAlarmFile?: boolean;
}

export class LocalRuntime {
  public readonly events = new LocalEventBus();
  public readonly callbacks = new LocalTaskCallbacks();
  public readonly stateDir: string;
  public readonly hostsDir: string;
  public readonly revisionsDir: string;
  public readonly loadBalancers: LocalLoadBalancers;
  public readonly lambdaFunctions: LocalLambdaFunctions;
  public readonly ecsServices: LocalEcsServices;
  public readonly alarms: LocalAlarms;
  public readonly deps: StepDependencies;
  /** Executions started by this process, by deployment id, in order (a long deployment runs as several). */
  private readonly executions = new Map<string, LocalExecutionEntry[]>();
  private readonly stateMachines: Readonly<Record<ComputePlatform, LocalStateMachine>>;
  private readonly hostRunner: HostRunner;
  private readonly reportErrors: Error[] = [];

  private constructor(
    options: LocalRuntimeOptions,
    private readonly dynamo: LocalDynamoDb,
  ) {
    this.stateDir = options.stateDir;
    this.hostsDir = path.join(options.stateDir, 'hosts');
    this.revisionsDir = path.join(options.stateDir, 'revisions');
    this.loadBalancers = new LocalLoadBalancers(path.join(options.stateDir, 'load-balancers'));
    // The status goes through the same step as the API's PutLifecycleEventHookExecutionStatus route.
    const codedeploy: LocalCodeDeployClient = {
      putLifecycleEventHookExecutionStatus: async (input) => {
        await reportHookStatus(this.deps, input);
        return { lifecycleEventHookExecutionId: input.lifecycleEventHookExecutionId };
      },
    };
    const hooks = Object.fromEntries(Object.entries(options.hooks ?? {}).map(([name, hook]) => [name, (event: HookInvocation) => hook(event, codedeploy)]));
    this.lambdaFunctions = new LocalLambdaFunctions({ stateDir: options.stateDir, hooks });
    this.alarms = new LocalAlarms(options.stateDir);
    this.ecsServices = new LocalEcsServices({ stateDir: options.stateDir });
    const store: Store = new DynamoDbStore({
      tableName: LOCAL_TABLE_NAME,
      client: DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } }),
    });
    const report = (r: HostReport): Promise<void> => this.report(r);
    this.hostRunner =
      options.hostRunner?.(report, this.hostsDir) ??
      new LocalHostRunner({ hostsDir: this.hostsDir, report, concurrency: options.hostConcurrency ?? 16 });
    const deps: StepDependencies = {
      store,
      hosts: this.hostRunner,
      callbacks: this.callbacks,
      executions: {
        start: async (deployment, firstBatch) => this.startExecution(deployment.deploymentId, deployment.computePlatform, firstBatch ?? 1),
        isRunning: async (executionArn) => [...this.executions.values()].flat().some((e) => e.executionArn === executionArn && !e.done),
      },
      targets: { resolve: async (group) => explicitInstances(group) },
      revisions: new LocalRevisionSource(),
      bundles: new LocalBundleReader({ revisionsDir: this.revisionsDir, exclude: [this.stateDir] }),
      // The CLI's live progress, and .cutover/events.jsonl with what EventBridge would receive.
      events: new FanoutEventSink(this.events, new JsonlEventSink({ stateDir: options.stateDir, deployments: (id) => store.getDeployment(id) })),
      clock: () => new Date(),
      traffic: this.loadBalancers,
      aliases: this.lambdaFunctions,
      ecs: this.ecsServices,
      alarms: this.alarms,
      batchesPerExecution: options.batchesPerExecution,
    };
    this.deps = options.decorate ? options.decorate(deps) : deps;
    const machine = (aslFile: string, name: string): LocalStateMachine =>
      new LocalStateMachine({
        aslFile,
        steps: STATE_MACHINE_STEPS,
        deps: () => this.deps,
        callbacks: this.callbacks,
        timeScale: options.timeScale ?? 1,
        tokenTimeoutScale: options.tokenTimeoutScale,
        arnPrefix: `arn:aws:states:local:000000000000:execution:${name}`,
      });
    this.stateMachines = {
      Server: machine(SERVER_IN_PLACE_ASL, 'cutover-server-in-place'),
      Lambda: machine(LAMBDA_TRAFFIC_SHIFT_ASL, 'cutover-lambda-traffic-shift'),
      ECS: machine(ECS_BLUE_GREEN_ASL, 'cutover-ecs-blue-green'),
    };
    // What CloudWatch's Alarm State Change event rule does in the cloud.
    this.alarms.onChange(async (alarmName, state) => {
      await alarmStateChanged(this.deps, alarmName, state);
    });
    if (options.watchAlarmFile) this.alarms.watchFile();
  }

  public static async open(options: LocalRuntimeOptions): Promise<LocalRuntime> {
    const persist = options.persist ?? true;
    const dynamo = await startLocalDynamoDb({
      path: persist ? path.join(options.stateDir, 'db') : undefined,
      tableName: LOCAL_TABLE_NAME,
    });
    return new LocalRuntime(options, dynamo);
  }

  public get store(): Store {
    return this.deps.store;
  }

  /** Waits for the deployment's execution, and for the rollback it started, if any. */
  public async waitForDeployment(deploymentId: string): Promise<DeploymentView> {
    let current: string | undefined = deploymentId;
    while (current) {
      await this.settled(current);
      const deployment: Deployment | undefined = await this.store.getDeployment(current);
      current = deployment?.rollbackInfo?.rollbackDeploymentId;
    }
    return this.view(deploymentId);
  }

  /** The deployment record with its targets, as `cutover local get` shows it. */
  public async view(deploymentId: string): Promise<DeploymentView> {
    const deployment = await this.store.getDeployment(deploymentId);
    if (!deployment) throw new NotFoundError('Deployment', deploymentId);
    // The token of a wait is the engine's own; nothing shows it.
    const { currentWait: _token, ...shown } = deployment as Deployment & { currentWait?: unknown };
    return { ...(shown as Deployment), targets: await this.store.getTargets(deploymentId) };
  }

  /**
   * Recovers the group locks of executions that ended without finishing, as the scheduled sweep does on AWS. Only this
   * process's executions count as running, so a lock left by an earlier process that was killed is recovered.
   */
  public sweepLocks(): Promise<LockSweepSummary> {
    return sweepLocks(this.deps);
  }

  /** Executions still running; a clean close waits for them. */
  public async close(): Promise<void> {
    await Promise.allSettled([...this.executions.values()].flat().map((e) => e.result));
    // Watched until the last deployment has ended: an alarm still stops one that runs on after a stop signal.
    await this.alarms.unwatchFile();
    if (this.hostRunner instanceof LocalHostRunner) await this.hostRunner.idle();
    await this.lambdaFunctions.idle();
    await this.dynamo.close();
  }

  /** How an execution ended and how many state transitions it took (for tests and the benchmark). */
  public async executionOutcome(deploymentId: string): Promise<(ExecutionOutcome & { executions: number }) | undefined> {
    await this.settled(deploymentId);
    const chain = this.executions.get(deploymentId);
    if (!chain) return undefined;
    const outcomes = await Promise.all(chain.map((e) => e.result));
    const transitions = outcomes.reduce((sum, o) => sum + (o.transitions ?? 0), 0);
    const taskInvocations = outcomes.reduce((sum, o) => sum + (o.taskInvocations ?? 0), 0);
    return { ...outcomes[outcomes.length - 1], transitions, taskInvocations, executions: chain.length };
  }

  /** Waits until every execution of the deployment has ended, including ones that took over meanwhile. */
  private async settled(deploymentId: string): Promise<void> {
    for (let seen = 0; ; ) {
      const chain = this.executions.get(deploymentId) ?? [];
      if (seen === chain.length) return;
      seen = chain.length;
      await Promise.all(chain.map((e) => e.result));
    }
  }

  /** Host reports the steps could not record, for tests and the CLI to surface. */
  public get failedReports(): readonly Error[] {
    return this.reportErrors;
  }

  /** Named after the deployment and its first batch, like on AWS: starting the same one twice starts it once. */
  private startExecution(deploymentId: string, platform: ComputePlatform, firstBatch: number): { executionArn: string } {
    const name = executionName(deploymentId, firstBatch);
    const chain = this.executions.get(deploymentId) ?? [];
    const existing = chain.find((e) => e.name === name);
    if (existing) return { executionArn: existing.executionArn };
    const { executionArn, result } = this.stateMachines[platform].start(name, executionInput(deploymentId, firstBatch));
    const entry: LocalExecutionEntry = { name, executionArn, result, done: false };
    this.executions.set(deploymentId, [...chain, entry]);
    void result.then(() => {
      entry.done = true;
    });
    return { executionArn };
  }

  /** A host's report goes through the same step SSM's events feed in the cloud, retried like a Lambda would be. */
  private async report(r: HostReport): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await hostReport(this.deps, r);
        return;
      } catch (error) {
        if (attempt >= 3) {
          this.reportErrors.push(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }
}
