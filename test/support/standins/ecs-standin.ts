// Amazon ECS on loopback (awsJson1_1): the calls ECS blue/green deployments make on a service with the EXTERNAL
// deployment controller (DescribeServices, CreateTaskSet, DescribeTaskSets, UpdateServicePrimaryTaskSet,
// DeleteTaskSet), answered from the embedded runtime's ECS simulation (lib/local/local-ecs-services.ts). A look at a
// service or a task set counts down its stabilization there, as the simulation's own describeService and isStable do.
import { NotFoundError, ValidationError } from '../../../functions/core/errors';
import type { CreateTaskSetInput } from '../../../functions/ports';
import type { LocalEcsServices, LocalServiceView, LocalTaskSet } from '../../../lib/local/local-ecs-services';
import { AwsServiceError, startAwsJsonServer } from './aws-json-server';
import type { LoopbackServer } from './loopback-server';

/** The ARNs of the simulation: `arn:aws:ecs:local:000000000000:task-set/<cluster>/<service>/<id>`. */
const ARN_PREFIX = 'arn:aws:ecs:local:000000000000';

/** One request that reached an operation, as sent. */
export interface EcsRequest {
  readonly operation: string;
  readonly input: Readonly<Record<string, unknown>>;
}

type Operation = (ecs: EcsStandIn, input: Record<string, unknown>) => Promise<unknown>;

export class EcsStandIn {
  /** Every request, oldest first. */
  public readonly requests: EcsRequest[] = [];

  private constructor(
    private readonly simulation: LocalEcsServices,
    private readonly server: LoopbackServer,
  ) {}

  public static async start(options: { readonly simulation: LocalEcsServices }): Promise<EcsStandIn> {
    let stand: EcsStandIn | undefined;
    const call = (operation: string, run: Operation) => async (input: Record<string, unknown>) => {
      const ecs = stand as EcsStandIn;
      ecs.requests.push({ operation, input });
      return run(ecs, input).catch((error: unknown) => {
        throw ecsError(error);
      });
    };
    const server = await startAwsJsonServer({
      targetPrefix: 'AmazonEC2ContainerServiceV20141113',
      protocol: '1.1',
      operations: {
        DescribeServices: call('DescribeServices', (ecs, input) => ecs.describeServices(input)),
        CreateTaskSet: call('CreateTaskSet', (ecs, input) => ecs.createTaskSet(input)),
        DescribeTaskSets: call('DescribeTaskSets', (ecs, input) => ecs.describeTaskSets(input)),
        UpdateServicePrimaryTaskSet: call('UpdateServicePrimaryTaskSet', (ecs, input) => ecs.updateServicePrimaryTaskSet(input)),
        DeleteTaskSet: call('DeleteTaskSet', (ecs, input) => ecs.deleteTaskSet(input)),
      },
    });
    stand = new EcsStandIn(options.simulation, server);
    return stand;
  }

  public get endpoint(): string {
    return this.server.endpoint;
  }

  /** The operations called so far, in order. */
  public operations(): string[] {
    return this.requests.map((request) => request.operation);
  }

  public close(): Promise<void> {
    return this.server.close();
  }

  // An unknown service is a failure in the reply, not an error, as ECS reports it.
  private async describeServices(input: Record<string, unknown>): Promise<unknown> {
    const cluster = nameOf(input.cluster, 'cluster');
    const services = Array.isArray(input.services) ? input.services.map((service) => nameOf(service, 'services')) : [];
    const found: unknown[] = [];
    const failures: unknown[] = [];
    for (const service of services) {
      const view = await this.simulation.describe(cluster, service).catch((error: unknown) => {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      });
      if (view === undefined) {
        failures.push({ arn: `${ARN_PREFIX}:service/${cluster}/${service}`, reason: 'MISSING' });
        continue;
      }
      found.push(serviceOf(view));
      // The look that moves a STABILIZING task set on; the simulation refuses services task sets cannot run in.
      if (view.deploymentController === 'EXTERNAL' && view.status === 'ACTIVE') await this.simulation.describeService(cluster, service);
    }
    return { services: found, failures };
  }

  private async createTaskSet(input: Record<string, unknown>): Promise<unknown> {
    const cluster = nameOf(input.cluster, 'cluster');
    const service = nameOf(input.service, 'service');
    const loadBalancers = Array.isArray(input.loadBalancers) ? (input.loadBalancers as Record<string, unknown>[]) : [];
    if (loadBalancers.length !== 1) throw new AwsServiceError('InvalidParameterException', 'The stand-in takes exactly one load balancer');
    const [loadBalancer] = loadBalancers;
    const request = {
      cluster,
      service,
      taskDefinition: String(input.taskDefinition ?? ''),
      containerName: String(loadBalancer.containerName ?? ''),
      containerPort: Number(loadBalancer.containerPort),
      targetGroupArn: String(loadBalancer.targetGroupArn ?? ''),
      externalId: String(input.externalId ?? ''),
      ...(input.platformVersion === undefined ? {} : { platformVersion: String(input.platformVersion) }),
      ...(input.networkConfiguration === undefined ? {} : { networkConfiguration: input.networkConfiguration }),
      ...(input.capacityProviderStrategy === undefined ? {} : { capacityProviderStrategy: input.capacityProviderStrategy }),
    } as CreateTaskSetInput;
    const { taskSetArn } = await this.simulation.createTaskSet(request);
    return { taskSet: await this.taskSetOf(cluster, service, taskSetArn) };
  }

