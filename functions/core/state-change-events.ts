// What a state change looks like to the outside: an EventBridge entry in CodeDeploy's detail shape (spec §8.1) and
// SNS trigger messages in CodeDeploy's body shape (spec §8.2). Only the source and detail-types are Cutover's own.
//
// Delivery is at-least-once: a retried step may publish the same change again, and EventBridge itself delivers at
// least once. Consumers dedupe on detail `deploymentId` + `state` (+ `instanceId` for instance events); `Time` is the
// change's own time, not the publish time, so a repeat carries the same one.
import type { StateChange } from '../ports';
import type { Deployment, DeploymentOverview, DeploymentTarget, TriggerConfig, TriggerEventType } from './types';

export const EVENT_SOURCE = 'cutover';
export const DEPLOYMENT_DETAIL_TYPE = 'Cutover Deployment State-change Notification';
export const INSTANCE_DETAIL_TYPE = 'Cutover Instance State-change Notification';

/** CodeDeploy's deployment `state`. READY is blue/green only, so in-place deployments never reach it. */
export type DeploymentEventState = 'START' | 'SUCCESS' | 'FAILURE' | 'STOP' | 'READY';
/** CodeDeploy's instance `state`: no STOP is defined for instances. */
export type InstanceEventState = 'START' | 'SUCCESS' | 'FAILURE' | 'READY';

