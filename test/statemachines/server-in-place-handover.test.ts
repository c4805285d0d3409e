// Long deployments run as a chain of executions, each handing over after a set number of batches, so no execution
// nears Step Functions' 25,000-event history limit.
import * as path from 'node:path';
import {
  BATCHES_PER_EXECUTION,
  batchesPerExecution,
  HISTORY_EVENTS_PER_BATCH,
  HISTORY_EVENTS_PER_TRAFFIC_CHECK,
} from '../../functions/core/execution-segments';
import { MAX_TRAFFIC_CHECKS } from '../../functions/core/traffic-wait';
import { deployLocally } from '../../lib/cli/local-deploy';
import { loggingBundle, readLines } from '../support/bundles';
import { deployRequest } from '../support/deploy-requests';
import { type Harness, openHarness } from '../support/local-runtime-harness';

const HOSTS = ['host-1', 'host-2', 'host-3', 'host-4', 'host-5'];

describe('execution hand-over', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness({ batchesPerExecution: 2 });
  });
  afterEach(async () => {
    await h.runtime.close();
  });

  it('runs 5 one-host batches as 3 executions of 2, 2 and 1 batches, with the same result as one', async () => {
    const bundle = loggingBundle(path.join(h.dir, 'v1'), 'v1');
    const view = await deployLocally(h.runtime, deployRequest(bundle, { hosts: HOSTS, deploymentConfigName: 'CodeDeployDefault.OneAtATime' }));

    expect(view.status).toBe('Succeeded');
    expect(view.targets.map((t) => t.batchNumber)).toEqual([1, 2, 3, 4, 5]);
    expect(view.executionArn).toMatch(new RegExp(`:${view.deploymentId}-from-5$`));
    for (const host of HOSTS) expect(readLines(path.join(h.hostRoot(host), 'events.log'))).toHaveLength(4);
    expect((await h.runtime.executionOutcome(view.deploymentId))?.executions).toBe(3);
    expect(await h.runtime.store.getGroupLock(view.deploymentGroupId)).toBeUndefined();
  });

  it.each([
    [false, BATCHES_PER_EXECUTION, 0],
    [true, 53, MAX_TRAFFIC_CHECKS],
  ])('keeps executions below the history limit even for the costliest batches (load balancer: %p)', (withLoadBalancer, batches, checks) => {
    // ~90 history events per batch at worst (see execution-segments.ts), plus every look at BlockTraffic and
    // AllowTraffic when a load balancer makes the batch wait.
    expect(batchesPerExecution(withLoadBalancer)).toBe(batches);
    const perBatch = HISTORY_EVENTS_PER_BATCH + 2 * checks * HISTORY_EVENTS_PER_TRAFFIC_CHECK;
    expect(batches * perBatch).toBeLessThan(25_000);
  });
});
