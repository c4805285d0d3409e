import {
  CreateTaskSetCommand,
  DeleteTaskSetCommand,
  DescribeServicesCommand,
  DescribeTaskSetsCommand,
  ECSClient,
  type Service,
  ServiceNotActiveException,
  type TaskSet,
  TaskSetNotFoundException,
  UpdateServicePrimaryTaskSetCommand,
} from '@aws-sdk/client-ecs';
import {
  type Action,
  DescribeListenersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ListenerNotFoundException,
  ModifyListenerCommand,
  type TargetGroup,
  TargetGroupNotFoundException,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { EcsTaskSetTraffic, clientToken } from '../../functions/aws/ecs-task-set-traffic';
import { NotFoundError } from '../../functions/core/errors';
import type { CreateTaskSetInput, TaskSetTraffic } from '../../functions/ports';
import { sent, validationProblems } from '../support/sdk-mock-calls';

const ecs = mockClient(ECSClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const traffic: TaskSetTraffic = new EcsTaskSetTraffic({ ecs: new ECSClient({}), elbv2: new ElasticLoadBalancingV2Client({}) });

const CLUSTER = 'prod';
const SERVICE = 'orders';
const ACCOUNT = 'arn:aws:ecs:us-east-1:111122223333';
const TASK_DEFINITION = `${ACCOUNT}:task-definition/orders:42`;
const tgArn = (name: string): string => `arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/${name}/0123456789abcdef`;
const BLUE = tgArn('orders-blue');
const GREEN = tgArn('orders-green');
const LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/prod/50dc6c495c0c9188/f2f7dc8efc522ab2';
const taskSetArn = (id: string): string => `${ACCOUNT}:task-set/${CLUSTER}/${SERVICE}/${id}`;
const BLUE_SET = taskSetArn('ecs-svc/1111111111111111111');
const GREEN_SET = taskSetArn('ecs-svc/2222222222222222222');

const SERVICE_NETWORK = {
  awsvpcConfiguration: { subnets: ['subnet-1', 'subnet-2'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' as const },
};

const taskSet = (id: string, overrides: Partial<TaskSet> = {}): TaskSet => ({
  id,
  taskSetArn: taskSetArn(id),
  status: 'ACTIVE',
  stabilityStatus: 'STEADY_STATE',
  taskDefinition: TASK_DEFINITION,
  computedDesiredCount: 4,
  runningCount: 4,
  pendingCount: 0,
  scale: { value: 100, unit: 'PERCENT' },
  ...overrides,
});

/** An EXTERNAL service on Fargate whose primary task set serves the blue target group. */
const service = (overrides: Partial<Service> = {}): Service => ({
  serviceName: SERVICE,
  serviceArn: `${ACCOUNT}:service/${CLUSTER}/${SERVICE}`,
  clusterArn: `${ACCOUNT}:cluster/${CLUSTER}`,
  status: 'ACTIVE',
  desiredCount: 4,
  deploymentController: { type: 'EXTERNAL' },
  launchType: 'FARGATE',
  platformVersion: '1.4.0',
  networkConfiguration: SERVICE_NETWORK,
  taskSets: [
    taskSet('ecs-svc/1111111111111111111', {
      status: 'PRIMARY',
      loadBalancers: [{ targetGroupArn: BLUE, containerName: 'app', containerPort: 8080 }],
    }),
  ],
  ...overrides,
});

const CREATE: CreateTaskSetInput = {
  cluster: CLUSTER,
  service: SERVICE,
  taskDefinition: TASK_DEFINITION,
  containerName: 'app',
  containerPort: 8080,
  targetGroupArn: GREEN,
  externalId: 'd-AB1CDEF23',
};

const forwardTo = (...targetGroups: [string, number][]): Action => ({
  Type: 'forward',
  ForwardConfig: { TargetGroups: targetGroups.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight })) },
});

const listenerWith = (...DefaultActions: Action[]) => ({
  Listeners: [{ ListenerArn: LISTENER, Port: 443, Protocol: 'HTTPS' as const, DefaultActions }],
});

const target = (Id: string, Port: number, State: string, Reason?: string, Description?: string): TargetHealthDescription => ({
  Target: { Id, Port },
  HealthCheckPort: String(Port),
  TargetHealth: { State: State as never, ...(Reason === undefined ? {} : { Reason: Reason as never }), ...(Description === undefined ? {} : { Description }) },
});

const throttled = (name: string): Error => Object.assign(new Error('Rate exceeded'), { name, $metadata: { httpStatusCode: 400 } });

beforeEach(() => {
  ecs.reset();
  elbv2.reset();
  ecs.on(DescribeServicesCommand).resolves({ services: [service()], failures: [] });
});

describe('EcsTaskSetTraffic.targetGroupArn', () => {
  it('finds the ARN of a target group by its name with DescribeTargetGroups', async () => {
    elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [{ TargetGroupName: 'orders-green', TargetGroupArn: GREEN, TargetType: 'ip' }] });

    await expect(traffic.targetGroupArn('orders-green')).resolves.toBe(GREEN);
    expect(sent(elbv2)).toEqual([['DescribeTargetGroupsCommand', { Names: ['orders-green'] }]]);
  });

  it('throws NotFoundError naming the group when ELB does not know the name (TargetGroupNotFound)', async () => {
    const notFound = new TargetGroupNotFoundException({ message: 'One or more target groups not found', $metadata: { httpStatusCode: 400 } });
    elbv2.on(DescribeTargetGroupsCommand).rejects(notFound);

    const error: unknown = await traffic.targetGroupArn('orders-green').catch((rejected: unknown) => rejected);

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ resource: 'Target group', id: 'orders-green', message: "Target group 'orders-green' does not exist", cause: notFound });
    expect(elbv2).toHaveReceivedCommandTimes(DescribeTargetGroupsCommand, 1);
  });

  it.each<[string, TargetGroup[] | undefined]>([
    ['no group at all', undefined],
    ['an empty list', []],
    ['only another group', [{ TargetGroupName: 'orders-blue', TargetGroupArn: BLUE }]],
    ['the group without an ARN', [{ TargetGroupName: 'orders-green' }]],
  ])('throws NotFoundError when the reply holds %s', async (_label, TargetGroups) => {
    elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups });

    await expect(traffic.targetGroupArn('orders-green')).rejects.toMatchObject({ name: 'NotFoundError', resource: 'Target group', id: 'orders-green' });
  });

  it('lets other failures through untouched', async () => {
    const denied = Object.assign(new Error('not authorized to perform elasticloadbalancing:DescribeTargetGroups'), { name: 'AccessDenied' });
    elbv2.on(DescribeTargetGroupsCommand).rejects(denied);

    await expect(traffic.targetGroupArn('orders-green')).rejects.toBe(denied);
  });
});

