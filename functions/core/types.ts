// Domain types shared by core, steps, adapters and the CLI. Field names follow CodeDeploy's API.
import type { EcsAppSpec } from './appspec/ecs-appspec';
import type { LambdaAppSpec } from './appspec/lambda-appspec';
import type { TrafficStep } from './traffic-schedule';

export type DeploymentStatus = 'Created' | 'Queued' | 'InProgress' | 'Succeeded' | 'Failed' | 'Stopped';
/**
 * One deployment per group: a deployment that finds the group busy is refused (reject, CodeDeploy's behaviour), waits
 * its turn as Queued (queue, first come first served), or stops every deployment that arrived before it (supersede).
 */
export const CONCURRENCY_POLICIES = ['reject', 'queue', 'supersede'] as const;
export type ConcurrencyPolicy = (typeof CONCURRENCY_POLICIES)[number];

export const TERMINAL_DEPLOYMENT_STATUSES: readonly DeploymentStatus[] = ['Succeeded', 'Failed', 'Stopped'];

export type TargetStatus = 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped' | 'Unknown' | 'Ready';
export type LifecycleEventStatus = 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped' | 'Unknown';
export type ScriptErrorCode =
  | 'Success'
  | 'ScriptMissing'
  | 'ScriptNotExecutable'
  | 'ScriptTimedOut'
  | 'ScriptFailed'
  | 'UnknownError';

export type FileExistsBehavior = 'DISALLOW' | 'OVERWRITE' | 'RETAIN';
export type Creator = 'user' | 'autoscaling' | 'codeDeployRollback';

/** Lifecycle events a user may attach scripts to (appspec `hooks`). */
export const SCRIPTABLE_EVENTS = [
  'ApplicationStop',
  'BeforeInstall',
  'AfterInstall',
  'ApplicationStart',
  'ValidateService',
  'BeforeBlockTraffic',
  'AfterBlockTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
] as const;
export type ScriptableEvent = (typeof SCRIPTABLE_EVENTS)[number];

/** Events the engine itself performs; an appspec may not name them. */
export const RESERVED_EVENTS = ['Start', 'DownloadBundle', 'Install', 'BlockTraffic', 'AllowTraffic', 'End'] as const;
export type ReservedEvent = (typeof RESERVED_EVENTS)[number];

export type ServerLifecycleEventName = ScriptableEvent | 'DownloadBundle' | 'Install' | 'BlockTraffic' | 'AllowTraffic';

/** Any target's lifecycle event: a host's, the alias of a Lambda deployment, or the service of an ECS one. */
export type LifecycleEventName = ServerLifecycleEventName | EcsLifecycleEventName;

// ---- AppSpec (EC2/on-premises), after parsing and defaults ----

export interface FileMapping {
  /** Relative to the bundle root; '/' means the whole bundle. */
  readonly source: string;
  /** Absolute path on the host. */
  readonly destination: string;
}

export type PermissionObjectType = 'file' | 'directory';

export interface SelinuxContext {
  readonly user?: string;
  readonly type: string;
  readonly range?: string;
}

export interface PermissionRule {
  readonly object: string;
  /** Glob; '**' (the default) matches everything. */
  readonly pattern: string;
  readonly except: readonly string[];
  readonly owner?: string;
  readonly group?: string;
  /** Octal digits as written, e.g. '755' or '0644'. */
  readonly mode?: string;
  readonly acls: readonly string[];
  readonly context?: SelinuxContext;
  readonly type: readonly PermissionObjectType[];
}

export interface HookScript {
  /** Relative to the bundle root. */
  readonly location: string;
  /** Seconds; defaults to 3600. */
  readonly timeout: number;
  readonly runas?: string;
}

export interface AppSpec {
  readonly version: '0.0';
  readonly os: 'linux' | 'windows';
  readonly files: readonly FileMapping[];
  readonly fileExistsBehavior?: FileExistsBehavior;
  readonly permissions: readonly PermissionRule[];
  readonly hooks: Readonly<Partial<Record<ScriptableEvent, readonly HookScript[]>>>;
}

// ---- Deployment configs ----

export type MinimumHealthyHostsType = 'HOST_COUNT' | 'FLEET_PERCENT' | 'MOST_CONCURRENCY';

export interface MinimumHealthyHosts {
  readonly type: MinimumHealthyHostsType;
  readonly value: number;
}

export interface DeploymentConfig {
  /** Custom configs only: a UUID given at creation. */
  readonly deploymentConfigId?: string;
  /** Custom configs only. */
  readonly createTime?: string;
  readonly deploymentConfigName: string;
  readonly computePlatform: 'Server';
  readonly minimumHealthyHosts: MinimumHealthyHosts;
}

