// The interfaces steps depend on. Each has an AWS adapter (functions/aws) and a local one (lib/local).
import type {
  AnyRevision,
  AppSpec,
  Application,
  Deployment,
  DeploymentGroup,
  DeploymentStatus,
  DeploymentSummary,
  DeploymentTarget,
  HostRecord,
  LifecycleEvent,
  LoadBalancerInfo,
  PendingTarget,
  RevisionLocation,
  S3Revision,
  ServerLifecycleEventName,
  TargetStatus,
  TrafficShift,
} from './core/types';
import type { AnyDeploymentConfig } from './core/traffic-configs';
import type { HookEventName } from './core/traffic-course';

/** The lock item of a deployment group: who holds it, since when. */
export interface GroupLock {
  readonly deploymentGroupId: string;
  readonly deploymentId: string;
  readonly acquiredAt: string;
  readonly executionArn?: string;
}

/** A deployment and its place in its group's arrival order. */
export interface QueueEntryRef {
  readonly deploymentId: string;
  readonly queuePosition: number;
}

/** A place taken in a group's arrival order. */
export interface QueueTicket {
  readonly queuePosition: number;
  /** The place of the superseding arrival before this one, if any: what arrived from there on is this one's to stop. */
  readonly previousSupersedingPosition?: number;
}

/** A deployment waiting (status Queued) for its group's lock, in arrival order. */
export interface QueueEntry extends QueueEntryRef {
  readonly deploymentGroupId: string;
  readonly queuedAt: string;
}

/** One batch of one deployment: which targets, and the lifecycle event they are in. */
export interface Batch {
  readonly deploymentId: string;
  readonly batchNumber: number;
  readonly targetIds: readonly string[];
  /** Index into Deployment.lifecycleEventNames of the event now dispatched. */
  readonly eventIndex: number;
  /** Hosts the current event was sent to. */
  readonly expected: number;
  /** Hosts that have reported for the current event: the size of a set of target ids, so a repeat counts once. */
  readonly reported: number;
  /** Task token of the execution waiting for the current event. */
  readonly taskToken?: string;
  /** True once the current event's scripts were handed to the host runner (a retried step must not resend them). */
  readonly dispatched?: boolean;
  /** Hosts certainly sent the current event so far: a retry after a partial dispatch sends only to the others. */
  readonly sentTargetIds?: readonly string[];
}

/**
 * What UpdateDeploymentGroup changes on a group: everything but its identity (application, name, id, platform) and
 * the outcome fields a finished deployment records.
 */
export type DeploymentGroupSettings = Omit<
  DeploymentGroup,
  'applicationName' | 'deploymentGroupName' | 'deploymentGroupId' | 'computePlatform' | keyof GroupOutcome
>;

/** What a finished deployment changes on its group; written without touching the group's other settings. */
export interface GroupOutcome {
  readonly lastAttemptedDeployment: DeploymentSummary;
  /** Only when the deployment succeeded. */
  readonly lastSuccessfulDeployment?: DeploymentSummary;
  /** Only when the deployment succeeded. */
  readonly targetRevision?: AnyRevision;
}

export interface DeploymentListFilter {
  readonly applicationName?: string;
  readonly deploymentGroupName?: string;
  readonly statuses?: readonly DeploymentStatus[];
  /** createTime at or after this (ISO 8601). */
  readonly createdFrom?: string;
  /** createTime at or before this (ISO 8601). */
  readonly createdTo?: string;
}

/** One page of a list. `nextToken` is opaque to callers and absent on the last page. */
export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/**
 * Where a list continues. A `nextToken` the store did not hand out (or one from another list) is refused with a
 * ValidationError on field `nextToken`.
 */
export interface PageRequest {
  readonly nextToken?: string;
  /** Items per page; the store's default (100) when absent. */
  readonly limit?: number;
}

/** A revision registered with an application (CodeDeploy's RegisterApplicationRevision). */
export interface RevisionRecord {
  readonly applicationName: string;
  readonly revision: RevisionLocation;
  readonly description?: string;
  readonly registerTime: string;
}

