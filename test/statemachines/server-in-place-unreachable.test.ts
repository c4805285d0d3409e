// A host the runner knows it cannot reach (SSM: its agent is not Online) fails the event at once, with the reason,
// instead of keeping the batch waiting for the event's safety timeout.
import * as path from 'node:path';
import { TransientStoreError } from '../../functions/core/errors';
import type { HostDispatch, Store } from '../../functions/ports';
import { deployLocally } from '../../lib/cli/local-deploy';
import { LocalHostRunner } from '../../lib/local/local-host-runner';
import type { LocalRuntimeOptions } from '../../lib/local/local-runtime';
import { loggingBundle } from '../support/bundles';
import { deployRequest } from '../support/deploy-requests';
import { type Harness, openHarness } from '../support/local-runtime-harness';

const HOSTS = ['host-1', 'host-2', 'host-3'];
const OFFLINE = 'host-2';
const REASON = 'SSM reports host-2 ConnectionLost (last contact from its SSM Agent at 2026-11-26T09:00:00.000Z)';

/** The local runner, except that one host is offline from the first event on: it is never sent a script. */
function runnerWithOfflineHost(sentTo: string[]): NonNullable<LocalRuntimeOptions['hostRunner']> {
  return (report, hostsDir) => {
    const local = new LocalHostRunner({ hostsDir, report, concurrency: 4 });
    return {
      dispatch: async (dispatch: HostDispatch, onSent) => {
        const scripts = dispatch.scripts.map((s) => ({ ...s, targetIds: s.targetIds.filter((id) => id !== OFFLINE) }));
        sentTo.push(...scripts.flatMap((s) => s.targetIds));
        await local.dispatch({ ...dispatch, scripts }, onSent);
        const offline = dispatch.scripts.some((s) => s.targetIds.includes(OFFLINE));
        return { unreachable: offline ? [{ targetId: OFFLINE, reason: REASON }] : [] };
      },
      collect: (collection) => local.collect(collection),
      cancel: (cancellation) => local.cancel(cancellation),
    };
  };
}

describe('server in-place flow with an unreachable host', () => {
  let h: Harness;
  afterEach(async () => {
    await h.runtime.close();
  });

  it('fails the offline host at its first scripted event with the runner\'s reason, and the others carry on', async () => {
    const sentTo: string[] = [];
    // The default safety timeout is over an hour: the deployment can only finish in time if nobody waits for it.
    h = await openHarness({ hostRunner: runnerWithOfflineHost(sentTo) });
    const bundle = loggingBundle(path.join(h.dir, 'v1'), 'v1');

    const view = await deployLocally(
      h.runtime,
      deployRequest(bundle, { hosts: HOSTS, deploymentConfigName: 'CodeDeployDefault.AllAtOnce' }),
    );

    const offline = view.targets.find((t) => t.targetId === OFFLINE)!;
    const failed = offline.lifecycleEvents.filter((e) => e.status === 'Failed');
    expect(offline.status).toBe('Failed');
    expect(failed.map((e) => e.lifecycleEventName)).toEqual(['DownloadBundle']);
    expect(failed[0].diagnostics).toEqual({ errorCode: 'UnknownError', scriptName: '', message: REASON, logTail: '' });
    expect(offline.lifecycleEvents.filter((e) => e.status === 'Skipped').length).toBeGreaterThan(0);
    expect(view.targets.filter((t) => t.status === 'Succeeded').map((t) => t.targetId)).toEqual(['host-1', 'host-3']);
    expect(sentTo).not.toContain(OFFLINE);
    // AllAtOnce needs one healthy host: two succeeded.
    expect(view.status).toBe('Succeeded');
  });

  it('counts an offline host whose report was recorded but not counted when RunLifecycleEvent is retried', async () => {
    let failed = false;
    // The default safety timeout is over an hour: the deployment can only finish in time if nobody waits for it.
    h = await openHarness({
      hostRunner: runnerWithOfflineHost([]),
      decorate: (deps) => {
        const store = Object.create(deps.store) as Store;
        store.countBatchReport = async (...args) => {
          // The result is written; the count is lost once, so Step Functions retries RunLifecycleEvent.
          if (!failed && args[3] === OFFLINE) {
            failed = true;
            throw new TransientStoreError('injected: countBatchReport throttled');
          }
          return deps.store.countBatchReport(...args);
        };
        return { ...deps, store };
      },
    });
    const bundle = loggingBundle(path.join(h.dir, 'v1'), 'v1');

    const view = await deployLocally(h.runtime, deployRequest(bundle, { hosts: HOSTS, deploymentConfigName: 'CodeDeployDefault.AllAtOnce' }));

    expect(failed).toBe(true);
    expect(view.status).toBe('Succeeded');
    expect(view.targets.find((t) => t.targetId === OFFLINE)?.status).toBe('Failed');
  });
});
