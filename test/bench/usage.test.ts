// The cost benchmark's counting and pricing, on a real local run.
import * as path from 'node:path';
import { PRICES, priceOf } from '../../bench/prices';
import { UsageMeter } from '../../bench/usage-meter';
import { deployLocally } from '../../lib/cli/local-deploy';
import { loggingBundle } from '../support/bundles';
import { deployRequest } from '../support/deploy-requests';
import { openHarness } from '../support/local-runtime-harness';

describe('cost benchmark', () => {
  it('prices the events Cutover puts on its bus at a dollar per million', () => {
    const usage = { stateTransitions: 0, lambdaInvocations: 0, dynamodbWrites: 0, ssmCommands: 0 };
    expect(priceOf({ ...usage, events: 1_000_000 })).toBe(1);
    expect(priceOf(usage)).toBe(0);
  });

  it('prices the 100-host example of perf-anchors §7.1 at about ten cents', () => {
    const usd = priceOf({ stateTransitions: 3800, lambdaInvocations: 1400, dynamodbWrites: 1450, ssmCommands: 700 });
    expect(usd).toBeCloseTo(3800 * PRICES.stateTransition + 1400 * (0.2 / 1e6 + 0.05 * 0.0000166667) + 1450 * (0.625 / 1e6), 6);
    expect(usd).toBeGreaterThan(0.09);
    expect(usd).toBeLessThan(0.11);
  });

  it('counts one SSM command per scripted event and one Lambda invocation per host report', async () => {
    const meter = new UsageMeter();
    const h = await openHarness({ decorate: meter.decorate, hostRunner: meter.hostRunner(4) });
    try {
      const bundle = loggingBundle(path.join(h.dir, 'v1'), 'v1');
      const view = await deployLocally(h.runtime, deployRequest(bundle, { hosts: ['host-1', 'host-2'], deploymentConfigName: 'CodeDeployDefault.AllAtOnce' }));
      expect(view.status).toBe('Succeeded');
      // DownloadBundle, BeforeInstall, Install, AfterInstall, ApplicationStart, ValidateService: ApplicationStop is a
      // no-op on a first deployment. Both hosts share each command.
      expect(meter.ssmCommands).toBe(6);
      expect(meter.hostReports).toBe(12);
      // START and SUCCESS of the deployment and of each host.
      expect(meter.events).toBe(6);
      expect(meter.dynamodbWrites).toBeGreaterThan(meter.hostReports * 2);
    } finally {
      await h.runtime.close();
    }
  });
});
