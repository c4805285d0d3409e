// Classic Load Balancers (ELB): one side of BlockTraffic and AllowTraffic.
//
// A classic ELB has no draining state: DescribeInstanceHealth calls an instance OutOfService the moment it is
// deregistered, while requests already sent to it may run on for the connection-draining timeout. So deregistering
// reports every host of the batch pending for that timeout (as `unobservableSeconds`, which sets the first check),
// whether or not this very call took it out: a retried step must not cut short the drain an earlier attempt began.
// A later check reports a host done once the ELB no longer lists it as registered.
import {
  DeregisterInstancesFromLoadBalancerCommand,
  DescribeInstanceHealthCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  RegisterInstancesWithLoadBalancerCommand,
  type ElasticLoadBalancingClient,
  type InstanceState,
  type LoadBalancerDescription,
} from '@aws-sdk/client-elastic-load-balancing';
import type { FieldProblem } from '../core/errors';
import { type BalancerProgress, type LoadBalancerTraffic, drainTiming, healthTiming } from '../core/traffic-progress';
import type { PendingTarget, TrafficDirection } from '../ports';
import { lookUpNames } from './load-balancer-lookup';

/** Names per DescribeLoadBalancers call. */
export const ELB_NAMES_PER_CALL = 20;

// AWS's defaults, used only if a reply leaves a setting out: the timing stays a number instead of NaN.
const DEFAULT_DRAINING_TIMEOUT_SECONDS = 300;
const DEFAULT_HEALTHY_THRESHOLD = 10;
const DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS = 30;

/** What a traffic change needs to know of a classic ELB, as DescribeLoadBalancers has it now. */
export interface ClassicElb {
  readonly name: string;
  /** Instances registered with it. */
  readonly registered: ReadonlySet<string>;
  readonly healthyThreshold: number;
  readonly intervalSeconds: number;
}

export interface ClassicElbsFound {
  readonly found: readonly ClassicElbTraffic[];
  /** One per `elbInfoList` entry that names no classic ELB. */
  readonly problems: readonly FieldProblem[];
}

/** The ELBs `elbInfoList` names, each once, and a problem for every entry that names none. */
export async function findClassicElbs(
  client: ElasticLoadBalancingClient,
  entries: readonly { readonly name: string }[],
): Promise<ClassicElbsFound> {
  const found = await lookUpNames<LoadBalancerDescription>(
    entries.map((entry) => entry.name),
    {
      describe: async (names, marker) => {
        const output = await client.send(
          new DescribeLoadBalancersCommand({ LoadBalancerNames: [...names], ...(marker === undefined ? {} : { Marker: marker }) }),
        );
        return { items: output.LoadBalancerDescriptions ?? [], nextToken: output.NextMarker };
      },
      nameOf: (elb) => elb.LoadBalancerName,
      notFoundError: 'AccessPointNotFoundException',
      namesPerCall: ELB_NAMES_PER_CALL,
    },
  );
  const problems: FieldProblem[] = [];
  const elbs = new Map<string, ClassicElbTraffic>();
  entries.forEach(({ name }, index) => {
    const description = found.get(name);
    if (description === undefined) {
      problems.push({
        field: `loadBalancerInfo.elbInfoList[${index}].name`,
        message:
          `classic load balancer '${name}' does not exist in this account and region (LoadBalancerNotFound); ` +
          'name an existing classic ELB',
      });
    } else if (!elbs.has(name)) {
      elbs.set(name, new ClassicElbTraffic(client, classicElb(name, description)));
    }
  });
  return { found: [...elbs.values()], problems };
}

export class ClassicElbTraffic implements LoadBalancerTraffic {
  public constructor(
    private readonly client: ElasticLoadBalancingClient,
    private readonly elb: ClassicElb,
  ) {}

