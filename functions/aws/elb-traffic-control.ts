// BlockTraffic and AllowTraffic on real load balancers: the target groups (ALB/NLB) and classic ELBs a deployment
// group names. Each call looks the load balancers up again, starts or checks the change on each in turn, and returns
// at once; the engine does the waiting in a Wait state between checks.
import type { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ValidationError } from '../core/errors';
import { type BalancerProgress, type LoadBalancerTraffic, type ProgressStage, combineProgress } from '../core/traffic-progress';
import type { LoadBalancerInfo } from '../core/types';
import type { TrafficControl, TrafficDirection, TrafficProgress } from '../ports';
import { findClassicElbs } from './classic-elb-instances';
import { findTargetGroups } from './elbv2-target-groups';
import { withStepErrors } from './retryable-errors';

export interface ElbTrafficControlOptions {
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly elb: ElasticLoadBalancingClient;
}

export class ElbTrafficControl implements TrafficControl {
  private readonly elbv2: ElasticLoadBalancingV2Client;
  private readonly elb: ElasticLoadBalancingClient;

  public constructor(options: ElbTrafficControlOptions) {
    this.elbv2 = options.elbv2;
    this.elb = options.elb;
  }

  public deregister(info: LoadBalancerInfo, targetIds: readonly string[]): Promise<TrafficProgress> {
    return this.onEachBalancer(info, targetIds, 'started', (balancer, targets) => balancer.change('deregister', targets));
  }

  public register(info: LoadBalancerInfo, targetIds: readonly string[]): Promise<TrafficProgress> {
    return this.onEachBalancer(info, targetIds, 'started', (balancer, targets) => balancer.change('register', targets));
  }

  // Its own path, not a shared one with a stage flag: a look never registers or deregisters anything, and the
  // least-privilege test reads that from the code.
  public check(info: LoadBalancerInfo, targetIds: readonly string[], direction: TrafficDirection): Promise<TrafficProgress> {
    return this.onEachBalancer(info, targetIds, 'checked', (balancer, targets) => balancer.check(direction, targets));
  }

  private async onEachBalancer(
    info: LoadBalancerInfo,
    targetIds: readonly string[],
    stage: ProgressStage,
    apply: (balancer: LoadBalancerTraffic, targets: readonly string[]) => Promise<BalancerProgress>,
  ): Promise<TrafficProgress> {
    const targets = [...new Set(targetIds)];
    // The APIs refuse empty target lists; with no host there is nothing to move.
    if (targets.length === 0) {
      return combineProgress([], stage);
    }
    // Throttling that outlasted the SDK's retries must reach the state machine to be retried, not fail the hosts.
    return withStepErrors(async () => {
      const progress: BalancerProgress[] = [];
      for (const balancer of await this.balancers(info)) {
        progress.push(await apply(balancer, targets));
      }
      return combineProgress(progress, stage);
    });
  }

  /** Every load balancer `info` names; one ValidationError listing every entry that names none usable. */
  private async balancers(info: LoadBalancerInfo): Promise<LoadBalancerTraffic[]> {
    const targetGroups = await findTargetGroups(this.elbv2, info.targetGroupInfoList ?? []);
    const classicElbs = await findClassicElbs(this.elb, info.elbInfoList ?? []);
    const problems = [...targetGroups.problems, ...classicElbs.problems];
    if (problems.length > 0) {
      throw new ValidationError(problems);
    }
    return [...targetGroups.found, ...classicElbs.found];
  }
}
