// ECS blue/green on a service with the EXTERNAL deployment controller: the replacement is a task set of its own
// behind the second target group, and traffic moves by weighting the listener's forward action between the groups.
import { createHash } from 'node:crypto';
import {
  CreateTaskSetCommand,
  type CreateTaskSetRequest,
  DeleteTaskSetCommand,
  DescribeServicesCommand,
  DescribeTaskSetsCommand,
  type ECSClient,
  type Service,
  TaskSetNotFoundException,
  UpdateServicePrimaryTaskSetCommand,
} from '@aws-sdk/client-ecs';
import {
  type Action,
  DescribeListenersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { NotFoundError, ValidationError } from '../core/errors';
import { forwardWeights } from '../core/forward-weights';
import type {
  CreateTaskSetInput,
  EcsServiceState,
  TargetGroupHealth,
  TargetGroupWeight,
  TaskSetSummary,
  TaskSetTraffic,
} from '../ports';
import { withStepErrors } from './retryable-errors';

export interface EcsTaskSetTrafficOptions {
  readonly ecs: ECSClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
}

// Every method runs under withStepErrors: throttling that outlasted the SDK's retries must reach the state machine
// to be retried, not fail the deployment.
export class EcsTaskSetTraffic implements TaskSetTraffic {
  private readonly ecs: ECSClient;
  private readonly elbv2: ElasticLoadBalancingV2Client;

  public constructor(options: EcsTaskSetTrafficOptions) {
    this.ecs = options.ecs;
    this.elbv2 = options.elbv2;
  }

  public targetGroupArn(name: string): Promise<string> {
    return withStepErrors(async () => {
      const output = await this.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] })).catch((error: unknown) => {
        // ELB fails the call for a name it does not know, rather than answering with no group.
        throw error instanceof TargetGroupNotFoundException ? new NotFoundError('Target group', name, { cause: error }) : error;
      });
      const arn = output.TargetGroups?.find((group) => group.TargetGroupName === name)?.TargetGroupArn;
      if (arn === undefined) throw new NotFoundError('Target group', name);
      return arn;
    });
  }

  public describeService(cluster: string, service: string): Promise<EcsServiceState> {
    return withStepErrors(async () => {
      const taskSets = (await this.externalService(cluster, service)).taskSets ?? [];
      const summaries = taskSets.flatMap((taskSet): TaskSetSummary[] =>
        taskSet.id === undefined || taskSet.taskSetArn === undefined
          ? []
          : [
              {
                id: taskSet.id,
                arn: taskSet.taskSetArn,
                status: taskSet.status ?? '',
                stabilityStatus: taskSet.stabilityStatus ?? '',
                ...optional('targetGroupArn', taskSet.loadBalancers?.[0]?.targetGroupArn),
                // Every task set ECS reports has a scale; 0 only keeps a malformed reply from reading as serving.
                scalePercent: taskSet.scale?.value ?? 0,
              },
            ],
      );
      return {
        deploymentController: 'EXTERNAL',
        ...optional('primaryTaskSetId', summaries.find((taskSet) => taskSet.status === 'PRIMARY')?.id),
        taskSets: summaries,
      };
    });
  }

  public createTaskSet(input: CreateTaskSetInput): Promise<{ taskSetArn: string; taskSetId: string }> {
    return withStepErrors(async () => {
      // Read first: it refuses a service CodeDeploy would call INVALID_ECS_SERVICE before anything is created, and
      // for an EXTERNAL service DescribeServices carries the primary task set's placement and network settings,
      // which the replacement inherits where the appspec leaves them out (CodeDeploy does the same).
      const current = await this.externalService(input.cluster, input.service);
      const request: CreateTaskSetRequest = {
        cluster: input.cluster,
        service: input.service,
        taskDefinition: input.taskDefinition,
        externalId: input.externalId,
        ...placement(input, current),
        ...optional('platformVersion', input.platformVersion),
        ...networkConfiguration(input, current),
        loadBalancers: [{ targetGroupArn: input.targetGroupArn, containerName: input.containerName, containerPort: input.containerPort }],
        scale: { value: 100, unit: 'PERCENT' },
        clientToken: clientToken(input),
      };
      const { taskSet } = await this.ecs.send(new CreateTaskSetCommand(request));
      if (taskSet?.taskSetArn === undefined || taskSet.id === undefined) {
        throw new Error(`CreateTaskSet on ${describeName(input.cluster, input.service)} returned no task set`);
      }
      return { taskSetArn: taskSet.taskSetArn, taskSetId: taskSet.id };
    });
  }

  public isStable(cluster: string, service: string, taskSetArn: string): Promise<boolean> {
    return withStepErrors(async () => {
      const output = await this.ecs.send(new DescribeTaskSetsCommand({ cluster, service, taskSets: [taskSetArn] }));
      const taskSet = output.taskSets?.find((candidate) => candidate.taskSetArn === taskSetArn);
      // Waiting on a task set that is gone would only run into the deployment's timeout; say so now.
      if (taskSet === undefined) {
        throw new NotFoundError('ECS task set', taskSetArn);
      }
      return taskSet.stabilityStatus === 'STEADY_STATE';
    });
  }

  public healthyTargets(targetGroupArn: string): Promise<TargetGroupHealth> {
    return withStepErrors(async () => {
      const output = await this.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
      const targets = output.TargetHealthDescriptions ?? [];
      const unhealthy = targets
        .filter((target) => target.TargetHealth?.State !== 'healthy')
        .map((target) => {
          const { Reason, Description } = target.TargetHealth ?? {};
          const reason = Reason === undefined ? Description : Description === undefined ? Reason : `${Reason} (${Description})`;
          const port = target.Target?.Port === undefined ? '' : `:${target.Target.Port}`;
          return { id: `${target.Target?.Id ?? ''}${port}`, state: target.TargetHealth?.State ?? 'unknown', ...optional('reason', reason) };
        });
      return { healthy: targets.length - unhealthy.length, total: targets.length, unhealthy };
    });
  }

  public routeTraffic(listenerArn: string, weights: readonly TargetGroupWeight[]): Promise<void> {
    return withStepErrors(async () => {
      const targetGroups = forwardWeights(weights).map(({ targetGroupArn, weight }) => ({ TargetGroupArn: targetGroupArn, Weight: weight }));
      // ModifyListener replaces the whole default action list. Read it first so a listener that redirects, answers
      // fixed responses or authenticates before forwarding is refused, not silently turned into a bare forward.
      const { Listeners } = await this.elbv2.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }));
      const current = Listeners?.find((listener) => listener.ListenerArn === listenerArn)?.DefaultActions ?? [];
      const forward = current.length === 1 && current[0].Type === 'forward' ? current[0] : undefined;
      if (forward === undefined) {
        throw new ValidationError([
          {
            field: 'listenerArn',
            message: `${listenerArn}: default actions must be one forward action to shift traffic, found ${describeActions(current)}`,
          },
        ]);
      }
      // Stickiness lives in the same ForwardConfig, so it is carried over or the replacement would switch it off.
      const stickiness = forward.ForwardConfig?.TargetGroupStickinessConfig;
      await this.elbv2.send(
        new ModifyListenerCommand({
          ListenerArn: listenerArn,
          // No TargetGroupArn beside a ForwardConfig of several groups: ELB refuses the pair.
          DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: targetGroups, ...optional('TargetGroupStickinessConfig', stickiness) } }],
        }),
      );
    });
  }

  public makePrimary(cluster: string, service: string, taskSetArn: string): Promise<void> {
    return withStepErrors(async () => {
      await this.ecs.send(new UpdateServicePrimaryTaskSetCommand({ cluster, service, primaryTaskSet: taskSetArn }));
    });
  }

  public deleteTaskSet(cluster: string, service: string, taskSetArn: string): Promise<void> {
    return withStepErrors(async () => {
      try {
        await this.ecs.send(new DeleteTaskSetCommand({ cluster, service, taskSet: taskSetArn, force: true }));
      } catch (error) {
        // A retried cleanup, or a rollback after the cleanup ran, finds the task set gone: the goal is reached.
        if (!(error instanceof TaskSetNotFoundException)) throw error;
      }
    });
  }

  /** The service, if it exists, is ACTIVE and uses the EXTERNAL controller; else CodeDeploy's INVALID_ECS_SERVICE. */
  private async externalService(cluster: string, service: string): Promise<Service> {
    const output = await this.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
    const found = output.services?.[0];
    const name = describeName(cluster, service);
    if (found === undefined) {
      // DescribeServices reports an unknown service as a failure in the reply, not as an error.
      const reason = output.failures?.[0]?.reason ?? 'not returned';
      throw new ValidationError([{ field: 'ecsService', message: `${name} was not found (${reason})` }]);
    }
    const controller = found.deploymentController?.type ?? 'ECS';
    const problems = [
      ...(controller === 'EXTERNAL' ? [] : [`uses the ${controller} deployment controller; task sets need EXTERNAL`]),
      ...(found.status === 'ACTIVE' ? [] : [`is ${found.status ?? 'in an unknown status'}, not ACTIVE`]),
    ];
    if (problems.length > 0) {
      throw new ValidationError(problems.map((message) => ({ field: 'ecsService', message: `${name} ${message}` })));
    }
    return found;
  }
}

