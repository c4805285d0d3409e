// Target groups of Application and Network Load Balancers (ELBv2): one side of BlockTraffic and AllowTraffic. Only
// target groups of type `instance` are handled, since deployment targets are EC2 instance ids.
//
// Ports: an instance may be registered with a group on several ports. Deregistration removes exactly the
// (instance, port) registrations DescribeTargetHealth lists for the batch's instances. Registration adds each instance
// on the group's own port (`{Id}` alone): nothing carries ports from BlockTraffic to AllowTraffic, so an instance that
// was registered on another port comes back on the group's port.
import {
  DeregisterTargetsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  RegisterTargetsCommand,
  type ElasticLoadBalancingV2Client,
  type TargetDescription,
  type TargetGroup,
  type TargetHealth,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { FieldProblem } from '../core/errors';
import { type BalancerProgress, type LoadBalancerTraffic, drainTiming, healthTiming } from '../core/traffic-progress';
import type { PendingTarget, TrafficDirection } from '../ports';
import { lookUpNames } from './load-balancer-lookup';

/** Names per DescribeTargetGroups call. */
export const TARGET_GROUP_NAMES_PER_CALL = 20;

const DEREGISTRATION_DELAY_KEY = 'deregistration_delay.timeout_seconds';
// AWS's defaults, used only if a reply leaves a setting out: the timing stays a number instead of NaN.
const DEFAULT_DEREGISTRATION_DELAY_SECONDS = 300;
const DEFAULT_HEALTHY_THRESHOLD = 5;
const DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS = 30;

const DRAINING_STATES: ReadonlySet<string> = new Set(['draining', 'unhealthy.draining']);

/** What a traffic change needs to know of an instance target group. */
export interface InstanceTargetGroup {
  readonly name: string;
  readonly arn: string;
  readonly healthyThreshold: number;
  readonly intervalSeconds: number;
}

export interface TargetGroupsFound {
  readonly found: readonly TargetGroupTraffic[];
  /** One per `targetGroupInfoList` entry that names no instance target group. */
  readonly problems: readonly FieldProblem[];
}

/** The groups `targetGroupInfoList` names, each once, and a problem for every entry that cannot be used. */
export async function findTargetGroups(
  client: ElasticLoadBalancingV2Client,
  entries: readonly { readonly name: string }[],
): Promise<TargetGroupsFound> {
  const found = await lookUpNames<TargetGroup>(
    entries.map((entry) => entry.name),
    {
      describe: async (names, marker) => {
        const input = { Names: [...names], ...(marker === undefined ? {} : { Marker: marker }) };
        const output = await client.send(new DescribeTargetGroupsCommand(input));
        return { items: output.TargetGroups ?? [], nextToken: output.NextMarker };
      },
      nameOf: (group) => group.TargetGroupName,
      notFoundError: 'TargetGroupNotFoundException',
      namesPerCall: TARGET_GROUP_NAMES_PER_CALL,
    },
  );
  const problems: FieldProblem[] = [];
  const groups = new Map<string, TargetGroupTraffic>();
  entries.forEach(({ name }, index) => {
    const field = `loadBalancerInfo.targetGroupInfoList[${index}].name`;
    const group = found.get(name);
    if (group === undefined) {
      problems.push({
        field,
        message:
          `target group '${name}' does not exist in this account and region (TargetGroupNotFound); ` +
          "name an existing target group of type 'instance'",
      });
    } else if (group.TargetType !== 'instance') {
      problems.push({
        field,
        message:
          `target group '${name}' has target type '${group.TargetType ?? 'unknown'}'; ` +
          "only target groups of type 'instance' are supported, since deployment targets are EC2 instance ids",
      });
    } else if (!groups.has(name)) {
      groups.set(name, new TargetGroupTraffic(client, instanceTargetGroup(name, group)));
    }
  });
  return { found: [...groups.values()], problems };
}

/** Registration is done once the target passes its health checks, or at once where the group checks none. */
function isRegistrationDone(health: TargetHealth | undefined): boolean {
  return health?.State === 'healthy' || (health?.State === 'unavailable' && health.Reason === 'Target.HealthCheckDisabled');
}

/** Deregistration is done once the target is `unused`: not registered, or where the load balancer sends it nothing. */
function isDeregistrationDone(health: TargetHealth | undefined): boolean {
  return health?.State === 'unused';
}

export class TargetGroupTraffic implements LoadBalancerTraffic {
  public constructor(
    private readonly client: ElasticLoadBalancingV2Client,
    private readonly group: InstanceTargetGroup,
  ) {}

  public async change(direction: TrafficDirection, targetIds: readonly string[]): Promise<BalancerProgress> {
    if (direction === 'register') {
      // Registering a registered target changes nothing, so a retried step may send this again.
      await this.client.send(new RegisterTargetsCommand({ TargetGroupArn: this.group.arn, Targets: targetIds.map((Id) => ({ Id })) }));
    } else {
      await this.deregister(targetIds);
    }
    return this.check(direction, targetIds);
  }

  public async check(direction: TrafficDirection, targetIds: readonly string[]): Promise<BalancerProgress> {
    const { name } = this.group;
    if (direction === 'register') {
      // Named targets: the answer is about the registration on the group's port, the one `change` makes.
      const health = await this.describeHealth(targetIds.map((Id) => ({ Id })));
      return {
        timing: healthTiming('target group', name, this.group),
        pending: targetIds.flatMap((targetId) => {
          const own = health.filter((description) => description.Target?.Id === targetId);
          if (own.some((description) => isRegistrationDone(description.TargetHealth))) return [];
          return [this.pendingTarget(targetId, own)];
        }),
      };
    }
    const delay = await this.deregistrationDelaySeconds();
    // Every registration, whatever its port: a host is out only when none of them can take traffic.
    const health = await this.describeHealth(undefined);
    return {
      timing: drainTiming('target group', name, delay),
      pending: targetIds.flatMap((targetId) => {
        const left = health.filter((d) => d.Target?.Id === targetId && !isDeregistrationDone(d.TargetHealth));
        return left.length === 0 ? [] : [this.pendingTarget(targetId, left)];
      }),
    };
  }

  /** Deregisters every registration of these instances that is not already leaving or gone. */
  private async deregister(targetIds: readonly string[]): Promise<void> {
    const wanted = new Set(targetIds);
    const targets: TargetDescription[] = [];
    for (const { Target, TargetHealth } of await this.describeHealth(undefined)) {
      if (Target?.Id === undefined || !wanted.has(Target.Id) || !needsDeregistration(TargetHealth)) continue;
      targets.push(Target.Port === undefined ? { Id: Target.Id } : { Id: Target.Id, Port: Target.Port });
    }
    if (targets.length > 0) {
      await this.client.send(new DeregisterTargetsCommand({ TargetGroupArn: this.group.arn, Targets: targets }));
    }
  }

  private async describeHealth(targets: TargetDescription[] | undefined): Promise<TargetHealthDescription[]> {
    const output = await this.client.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: this.group.arn, ...(targets === undefined ? {} : { Targets: targets }) }),
    );
    return output.TargetHealthDescriptions ?? [];
  }

  private async deregistrationDelaySeconds(): Promise<number> {
    const output = await this.client.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: this.group.arn }));
    const value = output.Attributes?.find((attribute) => attribute.Key === DEREGISTRATION_DELAY_KEY)?.Value;
    const seconds = value === undefined ? Number.NaN : Number(value);
    return Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_DEREGISTRATION_DELAY_SECONDS;
  }

  /** The target as the load balancer describes it: the first registration's state, every registration's details. */
  private pendingTarget(targetId: string, descriptions: readonly TargetHealthDescription[]): PendingTarget {
    const loadBalancer = this.group.name;
    if (descriptions.length === 0) {
      return { targetId, loadBalancer, state: 'unused', reason: 'not described by DescribeTargetHealth' };
    }
    const state = descriptions[0].TargetHealth?.State ?? 'unknown';
    const reason = descriptions.map(describeRegistration).filter((text) => text !== '').join('; ');
    return { targetId, loadBalancer, state, ...(reason === '' ? {} : { reason }) };
  }
}

