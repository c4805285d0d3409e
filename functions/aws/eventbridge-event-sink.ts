// Publishes state changes on AWS: one PutEvents entry per change to the stack's bus, and one SNS Publish per
// matching trigger of the deployment group. Notifications are a side channel: nothing here may fail or stall the
// deployment step that published, so every failure is logged at warn and dropped, throttling included. The SDK has
// already retried a throttled call by then, and a step failing for it would be retried by the state machine and
// could end the deployment over a notification; an event's detail is in the warn line for anyone who needs it back.
import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  busEntryFor,
  type DeploymentRef,
  deploymentRefOf,
  type EventContext,
  eventStateOf,
  type PublishedChange,
  type TriggerMessage,
  triggerMessagesFor,
} from '../core/state-change-events';
import type { DeploymentGroup } from '../core/types';
import type { EventSink, StateChange } from '../ports';
import { isRetryableAwsError } from './retryable-errors';

/** The part of a logger the sink needs (the Powertools Logger fits). */
export interface WarnLogger {
  warn(message: string, extra: Record<string, unknown>): void;
}

export interface EventBridgeEventSinkOptions {
  readonly eventBridge: EventBridgeClient;
  /** The bus the stack creates. */
  readonly eventBusName: string;
  readonly sns: SNSClient;
  readonly context: EventContext;
  /** A target change names only its deployment; its application and group come from here (store.getDeployment). */
  readonly deployments: (deploymentId: string) => Promise<DeploymentRef | undefined>;
  /** The group whose triggerConfigurations decide the SNS messages (store.getDeploymentGroup). */
  readonly groups: (applicationName: string, deploymentGroupName: string) => Promise<DeploymentGroup | undefined>;
  readonly logger: WarnLogger;
  /** How long a group's triggers are reused before being read again. Default 30 s. */
  readonly triggerCacheMs?: number;
  /** Longest one PutEvents or Publish may take, SDK retries included. Default 3 s. */
  readonly sendTimeoutMs?: number;
  /** How long a service that timed out or stayed throttled is skipped. Default 60 s. */
  readonly pauseAfterOutageMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const DEPLOYMENT_CACHE_SIZE = 256;

export class EventBridgeEventSink implements EventSink {
  // A deployment's application and group never change, so they are kept for the container's life (bounded).
  private readonly deploymentRefs = new Map<string, Promise<DeploymentRef | undefined>>();
  private readonly groupCache = new Map<string, { readonly until: number; readonly group: Promise<DeploymentGroup | undefined> }>();
  // A step publishes one change after another: without this, an outage would cost every change the full send
  // timeout, and a batch of a hundred hosts would run the step past its Lambda timeout.
  private readonly pausedUntil = { eventBridge: 0, sns: 0 };
  private readonly now: () => number;

  public constructor(private readonly options: EventBridgeEventSinkOptions) {
    this.now = options.now ?? Date.now;
  }

  public async publish(change: StateChange): Promise<void> {
    if (change.kind === 'batch' || change.kind === 'traffic' || !eventStateOf(change)) return;
    const published = await this.withDeployment(change);
    if (!published) return;
    await Promise.all([this.putEvent(published), this.notifyTriggers(published)]);
  }

  private async withDeployment(change: Exclude<StateChange, { kind: 'batch' | 'traffic' }>): Promise<PublishedChange | undefined> {
    if (change.kind === 'deployment') return change;
    try {
      const deployment = await this.deploymentRef(change.deploymentId);
      if (deployment) return { kind: 'target', deployment, target: change.target };
      this.options.logger.warn('State change not published: its deployment was not found', { deploymentId: change.deploymentId, targetId: change.target.targetId });
    } catch (error) {
      this.options.logger.warn('State change not published: its deployment could not be read', {
        deploymentId: change.deploymentId,
        targetId: change.target.targetId,
        error: errorSummary(error),
      });
    }
    return undefined;
  }

  private deploymentRef(deploymentId: string): Promise<DeploymentRef | undefined> {
    let ref = this.deploymentRefs.get(deploymentId);
    if (!ref) {
      ref = this.options.deployments(deploymentId).then((d) => d && deploymentRefOf(d));
      // A failed or empty read is not remembered: the next change tries again.
      const forget = (): void => void this.deploymentRefs.delete(deploymentId);
      ref.then((d) => d || forget(), forget);
      if (this.deploymentRefs.size >= DEPLOYMENT_CACHE_SIZE) this.deploymentRefs.delete(this.deploymentRefs.keys().next().value!);
      this.deploymentRefs.set(deploymentId, ref);
    }
    return ref;
  }

