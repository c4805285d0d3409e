// Fault injection: a step's write that succeeds but whose answer is lost, a callback that fails once. Step
// Functions (and the local report path) retry; the retry must complete the same work without doing it twice,
// losing the lock, or leaving the execution waiting.
import * as path from 'node:path';
import { TransientStoreError } from '../../functions/core/errors';
import type { StepDependencies, Store } from '../../functions/ports';
import { deployLocally, type LocalDeployRequest } from '../../lib/cli/local-deploy';
import { loggingBundle, readLines } from '../support/bundles';
import { deployRequest } from '../support/deploy-requests';
import { type Harness, openHarness } from '../support/local-runtime-harness';

const HOSTS = ['host-1', 'host-2', 'host-3'];
const HOOKS_ONCE = ['BeforeInstall v1', 'AfterInstall v1', 'ApplicationStart v1', 'ValidateService v1'];

function request(bundle: string): LocalDeployRequest {
  return deployRequest(bundle, { hosts: HOSTS, deploymentConfigName: 'CodeDeployDefault.AllAtOnce' });
}

/** Makes `method` of the store do its work, then fail once when `when` holds (a lost response). */
function failOnceAfter<K extends keyof Store>(method: K, when: (...args: Parameters<Store[K]>) => boolean) {
  let failed = false;
  const decorate = (deps: StepDependencies): StepDependencies => {
    const store = Object.create(deps.store) as Store;
    const original = deps.store[method] as (...args: Parameters<Store[K]>) => ReturnType<Store[K]>;
    (store as unknown as Record<string, unknown>)[method] = async (...args: Parameters<Store[K]>) => {
      const result = await original.apply(deps.store, args);
      if (!failed && when(...args)) {
        failed = true;
        throw new TransientStoreError(`injected: the answer of ${method} was lost`);
      }
      return result;
    };
    return { ...deps, store };
  };
  return { decorate, fired: () => failed };
}

