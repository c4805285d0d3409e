// Counts, from a real local run, what the same deployment would use on AWS: DynamoDB item writes (every write call,
// a failed condition costs a write too), SSM SendCommand calls (one per script and 50 hosts), host reports (one
// Lambda invocation each for the SSM event handler) and the state changes put on the event bus. Transitions and Task invocations come from the runtime.
import { eventStateOf } from '../functions/core/state-change-events';
import type { EventSink, HostReport, HostRunner, StepDependencies, Store } from '../functions/ports';
import { LocalHostRunner } from '../lib/local/local-host-runner';

const SEND_COMMAND_INSTANCE_LIMIT = 50;

/** Store methods that write, and how many items each call writes. */
const WRITES: Partial<Record<keyof Store, (...args: never[]) => number>> = {
  createApplication: () => 1,
  putDeploymentGroup: () => 1,
  updateDeploymentGroupSettings: () => 1,
  recordGroupOutcome: () => 1,
  createDeploymentConfig: () => 1,
  createDeployment: () => 1,
  updateDeployment: () => 1,
  takeOverClientToken: () => 1,
  acquireGroupLock: () => 1,
  transferGroupLock: () => 1,
  releaseGroupLock: () => 1,
  setGroupLockExecution: () => 1,
  nextQueuePosition: () => 1,
  enqueue: () => 1,
  dequeue: () => 1,
  putTargets: (targets: readonly unknown[]) => targets.length,
  updateTargets: (targets: readonly unknown[]) => targets.length,
  recordTargetEvent: () => 1,
  putBatch: () => 1,
  beginBatchEvent: () => 1,
  countBatchReport: () => 1,
  updateBatchWait: () => 1,
  markBatchSent: () => 1,
  putHostRecords: (records: readonly unknown[]) => records.length,
};

export class UsageMeter {
  public dynamodbWrites = 0;
  public ssmCommands = 0;
  public hostReports = 0;
  /** State changes that become an EventBridge entry on AWS. */
  public events = 0;

  /** For LocalRuntimeOptions.decorate: counts store writes and the SSM commands a dispatch would send. */
  public readonly decorate = (deps: StepDependencies): StepDependencies => {
    const store = Object.create(deps.store) as Store;
    for (const [method, count] of Object.entries(WRITES) as [keyof Store, (...args: unknown[]) => number][]) {
      const original = deps.store[method] as (...args: unknown[]) => Promise<unknown>;
      (store as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        this.dynamodbWrites += count(...args);
        return original.apply(deps.store, args);
      };
    }
    const hosts: HostRunner = {
      dispatch: (dispatch, onSent) => {
        for (const { targetIds } of dispatch.scripts) this.ssmCommands += Math.ceil(targetIds.length / SEND_COMMAND_INSTANCE_LIMIT);
        return deps.hosts.dispatch(dispatch, onSent);
      },
      collect: (collection) => deps.hosts.collect(collection),
      cancel: (cancellation) => deps.hosts.cancel(cancellation),
    };
    const events: EventSink = {
      publish: (change) => {
        if (eventStateOf(change) !== undefined) this.events += 1;
        return deps.events.publish(change);
      },
    };
    return { ...deps, store, hosts, events };
  };

  /** For LocalRuntimeOptions.hostRunner: the local runner, counting the reports that reach the engine. */
  public hostRunner(concurrency: number): (report: (r: HostReport) => Promise<void>, hostsDir: string) => HostRunner {
    return (report, hostsDir) =>
      new LocalHostRunner({
        hostsDir,
        concurrency,
        report: async (r) => {
          this.hostReports += 1;
          await report(r);
        },
      });
  }
}