// ---- Revisions ----

/** A bundle kept by the embedded runtime, normalised to a tar archive. */
export interface LocalRevision {
  readonly revisionType: 'Local';
  readonly localLocation: { readonly bundlePath: string; readonly bundleType: 'tar'; readonly sha256: string };
}

export interface S3Revision {
  readonly revisionType: 'S3';
  readonly s3Location: {
    readonly bucket: string;
    readonly key: string;
    readonly bundleType: 'tar' | 'tgz' | 'zip';
    readonly version?: string;
    readonly eTag?: string;
    /** Hex SHA-256 of the bundle, recorded by Cutover when it checks the revision; hosts verify it. */
    readonly sha256?: string;
  };
}

export type RevisionLocation = LocalRevision | S3Revision;

/** Any revision a deployment records: a bundle for hosts, or an inline appspec for a Lambda alias. */
export type AnyRevision = RevisionLocation | AppSpecContentRevision;

// ---- Groups, deployments, targets ----

export type AutoRollbackEvent = 'DEPLOYMENT_FAILURE' | 'DEPLOYMENT_STOP_ON_ALARM' | 'DEPLOYMENT_STOP_ON_REQUEST';

export interface AutoRollbackConfiguration {
  readonly enabled: boolean;
  readonly events: readonly AutoRollbackEvent[];
}

export interface LoadBalancerInfo {
  readonly targetGroupInfoList?: readonly { readonly name: string }[];
  readonly elbInfoList?: readonly { readonly name: string }[];
  /** ECS blue/green: the two target groups the task sets alternate between, and the listeners that route to them. */
  readonly targetGroupPairInfoList?: readonly TargetGroupPairInfo[];
}

/** CodeDeploy's TargetGroupPairInfo. */
export interface TargetGroupPairInfo {
  /** Exactly two, by name: whichever serves the current task set, the replacement goes behind the other. */
  readonly targetGroups: readonly { readonly name: string }[];
  readonly prodTrafficRoute: { readonly listenerArns: readonly string[] };
  /** Where test traffic reaches the replacement before production traffic does. */
  readonly testTrafficRoute?: { readonly listenerArns: readonly string[] };
}

/** CodeDeploy's ECSService. */
export interface EcsServiceRef {
  readonly serviceName: string;
  readonly clusterName: string;
}

/** What happens to the original task set once an ECS deployment succeeded (CodeDeploy's blue/green settings). */
export interface BlueGreenDeploymentConfiguration {
  readonly terminateBlueInstancesOnDeploymentSuccess?: {
    readonly action: 'TERMINATE';
    /** Minutes the original task set is kept after traffic moved, for a quick way back; 0 to 2880. */
    readonly terminationWaitTimeInMinutes?: number;
  };
}

/** CodeDeploy's EC2TagFilter / TagFilter: KEY_ONLY matches the key, VALUE_ONLY any key with the value. */
export interface TagFilter {
  readonly Key?: string;
  readonly Value?: string;
  readonly Type: 'KEY_ONLY' | 'VALUE_ONLY' | 'KEY_AND_VALUE';
}

/** CodeDeploy's AlarmConfiguration: up to 10 alarms, watched while a deployment runs. */
export interface AlarmConfiguration {
  readonly enabled: boolean;
  readonly alarms: readonly { readonly name: string }[];
  /** When the alarms' state cannot be read: true carries on, false (the default) stops the deployment. */
  readonly ignorePollAlarmFailure?: boolean;
}

/** CodeDeploy's TriggerEventType: which state changes a trigger publishes to its SNS topic. */
export const TRIGGER_EVENT_TYPES = [
  'DeploymentStart',
  'DeploymentSuccess',
  'DeploymentFailure',
  'DeploymentStop',
  'DeploymentRollback',
  'DeploymentReady',
  'InstanceStart',
  'InstanceSuccess',
  'InstanceFailure',
  'InstanceReady',
] as const;
export type TriggerEventType = (typeof TRIGGER_EVENT_TYPES)[number];

/** One SNS trigger of a deployment group (CodeDeploy's TriggerConfig). */
export interface TriggerConfig {
  readonly triggerName: string;
  /** An SNS topic ARN. */
  readonly triggerTargetArn: string;
  readonly triggerEvents: readonly TriggerEventType[];
}

export interface Application {
  readonly applicationId: string;
  readonly applicationName: string;
  readonly computePlatform: ComputePlatform;
  readonly createTime: string;
}