describe('server in-place flow under retries', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.runtime.close();
  });

  it('a retried RunLifecycleEvent after its dispatch was recorded sends nothing twice', async () => {
    const fault = failOnceAfter('updateBatchWait', (_d, _b, eventIndex, changes) => eventIndex === 2 && changes.dispatched === true);
    h = await openHarness({ decorate: fault.decorate });
    const view = await deployLocally(h.runtime, request(loggingBundle(path.join(h.dir, 'v1'), 'v1')));

    expect(fault.fired()).toBe(true);
    expect(view.status).toBe('Succeeded');
    for (const host of HOSTS) expect(readLines(path.join(h.hostRoot(host), 'events.log'))).toEqual(HOOKS_ONCE);
  });

  it('a retried FinishDeployment still records the outcome and frees the lock', async () => {
    const fault = failOnceAfter('updateDeployment', (_id, changes) => changes.status === 'Succeeded');
    h = await openHarness({ decorate: fault.decorate });
    const first = await deployLocally(h.runtime, request(loggingBundle(path.join(h.dir, 'v1'), 'v1')));

    expect(fault.fired()).toBe(true);
    expect(first.status).toBe('Succeeded');
    const group = await h.runtime.store.getDeploymentGroup('app', 'group');
    expect(group?.lastSuccessfulDeployment?.deploymentId).toBe(first.deploymentId);
    expect(await h.runtime.store.getGroupLock(first.deploymentGroupId)).toBeUndefined();
    const second = await deployLocally(h.runtime, request(loggingBundle(path.join(h.dir, 'v2'), 'v2')));
    expect(second.status).toBe('Succeeded');
  });

  it('a host report whose callback failed is completed by its retry, without waiting for the event timeout', async () => {
    let failed = false;
    h = await openHarness({
      decorate: (deps) => ({
        ...deps,
        callbacks: {
          succeed: async (token, output) => {
            if (!failed) {
              failed = true;
              throw new Error('injected: SendTaskSuccess failed');
            }
            await deps.callbacks.succeed(token, output);
          },
          fail: (token, error, cause) => deps.callbacks.fail(token, error, cause),
        },
      }),
    });
    const view = await deployLocally(h.runtime, request(loggingBundle(path.join(h.dir, 'v1'), 'v1')));

    expect(failed).toBe(true);
    expect(view.status).toBe('Succeeded');
    expect(view.targets.map((t) => t.status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
  });

  it('a rollback whose start was interrupted is completed, once, by the retried finish', async () => {
    let failed = false;
    h = await openHarness({
      decorate: (deps) => {
        const store = Object.create(deps.store) as Store;
        store.transferGroupLock = async (...args) => {
          await deps.store.transferGroupLock(...args);
          if (!failed) {
            failed = true;
            throw new TransientStoreError('injected: transfer answer lost');
          }
        };
        return { ...deps, store };
      },
    });
    await deployLocally(h.runtime, request(loggingBundle(path.join(h.dir, 'v1'), 'v1')));
    const bad = loggingBundle(path.join(h.dir, 'v2'), 'v2', { host: 'host-2' });
    const failedDeployment = await deployLocally(h.runtime, { ...request(bad), deploymentConfigName: 'CodeDeployDefault.OneAtATime', autoRollback: true });

    expect(failed).toBe(true);
    expect(failedDeployment.status).toBe('Failed');
    const rollbackId = failedDeployment.rollbackInfo?.rollbackDeploymentId;
    expect(failedDeployment.rollbackInfo?.rollbackMessage).toBe(`Automatic rollback succeeded: deployment ${rollbackId}`);
    const rollbacks = (await h.runtime.store.listDeployments()).filter((d) => d.creator === 'codeDeployRollback');
    expect(rollbacks.map((d) => [d.deploymentId, d.status])).toEqual([[rollbackId, 'Succeeded']]);
    expect(await h.runtime.store.getGroupLock(failedDeployment.deploymentGroupId)).toBeUndefined();
  });

  it('a retried hand-over never lets the old execution run a batch of the new one', async () => {
    const fault = failOnceAfter('updateDeployment', (_id, changes) => String(changes.executionArn).includes('-from-'));
    h = await openHarness({ batchesPerExecution: 2, tokenTimeoutScale: 1000, decorate: fault.decorate });
    const view = await deployLocally(h.runtime, { ...request(loggingBundle(path.join(h.dir, 'v1'), 'v1')), deploymentConfigName: 'CodeDeployDefault.OneAtATime' });

    expect(fault.fired()).toBe(true);
    expect(view.status).toBe('Succeeded');
    for (const host of HOSTS) expect(readLines(path.join(h.hostRoot(host), 'events.log'))).toEqual(HOOKS_ONCE);
    expect((await h.runtime.executionOutcome(view.deploymentId))?.executions).toBe(2);
    expect(await h.runtime.store.getGroupLock(view.deploymentGroupId)).toBeUndefined();
  });

  it('a retried RunLifecycleEvent behind a load balancer neither moves traffic twice nor overwrites host results', async () => {
    // Index 4 is DownloadBundle when BlockTraffic and its hooks come first.
    const fault = failOnceAfter('updateBatchWait', (_d, _b, eventIndex, changes) => eventIndex === 4 && changes.dispatched === true);
    let deregistrations = 0;
    h = await openHarness({
      tokenTimeoutScale: 1000,
      decorate: (deps) => {
        const faulty = fault.decorate(deps);
        const traffic = deps.traffic!;
        return {
          ...faulty,
          traffic: {
            register: (info, ids) => traffic.register(info, ids),
            deregister: async (info, ids) => {
              deregistrations += 1;
              return traffic.deregister(info, ids);
            },
            check: (info, ids, direction) => traffic.check(info, ids, direction),
          },
        };
      },
    });
    const view = await deployLocally(h.runtime, { ...request(loggingBundle(path.join(h.dir, 'v1'), 'v1')), loadBalancers: ['web-tg'] });

    expect(fault.fired()).toBe(true);
    expect(deregistrations).toBe(1);
    expect(view.status).toBe('Succeeded');
    for (const target of view.targets) expect(target.lifecycleEvents.filter((e) => e.status !== 'Succeeded')).toEqual([]);
  });

  it('a deployment record written with its answer lost still runs, and leaves no Created record behind', async () => {
    const fault = failOnceAfter('createDeployment', () => true);
    h = await openHarness({ decorate: fault.decorate });
    const view = await deployLocally(h.runtime, request(loggingBundle(path.join(h.dir, 'v1'), 'v1')));

    expect(fault.fired()).toBe(true);
    expect(view.status).toBe('Succeeded');
    expect((await h.runtime.store.listDeployments()).map((d) => d.status)).toEqual(['Succeeded']);
  });

  it('a dispatch that fails halfway is resumed by the retry without sending the event to a host twice', async () => {
    let interrupted = false;
    h = await openHarness({
      decorate: (deps) => ({
        ...deps,
        hosts: {
          collect: (c) => deps.hosts.collect(c),
          cancel: (c) => deps.hosts.cancel(c),
          dispatch: async (d, onSent) => {
            if (interrupted || d.eventIndex !== 2) return deps.hosts.dispatch(d, onSent);
            // The first part (host-1) goes out, then the next SendCommand is throttled for good.
            interrupted = true;
            const first = { ...d, scripts: d.scripts.map((s) => ({ ...s, targetIds: s.targetIds.slice(0, 1) })) };
            await deps.hosts.dispatch(first, onSent);
            throw new TransientStoreError('injected: the second SendCommand failed');
          },
        },
      }),
    });
    const view = await deployLocally(h.runtime, request(loggingBundle(path.join(h.dir, 'v1'), 'v1')));

    expect(interrupted).toBe(true);
    expect(view.status).toBe('Succeeded');
    for (const host of HOSTS) expect(readLines(path.join(h.hostRoot(host), 'events.log'))).toEqual(HOOKS_ONCE);
  });
});