describe('EcsTaskSetTraffic.describeService', () => {
  it('reads the service and its task sets from DescribeServices, naming the primary', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [
        service({
          taskSets: [
            taskSet('ecs-svc/1111111111111111111', { status: 'PRIMARY', loadBalancers: [{ targetGroupArn: BLUE, containerName: 'app', containerPort: 8080 }] }),
            taskSet('ecs-svc/2222222222222222222', {
              stabilityStatus: 'STABILIZING',
              scale: { value: 50, unit: 'PERCENT' },
              loadBalancers: [{ targetGroupArn: GREEN, containerName: 'app', containerPort: 8080 }],
            }),
            taskSet('ecs-svc/3333333333333333333', { status: 'DRAINING' }),
          ],
        }),
      ],
    });

    const state = await traffic.describeService(CLUSTER, SERVICE);

    expect(sent(ecs)).toEqual([['DescribeServicesCommand', { cluster: CLUSTER, services: [SERVICE] }]]);
    expect(state).toEqual({
      deploymentController: 'EXTERNAL',
      primaryTaskSetId: 'ecs-svc/1111111111111111111',
      taskSets: [
        { id: 'ecs-svc/1111111111111111111', arn: BLUE_SET, status: 'PRIMARY', stabilityStatus: 'STEADY_STATE', targetGroupArn: BLUE, scalePercent: 100 },
        { id: 'ecs-svc/2222222222222222222', arn: GREEN_SET, status: 'ACTIVE', stabilityStatus: 'STABILIZING', targetGroupArn: GREEN, scalePercent: 50 },
        { id: 'ecs-svc/3333333333333333333', arn: taskSetArn('ecs-svc/3333333333333333333'), status: 'DRAINING', stabilityStatus: 'STEADY_STATE', scalePercent: 100 },
      ],
    });
  });

  it('reports no primary for a service with no task set yet', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ taskSets: [] })] });

    await expect(traffic.describeService(CLUSTER, SERVICE)).resolves.toStrictEqual({ deploymentController: 'EXTERNAL', taskSets: [] });
  });

  it.each<[string, Partial<Service> | undefined, string]>([
    ['the ECS controller', { deploymentController: { type: 'ECS' } }, 'ECS service orders in cluster prod uses the ECS deployment controller; task sets need EXTERNAL'],
    ['CodeDeploy as controller', { deploymentController: { type: 'CODE_DEPLOY' } }, 'ECS service orders in cluster prod uses the CODE_DEPLOY deployment controller; task sets need EXTERNAL'],
    ['no controller (ECS by default)', { deploymentController: undefined }, 'ECS service orders in cluster prod uses the ECS deployment controller; task sets need EXTERNAL'],
    ['status INACTIVE (deleted)', { status: 'INACTIVE' }, 'ECS service orders in cluster prod is INACTIVE, not ACTIVE'],
    ['status DRAINING', { status: 'DRAINING' }, 'ECS service orders in cluster prod is DRAINING, not ACTIVE'],
    ['not found', undefined, 'ECS service orders in cluster prod was not found (MISSING)'],
  ])('refuses a service with %s as CodeDeploy does (INVALID_ECS_SERVICE)', async (_label, overrides, message) => {
    ecs.on(DescribeServicesCommand).resolves(
      overrides === undefined
        ? { services: [], failures: [{ arn: `${ACCOUNT}:service/${CLUSTER}/${SERVICE}`, reason: 'MISSING' }] }
        : { services: [service(overrides)] },
    );

    await expect(validationProblems(traffic.describeService(CLUSTER, SERVICE))).resolves.toEqual([{ field: 'ecsService', message }]);
  });
});