/** The result of one target's lifecycle event, written once: a duplicate report changes nothing. */
export interface TargetEventResult {
  readonly deploymentId: string;
  readonly targetId: string;
  readonly eventIndex: number;
  readonly event: LifecycleEvent;
  /** New target status when this result decides it (Failed, or Succeeded after the last event). */
  readonly targetStatus?: TargetStatus;
  /** Events after a failure are marked Skipped in the same write. */
  readonly skipRemaining: boolean;
  readonly at: string;
}

export interface Store {
  /**
   * Writes the hook execution only while none exists for its event or the one there is still Pending (a retried step
   * renews the token). False, writing nothing, when the stored one has a status already.
   */
  putHookExecution(execution: HookExecution): Promise<boolean>;
  getHookExecution(deploymentId: string, lifecycleEventName: HookEventName): Promise<HookExecution | undefined>;
  /**
   * Gives a Pending execution its status (one conditional write) and returns it as stored after. ConflictError,
   * writing nothing, when it has a status already: a second report is refused.
   */
  completeHookExecution(
    deploymentId: string,
    lifecycleEventName: HookEventName,
    status: 'Succeeded' | 'Failed',
    at: string,
    message?: string,
  ): Promise<HookExecution>;

  createApplication(app: Application): Promise<Application>;
  getApplication(applicationName: string): Promise<Application | undefined>;
  /** By name, ascending. */
  listApplications(page?: PageRequest): Promise<Page<Application>>;
  /**
   * Deletes the application with its deployment groups and registered revisions (CodeDeploy also forgets its
   * deployments; Cutover keeps deployment records for their history). False when it did not exist.
   */
  deleteApplication(applicationName: string): Promise<boolean>;

  putDeploymentGroup(group: DeploymentGroup): Promise<void>;
  /**
   * Replaces the settings of the group of that name (one UpdateItem: each setting present is set, each absent one
   * removed) only while the stored group still has `deploymentGroupId`; never touches its name, id or outcome fields.
   * ConflictError, writing nothing, when the group was deleted or renamed (another id, or none, under that name).
   */
  updateDeploymentGroupSettings(
    applicationName: string,
    deploymentGroupName: string,
    deploymentGroupId: string,
    settings: DeploymentGroupSettings,
  ): Promise<void>;
  /** Sets only the outcome fields on the group (one UpdateItem), so concurrent edits of its settings survive. */
  recordGroupOutcome(applicationName: string, deploymentGroupName: string, outcome: GroupOutcome): Promise<void>;
  getDeploymentGroup(applicationName: string, deploymentGroupName: string): Promise<DeploymentGroup | undefined>;
  /** Writes a new group; ConflictError if one of that name exists in the application. */
  createDeploymentGroup(group: DeploymentGroup): Promise<void>;
  /** The application's groups by name, ascending. */
  listDeploymentGroups(applicationName: string, page?: PageRequest): Promise<Page<DeploymentGroup>>;
  /** False when it did not exist. */
  deleteDeploymentGroup(applicationName: string, deploymentGroupName: string): Promise<boolean>;

  /**
   * Custom deployment configs of every platform, kept and returned as given (predefined CodeDeployDefault.* ones are
   * never stored). Server steps go through resolveDeploymentConfig, which refuses a Lambda or ECS config.
   */
  createDeploymentConfig(config: AnyDeploymentConfig): Promise<void>;
  getDeploymentConfig(deploymentConfigName: string): Promise<AnyDeploymentConfig | undefined>;
  /** Custom configs only, by name ascending (the API adds the predefined ones). */
  listDeploymentConfigs(page?: PageRequest): Promise<Page<AnyDeploymentConfig>>;
  /** False when it did not exist. */
  deleteDeploymentConfig(deploymentConfigName: string): Promise<boolean>;