  private async putEvent(change: PublishedChange): Promise<void> {
    const entry = busEntryFor(change, this.options.context);
    if (!entry) return;
    const request: PutEventsRequestEntry = { ...entry, Resources: [...entry.Resources], EventBusName: this.options.eventBusName };
    const about = { deploymentId: change.deployment.deploymentId, detailType: entry.DetailType, detail: entry.Detail };
    if (this.now() < this.pausedUntil.eventBridge) {
      this.options.logger.warn('Event not published: EventBridge is paused after an outage', about);
      return;
    }
    const outcome = await putEventsWithResend(this.options.eventBridge, [request], {
      timeoutMs: this.options.sendTimeoutMs,
      sleep: this.options.sleep,
    });
    if (outcome.stoppedBy && isOutage(outcome.stoppedBy)) this.pausedUntil.eventBridge = this.now() + this.pauseMs();
    for (const failed of outcome.failed) {
      this.options.logger.warn('Event not published', { ...about, errorCode: failed.errorCode, errorMessage: failed.errorMessage });
    }
  }

  private async notifyTriggers(change: PublishedChange): Promise<void> {
    const { applicationName, deploymentGroupName } = change.deployment;
    let group: DeploymentGroup | undefined;
    try {
      group = await this.group(applicationName, deploymentGroupName);
    } catch (error) {
      this.options.logger.warn('Triggers not notified: the deployment group could not be read', {
        deploymentId: change.deployment.deploymentId,
        applicationName,
        deploymentGroupName,
        error: errorSummary(error),
      });
      return;
    }
    const messages = triggerMessagesFor(change, group?.triggerConfigurations, this.options.context);
    await Promise.all(messages.map((message) => this.notify(change.deployment.deploymentId, message)));
  }

  private group(applicationName: string, deploymentGroupName: string): Promise<DeploymentGroup | undefined> {
    const key = JSON.stringify([applicationName, deploymentGroupName]);
    const cached = this.groupCache.get(key);
    if (cached && this.now() < cached.until) return cached.group;
    const group = this.options.groups(applicationName, deploymentGroupName);
    group.catch(() => this.groupCache.delete(key));
    // Groups are few; an expired one is replaced here, so the map never holds more than the groups seen.
    this.groupCache.set(key, { until: this.now() + (this.options.triggerCacheMs ?? 30_000), group });
    return group;
  }

  private async notify(deploymentId: string, message: TriggerMessage): Promise<void> {
    const about = { deploymentId, triggerName: message.triggerName, eventType: message.eventType, topicArn: message.TopicArn };
    if (this.now() < this.pausedUntil.sns) {
      this.options.logger.warn('Trigger not notified: SNS is paused after an outage', { ...about, message: message.Message });
      return;
    }
    try {
      await this.options.sns.send(new PublishCommand({ TopicArn: message.TopicArn, Subject: message.Subject, Message: message.Message }), {
        abortSignal: AbortSignal.timeout(this.options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS),
      });
    } catch (error) {
      // A deleted topic or a missing permission is one trigger's problem; only an outage pauses every trigger.
      if (isOutage(error)) this.pausedUntil.sns = this.now() + this.pauseMs();
      this.options.logger.warn('Trigger not notified', { ...about, error: errorSummary(error), message: message.Message });
    }
  }

  private pauseMs(): number {
    return this.options.pauseAfterOutageMs ?? 60_000;
  }
}


const DEFAULT_SEND_TIMEOUT_MS = 3_000;

/** PutEvents limits: entries per call, and the request size EventBridge computes. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;
const RETRYABLE_ENTRY_CODES: ReadonlySet<string> = new Set(['InternalFailure', 'ThrottlingException']);

export interface FailedEventEntry {
  readonly entry: PutEventsRequestEntry;
  readonly errorCode: string;
  readonly errorMessage: string;
}

export interface PutEventsOutcome {
  /** Entries not published, in the order given. */
  readonly failed: readonly FailedEventEntry[];
  /** The error of a call that failed as a whole (after the SDK's retries); entries after it were not sent. */
  readonly stoppedBy?: unknown;
}