describe('EcsTaskSetTraffic.createTaskSet', () => {
  it('creates a Fargate task set at 100 % behind the replacement target group, with the appspec network settings', async () => {
    ecs.on(CreateTaskSetCommand).resolves({ taskSet: taskSet('ecs-svc/2222222222222222222', { stabilityStatus: 'STABILIZING' }) });

    const created = await traffic.createTaskSet({
      ...CREATE,
      platformVersion: 'LATEST',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-3'], securityGroups: ['sg-2', 'sg-3'], assignPublicIp: 'ENABLED' } },
    });

    expect(sent(ecs)).toEqual([
      ['DescribeServicesCommand', { cluster: CLUSTER, services: [SERVICE] }],
      [
        'CreateTaskSetCommand',
        {
          cluster: CLUSTER,
          service: SERVICE,
          taskDefinition: TASK_DEFINITION,
          externalId: 'd-AB1CDEF23',
          launchType: 'FARGATE',
          platformVersion: 'LATEST',
          networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-3'], securityGroups: ['sg-2', 'sg-3'], assignPublicIp: 'ENABLED' } },
          loadBalancers: [{ targetGroupArn: GREEN, containerName: 'app', containerPort: 8080 }],
          scale: { value: 100, unit: 'PERCENT' },
          clientToken: '849b3b900192b8dc763128a5be855e84',
        },
      ],
    ]);
    expect(created).toEqual({ taskSetArn: GREEN_SET, taskSetId: 'ecs-svc/2222222222222222222' });
  });

  it('creates an EC2 task set on the appspec capacity providers, without a launch type, which ECS refuses beside them', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ launchType: 'EC2', platformVersion: undefined, networkConfiguration: undefined })] });
    ecs.on(CreateTaskSetCommand).resolves({ taskSet: taskSet('ecs-svc/2222222222222222222') });

    await traffic.createTaskSet({
      ...CREATE,
      capacityProviderStrategy: [
        { capacityProvider: 'orders-asg', base: 1, weight: 2 },
        { capacityProvider: 'orders-asg-spot', weight: 1 },
      ],
    });

    expect(ecs.commandCalls(CreateTaskSetCommand).map((call) => call.args[0].input)).toStrictEqual([
      {
        cluster: CLUSTER,
        service: SERVICE,
        taskDefinition: TASK_DEFINITION,
        externalId: 'd-AB1CDEF23',
        capacityProviderStrategy: [
          { capacityProvider: 'orders-asg', base: 1, weight: 2 },
          { capacityProvider: 'orders-asg-spot', weight: 1 },
        ],
        loadBalancers: [{ targetGroupArn: GREEN, containerName: 'app', containerPort: 8080 }],
        scale: { value: 100, unit: 'PERCENT' },
        clientToken: '849b3b900192b8dc763128a5be855e84',
      },
    ]);
  });

  // [label, what the service's primary runs with, the appspec's strategy, the placement sent]
  it.each<[string, Partial<Service>, CreateTaskSetInput['capacityProviderStrategy'], object]>([
    ['keeps the primary launch type', { launchType: 'EC2' }, undefined, { launchType: 'EC2' }],
    [
      'keeps the primary capacity provider strategy',
      { launchType: undefined, capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }] },
      undefined,
      { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }] },
    ],
    [
      'takes the appspec strategy over the primary one',
      { launchType: undefined, capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] },
      [{ capacityProvider: 'FARGATE', weight: 1 }],
      { capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] },
    ],
    ['leaves both out when nothing runs yet (the cluster default strategy applies)', { launchType: undefined, taskSets: [] }, undefined, {}],
  ])('%s', async (_label, primary, capacityProviderStrategy, expected) => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service(primary)] });
    ecs.on(CreateTaskSetCommand).resolves({ taskSet: taskSet('ecs-svc/2222222222222222222') });

    await traffic.createTaskSet({ ...CREATE, ...(capacityProviderStrategy === undefined ? {} : { capacityProviderStrategy }) });

    const input = ecs.commandCalls(CreateTaskSetCommand)[0].args[0].input;
    expect({ launchType: input.launchType, capacityProviderStrategy: input.capacityProviderStrategy }).toEqual(expected);
  });

  it('reuses the service network settings when the appspec gives none, as CodeDeploy does', async () => {
    ecs.on(CreateTaskSetCommand).resolves({ taskSet: taskSet('ecs-svc/2222222222222222222') });

    await traffic.createTaskSet(CREATE);

    expect(ecs).toHaveReceivedCommandWith(CreateTaskSetCommand, { networkConfiguration: SERVICE_NETWORK });
  });

  it('sends the same client token when a step is retried, and another for another deployment', () => {
    expect(clientToken({ ...CREATE })).toBe(clientToken(CREATE));
    expect(clientToken({ ...CREATE, externalId: 'd-ZZ9ZZZZ99' })).not.toBe(clientToken(CREATE));
    expect(clientToken({ ...CREATE, taskDefinition: `${ACCOUNT}:task-definition/orders:43` })).not.toBe(clientToken(CREATE));
  });

  it('creates nothing on a service not under the EXTERNAL controller', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ deploymentController: { type: 'CODE_DEPLOY' } })] });

    await expect(validationProblems(traffic.createTaskSet(CREATE))).resolves.toEqual([
      { field: 'ecsService', message: 'ECS service orders in cluster prod uses the CODE_DEPLOY deployment controller; task sets need EXTERNAL' },
    ]);
    expect(ecs).not.toHaveReceivedCommand(CreateTaskSetCommand);
  });
});

