// EventBridge's default bus on loopback: rules (an event pattern and an in-process target standing in for a Lambda
// function) and PutEvents (awsJson1_1). AWS services put their own events on the bus without PutEvents; the SSM
// stand-in does the same through `publish`. Delivery is asynchronous and at least once, as EventBridge promises:
// `copies` lets a test lose an event or deliver it twice.
import { randomUUID } from 'node:crypto';
import { AwsServiceError, startAwsJsonServer } from './aws-json-server';
import type { LoopbackServer } from './loopback-server';
import { checkEventPattern, type EventPattern, matchesEventPattern } from './event-pattern';

/** An event as targets receive it. */
export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

/** What a target does with an event: a Lambda function's handler, called in-process. */
export type RuleTarget = (event: BusEvent) => Promise<unknown>;

export interface BusRule {
  readonly name: string;
  readonly pattern: unknown;
  readonly target: RuleTarget;
  /** The bus the rule is on; the default bus when absent. */
  readonly bus?: string;
}

/** How many times `event` reaches the target of `rule`: 1 normally, 0 to lose it, 2 to deliver a duplicate. */
export type CopiesPlan = (event: BusEvent, rule: string) => number;

/** An event a target still failed on after the asynchronous-invocation retries. */
export interface FailedDelivery {
  readonly rule: string;
  readonly event: BusEvent;
  readonly error: Error;
}

export interface EventBridgeStandInOptions {
  readonly account: string;
  readonly region: string;
  /** Lambda's asynchronous invocation tries a failing event 3 times in all, minutes apart; here these many ms apart. */
  readonly retryDelayMs?: number;
  /** Custom buses besides the default one (a stack's own bus). */
  readonly buses?: readonly string[];
}

const MAX_ATTEMPTS = 3;
const MAX_ENTRIES_PER_PUT = 10;
const DEFAULT_BUS = 'default';

export class EventBridgeStandIn {
  public copies: CopiesPlan = () => 1;
  public readonly failedDeliveries: FailedDelivery[] = [];
  /** Every event that matched a rule, with the number of copies delivered. */
  public readonly matched: { readonly rule: string; readonly event: BusEvent; readonly copies: number }[] = [];
  private readonly rules: { readonly name: string; readonly pattern: EventPattern; readonly target: RuleTarget; readonly bus: string }[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  private constructor(
    private readonly options: EventBridgeStandInOptions,
    private readonly server: LoopbackServer,
  ) {}

  public static async start(options: EventBridgeStandInOptions): Promise<EventBridgeStandIn> {
    let bus: EventBridgeStandIn | undefined;
    const server = await startAwsJsonServer({
      targetPrefix: 'AWSEvents',
      protocol: '1.1',
      operations: { PutEvents: (input) => (bus as EventBridgeStandIn).putEvents(input) },
    });
    bus = new EventBridgeStandIn(options, server);
    return bus;
  }

  public get endpoint(): string {
    return this.server.endpoint;
  }

  public addRule(rule: BusRule): void {
    checkEventPattern(rule.pattern);
    const bus = rule.bus ?? DEFAULT_BUS;
    if (!this.busNames().has(bus)) throw new Error(`rule ${rule.name}: no bus ${bus}`);
    this.rules.push({ name: rule.name, pattern: rule.pattern, target: rule.target, bus });
  }

  /** An AWS service's own event: it reaches the default bus without PutEvents (which refuses `aws.*` sources). */
  public publish(event: Omit<BusEvent, 'version' | 'id' | 'account' | 'region'>): void {
    this.route({ version: '0', id: randomUUID(), account: this.options.account, region: this.options.region, ...event }, DEFAULT_BUS);
  }

  /** Resolves once every event routed so far has been delivered (or given up on). */
  public async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  public async close(): Promise<void> {
    await this.idle();
    await this.server.close();
  }

  private putEvents(input: Record<string, unknown>): unknown {
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES_PER_PUT) {
      throw new AwsServiceError('ValidationException', `Entries must hold 1 to ${MAX_ENTRIES_PER_PUT} entries`);
    }
    const results = entries.map((entry: Record<string, unknown>) => {
      const problem = entryProblem(entry, this.busNames());
      if (problem !== undefined) return problem;
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': String(entry.DetailType),
        source: String(entry.Source),
        account: this.options.account,
        region: this.options.region,
        time: isoSeconds(typeof entry.Time === 'number' ? new Date(entry.Time * 1000) : new Date()),
        resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
        detail: JSON.parse(String(entry.Detail)) as Record<string, unknown>,
      };
      this.route(event, String(entry.EventBusName ?? DEFAULT_BUS));
      return { EventId: event.id };
    });
    return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
  }

  private busNames(): ReadonlySet<string> {
    return new Set([DEFAULT_BUS, ...(this.options.buses ?? [])]);
  }

  private route(event: BusEvent, bus: string): void {
    for (const rule of this.rules) {
      if (rule.bus !== bus || !matchesEventPattern(rule.pattern, event)) continue;
      const copies = this.copies(event, rule.name);
      this.matched.push({ rule: rule.name, event, copies });
      for (let copy = 0; copy < copies; copy += 1) this.track(this.deliver(rule.name, rule.target, event));
    }
  }

  /** Asynchronous, like EventBridge's invocation of a Lambda target; a failing handler is retried. */
  private async deliver(rule: string, target: RuleTarget, event: BusEvent): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    for (let attempt = 1; ; attempt += 1) {
      try {
        // The function receives the event as JSON, never the bus's own object.
        await target(JSON.parse(JSON.stringify(event)) as BusEvent);
        return;
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS) {
          this.failedDeliveries.push({ rule, event, error: error instanceof Error ? error : new Error(String(error)) });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, (this.options.retryDelayMs ?? 100) * attempt));
      }
    }
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }
}

function entryProblem(entry: Record<string, unknown>, buses: ReadonlySet<string>): { ErrorCode: string; ErrorMessage: string } | undefined {
  const busName = entry.EventBusName ?? DEFAULT_BUS;
  if (!buses.has(String(busName))) return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${String(busName)} does not exist.` };
  if (typeof entry.Source !== 'string' || entry.Source === '') return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid.' };
  if (entry.Source.startsWith('aws.')) {
    return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: `Not authorized for the source ${entry.Source}.` };
  }
  if (typeof entry.DetailType !== 'string' || entry.DetailType === '') {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid.' };
  }
  try {
    const detail: unknown = JSON.parse(String(entry.Detail));
    if (typeof detail === 'object' && detail !== null && !Array.isArray(detail)) return undefined;
  } catch {
    // Reported below like any other malformed detail.
  }
  return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
}

/** EventBridge's `time`: whole seconds, UTC. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