  private async describeTaskSets(input: Record<string, unknown>): Promise<unknown> {
    const cluster = nameOf(input.cluster, 'cluster');
    const service = nameOf(input.service, 'service');
    const view = await this.simulation.describe(cluster, service);
    const wanted = Array.isArray(input.taskSets) ? input.taskSets.map(String) : view.taskSets.map((taskSet) => taskSet.arn);
    const found = view.taskSets.filter((taskSet) => wanted.includes(taskSet.arn) || wanted.includes(taskSet.id));
    // Answered as they were before this look, which moves a STABILIZING one on.
    for (const taskSet of found) await this.simulation.isStable(cluster, service, taskSet.arn);
    const missing = wanted.filter((name) => !found.some((taskSet) => taskSet.arn === name || taskSet.id === name));
    return { taskSets: found.map((taskSet) => taskSetOf(view, taskSet)), failures: missing.map((arn) => ({ arn, reason: 'MISSING' })) };
  }

  private async updateServicePrimaryTaskSet(input: Record<string, unknown>): Promise<unknown> {
    const cluster = nameOf(input.cluster, 'cluster');
    const service = nameOf(input.service, 'service');
    const arn = await this.taskSetArn(cluster, service, input.primaryTaskSet);
    await this.simulation.makePrimary(cluster, service, arn);
    return { taskSet: await this.taskSetOf(cluster, service, arn) };
  }

  private async deleteTaskSet(input: Record<string, unknown>): Promise<unknown> {
    const cluster = nameOf(input.cluster, 'cluster');
    const service = nameOf(input.service, 'service');
    const arn = await this.taskSetArn(cluster, service, input.taskSet);
    const deleted = await this.taskSetOf(cluster, service, arn);
    await this.simulation.deleteTaskSet(cluster, service, arn);
    return { taskSet: { ...deleted, status: 'DRAINING' } };
  }

  /** The ARN of a task set named by ARN or id; TaskSetNotFoundException when the service has none such. */
  private async taskSetArn(cluster: string, service: string, name: unknown): Promise<string> {
    const view = await this.simulation.describe(cluster, service);
    const found = view.taskSets.find((taskSet) => taskSet.arn === name || taskSet.id === name);
    if (found === undefined) throw new AwsServiceError('TaskSetNotFoundException', `The specified task set does not exist: ${String(name)}`);
    return found.arn;
  }

  private async taskSetOf(cluster: string, service: string, arn: string): Promise<Record<string, unknown>> {
    const view = await this.simulation.describe(cluster, service);
    const taskSet = view.taskSets.find((candidate) => candidate.arn === arn);
    if (taskSet === undefined) throw new AwsServiceError('TaskSetNotFoundException', `The specified task set does not exist: ${arn}`);
    return taskSetOf(view, taskSet);
  }
}

function serviceOf(view: LocalServiceView): unknown {
  return {
    serviceArn: serviceArnOf(view),
    serviceName: view.service,
    clusterArn: `${ARN_PREFIX}:cluster/${view.cluster}`,
    status: view.status,
    desiredCount: view.desiredCount,
    deploymentController: { type: view.deploymentController },
    taskSets: view.taskSets.map((taskSet) => taskSetOf(view, taskSet)),
  };
}

function taskSetOf(view: LocalServiceView, taskSet: LocalTaskSet): Record<string, unknown> {
  return {
    id: taskSet.id,
    taskSetArn: taskSet.arn,
    serviceArn: serviceArnOf(view),
    clusterArn: `${ARN_PREFIX}:cluster/${view.cluster}`,
    ...(taskSet.externalId === undefined ? {} : { externalId: taskSet.externalId }),
    status: taskSet.status,
    taskDefinition: taskSet.taskDefinition,
    computedDesiredCount: Math.ceil((view.desiredCount * taskSet.scalePercent) / 100),
    loadBalancers: [{ targetGroupArn: taskSet.targetGroupArn, containerName: taskSet.containerName, containerPort: taskSet.containerPort }],
    scale: { value: taskSet.scalePercent, unit: 'PERCENT' },
    stabilityStatus: taskSet.stabilityStatus,
  };
}

function serviceArnOf(view: LocalServiceView): string {
  return `${ARN_PREFIX}:service/${view.cluster}/${view.service}`;
}

/** A cluster or service named by name or ARN: the last part of an ARN is its name. */
function nameOf(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new AwsServiceError('InvalidParameterException', `${field} is required`);
  return value.startsWith('arn:') ? value.slice(value.lastIndexOf('/') + 1) : value;
}

/** The simulation's errors as ECS's: the SDK turns `__type` into the modeled exception. */
function ecsError(error: unknown): unknown {
  if (error instanceof NotFoundError) {
    const type = error.resource === 'ECS task set' ? 'TaskSetNotFoundException' : error.resource === 'ECS service' ? 'ServiceNotFoundException' : 'InvalidParameterException';
    return new AwsServiceError(type, error.message);
  }
  if (error instanceof ValidationError) return new AwsServiceError('InvalidParameterException', error.message);
  return error;
}