export interface PutEventsOptions {
  /** Calls per group of entries: the first and the resends of entries that failed with a retryable code. Default 3. */
  readonly maxAttempts?: number;
  /** First pause before a resend, doubling after it, with jitter. Default 100 ms. */
  readonly baseDelayMs?: number;
  /** Longest one call may take, SDK retries included. Default 3 s. */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Sends entries in calls of at most 10 and under 256 KB, resending only the entries EventBridge failed with a
 * retryable code (the call itself answers 200). Never throws: what was not published comes back in `failed`.
 */
export async function putEventsWithResend(
  client: EventBridgeClient,
  entries: readonly PutEventsRequestEntry[],
  options: PutEventsOptions = {},
): Promise<PutEventsOutcome> {
  const failed: FailedEventEntry[] = [];
  const { groups, tooLarge } = groupEntries(entries);
  for (const entry of tooLarge) {
    failed.push({ entry, errorCode: 'EntryTooLarge', errorMessage: `The entry is ${entrySize(entry)} bytes; PutEvents takes less than ${PUT_EVENTS_MAX_BYTES}` });
  }
  for (const [index, group] of groups.entries()) {
    try {
      failed.push(...(await sendGroup(client, group, options)));
    } catch (error) {
      // The SDK has retried the call already: the service is down or refusing us, so the rest is not tried.
      const { name, message } = errorSummary(error);
      for (const entry of groups.slice(index).flat()) failed.push({ entry, errorCode: name, errorMessage: message });
      return { failed: inOrder(failed, entries), stoppedBy: error };
    }
  }
  return { failed: inOrder(failed, entries) };
}

async function sendGroup(client: EventBridgeClient, group: readonly PutEventsRequestEntry[], options: PutEventsOptions): Promise<FailedEventEntry[]> {
  const maxAttempts = options.maxAttempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const final: FailedEventEntry[] = [];
  let pending = group;
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > 1) await sleep((options.baseDelayMs ?? 100) * 2 ** (attempt - 2) * (0.5 + Math.random() / 2));
    const response = await client.send(new PutEventsCommand({ Entries: [...pending] }), {
      abortSignal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS),
    });
    // Results come back in request order, one per entry.
    const results = response.Entries ?? [];
    const retry: PutEventsRequestEntry[] = [];
    pending.forEach((entry, i) => {
      const errorCode = results[i]?.ErrorCode;
      if (!errorCode) return;
      if (RETRYABLE_ENTRY_CODES.has(errorCode) && attempt < maxAttempts) retry.push(entry);
      else final.push({ entry, errorCode, errorMessage: results[i]?.ErrorMessage ?? '' });
    });
    pending = retry;
  }
  return final;
}

/** Consecutive groups within both limits; an entry over the size limit alone cannot be sent at all. */
function groupEntries(entries: readonly PutEventsRequestEntry[]): { groups: PutEventsRequestEntry[][]; tooLarge: PutEventsRequestEntry[] } {
  const groups: PutEventsRequestEntry[][] = [];
  const tooLarge: PutEventsRequestEntry[] = [];
  let current: PutEventsRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (size >= PUT_EVENTS_MAX_BYTES) {
      tooLarge.push(entry);
      continue;
    }
    if (current.length === PUT_EVENTS_MAX_ENTRIES || bytes + size >= PUT_EVENTS_MAX_BYTES) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return { groups, tooLarge };
}

/** EventBridge's own count: 14 bytes for Time when set, plus the UTF-8 bytes of Source, DetailType, Detail, Resources. */
export function entrySize(entry: PutEventsRequestEntry): number {
  const texts = [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])];
  return (entry.Time ? 14 : 0) + texts.reduce((sum, text) => sum + Buffer.byteLength(text ?? '', 'utf8'), 0);
}

function inOrder(failed: FailedEventEntry[], entries: readonly PutEventsRequestEntry[]): FailedEventEntry[] {
  return failed.sort((a, b) => entries.indexOf(a.entry) - entries.indexOf(b.entry));
}

// Worth pausing for: the service timed out or stayed throttled through the SDK's retries.
function isOutage(error: unknown): boolean {
  const { name } = errorSummary(error);
  return isRetryableAwsError(error) || name === 'AbortError' || name === 'TimeoutError';
}

// By shape rather than instanceof: an abort's DOMException is not an Error in every runtime.
function errorSummary(error: unknown): { name: string; message: string } {
  const { name, message } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown };
  return typeof message === 'string' ? { name: typeof name === 'string' ? name : 'Error', message } : { name: 'Error', message: String(error) };
}
