// BlockTraffic and AllowTraffic against load balancers that take their time: the execution waits in a Wait state,
// the deployment record says why, and hosts a load balancer never finishes with fail once the limit passes.
import * as path from 'node:path';
import { TransientAwsError } from '../../functions/core/errors';
import { MAX_TRAFFIC_CHECKS } from '../../functions/core/traffic-wait';
import type { TrafficWaitRecord } from '../../functions/core/types';
import type { StepDependencies, TrafficControl, TrafficDirection, TrafficProgress } from '../../functions/ports';
import { serverDeployment } from '../../functions/steps/deployment-context';
import { deployLocally } from '../../lib/cli/local-deploy';
import { loggingBundle } from '../support/bundles';
import { deployRequest } from '../support/deploy-requests';
import { type Harness, openHarness } from '../support/local-runtime-harness';

const HOSTS = ['host-1', 'host-2', 'host-3', 'host-4'];
const TIME_SCALE = 1000;

interface SlowBalancerOptions {
  /** Checks before a change is done, per direction. */
  readonly checksUntilDone: Readonly<Record<TrafficDirection, number>>;
  /** Hosts that never become healthy after registering. */
  readonly neverHealthy?: readonly string[];
  /** Thrown by deregister. */
  readonly deregisterError?: Error;
  /** Thrown once by the first check, as the AWS runtime throws throttling that outlasted the SDK's retries. */
  readonly firstCheckError?: Error;
}

/**
 * Wraps the simulated load balancers: changes still happen at once in the files, but are reported as draining or
 * initial for a number of checks, the way a real target group drains for its deregistration delay.
 */
class SlowBalancer implements TrafficControl {
  public readonly checks: Record<TrafficDirection, number> = { deregister: 0, register: 0 };
  public readonly waitsSeen: TrafficWaitRecord[] = [];
  private remaining: Record<TrafficDirection, number> = { deregister: 0, register: 0 };

  public constructor(
    private readonly deps: StepDependencies,
    private readonly options: SlowBalancerOptions,
  ) {}

  public async deregister(info: Parameters<TrafficControl['deregister']>[0], ids: readonly string[]): Promise<TrafficProgress> {
    if (this.options.deregisterError) throw this.options.deregisterError;
    await this.deps.traffic!.deregister(info, ids);
    this.remaining.deregister = this.options.checksUntilDone.deregister;
    return this.progress('deregister', ids);
  }

  public async register(info: Parameters<TrafficControl['register']>[0], ids: readonly string[]): Promise<TrafficProgress> {
    await this.deps.traffic!.register(info, ids);
    this.remaining.register = this.options.checksUntilDone.register;
    return this.progress('register', ids);
  }

  public async check(_info: unknown, ids: readonly string[], direction: TrafficDirection): Promise<TrafficProgress> {
    this.checks[direction] += 1;
    if (this.checks.deregister + this.checks.register === 1 && this.options.firstCheckError) throw this.options.firstCheckError;
    const deployment = (await this.deps.store.listDeployments())[0];
    if (deployment?.computePlatform === 'Server' && deployment.trafficWait) this.waitsSeen.push(deployment.trafficWait);
    this.remaining[direction] = Math.max(0, this.remaining[direction] - 1);
    return this.progress(direction, ids);
  }

  private progress(direction: TrafficDirection, ids: readonly string[]): TrafficProgress {
    const stuck = direction === 'register' ? ids.filter((id) => this.options.neverHealthy?.includes(id)) : [];
    const waiting = this.remaining[direction] > 0 ? [...ids] : stuck;
    const state = direction === 'deregister' ? 'draining' : 'initial';
    return {
      done: waiting.length === 0,
      checkAfterSeconds: 60,
      limitSeconds: 600,
      reason: direction === 'deregister' ? 'target group web-tg drains for up to 300 s' : 'web-tg: healthy after 3 checks every 10 s',
      pending: waiting.map((targetId) => ({ targetId, loadBalancer: 'web-tg', state, reason: 'Elb.InitialHealthChecking' })),
    };
  }
}

/** The engine's clock runs as fast as the Wait states, so a 600 s limit passes in 0.6 s of wall time. */
function scaledClock(): () => Date {
  const start = Date.now();
  return () => new Date(start + (Date.now() - start) * TIME_SCALE);
}