  /** Writes a new deployment; fails with ConflictError if the id exists. */
  createDeployment(deployment: Deployment): Promise<void>;
  getDeployment(deploymentId: string): Promise<Deployment | undefined>;
  /**
   * Applies `changes` to the deployment. With `expectedStatus`, only when the stored status is one of them
   * (ConflictError otherwise): status moves are single conditional writes.
   */
  updateDeployment(
    deploymentId: string,
    changes: Partial<Deployment>,
    expectedStatus?: readonly DeploymentStatus[],
  ): Promise<Deployment>;
  /** Newest first. */
  listDeployments(filter?: DeploymentListFilter): Promise<Deployment[]>;
  /** Newest first, a page at a time. */
  listDeploymentsPage(filter: DeploymentListFilter, page?: PageRequest): Promise<Page<Deployment>>;
  /**
   * Binds a client token of an application to a deployment id with one conditional write, recording `now` as the
   * claim time. Returns the claim the token is under: owner `deploymentId` when this call bound it, otherwise the
   * earlier owner and when it claimed the token (absent for claims stored before claim times were recorded).
   */
  claimClientToken(
    applicationName: string,
    clientToken: string,
    deploymentId: string,
    now: Date,
  ): Promise<{ readonly owner: string; readonly claimedAt?: string }>;
  /**
   * Rebinds a token whose claim `from` was abandoned (its request died before creating the deployment) to
   * `deploymentId`, claimed at `now`, with one conditional write that holds only while the token still has `from`'s
   * owner and claim time. True when the token is now `deploymentId`'s; false (nothing written) when the claim
   * changed meanwhile: released, or taken over by another request.
   */
  takeOverClientToken(
    applicationName: string,
    clientToken: string,
    from: { readonly owner: string; readonly claimedAt?: string },
    deploymentId: string,
    now: Date,
  ): Promise<boolean>;
  /**
   * Releases a token this deployment bound, only while it is bound to it. For a creation that failed before the
   * deployment was written, so a retry with the same token can try again; never once the deployment exists.
   */
  releaseClientToken(applicationName: string, clientToken: string, deploymentId: string): Promise<void>;

  /** Registers a revision; registering the same location again updates its description and time. */
  registerRevision(record: RevisionRecord): Promise<void>;
  /** The application's revisions, newest registration first. */
  listRevisions(applicationName: string, page?: PageRequest): Promise<Page<RevisionRecord>>;

  /**
   * Takes the group lock with one conditional write. Throws DeploymentGroupBusyError naming the holder when another
   * deployment has it; taking a lock the same deployment already holds succeeds.
   */
  acquireGroupLock(lock: GroupLock, deploymentGroupName: string): Promise<void>;
  /** Hands the lock from one deployment to another (a rollback) without ever freeing it. */
  transferGroupLock(deploymentGroupId: string, fromDeploymentId: string, toDeploymentId: string): Promise<void>;
  /**
   * Frees the lock if `deploymentId` holds it (and, with `onlyIfExecution`, if it still names that execution, or
   * none for null); a no-op otherwise. Returns whether it freed the lock.
   */
  releaseGroupLock(deploymentGroupId: string, deploymentId: string, onlyIfExecution?: string | null): Promise<boolean>;
  getGroupLock(deploymentGroupId: string): Promise<GroupLock | undefined>;
  /** Records the execution that owns the lock, so a dead owner can be recognised. */
  setGroupLockExecution(deploymentGroupId: string, deploymentId: string, executionArn: string): Promise<void>;

  /**
   * The group's next place in its arrival order (1, 2, 3 … per group; one atomic counter update). With
   * `supersedingDeploymentId`, the same write records that deployment as the latest to arrive superseding: every
   * deployment with a lower position is to be stopped, and getSupersession tells whoever launches one.
   */
  nextQueuePosition(deploymentGroupId: string, supersedingDeploymentId?: string): Promise<QueueTicket>;
  /** The latest deployment that arrived superseding, with its position; undefined when none ever did. */
  getSupersession(deploymentGroupId: string): Promise<QueueEntryRef | undefined>;
  /** Writes the deployment's entry in its group's queue; writing it again changes nothing. */
  enqueue(entry: QueueEntry): Promise<void>;
  /** The group's queue in arrival order, the first `limit` entries (all when absent); read strongly consistent. */
  listQueue(deploymentGroupId: string, limit?: number): Promise<QueueEntry[]>;
  /** The entries from place `first` to place `last` (both included), in arrival order; read strongly consistent. */
  listQueueBetween(deploymentGroupId: string, first: number, last: number): Promise<QueueEntry[]>;
  /** Removes an entry; one already gone is not an error. */
  dequeue(deploymentGroupId: string, queuePosition: number): Promise<void>;