/** Registrations already leaving, or never made, need no DeregisterTargets; anything else registered does. */
function needsDeregistration(health: TargetHealth | undefined): boolean {
  if (health?.State !== undefined && DRAINING_STATES.has(health.State)) return false;
  return !(health?.State === 'unused' && health.Reason === 'Target.NotRegistered');
}

/** e.g. `port 80: Target.DeregistrationInProgress (Target deregistration is in progress)`. */
function describeRegistration({ Target, TargetHealth }: TargetHealthDescription): string {
  const detail = [TargetHealth?.Reason, TargetHealth?.Description === undefined ? undefined : `(${TargetHealth.Description})`]
    .filter((part) => part !== undefined)
    .join(' ');
  const port = Target?.Port === undefined ? undefined : `port ${Target.Port}`;
  return [port, detail === '' ? undefined : detail].filter((part) => part !== undefined).join(': ');
}

function instanceTargetGroup(name: string, group: TargetGroup): InstanceTargetGroup {
  if (group.TargetGroupArn === undefined) {
    throw new Error(`DescribeTargetGroups returned target group '${name}' without an ARN`);
  }
  return {
    name,
    arn: group.TargetGroupArn,
    healthyThreshold: group.HealthyThresholdCount ?? DEFAULT_HEALTHY_THRESHOLD,
    intervalSeconds: group.HealthCheckIntervalSeconds ?? DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS,
  };
}