/**
 * ECS takes a launch type or a capacity provider strategy, never both. The appspec's strategy wins; without one the
 * replacement runs where the primary task set runs, and with neither ECS uses the cluster's default strategy.
 */
function placement(input: CreateTaskSetInput, current: Service): Pick<CreateTaskSetRequest, 'launchType' | 'capacityProviderStrategy'> {
  const strategy = input.capacityProviderStrategy ?? current.capacityProviderStrategy;
  if (strategy !== undefined && strategy.length > 0) {
    return { capacityProviderStrategy: strategy.map((item) => ({ ...item })) };
  }
  return optional('launchType', current.launchType);
}

function networkConfiguration(input: CreateTaskSetInput, current: Service): Pick<CreateTaskSetRequest, 'networkConfiguration'> {
  if (input.networkConfiguration === undefined) {
    return optional('networkConfiguration', current.networkConfiguration);
  }
  const { subnets, securityGroups, assignPublicIp } = input.networkConfiguration.awsvpcConfiguration;
  return {
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: [...subnets],
        ...optional('securityGroups', securityGroups === undefined ? undefined : [...securityGroups]),
        ...optional('assignPublicIp', assignPublicIp),
      },
    },
  };
}

/**
 * Same deployment, service, task definition and target group, same token: a step retried after a timeout gets back
 * the task set its first attempt made instead of a second one. Hex of a hash, since ECS takes at most 36 characters.
 */
export function clientToken(input: CreateTaskSetInput): string {
  const key = JSON.stringify([input.externalId, input.cluster, input.service, input.taskDefinition, input.targetGroupArn]);
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

function describeName(cluster: string, service: string): string {
  return `ECS service ${service} in cluster ${cluster}`;
}

function describeActions(actions: readonly Action[]): string {
  return actions.length === 0 ? 'none' : actions.map((action) => action.Type ?? 'unknown').join(', ');
}

/** `{ [key]: value }`, or no key at all when the value is absent, so a request or reply holds only what is set. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