describe('EcsTaskSetTraffic.isStable', () => {
  it.each([
    ['STEADY_STATE', true],
    ['STABILIZING', false],
  ])('reads a task set %s from DescribeTaskSets as stable: %s', async (stabilityStatus, stable) => {
    ecs.on(DescribeTaskSetsCommand).resolves({ taskSets: [taskSet('ecs-svc/2222222222222222222', { stabilityStatus: stabilityStatus as never })], failures: [] });

    await expect(traffic.isStable(CLUSTER, SERVICE, GREEN_SET)).resolves.toBe(stable);
    expect(sent(ecs)).toEqual([['DescribeTaskSetsCommand', { cluster: CLUSTER, service: SERVICE, taskSets: [GREEN_SET] }]]);
  });

  it('fails with NotFoundError for a task set ECS no longer knows, instead of waiting on it', async () => {
    ecs.on(DescribeTaskSetsCommand).resolves({ taskSets: [], failures: [{ arn: GREEN_SET, reason: 'MISSING' }] });

    await expect(traffic.isStable(CLUSTER, SERVICE, GREEN_SET)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('EcsTaskSetTraffic.makePrimary and deleteTaskSet', () => {
  it('makes the task set primary with UpdateServicePrimaryTaskSet', async () => {
    ecs.on(UpdateServicePrimaryTaskSetCommand).resolves({ taskSet: taskSet('ecs-svc/2222222222222222222', { status: 'PRIMARY' }) });

    await traffic.makePrimary(CLUSTER, SERVICE, GREEN_SET);

    expect(sent(ecs)).toEqual([['UpdateServicePrimaryTaskSetCommand', { cluster: CLUSTER, service: SERVICE, primaryTaskSet: GREEN_SET }]]);
  });

  it('deletes the task set with force, even before it is scaled down', async () => {
    ecs.on(DeleteTaskSetCommand).resolves({ taskSet: taskSet('ecs-svc/1111111111111111111', { status: 'DRAINING' }) });

    await traffic.deleteTaskSet(CLUSTER, SERVICE, BLUE_SET);

    expect(sent(ecs)).toEqual([['DeleteTaskSetCommand', { cluster: CLUSTER, service: SERVICE, taskSet: BLUE_SET, force: true }]]);
  });

  it('treats a task set already gone as deleted', async () => {
    ecs.on(DeleteTaskSetCommand).rejects(new TaskSetNotFoundException({ message: 'The specified task set does not exist.', $metadata: { httpStatusCode: 400 } }));

    await expect(traffic.deleteTaskSet(CLUSTER, SERVICE, BLUE_SET)).resolves.toBeUndefined();
    expect(ecs).toHaveReceivedCommandTimes(DeleteTaskSetCommand, 1);
  });

  it('lets other delete failures through untouched', async () => {
    ecs.on(DeleteTaskSetCommand).rejects(new ServiceNotActiveException({ message: 'Service was not ACTIVE.', $metadata: { httpStatusCode: 400 } }));

    await expect(traffic.deleteTaskSet(CLUSTER, SERVICE, BLUE_SET)).rejects.toBeInstanceOf(ServiceNotActiveException);
  });
});

describe('EcsTaskSetTraffic.healthyTargets', () => {
  it('counts healthy targets and lists every other one with its state and reason', async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        target('10.0.1.10', 8080, 'healthy'),
        target('10.0.1.11', 8080, 'healthy'),
        target('10.0.2.12', 8080, 'initial', 'Elb.InitialHealthChecking', 'Initial health checks in progress'),
        target('10.0.2.13', 8080, 'unhealthy', 'Target.ResponseCodeMismatch', 'Health checks failed with these codes: [502]'),
        target('10.0.2.14', 8080, 'draining', 'Target.DeregistrationInProgress'),
      ],
    });

    const health = await traffic.healthyTargets(GREEN);

    expect(sent(elbv2)).toEqual([['DescribeTargetHealthCommand', { TargetGroupArn: GREEN }]]);
    expect(health).toStrictEqual({
      healthy: 2,
      total: 5,
      unhealthy: [
        { id: '10.0.2.12:8080', state: 'initial', reason: 'Elb.InitialHealthChecking (Initial health checks in progress)' },
        { id: '10.0.2.13:8080', state: 'unhealthy', reason: 'Target.ResponseCodeMismatch (Health checks failed with these codes: [502])' },
        { id: '10.0.2.14:8080', state: 'draining', reason: 'Target.DeregistrationInProgress' },
      ],
    });
  });

  it('reports an empty group as no target at all', async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [] });

    await expect(traffic.healthyTargets(GREEN)).resolves.toStrictEqual({ healthy: 0, total: 0, unhealthy: [] });
  });
});