export interface DeploymentGroup {
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly deploymentGroupId: string;
  readonly deploymentConfigName: string;
  readonly computePlatform: ComputePlatform;
  /** Kept for CodeDeploy compatibility only: Cutover's functions act with their own roles, never this one. */
  readonly serviceRoleArn?: string;
  readonly autoRollbackConfiguration?: AutoRollbackConfiguration;
  readonly loadBalancerInfo?: LoadBalancerInfo;
  /**
   * An explicit list of hosts: local host names (`.cutover/hosts/<name>`) in the embedded runtime, instance ids
   * (`i-…`, `mi-…`) on AWS (CodeDeploy's targetInstances, kept on the group).
   */
  readonly instanceNames?: readonly string[];
  /** One tag group: an instance matches if any filter matches. Exclusive with ec2TagSet. */
  readonly ec2TagFilters?: readonly TagFilter[];
  /** Up to 3 tag groups: OR within a group, AND across groups. */
  readonly ec2TagSet?: { readonly ec2TagSetList: readonly (readonly TagFilter[])[] };
  /** On-premises instances registered with SSM (`mi-…`), selected by their SSM tags. */
  readonly onPremisesInstanceTagFilters?: readonly TagFilter[];
  readonly onPremisesTagSet?: { readonly onPremisesTagSetList: readonly (readonly TagFilter[])[] };
  /** Auto Scaling group names; their InService instances are targets. */
  readonly autoScalingGroups?: readonly string[];
  /** SNS triggers: up to 10 per group. */
  readonly triggerConfigurations?: readonly TriggerConfig[];
  /** ECS groups: the one service they deploy. */
  readonly ecsServices?: readonly EcsServiceRef[];
  /** ECS groups: how long the original task set outlives a successful deployment. */
  readonly blueGreenDeploymentConfiguration?: BlueGreenDeploymentConfiguration;
  /** CloudWatch alarms that stop the group's deployments when they go to ALARM (CodeDeploy's AlarmConfiguration). */
  readonly alarmConfiguration?: AlarmConfiguration;
  /** What a deployment that finds the group busy does; absent means reject, CodeDeploy's behaviour. */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /** The revision of the last deployment that succeeded (CodeDeploy's targetRevision). */
  readonly targetRevision?: AnyRevision;
  readonly lastSuccessfulDeployment?: DeploymentSummary;
  readonly lastAttemptedDeployment?: DeploymentSummary;
}

export interface DeploymentSummary {
  readonly deploymentId: string;
  readonly status: DeploymentStatus;
  readonly createTime: string;
  readonly endTime?: string;
}

export interface DeploymentOverview {
  Pending: number;
  InProgress: number;
  Succeeded: number;
  Failed: number;
  Skipped: number;
  Ready: number;
}

export type DeploymentErrorCode =
  | 'HEALTH_CONSTRAINTS'
  | 'HEALTH_CONSTRAINTS_INVALID'
  | 'NO_INSTANCES'
  | 'INVALID_REVISION'
  | 'REVISION_MISSING'
  | 'TIMEOUT'
  | 'THROTTLED'
  | 'INTERNAL_ERROR'
  | 'DEPLOYMENT_GROUP_MISSING'
  | 'APPLICATION_MISSING'
  | 'MANUAL_STOP'
  | 'HOOK_EXECUTION_FAILURE'
  | 'ALARM_ACTIVE'
  | 'INVALID_LAMBDA_CONFIGURATION'
  | 'INVALID_LAMBDA_FUNCTION'
  | 'INVALID_ECS_SERVICE'
  | 'ECS_UPDATE_ERROR';

export interface ErrorInformation {
  readonly code: DeploymentErrorCode;
  readonly message: string;
}

export interface RollbackInfo {
  readonly rollbackDeploymentId?: string;
  readonly rollbackTriggeringDeploymentId?: string;
  readonly rollbackMessage?: string;
}

