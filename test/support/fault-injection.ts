// Fault injection for flow tests on the embedded runtime: a port method of the steps' dependencies (the store, the
// host runner, Lambda aliases, ECS task sets, load balancers) throws when a test says, N times or on every call (or
// answers other than it would). Faults are looked up at call time, so a runtime is opened with `decorate` once and a
// test adds its faults as it goes.
import { TransientAwsError, TransientStoreError } from '../../functions/core/errors';
import type { StepDependencies, Store } from '../../functions/ports';

/** The ports a fault can be put on. */
type Ports = Required<Pick<StepDependencies, 'store' | 'hosts' | 'aliases' | 'ecs' | 'traffic'>>;
export type PortName = keyof Ports;
type AnyFunction = (...args: never[]) => unknown;
export type MethodName<P extends PortName> = { [K in keyof Ports[P]]: Ports[P][K] extends AnyFunction ? K : never }[keyof Ports[P]] & string;
export type MethodArgs<P extends PortName, M extends MethodName<P>> = Ports[P][M] extends (...args: infer A) => unknown ? A : never;
export type MethodResult<P extends PortName, M extends MethodName<P>> = Ports[P][M] extends (...args: never[]) => infer R ? Awaited<R> : never;

/** Marks the deployment under test (CreateDeployment's description), so faults spare the others: a rollback, a baseline. */
export const UNDER_FAULT = 'deployment under fault injection';

/** An error no Retry of the state machines names: the step fails for good on its first attempt. */
export function permanentError(message: string): Error {
  const error = new Error(`injected: ${message}`);
  // The name AWS gives a refused call: a bug or a permission, not something a retry fixes.
  error.name = 'AccessDeniedException';
  return error;
}

export function transientStoreError(message: string): Error {
  return new TransientStoreError(`injected: ${message}`);
}

export function transientAwsError(message: string): Error {
  return new TransientAwsError(`injected: ${message}`);
}

export interface FaultOptions<A extends readonly unknown[], R> {
  /** Which calls the fault hits (every call when absent); may read the store through `subject`. */
  readonly when?: (...args: A) => boolean | Promise<boolean>;
  /** How many calls it hits before it heals; every one when absent (a handler that fails for good). */
  readonly times?: number;
  /** Thrown instead of making the call (the call never happens), unless `after` says otherwise. */
  readonly error?: () => Error;
  /** Make the call first, then throw: the write happened, its answer was lost. */
  readonly after?: boolean;
  /** Runs just before the error is thrown: something that lands at the same time (a stop request). */
  readonly meanwhile?: () => Promise<void>;
  /** Instead of an error: the call is made and its answer changed (a load balancer slower than the local one). */
  readonly answer?: (result: R, ...args: A) => R;
}

export interface Fault {
  /** Calls the fault hit so far. */
  readonly hits: number;
}

interface ActiveFault {
  readonly port: PortName;
  readonly method: string;
  readonly options: FaultOptions<readonly unknown[], unknown>;
  hits: number;
}

export class FaultInjector {
  private readonly faults: ActiveFault[] = [];
  private readonly marked = new Map<string, Promise<boolean>>();
  private baseStore: Store | undefined;

  /** For openHarness({decorate}): every port the steps use goes through the injector. */
  public readonly decorate = (deps: StepDependencies): StepDependencies => {
    this.baseStore = deps.store;
    return {
      ...deps,
      store: this.wrap('store', deps.store),
      hosts: this.wrap('hosts', deps.hosts),
      ...(deps.aliases ? { aliases: this.wrap('aliases', deps.aliases) } : {}),
      ...(deps.ecs ? { ecs: this.wrap('ecs', deps.ecs) } : {}),
      ...(deps.traffic ? { traffic: this.wrap('traffic', deps.traffic) } : {}),
    };
  };

  public inject<P extends PortName, M extends MethodName<P>>(port: P, method: M, options: FaultOptions<MethodArgs<P, M>, MethodResult<P, M>>): Fault {
    if ((options.error === undefined) === (options.answer === undefined)) throw new Error(`fault on ${port}.${method}: give either error or answer`);
    const fault: ActiveFault = { port, method, options: options as unknown as FaultOptions<readonly unknown[], unknown>, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  /** Removes every fault: a runtime shared by several tests starts each without the faults of the one before. */
  public reset(): void {
    this.faults.splice(0);
  }

  /** Whether a deployment is the one under test: created with the UNDER_FAULT description. Read once per id. */
  public subject(deploymentId: string): Promise<boolean> {
    let answer = this.marked.get(deploymentId);
    if (!answer) {
      if (!this.baseStore) throw new Error('FaultInjector.subject: the runtime was not opened with this injector');
      answer = this.baseStore.getDeployment(deploymentId).then((d) => d?.description === UNDER_FAULT);
      this.marked.set(deploymentId, answer);
    }
    return answer;
  }

  /** The port with every method bound to it; a method with faults on it goes through them first. */
  private wrap<T extends object>(port: PortName, target: T): T {
    return new Proxy(target, {
      get: (object, key) => {
        const value: unknown = Reflect.get(object, key, object);
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => unknown;
        const name = String(key);
        return (...args: unknown[]) => {
          if (!this.faults.some((f) => f.port === port && f.method === name)) return method.apply(object, args);
          return this.call(port, name, () => method.apply(object, args), args);
        };
      },
    });
  }

  private async call(port: PortName, method: string, run: () => unknown, args: readonly unknown[]): Promise<unknown> {
    const fault = await this.hitting(port, method, args);
    if (!fault) return run();
    const { answer, error, after, meanwhile } = fault.options;
    if (answer) return answer(await run(), ...args);
    if (after) await run();
    await meanwhile?.();
    throw error!();
  }

  private async hitting(port: PortName, method: string, args: readonly unknown[]): Promise<ActiveFault | undefined> {
    for (const fault of this.faults) {
      if (fault.port !== port || fault.method !== method) continue;
      if (fault.options.when && !(await fault.options.when(...args))) continue;
      // Counted after the await, so calls running at once never hit a fault more often than it allows.
      if (fault.options.times !== undefined && fault.hits >= fault.options.times) continue;
      fault.hits += 1;
      return fault;
    }
    return undefined;
  }
}