describe('EcsTaskSetTraffic.routeTraffic', () => {
  it.each<[string, [number, number], [number, number]]>([
    ['90/10', [90, 10], [90, 10]],
    ['0/100', [0, 100], [0, 100]],
    ['66.7/33.3 rounded to whole weights that still add up to 100', [66.7, 33.3], [67, 33]],
  ])('replaces the default actions with one weighted forward: %s', async (_label, [blue, green], [blueWeight, greenWeight]) => {
    elbv2.on(DescribeListenersCommand).resolves(listenerWith(forwardTo([BLUE, 1])));

    await traffic.routeTraffic(LISTENER, [
      { targetGroupArn: BLUE, percent: blue },
      { targetGroupArn: GREEN, percent: green },
    ]);

    expect(sent(elbv2)).toEqual([
      ['DescribeListenersCommand', { ListenerArns: [LISTENER] }],
      ['ModifyListenerCommand', { ListenerArn: LISTENER, DefaultActions: [forwardTo([BLUE, blueWeight], [GREEN, greenWeight])] }],
    ]);
  });

  it('keeps the stickiness the forward had, which a new ForwardConfig would otherwise switch off', async () => {
    const sticky = { Enabled: true, DurationSeconds: 3600 };
    elbv2.on(DescribeListenersCommand).resolves(
      listenerWith({ Type: 'forward', TargetGroupArn: BLUE, ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE, Weight: 1 }], TargetGroupStickinessConfig: sticky } }),
    );

    await traffic.routeTraffic(LISTENER, [
      { targetGroupArn: BLUE, percent: 90 },
      { targetGroupArn: GREEN, percent: 10 },
    ]);

    expect(elbv2.commandCalls(ModifyListenerCommand).map((call) => call.args[0].input)).toStrictEqual([
      {
        ListenerArn: LISTENER,
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: BLUE, Weight: 90 },
                { TargetGroupArn: GREEN, Weight: 10 },
              ],
              TargetGroupStickinessConfig: sticky,
            },
          },
        ],
      },
    ]);
  });

  it.each<[string, Action[], string]>([
    ['redirects', [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }], 'redirect'],
    ['answers a fixed response', [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }], 'fixed-response'],
    [
      'authenticates before forwarding',
      [
        { Type: 'authenticate-cognito', Order: 1, AuthenticateCognitoConfig: { UserPoolArn: 'arn:pool', UserPoolClientId: 'client', UserPoolDomain: 'auth' } },
        { ...forwardTo([BLUE, 1]), Order: 2 },
      ],
      'authenticate-cognito, forward',
    ],
    ['has no default action', [], 'none'],
  ])('refuses a listener that %s, and leaves it as it is', async (_label, actions, found) => {
    elbv2.on(DescribeListenersCommand).resolves(listenerWith(...actions));

    const problems = await validationProblems(
      traffic.routeTraffic(LISTENER, [
        { targetGroupArn: BLUE, percent: 0 },
        { targetGroupArn: GREEN, percent: 100 },
      ]),
    );

    expect(problems).toEqual([{ field: 'listenerArn', message: `${LISTENER}: default actions must be one forward action to shift traffic, found ${found}` }]);
    expect(elbv2).not.toHaveReceivedCommand(ModifyListenerCommand);
  });

  it('refuses shares that do not add up to 100 before calling ELB', async () => {
    const problems = await validationProblems(
      traffic.routeTraffic(LISTENER, [
        { targetGroupArn: BLUE, percent: 90 },
        { targetGroupArn: GREEN, percent: 20 },
      ]),
    );

    expect(problems).toEqual([{ field: 'weights', message: 'percents must add up to 100, got 110' }]);
    expect(sent(elbv2)).toEqual([]);
  });

  it('lets a missing listener through untouched', async () => {
    elbv2.on(DescribeListenersCommand).rejects(new ListenerNotFoundException({ message: 'One or more listeners not found', $metadata: { httpStatusCode: 400 } }));

    await expect(traffic.routeTraffic(LISTENER, [{ targetGroupArn: GREEN, percent: 100 }])).rejects.toBeInstanceOf(ListenerNotFoundException);
  });
});