/** Fields every deployment has, whatever it deploys to. */
export interface DeploymentBase {
  readonly deploymentId: string;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly deploymentGroupId: string;
  status: DeploymentStatus;
  readonly deploymentConfigName: string;
  readonly creator: Creator;
  readonly createTime: string;
  startTime?: string;
  completeTime?: string;
  readonly description?: string;
  readonly autoRollbackConfiguration?: AutoRollbackConfiguration;
  deploymentOverview: DeploymentOverview;
  errorInformation?: ErrorInformation;
  rollbackInfo?: RollbackInfo;
  /** The execution now running the deployment (a long one hands over to a new execution every so many batches). */
  executionArn?: string;
  /** StopDeployment was called: the batch under way finishes, no other starts, and the deployment ends Stopped. */
  stopRequested?: StopRequest;
  /** CreateDeployment's overrideAlarmConfiguration: the alarms this deployment watches instead of its group's. */
  readonly overrideAlarmConfiguration?: AlarmConfiguration;
  /** The policy that admitted it: the request's own, or the group's when the deployment waited in the queue. */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /** Its place in the group's arrival order, for deployments admitted by queue or supersede (absent under reject). */
  readonly queuePosition?: number;
}

export interface ServerDeployment extends DeploymentBase {
  readonly computePlatform: 'Server';
  readonly revision: RevisionLocation;
  readonly previousRevision?: AnyRevision;
  /** The parsed appspec of `revision`, kept so later deployments can run its stop scripts. */
  readonly appSpec: AppSpec;
  readonly ignoreApplicationStopFailures: boolean;
  readonly fileExistsBehavior: FileExistsBehavior;
  readonly loadBalancerInfo?: LoadBalancerInfo;
  /** Lifecycle events every target goes through, in order. */
  readonly lifecycleEventNames: readonly ServerLifecycleEventName[];
  /** First batch of the execution that owns the deployment now; an older execution finding a larger one stops. */
  executionFirstBatch?: number;
  /** While a batch waits on its load balancers: what for and why it takes this long. Gone once the change is done. */
  trafficWait?: TrafficWaitRecord;
  /**
   * An alarm it watches went to ALARM (its state change event): the hosts running the batch's event were cancelled,
   * and every step after reads this and ends the deployment Stopped with ALARM_ACTIVE.
   */
  alarmStop?: AlarmStop;
}

/** Which alarm stopped a Server deployment, and when its state change came in. */
export interface AlarmStop {
  readonly alarmName: string;
  readonly at: string;
}

/** A Lambda deployment's appspec, kept inline whatever it came from (CodeDeploy's AppSpecContent revision). */
export interface AppSpecContentRevision {
  readonly revisionType: 'AppSpecContent';
  readonly appSpecContent: { readonly content: string; readonly sha256: string };
}

/** Where the traffic of a Lambda or ECS deployment stood after one change, in percent per version or task set. */
export interface TrafficShift {
  readonly time: string;
  readonly weights: Readonly<Record<string, number>>;
}

/** The shift a running deployment waits to make. */
export interface NextTrafficShift {
  readonly time: string;
  readonly weights: Readonly<Record<string, number>>;
}

export type LambdaLifecycleEventName = 'BeforeAllowTraffic' | 'AllowTraffic' | 'AfterAllowTraffic';
export type EcsLifecycleEventName =
  | 'BeforeInstall'
  | 'Install'
  | 'AfterInstall'
  | 'AllowTestTraffic'
  | 'AfterAllowTestTraffic'
  | 'BeforeAllowTraffic'
  | 'AllowTraffic'
  | 'AfterAllowTraffic';

export interface LambdaDeployment extends DeploymentBase, TrafficShiftState {
  readonly computePlatform: 'Lambda';
  readonly revision: AppSpecContentRevision;
  readonly previousRevision?: AnyRevision;
  readonly appSpec: LambdaAppSpec;
  /** BeforeAllowTraffic, AllowTraffic, AfterAllowTraffic: the events of the deployment's one target (the alias). */
  readonly lifecycleEventNames: readonly LambdaLifecycleEventName[];
}

/** A task set of an ECS deployment, with the target group it serves. */
export interface TaskSetRef {
  readonly id: string;
  readonly arn: string;
  readonly targetGroupName: string;
  readonly targetGroupArn: string;
}

export interface EcsDeployment extends DeploymentBase, TrafficShiftState {
  readonly computePlatform: 'ECS';
  readonly revision: AppSpecContentRevision;
  readonly previousRevision?: AnyRevision;
  readonly appSpec: EcsAppSpec;
  readonly service: EcsServiceRef;
  readonly targetGroupPair: TargetGroupPairInfo;
  /** Minutes between the end of the deployment's traffic shift and the original task set's removal. */
  readonly terminationWaitMinutes: number;
  readonly lifecycleEventNames: readonly EcsLifecycleEventName[];
  /** The task set serving production when the deployment started; found by the first step. */
  originalTaskSet?: TaskSetRef;
  /** The task set the deployment created; absent until Install. */
  replacementTaskSet?: TaskSetRef;
  /**
   * Looks taken so far at a replacement that is not stable, or whose targets are not healthy, yet: bounded by a count
   * rather than a clock, so a --time-scale rehearsal gives up after as many looks as AWS would.
   */
  polls?: number;
  /** Once the replacement is primary: production traffic is its for good unless rolled back. */
  replacementPrimary?: boolean;
  /** ContinueDeployment during the termination wait: the original task set goes now. */
  terminationContinued?: { readonly at: string };
  /** The original task set is gone: nothing is left to do but finish. */
  terminationWaitDone?: boolean;
}

