// Host reports that arrive twice or never: the flow must stay correct either way.
import * as path from 'node:path';
import type { HostReport } from '../../functions/ports';
import { deployLocally } from '../../lib/cli/local-deploy';
import { LocalHostRunner } from '../../lib/local/local-host-runner';
import { loggingBundle } from '../support/bundles';
import { deployRequest } from '../support/deploy-requests';
import { type Harness, openHarness } from '../support/local-runtime-harness';

const HOSTS = ['host-1', 'host-2', 'host-3'];

async function deploy(h: Harness, config = 'CodeDeployDefault.AllAtOnce') {
  const bundle = loggingBundle(path.join(h.dir, 'v1'), 'v1');
  return deployLocally(h.runtime, deployRequest(bundle, { hosts: HOSTS, deploymentConfigName: config }));
}

describe('host report callbacks', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.runtime.close();
  });

  it('counts a duplicated report once', async () => {
    const seen: HostReport[] = [];
    h = await openHarness({
      hostRunner: (report, hostsDir) =>
        new LocalHostRunner({
          hostsDir,
          concurrency: 4,
          report: async (r) => {
            seen.push(r);
            await report(r);
            await report(r);
          },
        }),
    });
    const view = await deploy(h);
    expect(view.status).toBe('Succeeded');
    expect(view.targets.map((t) => t.status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
    expect(seen.length).toBeGreaterThan(HOSTS.length);
    expect(h.runtime.failedReports).toEqual([]);
  });

  it('recovers a lost report through the runner when the event times out', async () => {
    // 4,500 s of event limit pass in 0.45 s at this scale.
    h = await openHarness({
      tokenTimeoutScale: 10_000,
      hostRunner: (report, hostsDir) =>
        new LocalHostRunner({
          hostsDir,
          concurrency: 4,
          report: async (r) => {
            if (r.targetId === 'host-2' && r.eventIndex === 4) return; // AfterInstall's callback is lost
            await report(r);
          },
        }),
    });
    const view = await deploy(h);
    expect(view.status).toBe('Succeeded');
    expect(view.targets.map((t) => t.status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
    expect(view.targets[1].lifecycleEvents[4]).toMatchObject({ lifecycleEventName: 'AfterInstall', status: 'Succeeded' });
  });

  it('fails a host that never ran the event once it times out, and finishes the others', async () => {
    h = await openHarness({
      tokenTimeoutScale: 10_000,
      hostRunner: (report, hostsDir) => {
        const local = new LocalHostRunner({ hostsDir, concurrency: 4, report });
        // host-2 never receives AfterInstall (an agent that is gone): nothing runs, nothing can be collected.
        return {
          dispatch: (d, onSent) =>
            local.dispatch(
              d.eventIndex === 4 ? { ...d, scripts: d.scripts.map((s) => ({ ...s, targetIds: s.targetIds.filter((id) => id !== 'host-2') })) } : d,
              onSent,
            ),
          collect: (c) => local.collect(c),
          cancel: (c) => local.cancel(c),
        };
      },
    });
    const view = await deploy(h);
    expect(view.status).toBe('Succeeded');
    const lost = view.targets.find((t) => t.targetId === 'host-2')!;
    expect(lost.status).toBe('Failed');
    expect(lost.lifecycleEvents[4]).toMatchObject({ lifecycleEventName: 'AfterInstall', status: 'Failed' });
    expect(lost.lifecycleEvents[4].diagnostics?.message).toMatch(/No result came back/);
    expect(lost.lifecycleEvents.slice(5).map((e) => e.status)).toEqual(['Skipped', 'Skipped']);
    expect(view.targets.filter((t) => t.status === 'Succeeded').map((t) => t.targetId)).toEqual(['host-1', 'host-3']);
  });
});