describe('EcsTaskSetTraffic throttling', () => {
  // Each row makes one call throttled past the SDK's retries; the state machine retries TransientAwsError.
  it.each<[string, () => void, () => Promise<unknown>, string]>([
    ['DescribeServices', () => ecs.on(DescribeServicesCommand).rejects(throttled('ThrottlingException')), () => traffic.describeService(CLUSTER, SERVICE), 'ThrottlingException'],
    ['CreateTaskSet (ECS LimitExceeded)', () => ecs.on(CreateTaskSetCommand).rejects(throttled('LimitExceededException')), () => traffic.createTaskSet(CREATE), 'LimitExceededException'],
    ['DescribeTaskSets', () => ecs.on(DescribeTaskSetsCommand).rejects(throttled('ThrottlingException')), () => traffic.isStable(CLUSTER, SERVICE, GREEN_SET), 'ThrottlingException'],
    ['UpdateServicePrimaryTaskSet', () => ecs.on(UpdateServicePrimaryTaskSetCommand).rejects(throttled('ThrottlingException')), () => traffic.makePrimary(CLUSTER, SERVICE, GREEN_SET), 'ThrottlingException'],
    ['DeleteTaskSet', () => ecs.on(DeleteTaskSetCommand).rejects(throttled('ThrottlingException')), () => traffic.deleteTaskSet(CLUSTER, SERVICE, BLUE_SET), 'ThrottlingException'],
    ['DescribeTargetGroups', () => elbv2.on(DescribeTargetGroupsCommand).rejects(throttled('Throttling')), () => traffic.targetGroupArn('orders-green'), 'Throttling'],
    ['DescribeTargetHealth', () => elbv2.on(DescribeTargetHealthCommand).rejects(throttled('Throttling')), () => traffic.healthyTargets(GREEN), 'Throttling'],
    [
      'ModifyListener',
      () => {
        elbv2.on(DescribeListenersCommand).resolves(listenerWith(forwardTo([BLUE, 1])));
        elbv2.on(ModifyListenerCommand).rejects(throttled('Throttling'));
      },
      () => traffic.routeTraffic(LISTENER, [{ targetGroupArn: GREEN, percent: 100 }]),
      'Throttling',
    ],
  ])('throws %s throttling as TransientAwsError', async (_label, arrange, call, name) => {
    arrange();

    await expect(call()).rejects.toMatchObject({ name: 'TransientAwsError', message: `${name}: Rate exceeded` });
  });
});