describe('server in-place flow waiting on load balancers', () => {
  let h: Harness;
  let balancer: SlowBalancer | undefined;

  async function open(options: SlowBalancerOptions): Promise<void> {
    h = await openHarness({
      timeScale: TIME_SCALE,
      decorate: (deps) => {
        balancer = new SlowBalancer(deps, options);
        return { ...deps, traffic: balancer, clock: scaledClock() };
      },
    });
  }

  function deploy(label: string) {
    const request = deployRequest(loggingBundle(path.join(h.dir, label), label), {
      deploymentGroupName: 'web',
      hosts: HOSTS,
      loadBalancers: ['web-tg'],
      deploymentConfigName: 'CodeDeployDefault.HalfAtATime',
    });
    return deployLocally(h.runtime, request);
  }

  afterEach(async () => {
    await h.runtime.close();
    balancer = undefined;
  });

  it('waits for draining and health checks, shows why on the deployment, and records how long each change took', async () => {
    await open({ checksUntilDone: { deregister: 2, register: 1 } });

    const view = await deploy('v1');

    expect(view.status).toBe('Succeeded');
    // Two batches of two hosts: each drains for two checks and turns healthy on the first.
    expect(balancer!.checks).toEqual({ deregister: 4, register: 2 });
    expect(balancer!.waitsSeen.map((w) => [w.batchNumber, w.lifecycleEventName])).toEqual([
      [1, 'BlockTraffic'],
      [1, 'BlockTraffic'],
      [1, 'AllowTraffic'],
      [2, 'BlockTraffic'],
      [2, 'BlockTraffic'],
      [2, 'AllowTraffic'],
    ]);
    const first = balancer!.waitsSeen[0];
    expect(first.reason).toBe('target group web-tg drains for up to 300 s');
    expect(first.pending.map((p) => [p.targetId, p.state])).toEqual([
      ['host-1', 'draining'],
      ['host-2', 'draining'],
    ]);
    expect(first.pendingCount).toBe(2);
    expect(Date.parse(first.until) - Date.parse(first.since)).toBe(600_000);
    expect(serverDeployment(view).trafficWait).toBeUndefined();
    for (const target of view.targets) {
      const block = target.lifecycleEvents.find((e) => e.lifecycleEventName === 'BlockTraffic');
      expect(block?.status).toBe('Succeeded');
      expect(block?.diagnostics?.message).toMatch(/^Took \d+ s: target group web-tg drains for up to 300 s$/);
    }
    expect(h.runtime.loadBalancers.registered('web-tg')).toEqual(HOSTS);
  });

  it('fails the hosts a load balancer never finishes with once the limit passes, within the check budget', async () => {
    await open({ checksUntilDone: { deregister: 0, register: 0 }, neverHealthy: ['host-2'] });

    const view = await deploy('v1');

    const host2 = view.targets.find((t) => t.targetId === 'host-2')!;
    const allow = host2.lifecycleEvents.find((e) => e.lifecycleEventName === 'AllowTraffic');
    expect(host2.status).toBe('Failed');
    expect(allow?.status).toBe('Failed');
    expect(allow?.diagnostics?.message).toBe(
      'AllowTraffic did not finish within 600 s (web-tg: healthy after 3 checks every 10 s); ' +
        'still waiting on host-2 initial in web-tg (Elb.InitialHealthChecking)',
    );
    expect(host2.lifecycleEvents.find((e) => e.lifecycleEventName === 'AfterAllowTraffic')?.status).toBe('Skipped');
    expect(view.targets.find((t) => t.targetId === 'host-1')?.status).toBe('Succeeded');
    expect(balancer!.checks.register).toBeGreaterThan(0);
    expect(balancer!.checks.register).toBeLessThanOrEqual(MAX_TRAFFIC_CHECKS);
    expect(serverDeployment(view).trafficWait).toBeUndefined();
  });

  it('retries a check that failed with TransientAwsError instead of failing the deployment', async () => {
    await open({
      checksUntilDone: { deregister: 1, register: 0 },
      firstCheckError: new TransientAwsError('Throttling: Rate exceeded'),
    });

    const view = await deploy('v1');

    expect(view.status).toBe('Succeeded');
    // Two batches, one check each to finish draining, plus the check that failed and was retried.
    expect(balancer!.checks.deregister).toBe(3);
  });

  it('fails the batch at BlockTraffic, naming the error, when the load balancer refuses the change', async () => {
    await open({ checksUntilDone: { deregister: 0, register: 0 }, deregisterError: new Error('TargetGroupNotFound: web-tg') });

    const view = await deploy('v1');

    expect(view.status).toBe('Failed');
    const block = view.targets[0].lifecycleEvents.find((e) => e.lifecycleEventName === 'BlockTraffic');
    expect(block?.status).toBe('Failed');
    expect(block?.diagnostics?.message).toBe('BlockTraffic failed: TargetGroupNotFound: web-tg');
    expect(balancer!.checks).toEqual({ deregister: 0, register: 0 });
  });
});