  putTargets(targets: readonly DeploymentTarget[]): Promise<void>;
  getTargets(deploymentId: string): Promise<DeploymentTarget[]>;
  /** The deployment's targets by id, ascending, a page at a time. */
  listTargetsPage(deploymentId: string, page?: PageRequest): Promise<Page<DeploymentTarget>>;
  getTarget(deploymentId: string, targetId: string): Promise<DeploymentTarget | undefined>;
  /** Overwrites whole target items (status moves decided by a step that owns the deployment at that point). */
  updateTargets(targets: readonly DeploymentTarget[]): Promise<void>;
  /**
   * Records one target's event result, only while that event is InProgress; returns false (and writes nothing)
   * for a duplicate or late report.
   */
  recordTargetEvent(result: TargetEventResult): Promise<boolean>;

  /** Writes the whole batch item; the set of reported targets starts empty. */
  putBatch(batch: Batch): Promise<void>;
  /**
   * Moves the batch to `batch.eventIndex` (whole item, no reports yet), only while the batch is before that event
   * or has sent nothing. False when another attempt of the same step got there first.
   */
  beginBatchEvent(batch: Batch): Promise<boolean>;
  getBatch(deploymentId: string, batchNumber: number): Promise<Batch | undefined>;
  /**
   * Adds `targetId` to the reports of the batch's current event (a set: reporting twice counts once) and returns
   * the batch after the write. ConflictError when the batch is no longer at `eventIndex`.
   */
  countBatchReport(deploymentId: string, batchNumber: number, eventIndex: number, targetId: string): Promise<Batch>;
  /**
   * For the batch's current event (ConflictError if it moved on): records the task token now waiting and, with
   * `dispatched`, that the scripts went out. Keeps the reports already counted. Returns the batch after the write.
   */
  /** Adds hosts to those sent the batch's current event (a set); ConflictError when the batch moved on. */
  markBatchSent(deploymentId: string, batchNumber: number, eventIndex: number, targetIds: readonly string[]): Promise<Batch>;
  updateBatchWait(
    deploymentId: string,
    batchNumber: number,
    eventIndex: number,
    changes: { readonly taskToken: string; readonly dispatched?: boolean },
  ): Promise<Batch>;

  getHostRecords(deploymentGroupId: string): Promise<HostRecord[]>;
  getHostRecord(deploymentGroupId: string, targetId: string): Promise<HostRecord | undefined>;
  putHostRecords(records: readonly HostRecord[]): Promise<void>;
}

/** A lifecycle event's script for a set of hosts. Hosts in one dispatch may get different scripts. */
export interface HostDispatch {
  readonly deploymentId: string;
  readonly batchNumber: number;
  readonly eventIndex: number;
  readonly eventName: ServerLifecycleEventName;
  readonly scripts: readonly { readonly script: string; readonly targetIds: readonly string[] }[];
  /** Upper bound for the whole event on one host, in seconds. */
  readonly timeoutSeconds: number;
}

/** What a host reports for one event: the exit code and output of the rendered script. */
export interface HostReport {
  readonly deploymentId: string;
  readonly batchNumber: number;
  readonly eventIndex: number;
  readonly targetId: string;
  readonly exitCode: number;
  readonly output: string;
  readonly startTime: string;
  readonly endTime: string;
}

/** Which hosts' results for one dispatched event a safety check asks the runner for. */
export interface HostCollection {
  readonly deploymentId: string;
  readonly batchNumber: number;
  readonly eventIndex: number;
  readonly eventName: ServerLifecycleEventName;
  readonly targetIds: readonly string[];
  /** When the event was dispatched (ISO 8601): nothing older belongs to it. */
  readonly dispatchedAt: string;
}