  public async change(direction: TrafficDirection, targetIds: readonly string[]): Promise<BalancerProgress> {
    const { name, registered } = this.elb;
    if (direction === 'register') {
      // Only the instances not registered yet, so a retried step sends nothing for those already in.
      const joining = targetIds.filter((id) => !registered.has(id));
      if (joining.length > 0) {
        await this.client.send(new RegisterInstancesWithLoadBalancerCommand({ LoadBalancerName: name, Instances: instances(joining) }));
      }
      return this.check(direction, targetIds);
    }
    const leaving = targetIds.filter((id) => registered.has(id));
    if (leaving.length > 0) {
      await this.client.send(new DeregisterInstancesFromLoadBalancerCommand({ LoadBalancerName: name, Instances: instances(leaving) }));
    }
    const timing = drainTiming('classic ELB', name, await this.drainingSeconds());
    if (timing.expectedSeconds === 0) {
      return { timing, pending: [] };
    }
    const reason =
      `deregistered; requests in flight may run for up to ${timing.expectedSeconds} s (connection draining), ` +
      'which DescribeInstanceHealth does not show';
    return {
      timing,
      pending: targetIds.map((targetId) => ({ targetId, loadBalancer: name, state: 'OutOfService', reason })),
      unobservableSeconds: timing.expectedSeconds,
    };
  }

  public async check(direction: TrafficDirection, targetIds: readonly string[]): Promise<BalancerProgress> {
    const { name, registered } = this.elb;
    if (direction === 'register') {
      const states = await this.describeHealth(targetIds);
      return {
        timing: healthTiming('classic ELB', name, this.elb),
        pending: targetIds.flatMap((id) => (states.get(id)?.State === 'InService' ? [] : [this.pendingTarget(id, states.get(id))])),
      };
    }
    const timing = drainTiming('classic ELB', name, await this.drainingSeconds());
    const stillIn = targetIds.filter((id) => registered.has(id));
    if (stillIn.length === 0) {
      return { timing, pending: [] };
    }
    const states = await this.describeHealth(stillIn);
    return { timing, pending: stillIn.map((id) => this.pendingTarget(id, states.get(id))) };
  }

  /** Named instances are described even when not registered; terminated ones are left out. */
  private async describeHealth(targetIds: readonly string[]): Promise<Map<string, InstanceState>> {
    const output = await this.client.send(
      new DescribeInstanceHealthCommand({ LoadBalancerName: this.elb.name, Instances: instances(targetIds) }),
    );
    const states = output.InstanceStates ?? [];
    return new Map(states.flatMap((state) => (state.InstanceId === undefined ? [] : [[state.InstanceId, state]])));
  }

  /** The connection-draining timeout, 0 when draining is off. */
  private async drainingSeconds(): Promise<number> {
    const output = await this.client.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerName: this.elb.name }));
    const draining = output.LoadBalancerAttributes?.ConnectionDraining;
    return draining?.Enabled === true ? (draining.Timeout ?? DEFAULT_DRAINING_TIMEOUT_SECONDS) : 0;
  }

  private pendingTarget(targetId: string, state: InstanceState | undefined): PendingTarget {
    const loadBalancer = this.elb.name;
    if (state === undefined) {
      const reason = 'not described by DescribeInstanceHealth (it leaves out terminated instances)';
      return { targetId, loadBalancer, state: 'Unknown', reason };
    }
    // InService instances come with 'N/A' for both: nothing worth showing.
    const description = state.Description === 'N/A' ? undefined : state.Description;
    const code = state.ReasonCode === undefined || state.ReasonCode === 'N/A' ? undefined : `(reason code ${state.ReasonCode})`;
    const reason = [description, code].filter((part) => part !== undefined).join(' ');
    return { targetId, loadBalancer, state: state.State ?? 'Unknown', ...(reason === '' ? {} : { reason }) };
  }
}

function instances(targetIds: readonly string[]): { InstanceId: string }[] {
  return targetIds.map((InstanceId) => ({ InstanceId }));
}

function classicElb(name: string, description: LoadBalancerDescription): ClassicElb {
  const registered = (description.Instances ?? []).flatMap((instance) => (instance.InstanceId === undefined ? [] : [instance.InstanceId]));
  return {
    name,
    registered: new Set(registered),
    healthyThreshold: description.HealthCheck?.HealthyThreshold ?? DEFAULT_HEALTHY_THRESHOLD,
    intervalSeconds: description.HealthCheck?.Interval ?? DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS,
  };
}
