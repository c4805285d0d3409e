// Elastic Load Balancing v2 on loopback (awsQuery): the calls ECS deployments make (DescribeTargetGroups by name,
// DescribeTargetHealth, DescribeListeners, ModifyListener with a weighted forward), answered from the embedded
// runtime's ECS simulation (lib/local/local-ecs-services.ts), so that its target groups and listeners are what ELB
// shows and ModifyListener moves its traffic.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NotFoundError, ValidationError } from '../../../functions/core/errors';
import type { LocalEcsServices, LocalListenerAction, LocalTarget } from '../../../lib/local/local-ecs-services';
import { AwsServiceError } from './aws-json-server';
import { type QueryInput, type QueryValue, startAwsQueryServer } from './aws-query-server';
import type { LoopbackServer } from './loopback-server';

const XMLNS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

export interface Elbv2StandInOptions {
  readonly simulation: LocalEcsServices;
  /** The simulation's state folder (its `stateDir`): target health is read from its documented target-groups.json. */
  readonly stateDir: string;
}

/** One ModifyListener that went through: the forward's weights by target group ARN. */
export interface ListenerModification {
  readonly listenerArn: string;
  readonly weights: Readonly<Record<string, number>>;
}

export class Elbv2StandIn {
  public readonly modifications: ListenerModification[] = [];

  private constructor(
    private readonly options: Elbv2StandInOptions,
    private readonly server: LoopbackServer,
  ) {}

  public static async start(options: Elbv2StandInOptions): Promise<Elbv2StandIn> {
    let stand: Elbv2StandIn | undefined;
    const call = (operation: (elb: Elbv2StandIn, input: QueryInput) => Promise<unknown>) => (input: QueryInput) =>
      operation(stand as Elbv2StandIn, input).catch((error: unknown) => {
        throw elbError(error);
      });
    const server = await startAwsQueryServer({
      xmlns: XMLNS,
      service: 'ELBv2',
      operations: {
        DescribeTargetGroups: call((elb, input) => elb.describeTargetGroups(input)),
        DescribeTargetHealth: call((elb, input) => elb.describeTargetHealth(input)),
        DescribeListeners: call((elb, input) => elb.describeListeners(input)),
        ModifyListener: call((elb, input) => elb.modifyListener(input)),
      },
    });
    stand = new Elbv2StandIn(options, server);
    return stand;
  }

  public get endpoint(): string {
    return this.server.endpoint;
  }

  public close(): Promise<void> {
    return this.server.close();
  }

  // By name only: that is how deployment groups name their target groups.
  private async describeTargetGroups(input: QueryInput): Promise<unknown> {
    const names = list(input.Names);
    if (names.length === 0) throw new AwsServiceError('ValidationError', 'The stand-in looks target groups up by name only');
    const groups = await Promise.all(names.map(async (name) => ({ TargetGroupName: name, TargetGroupArn: await this.options.simulation.targetGroupArn(name) })));
    return { TargetGroups: groups.map((group) => ({ ...group, Protocol: 'HTTP', TargetType: 'ip' })) };
  }

  private async describeTargetHealth(input: QueryInput): Promise<unknown> {
    const arn = text(input.TargetGroupArn, 'TargetGroupArn');
    // Refuses a group the simulation does not know, as ELB does.
    await this.options.simulation.healthyTargets(arn);
    const group = Object.values(this.targetGroups()).find((candidate) => candidate.arn === arn);
    return {
      TargetHealthDescriptions: (group?.targets ?? []).map((target) => ({
        Target: { Id: target.id, Port: target.port },
        HealthCheckPort: String(target.port),
        TargetHealth: { State: target.state, ...reasonOf(target) },
      })),
    };
  }

  private async describeListeners(input: QueryInput): Promise<unknown> {
    const arns = list(input.ListenerArns);
    if (arns.length === 0) throw new AwsServiceError('ValidationError', 'The stand-in looks listeners up by ARN only');
    return { Listeners: await Promise.all(arns.map((arn) => this.listenerOf(arn))) };
  }

  // One forward action, as ECS deployments send it; its weights become the simulation's shares.
  private async modifyListener(input: QueryInput): Promise<unknown> {
    const listenerArn = text(input.ListenerArn, 'ListenerArn');
    const actions = members(input.DefaultActions) as QueryInput[];
    const forward = actions.length === 1 && actions[0].Type === 'forward' ? (actions[0].ForwardConfig as QueryInput | undefined) : undefined;
    const targetGroups = members(forward?.TargetGroups) as QueryInput[];
    if (targetGroups.length === 0) throw new AwsServiceError('ValidationError', 'The stand-in takes one forward action with a ForwardConfig');
    const weights = targetGroups.map((group) => ({ arn: text(group.TargetGroupArn, 'TargetGroupArn'), weight: Number(group.Weight ?? '1') }));
    const total = weights.reduce((sum, { weight }) => sum + weight, 0);
    if (total === 0) throw new AwsServiceError('ValidationError', 'At least one target group must have a weight above 0');
    await this.options.simulation.routeTraffic(
      listenerArn,
      weights.map(({ arn, weight }) => ({ targetGroupArn: arn, percent: (weight * 100) / total })),
    );
    this.modifications.push({ listenerArn, weights: Object.fromEntries(weights.map(({ arn, weight }) => [arn, weight])) });
    return { Listeners: [await this.listenerOf(listenerArn)] };
  }

  private async listenerOf(arn: string): Promise<unknown> {
    const listener = await this.options.simulation.listener(arn);
    return {
      ListenerArn: arn,
      LoadBalancerArn: arn.replace(':listener/', ':loadbalancer/').replace(/\/[^/]+$/, ''),
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: listener.defaultActions.map(actionOf),
    };
  }

  private targetGroups(): Record<string, { arn: string; targets: LocalTarget[] }> {
    const file = path.join(this.options.stateDir, 'ecs', 'target-groups.json');
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, { arn: string; targets: LocalTarget[] }>) : {};
  }
}

function actionOf(action: LocalListenerAction, index: number): unknown {
  const forward = action.type === 'forward' && action.targetGroups !== undefined;
  return {
    Type: action.type,
    Order: index + 1,
    ...(forward ? { ForwardConfig: { TargetGroups: action.targetGroups?.map((group) => ({ TargetGroupArn: group.targetGroupArn, Weight: group.weight })) } } : {}),
  };
}

/** The simulation's reason, `Elb.InitialHealthChecking (Initial health checks in progress)`, as ELB splits it. */
function reasonOf(target: LocalTarget): { Reason?: string; Description?: string } {
  if (target.reason === undefined) return {};
  const match = /^(\S+) \((.*)\)$/.exec(target.reason);
  return match === null ? { Description: target.reason } : { Reason: match[1], Description: match[2] };
}

/** The simulation's errors as ELB's: the SDK turns the code into the modeled exception. */
function elbError(error: unknown): unknown {
  if (error instanceof NotFoundError) return new AwsServiceError(error.resource === 'Listener' ? 'ListenerNotFound' : 'TargetGroupNotFound', error.message);
  if (error instanceof ValidationError) return new AwsServiceError('ValidationError', error.message);
  return error;
}

function members(value: QueryValue | undefined): QueryValue[] {
  return Array.isArray(value) ? value : [];
}

function list(value: QueryValue | undefined): string[] {
  return members(value).map((item) => String(item));
}

function text(value: QueryValue | undefined, name: string): string {
  if (typeof value !== 'string' || value === '') throw new AwsServiceError('ValidationError', `${name} is required`);
  return value;
}