/** A host the runner could not hand an event to, and why (shown to the user as the event's failure). */
export interface UnreachableHost {
  readonly targetId: string;
  readonly reason: string;
}

/** What a dispatch did not send: hosts known unreachable fail the event at once instead of waiting for a timeout. */
export interface DispatchOutcome {
  readonly unreachable: readonly UnreachableHost[];
}

/** Runs scripts on hosts. Results come back later through the host-report callback, never as a return value. */
export interface HostRunner {
  /**
   * Hands the event's scripts to the hosts. `onSent` is awaited after each group of hosts has certainly been handed
   * its script (SSM: each SendCommand that returned a command id), so a dispatch that fails halfway can be resumed.
   * Hosts the runner knows cannot run it (SSM: not Online) are not sent it and come back in `unreachable`.
   */
  dispatch(dispatch: HostDispatch, onSent?: (targetIds: readonly string[]) => Promise<void>): Promise<DispatchOutcome>;
  /**
   * The safety check behind lost callbacks (design rule 6), used only once a wait timed out: results the runner
   * can still find for these hosts' event (SSM: GetCommandInvocation), for hosts whose script has finished.
   * Hosts still running or never reached are left out.
   */
  collect(collection: HostCollection): Promise<HostReport[]>;
  /**
   * Stops these hosts' scripts of one dispatched event now (an alarm went to ALARM: an emergency, not a stop request).
   * Scripts already finished, or never started, are left as they are; a cancelled script reports nothing as its
   * result (SSM may still send a Cancelled status, which the engine refuses: it closed the event first).
   */
  cancel(cancellation: HostCancellation): Promise<void>;
}

/** The hosts of one dispatched event whose scripts `cancel` stops: the same fields as a collection. */
export type HostCancellation = HostCollection;

/** Step Functions' callback API. */
export interface TaskCallbacks {
  succeed(taskToken: string, output: unknown): Promise<void>;
  fail(taskToken: string, error: string, cause: string): Promise<void>;
}

/**
 * Starts the state machine for a deployment, and tells whether an execution still runs. A long deployment runs as
 * a chain of executions, each taking over at a batch (`firstBatch`), so none comes near Step Functions' history limit.
 */
export interface ExecutionStarter {
  /**
   * Starts the flow of the deployment's platform (Server: in-place; Lambda: traffic shift). Idempotent: starting
   * the same deployment from the same batch twice starts one execution.
   */
  start(deployment: Pick<Deployment, 'deploymentId' | 'computePlatform'>, firstBatch?: number): Promise<{ executionArn: string }>;
  isRunning(executionArn: string): Promise<boolean>;
}

/** Which hosts a deployment group covers. */
export interface TargetDirectory {
  resolve(group: DeploymentGroup): Promise<string[]>;
}

/** How a host fetches a revision's bundle, and how it unpacks it (`format`; absent means tar). */
export type BundleFetch =
  | { readonly kind: 'file'; readonly path: string; readonly sha256: string; readonly format?: 'tar' | 'tgz' | 'zip' }
  | { readonly kind: 'url'; readonly url: string; readonly sha256?: string; readonly format?: 'tar' | 'tgz' | 'zip' };

export interface RevisionSource {
  /**
   * Checks a revision before a deployment of it is created and returns it pinned: the exact object version, ETag
   * and SHA-256 that hosts will fetch and verify. RevisionMissingError when it does not exist or cannot be read,
   * InvalidRevisionError when it is not what the request says (ETag or version mismatch, bad bundle type).
   */
  check(revision: RevisionLocation): Promise<RevisionLocation>;
  bundleFetch(revision: RevisionLocation): Promise<BundleFetch>;
}

export type { PendingTarget };

export type TrafficDirection = 'deregister' | 'register';

