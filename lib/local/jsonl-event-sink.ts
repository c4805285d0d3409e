// The embedded runtime's EventBridge: every event the cloud would put on the bus, appended to
// `<stateDir>/events.jsonl` as one PutEvents entry ({Source, DetailType, Detail}) per line, for tools that follow the
// file as they would a rule. The state folder is locked to one process, so synchronous appends from this one
// process are whole lines in publish order.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  busEntryFor,
  type DeploymentRef,
  deploymentRefOf,
  type EventContext,
  eventStateOf,
  LOCAL_EVENT_CONTEXT,
  type PublishedChange,
} from '../../functions/core/state-change-events';
import type { EventSink, StateChange } from '../../functions/ports';

const EVENTS_FILE = 'events.jsonl';

export interface JsonlEventSinkOptions {
  readonly stateDir: string;
  /** A target change names only its deployment; its application and group come from here (store.getDeployment). */
  readonly deployments: (deploymentId: string) => Promise<DeploymentRef | undefined>;
  /** Default: region `local`, account `000000000000`. */
  readonly context?: EventContext;
  /** Where a write that failed is reported. Default: stderr. */
  readonly warn?: (message: string) => void;
}

export class JsonlEventSink implements EventSink {
  public readonly file: string;
  // Publishes are chained so that lines keep publish order even while one waits for its deployment's lookup.
  private tail: Promise<void> = Promise.resolve();
  private readonly refs = new Map<string, DeploymentRef>();

  public constructor(private readonly options: JsonlEventSinkOptions) {
    this.file = path.join(options.stateDir, EVENTS_FILE);
  }

  public publish(change: StateChange): Promise<void> {
    if (change.kind === 'batch' || change.kind === 'traffic' || !eventStateOf(change)) return Promise.resolve();
    this.tail = this.tail.then(() => this.append(change));
    return this.tail;
  }

  private async append(change: Exclude<StateChange, { kind: 'batch' | 'traffic' }>): Promise<void> {
    // As in the cloud, an event that cannot be written must not fail the step that published it.
    try {
      const published = await this.withDeployment(change);
      const entry = published && busEntryFor(published, this.options.context ?? LOCAL_EVENT_CONTEXT);
      if (!entry) return;
      fs.mkdirSync(this.options.stateDir, { recursive: true });
      // The PutEvents entry as the AWS sink sends it, its time as ISO 8601 text.
      const line = { Time: entry.Time?.toISOString(), Source: entry.Source, DetailType: entry.DetailType, Detail: entry.Detail, Resources: entry.Resources };
      fs.appendFileSync(this.file, `${JSON.stringify(line)}\n`);
    } catch (error) {
      const warn = this.options.warn ?? ((message: string) => process.stderr.write(`${message}\n`));
      warn(`cutover: event not written to ${this.file}: ${messageOf(error)}`);
    }
  }

  private async withDeployment(change: Exclude<StateChange, { kind: 'batch' | 'traffic' }>): Promise<PublishedChange | undefined> {
    if (change.kind === 'deployment') return change;
    const deployment = this.refs.get(change.deploymentId) ?? (await this.options.deployments(change.deploymentId));
    if (!deployment) throw new Error(`deployment ${change.deploymentId} of target ${change.target.targetId} not found`);
    this.remember(deployment);
    return { kind: 'target', deployment, target: change.target };
  }

  // A deployment's application and group never change: one read serves all its targets' events.
  private remember(deployment: DeploymentRef): void {
    if (this.refs.has(deployment.deploymentId)) return;
    if (this.refs.size >= 256) this.refs.delete(this.refs.keys().next().value!);
    this.refs.set(deployment.deploymentId, deploymentRefOf(deployment));
  }
}

// fs errors come from Node's own realm, where `instanceof Error` of another realm (a test sandbox) is false.
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