/** Where events say they come from: the partition, region and account in every ARN and body. */
export interface EventContext {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/** The embedded runtime has no account: the same placeholders its state machine ARNs use. */
export const LOCAL_EVENT_CONTEXT: EventContext = { partition: 'aws', region: 'local', accountId: '000000000000' };

/** The deployment fields an event of one of its targets needs (a target change names only the deployment id). */
export type DeploymentRef = Pick<Deployment, 'deploymentId' | 'applicationName' | 'deploymentGroupName' | 'deploymentGroupId' | 'computePlatform'>;

/** Only the fields a ref needs, so a cache of refs never holds whole deployment records. */
export function deploymentRefOf({ deploymentId, applicationName, deploymentGroupName, deploymentGroupId, computePlatform }: DeploymentRef): DeploymentRef {
  return { deploymentId, applicationName, deploymentGroupName, deploymentGroupId, computePlatform };
}

/** A change with its deployment known: what events are built from. */
export type PublishedChange =
  | { readonly kind: 'deployment'; readonly deployment: Deployment }
  | { readonly kind: 'target'; readonly deployment: DeploymentRef; readonly target: DeploymentTarget };

/** One PutEvents entry, field names as PutEvents spells them (EventBusName is the adapter's). */
export interface BusEntry {
  readonly Source: string;
  readonly DetailType: string;
  /** A JSON object, as a string. */
  readonly Detail: string;
  readonly Resources: readonly string[];
  /** When the change happened; absent when the record does not say. */
  readonly Time?: Date;
}

/** One SNS Publish for one trigger of the deployment group. */
export interface TriggerMessage {
  readonly TopicArn: string;
  readonly Subject: string;
  readonly Message: string;
  readonly triggerName: string;
  readonly eventType: TriggerEventType;
}

const ARN_PATTERN = /^arn:([\w-]+):[\w-]+:([\w-]+):(\d{12}):/;

/** Partition, region and account of any regional ARN of the stack (the handlers have the state machine's). */
export function eventContextFromArn(arn: string): EventContext {
  const match = ARN_PATTERN.exec(arn);
  if (!match) throw new Error(`Cannot read partition, region and account from ${JSON.stringify(arn)}`);
  return { partition: match[1], region: match[2], accountId: match[3] };
}

/**
 * Which state a change reports, or none. Batch progress is internal. A finished deployment that names its rollback
 * is republished only to record the rollback (rollback.ts, when the rollback starts and again when it ends); its
 * FAILURE went out before any rollback existed, and the rollback's own START says which deployment it rolls back.
 * Reporting those would repeat FAILURE for every automatic rollback, and mail every DeploymentFailure trigger twice.
 */
export function eventStateOf(change: StateChange): DeploymentEventState | InstanceEventState | undefined {
  switch (change.kind) {
    case 'deployment':
      return deploymentState(change.deployment);
    case 'target':
      return instanceState(change.target);
    case 'batch':
    case 'traffic':
      return undefined;
  }
}

function deploymentState(deployment: Deployment): DeploymentEventState | undefined {
  if (deployment.rollbackInfo?.rollbackDeploymentId) return undefined;
  switch (deployment.status) {
    case 'InProgress':
      return 'START';
    case 'Succeeded':
      return 'SUCCESS';
    case 'Failed':
      return 'FAILURE';
    case 'Stopped':
      // Also a deployment stopped while it waited in its group's queue (on request, or superseded): it ended.
      return 'STOP';
    default:
      // Created and Queued: nothing has started on any host yet. CodeDeploy has no state for a queued deployment, so
      // a wait in the queue sends nothing; GetDeployment and the CLI's progress show it.
      return undefined;
  }
}

/** Instance events are for hosts: CodeDeploy sends none for the alias of a Lambda deployment. */
function targetState(change: Extract<PublishedChange, { kind: 'target' }>): InstanceEventState | undefined {
  return change.deployment.computePlatform === 'Server' ? instanceState(change.target) : undefined;
}

function instanceState(target: DeploymentTarget): InstanceEventState | undefined {
  switch (target.status) {
    case 'InProgress':
      return 'START';
    case 'Succeeded':
      return 'SUCCESS';
    case 'Failed':
      return 'FAILURE';
    case 'Ready':
      return 'READY';
    default:
      // Pending, Skipped and Unknown: the host was never touched, or we cannot say what happened to it.
      return undefined;
  }
}

/** The EventBridge entry for a change, or undefined when it reports no state. */
export function busEntryFor(change: PublishedChange, context: EventContext): BusEntry | undefined {
  return change.kind === 'deployment' ? deploymentEntry(change.deployment, context) : instanceEntry(change, context);
}

function deploymentEntry(deployment: Deployment, context: EventContext): BusEntry | undefined {
  const state = deploymentState(deployment);
  if (!state) return undefined;
  const detail = {
    ...codeDeployDetail(deployment, context, state),
    // Cutover's own fields, under names CodeDeploy's detail does not use.
    status: deployment.status,
    creator: deployment.creator,
    ...(deployment.rollbackInfo?.rollbackTriggeringDeploymentId
      ? { rollbackTriggeringDeploymentId: deployment.rollbackInfo.rollbackTriggeringDeploymentId }
      : {}),
    ...(deployment.errorInformation && (state === 'FAILURE' || state === 'STOP') ? { errorInformation: deployment.errorInformation } : {}),
    // How a Lambda or ECS deployment that ended gave its traffic back (or why it could not): its rollback is no deployment of its own.
    ...(deployment.rollbackInfo?.rollbackMessage && (state === 'FAILURE' || state === 'STOP') ? { rollbackMessage: deployment.rollbackInfo.rollbackMessage } : {}),
  };
  return entry(DEPLOYMENT_DETAIL_TYPE, detail, groupResources(deployment, context), state === 'START' ? deployment.startTime : deployment.completeTime);
}

function instanceEntry(change: Extract<PublishedChange, { kind: 'target' }>, context: EventContext): BusEntry | undefined {
  const { deployment, target } = change;
  const state = targetState(change);
  if (!state) return undefined;
  const failed = state === 'FAILURE' ? target.lifecycleEvents.find((e) => e.status === 'Failed') : undefined;
  const detail = {
    ...codeDeployDetail(deployment, context, state),
    instanceId: target.targetId,
    status: target.status,
    ...(failed
      ? {
          failedLifecycleEvent: {
            lifecycleEventName: failed.lifecycleEventName,
            errorCode: failed.diagnostics?.errorCode ?? 'UnknownError',
            scriptName: failed.diagnostics?.scriptName ?? '',
            // The log tail stays in the deployment record: events are for routing, and must stay small.
            message: (failed.diagnostics?.message ?? '').slice(0, MAX_MESSAGE),
          },
        }
      : {}),
  };
  const resources = [instanceArn(target.targetId, context), ...groupResources(deployment, context)];
  return entry(INSTANCE_DETAIL_TYPE, detail, resources, target.lastUpdatedAt);
}

const MAX_MESSAGE = 1024;

// CodeDeploy's fields up to `deploymentGroup`, in its order: instanceGroupId is the deployment group's id.
function codeDeployDetail(deployment: DeploymentRef, context: EventContext, state: DeploymentEventState | InstanceEventState) {
  return {
    instanceGroupId: deployment.deploymentGroupId,
    region: context.region,
    application: deployment.applicationName,
    deploymentId: deployment.deploymentId,
    state,
    deploymentGroup: deployment.deploymentGroupName,
  };
}

function entry(detailType: string, detail: object, resources: string[], time: string | undefined): BusEntry {
  const at = time === undefined ? Number.NaN : Date.parse(time);
  return {
    Source: EVENT_SOURCE,
    DetailType: detailType,
    Detail: JSON.stringify(detail),
    Resources: resources,
    ...(Number.isNaN(at) ? {} : { Time: new Date(at) }),
  };
}

function groupResources(deployment: DeploymentRef, { partition, region, accountId }: EventContext): string[] {
  const prefix = `arn:${partition}:codedeploy:${region}:${accountId}`;
  return [`${prefix}:application:${deployment.applicationName}`, `${prefix}:deploymentgroup:${deployment.applicationName}/${deployment.deploymentGroupName}`];
}

/** An EC2 instance, an SSM managed (on-premises) instance, or else a named host, as CodeDeploy's on-premises instances. */
export function instanceArn(targetId: string, { partition, region, accountId }: EventContext): string {
  if (/^i-[0-9a-f]+$/.test(targetId)) return `arn:${partition}:ec2:${region}:${accountId}:instance/${targetId}`;
  if (/^mi-[0-9a-f]+$/.test(targetId)) return `arn:${partition}:ssm:${region}:${accountId}:managed-instance/${targetId}`;
  return `arn:${partition}:codedeploy:${region}:${accountId}:instance/${targetId}`;
}

/** The trigger event types a change is, in CodeDeploy's terms; a rollback's start is also DeploymentRollback. */
export function triggerEventTypesOf(change: PublishedChange): TriggerEventType[] {
  if (change.kind === 'target') {
    const state = targetState(change);
    return state ? [INSTANCE_TRIGGER_EVENTS[state]] : [];
  }
  const state = deploymentState(change.deployment);
  if (!state) return [];
  const rollbackStart = state === 'START' && change.deployment.creator === 'codeDeployRollback';
  return rollbackStart ? ['DeploymentStart', 'DeploymentRollback'] : [DEPLOYMENT_TRIGGER_EVENTS[state]];
}

const DEPLOYMENT_TRIGGER_EVENTS: Record<DeploymentEventState, TriggerEventType> = {
  START: 'DeploymentStart',
  SUCCESS: 'DeploymentSuccess',
  FAILURE: 'DeploymentFailure',
  STOP: 'DeploymentStop',
  READY: 'DeploymentReady',
};

const INSTANCE_TRIGGER_EVENTS: Record<InstanceEventState, TriggerEventType> = {
  START: 'InstanceStart',
  SUCCESS: 'InstanceSuccess',
  FAILURE: 'InstanceFailure',
  READY: 'InstanceReady',
};

/**
 * One message per trigger and event type it asks for, in the group's trigger order. A trigger asking for both
 * DeploymentStart and DeploymentRollback gets both for a rollback's start, told apart by their Subject (CodeDeploy's
 * body has no event type).
 */
export function triggerMessagesFor(
  change: PublishedChange,
  triggers: readonly TriggerConfig[] | undefined,
  context: EventContext,
): TriggerMessage[] {
  const types = triggerEventTypesOf(change);
  const messages: TriggerMessage[] = [];
  for (const trigger of triggers ?? []) {
    for (const eventType of types.filter((t) => trigger.triggerEvents.includes(t))) {
      messages.push({
        TopicArn: trigger.triggerTargetArn,
        Subject: subjectFor(change, eventType),
        Message: JSON.stringify(messageBody(change, trigger.triggerName, context)),
        triggerName: trigger.triggerName,
        eventType,
      });
    }
  }
  return messages;
}

function messageBody(change: PublishedChange, eventTriggerName: string, context: EventContext): object {
  const head = { region: context.region, accountId: context.accountId, eventTriggerName };
  if (change.kind === 'target') {
    const { target } = change;
    return {
      ...head,
      deploymentId: change.deployment.deploymentId,
      instanceId: instanceArn(target.targetId, context),
      lastUpdatedAt: epochSeconds(target.lastUpdatedAt),
      instanceStatus: target.status,
      lifecycleEvents: target.lifecycleEvents.map((e) => ({
        LifecycleEvent: e.lifecycleEventName,
        LifecycleEventStatus: e.status,
        StartTime: epochSeconds(e.startTime),
        EndTime: epochSeconds(e.endTime),
      })),
    };
  }
  const { deployment } = change;
  return {
    ...head,
    applicationName: deployment.applicationName,
    deploymentId: deployment.deploymentId,
    deploymentGroupName: deployment.deploymentGroupName,
    createTime: epochSeconds(deployment.createTime),
    completeTime: epochSeconds(deployment.completeTime),
    deploymentOverview: overviewStrings(deployment.deploymentOverview),
    status: deployment.status,
    errorInformation: deployment.errorInformation
      ? { ErrorCode: deployment.errorInformation.code, ErrorMessage: deployment.errorInformation.message }
      : undefined,
    // Cutover's own: which deployment a rollback rolls back (CodeDeploy's body has no such field).
    rollbackTriggeringDeploymentId: deployment.rollbackInfo?.rollbackTriggeringDeploymentId,
  };
}

// CodeDeploy's five in-place counters, as strings; Ready (blue/green) is left out as in its messages.
function overviewStrings(overview: DeploymentOverview): Record<string, string> {
  return {
    Failed: String(overview.Failed),
    InProgress: String(overview.InProgress),
    Pending: String(overview.Pending),
    Skipped: String(overview.Skipped),
    Succeeded: String(overview.Succeeded),
  };
}

/** ISO 8601 → CodeDeploy's "1446744188.595" (seconds with milliseconds); undefined stays out of the JSON. */
export function epochSeconds(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;
}

// SNS wants printable ASCII under 100 characters; CodeDeploy's own Subject format is not documented.
function subjectFor(change: PublishedChange, eventType: TriggerEventType): string {
  const { deploymentId, applicationName, deploymentGroupName } = change.deployment;
  const what =
    change.kind === 'target'
      ? `${eventType}: instance ${change.target.targetId} in Cutover deployment ${deploymentId}`
      : `${eventType}: Cutover deployment ${deploymentId} of ${applicationName}/${deploymentGroupName}`;
  return what.replace(/[^\x20-\x7e]/g, '?').slice(0, 99);
}