/** Where a BlockTraffic or AllowTraffic change stands. */
export interface TrafficProgress {
  /** Every host is out of (deregister) or healthy in (register) every load balancer. */
  readonly done: boolean;
  /** When to look again, in seconds, while not done. */
  readonly checkAfterSeconds: number;
  /** Longest the whole change may take from its start; past it, the waiting hosts fail the event. */
  readonly limitSeconds: number;
  /** Why it takes this long, for the deployment record: deregistration delays, health-check thresholds. */
  readonly reason: string;
  readonly pending: readonly PendingTarget[];
}

/**
 * BlockTraffic and AllowTraffic: take hosts out of the group's load balancers before they change, put them back
 * after. Starting a change returns at once with its progress; the engine waits (a Wait state, no Lambda running)
 * and calls `check` until it is done or its limit passes. A TransientAwsError is retried by the state machine; any
 * other error fails the batch's hosts with its message.
 */
export interface TrafficControl {
  deregister(info: LoadBalancerInfo, targetIds: readonly string[]): Promise<TrafficProgress>;
  register(info: LoadBalancerInfo, targetIds: readonly string[]): Promise<TrafficProgress>;
  check(info: LoadBalancerInfo, targetIds: readonly string[], direction: TrafficDirection): Promise<TrafficProgress>;
}

/** A deployment or target changed state. */
export type StateChange =
  | { readonly kind: 'deployment'; readonly deployment: Deployment }
  | {
      readonly kind: 'target';
      readonly deploymentId: string;
      readonly target: DeploymentTarget;
    }
  | { readonly kind: 'batch'; readonly deploymentId: string; readonly batchNumber: number; readonly targetIds: readonly string[] }
  /** A Lambda alias (or ECS listener) moved: CodeDeploy sends no event for it, so only the local progress shows it. */
  | { readonly kind: 'traffic'; readonly deploymentId: string; readonly shift: TrafficShift };

export interface EventSink {
  publish(change: StateChange): Promise<void>;
}

/** A revision's bundle as a new deployment needs it. */
export interface OpenedBundle {
  /** The revision pinned: the exact S3 object checked, or a local bundle registered as a tar with its sha256. */
  readonly revision: RevisionLocation;
  /** Parsed from the bundle's appspec.yml (or appspec.yaml) and checked against the bundle's entries. */
  readonly appSpec: AppSpec;
}

/**
 * Reads the appspec out of a revision's bundle, for deployments created through the API, whose requests name a
 * revision but carry no appspec. The embedded runtime loads a local bundle (folder, .zip, .tar, .tgz) and registers
 * it; on AWS the S3 object is checked with RevisionSource.check and that exact version is read.
 */
export interface BundleReader {
  /**
   * RevisionMissingError or InvalidRevisionError as RevisionSource.check throws them; AppSpecError listing every
   * problem of the appspec and of the bundle's entries.
   */
  open(revision: RevisionRequest): Promise<OpenedBundle>;
}

/** A revision as a request names it: a local bundle by its path, before it is registered (sha256 optional). */
export type RevisionRequest =
  | S3Revision
  | { readonly revisionType: 'Local'; readonly localLocation: { readonly bundlePath: string; readonly sha256?: string } };

/** Everything a step may use. */
export interface StepDependencies {
  readonly store: Store;
  readonly hosts: HostRunner;
  readonly callbacks: TaskCallbacks;
  readonly executions: ExecutionStarter;
  readonly targets: TargetDirectory;
  readonly revisions: RevisionSource;
  readonly events: EventSink;
  readonly clock: () => Date;
  /** Absent where no load balancer adapter is installed: groups with loadBalancerInfo are then refused. */
  readonly traffic?: TrafficControl;
  /** Batches one execution runs before a new one takes over; default batchesPerExecution() (tests lower it). */
  readonly batchesPerExecution?: number;
  /** Only where deployments are created from a revision alone (the API); the CLI reads bundles itself. */
  readonly bundles?: BundleReader;
  /** Lambda aliases; absent where no Lambda adapter is installed, and Lambda deployments are then refused. */
  readonly aliases?: AliasTraffic;
  /** ECS services with task sets; absent where no ECS adapter is installed, and ECS deployments are then refused. */
  readonly ecs?: TaskSetTraffic;
  /** CloudWatch alarms of deployment groups; absent: groups with an alarm configuration are refused. */
  readonly alarms?: AlarmSource;
}