/** The traffic-shifting part of a Lambda or ECS deployment. */
export interface TrafficShiftState {
  /** The percents on TargetVersion (or the replacement task set), step by step, and when each is due. */
  readonly schedule: readonly TrafficStep[];
  /** Steps of `schedule` done so far. */
  shiftsDone: number;
  /** Every change of the alias or listeners, as it happened, rollbacks included. */
  trafficShifts: TrafficShift[];
  /** While the deployment waits between two shifts: the next one and when it is due. */
  nextShift?: NextTrafficShift;
  /** ContinueDeployment was called: the remaining waits are skipped and the shift finishes at once. */
  continueRequested?: { readonly at: string };
  /**
   * The task token of the wait the execution is in, so that a stop, an alarm or (for a shift wait) a continue can end
   * it at once. Engine bookkeeping: never shown by the API, the CLI or events.
   */
  currentWait?: { readonly kind: 'hook' | 'shift'; readonly taskToken: string };
}

export type TrafficDeployment = LambdaDeployment | EcsDeployment;
export type Deployment = ServerDeployment | TrafficDeployment;
export type ComputePlatform = Deployment['computePlatform'];

export interface StopRequest {
  readonly at: string;
  /** Whether the stopped deployment is rolled back to the group's last good revision (decided when stop was asked). */
  readonly autoRollbackEnabled: boolean;
  /** Why, when it was not a StopDeployment call (a later deployment superseded this one): the MANUAL_STOP message. */
  readonly reason?: string;
}

/** A host a load balancer has not finished with yet. */
export interface PendingTarget {
  readonly targetId: string;
  /** Target group or classic ELB name. */
  readonly loadBalancer: string;
  /** The load balancer's own word for the target's state, e.g. `draining`, `initial`, `OutOfService`. */
  readonly state: string;
  readonly reason?: string;
}

/** A BlockTraffic or AllowTraffic change a batch is waiting on. */
export interface TrafficWaitRecord {
  readonly batchNumber: number;
  readonly lifecycleEventName: 'BlockTraffic' | 'AllowTraffic';
  readonly since: string;
  readonly nextCheck: string;
  /** Past this time the hosts still pending fail the event. */
  readonly until: string;
  /** Why it takes this long: deregistration delays, health-check thresholds. */
  readonly reason: string;
  /** The first hosts still pending (a record holds a few dozen at most). */
  readonly pending: readonly PendingTarget[];
  /** How many hosts are still pending in all. */
  readonly pendingCount: number;
}

export interface EventDiagnostics {
  readonly errorCode: ScriptErrorCode;
  readonly scriptName: string;
  readonly message: string;
  readonly logTail: string;
}

export interface LifecycleEvent {
  readonly lifecycleEventName: LifecycleEventName;
  status: LifecycleEventStatus;
  startTime?: string;
  endTime?: string;
  diagnostics?: EventDiagnostics;
}

export interface DeploymentTarget {
  readonly deploymentId: string;
  readonly targetId: string;
  status: TargetStatus;
  lastUpdatedAt: string;
  lifecycleEvents: LifecycleEvent[];
  /** Batch the target was deployed in; absent while Pending. */
  batchNumber?: number;
  /** Health when the deployment started, used for ordering and the minimum-healthy rule. */
  readonly initiallyHealthy: boolean;
}

/** What Cutover remembers about a host for one deployment group (the agent's deployment-instructions). */
export interface HostRecord {
  readonly deploymentGroupId: string;
  readonly targetId: string;
  readonly instanceHealth: 'Healthy' | 'Unhealthy';
  /** Deployment whose Install last succeeded on the host: its scripts run ApplicationStop and the *BlockTraffic hooks. */
  readonly lastSuccessfulInstall?: string;
  /** sha256 (or S3 location key) of the revision last deployed with success. */
  readonly revisionKey?: string;
}

/** The deployment record as the CLI and API show it: the deployment plus its targets. */
export type DeploymentView = Deployment & { readonly targets: readonly DeploymentTarget[] };