/** A CloudWatch alarm's state, as CloudWatch names it. */
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/**
 * Reads alarm states. Changes also arrive as events (CloudWatch's Alarm State Change on EventBridge, the local
 * simulation's own) that end a deployment's wait at once; reading is the safety check before every traffic change.
 */
export interface AlarmSource {
  /** Every name asked for is in the answer; an alarm that does not exist is INSUFFICIENT_DATA, as CodeDeploy reads it. */
  states(alarmNames: readonly string[]): Promise<Readonly<Record<string, AlarmState>>>;
}

export type { HookEventName };

export type HookExecutionStatus = 'Pending' | 'Succeeded' | 'Failed';

/**
 * One run of a lifecycle hook function (CodeDeploy's LifecycleEventHookExecution). Keyed by deployment and event:
 * each hook runs once per deployment. The id handed to the function names the event, so a status finds it.
 */
export interface HookExecution {
  readonly deploymentId: string;
  readonly lifecycleEventName: HookEventName;
  readonly lifecycleEventHookExecutionId: string;
  readonly hookFunction: string;
  /** The execution's token waiting for the status; a retried step replaces it while the hook is Pending. */
  readonly taskToken: string;
  readonly status: HookExecutionStatus;
  /** True once the function was invoked: a retried step must not invoke it twice. */
  readonly invoked: boolean;
  readonly startTime: string;
  readonly endTime?: string;
  /** Why it failed: the hook reported Failed, or no status came in time. */
  readonly message?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Lambda deployments: an alias shifted from CurrentVersion to TargetVersion, and hooks run as functions.

/** Where an alias sends traffic. Weights are percents here; only the AWS adapter speaks Lambda's fractions. */
export interface AliasRouting {
  /** The version that takes whatever the additional version does not. */
  readonly functionVersion: string;
  /** At most one entry: a second published version and its share, in percent (0–100). Empty when unsplit. */
  readonly additionalVersionWeights: Readonly<Record<string, number>>;
  /** Lambda's RevisionId of the alias, where the backend has one (the local simulation does not). */
  readonly revisionId?: string;
}

/** The event a lifecycle hook function receives, as CodeDeploy sends it. */
export interface HookInvocation {
  readonly DeploymentId: string;
  readonly LifecycleEventHookExecutionId: string;
}

/**
 * Shifts a Lambda alias between two published versions. A TransientAwsError is retried by the state machine; any
 * other error fails the deployment.
 */
export interface AliasTraffic {
  /** NotFoundError('Lambda alias', '<function>:<alias>') when the function or alias does not exist. */
  describe(functionName: string, alias: string): Promise<AliasRouting>;
  /** Whether `version` is a published version of the function; false for $LATEST and alias names. */
  versionExists(functionName: string, version: string): Promise<boolean>;
  /**
   * Sets the alias absolutely (repeating a call changes nothing): `targetPercent` 0 puts it wholly on
   * `currentVersion`, 100 wholly on `targetVersion`, both without weights; anything between keeps it on
   * `currentVersion` with `targetVersion` taking `targetPercent`. Refuses an alias that serves a version other than
   * these two: someone else is deploying it.
   */
  shift(functionName: string, alias: string, currentVersion: string, targetVersion: string, targetPercent: number): Promise<void>;
  /**
   * Queues an asynchronous invocation of a hook function and returns once it is queued, never waiting for the hook:
   * the hook reports its outcome through the API (PutLifecycleEventHookExecutionStatus).
   */
  invokeHook(hookFunction: string, payload: HookInvocation): Promise<void>;
}

// ---- ECS blue/green: the replacement runs as a second task set behind its own target group, and traffic moves by
// weighting the listener between the two groups (services with the EXTERNAL deployment controller). ----

/** awsvpc network settings, in the shape ECS takes them (appspec NetworkConfiguration.AwsvpcConfiguration). */
export interface AwsVpcConfiguration {
  readonly subnets: readonly string[];
  readonly securityGroups?: readonly string[];
  readonly assignPublicIp?: 'ENABLED' | 'DISABLED';
}

export interface TaskSetNetworkConfiguration {
  readonly awsvpcConfiguration: AwsVpcConfiguration;
}

export interface CapacityProviderStrategyItem {
  readonly capacityProvider: string;
  readonly weight?: number;
  readonly base?: number;
}

/** One task set of the service as DescribeServices reports it. */
export interface TaskSetSummary {
  readonly id: string;
  readonly arn: string;
  /** PRIMARY (serves production), ACTIVE (does not), DRAINING (being removed). */
  readonly status: string;
  /** STEADY_STATE or STABILIZING. */
  readonly stabilityStatus: string;
  readonly targetGroupArn?: string;
  readonly scalePercent: number;
}

export interface EcsServiceState {
  /** ECS, CODE_DEPLOY or EXTERNAL; the AWS adapter refuses any service but EXTERNAL, so it returns only that. */
  readonly deploymentController: string;
  readonly primaryTaskSetId?: string;
  readonly taskSets: readonly TaskSetSummary[];
}

export interface CreateTaskSetInput {
  readonly cluster: string;
  readonly service: string;
  /** Task definition ARN (appspec TaskDefinition). */
  readonly taskDefinition: string;
  readonly containerName: string;
  readonly containerPort: number;
  /** The replacement target group, the one the original task set does not use. */
  readonly targetGroupArn: string;
  /** Fargate only; ECS defaults to LATEST. */
  readonly platformVersion?: string;
  /** Absent: the service's current network settings are reused, as CodeDeploy does. */
  readonly networkConfiguration?: TaskSetNetworkConfiguration;
  /** Absent: the launch type or strategy the service's primary task set runs with is reused. */
  readonly capacityProviderStrategy?: readonly CapacityProviderStrategyItem[];
  /** The deployment id: tags the task set, and makes a retried create return the task set already made. */
  readonly externalId: string;
}

export interface TargetGroupHealth {
  /** Targets in state `healthy`. */
  readonly healthy: number;
  /** Every registered target, whatever its state. */
  readonly total: number;
  /** Every target not `healthy`; `id` is `<target id>:<port>`, since bridge-mode tasks share an instance id. */
  readonly unhealthy: readonly { readonly id: string; readonly state: string; readonly reason?: string }[];
}

/** A listener's share of traffic for one target group, in percent; a call's shares add up to 100. */
export interface TargetGroupWeight {
  readonly targetGroupArn: string;
  readonly percent: number;
}

export interface TaskSetTraffic {
  /** The ARN of a target group named as a deployment group names it (CodeDeploy's targetGroupInfoList); NotFoundError if none. */
  targetGroupArn(name: string): Promise<string>;
  describeService(cluster: string, service: string): Promise<EcsServiceState>;
  /** Creates the task set at 100 % of the service's desired count, registered with `targetGroupArn`. */
  createTaskSet(input: CreateTaskSetInput): Promise<{ taskSetArn: string; taskSetId: string }>;
  /** True once ECS reports the task set STEADY_STATE. */
  isStable(cluster: string, service: string, taskSetArn: string): Promise<boolean>;
  healthyTargets(targetGroupArn: string): Promise<TargetGroupHealth>;
  /**
   * Points the listener's default action at the target groups with these shares. Also serves the test listener
   * (CodeDeploy's testTrafficRoute is a listener too), so there is no listener-rule variant.
   */
  routeTraffic(listenerArn: string, weights: readonly TargetGroupWeight[]): Promise<void>;
  makePrimary(cluster: string, service: string, taskSetArn: string): Promise<void>;
  /** Removes the task set even if not scaled down; one already gone is not an error. */
  deleteTaskSet(cluster: string, service: string, taskSetArn: string): Promise<void>;
}
