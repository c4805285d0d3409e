import {
  AccessPointNotFoundException,
  DeregisterInstancesFromLoadBalancerCommand,
  DescribeInstanceHealthCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingClient,
  type InstanceState,
  type LoadBalancerDescription,
  RegisterInstancesWithLoadBalancerCommand,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  DeregisterTargetsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type DescribeTargetGroupsInput,
  ElasticLoadBalancingV2Client,
  HealthUnavailableException,
  RegisterTargetsCommand,
  type TargetGroup,
  TargetGroupNotFoundException,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ElbTrafficControl } from '../../functions/aws/elb-traffic-control';
import type { LoadBalancerInfo } from '../../functions/core/types';
import type { TrafficDirection } from '../../functions/ports';
import { sent, validationProblems } from '../support/sdk-mock-calls';

const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const elb = mockClient(ElasticLoadBalancingClient);
const traffic = new ElbTrafficControl({ elbv2: new ElasticLoadBalancingV2Client({}), elb: new ElasticLoadBalancingClient({}) });

const HOST_A = 'i-0000000000000000a';
const HOST_B = 'i-0000000000000000b';
const HOST_C = 'i-0000000000000000c';
const HOST_D = 'i-0000000000000000d';

const arnOf = (name: string): string => `arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/${name}/0123456789abcdef`;
const BLUE = arnOf('web-blue');

const BLUE_ONLY: LoadBalancerInfo = { targetGroupInfoList: [{ name: 'web-blue' }] };
const LEGACY_ONLY: LoadBalancerInfo = { elbInfoList: [{ name: 'legacy' }] };

/** An ALB target group as DescribeTargetGroups returns it: health checked every 10 s, healthy after 3. */
const targetGroup = (name: string, overrides: Partial<TargetGroup> = {}): TargetGroup => ({
  TargetGroupArn: arnOf(name),
  TargetGroupName: name,
  Protocol: 'HTTP',
  Port: 80,
  TargetType: 'instance',
  HealthCheckIntervalSeconds: 10,
  HealthCheckTimeoutSeconds: 5,
  HealthyThresholdCount: 3,
  UnhealthyThresholdCount: 2,
  ...overrides,
});

const health = (Id: string, Port: number, State: string, Reason?: string, Description?: string): TargetHealthDescription => ({
  Target: { Id, Port },
  HealthCheckPort: String(Port),
  TargetHealth: { State: State as never, ...(Reason === undefined ? {} : { Reason: Reason as never }), ...(Description === undefined ? {} : { Description }) },
});
const healthy = (id: string, port = 80): TargetHealthDescription => health(id, port, 'healthy');
const draining = (id: string, port = 80): TargetHealthDescription =>
  health(id, port, 'draining', 'Target.DeregistrationInProgress', 'Target deregistration is in progress');

const delayAttributes = (seconds: string) => ({
  Attributes: [
    { Key: 'stickiness.enabled', Value: 'false' },
    { Key: 'deregistration_delay.timeout_seconds', Value: seconds },
  ],
});

const classicElb = (name: string, registered: readonly string[], overrides: Partial<LoadBalancerDescription> = {}): LoadBalancerDescription => ({
  LoadBalancerName: name,
  DNSName: `${name}-123456789.us-east-1.elb.amazonaws.com`,
  Instances: registered.map((InstanceId) => ({ InstanceId })),
  HealthCheck: { Target: 'HTTP:80/health', Interval: 30, Timeout: 5, UnhealthyThreshold: 2, HealthyThreshold: 2 },
  ...overrides,
});

const drainingAttributes = (Enabled: boolean, Timeout?: number) => ({
  LoadBalancerAttributes: { ConnectionDraining: { Enabled, ...(Timeout === undefined ? {} : { Timeout }) } },
});

const instanceState = (InstanceId: string, State: string, ReasonCode: string, Description: string): InstanceState => ({
  InstanceId,
  State,
  ReasonCode,
  Description,
});

const tgNotFound = (): TargetGroupNotFoundException =>
  new TargetGroupNotFoundException({ message: 'One or more target groups not found', $metadata: { httpStatusCode: 400 } });

beforeEach(() => {
  elbv2.reset();
  elb.reset();
  elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [targetGroup('web-blue')] });
  elbv2.on(DescribeTargetGroupAttributesCommand).resolves(delayAttributes('300'));
});

describe('ElbTrafficControl on target groups: deregister', () => {
  it('takes every registration of the batch out in one call and reports the draining hosts with the delay that holds them', async () => {
    // GIVEN: C, another host of the group, stays in.
    elbv2
      .on(DescribeTargetHealthCommand)
      .resolvesOnce({ TargetHealthDescriptions: [healthy(HOST_A), healthy(HOST_B), healthy(HOST_C)] })
      .resolves({ TargetHealthDescriptions: [draining(HOST_A), draining(HOST_B), healthy(HOST_C)] });

    // WHEN
    const progress = await traffic.deregister(BLUE_ONLY, [HOST_A, HOST_B]);

    // THEN
    expect(sent(elbv2)).toEqual([
      ['DescribeTargetGroupsCommand', { Names: ['web-blue'] }],
      ['DescribeTargetHealthCommand', { TargetGroupArn: BLUE }],
      ['DeregisterTargetsCommand', { TargetGroupArn: BLUE, Targets: [{ Id: HOST_A, Port: 80 }, { Id: HOST_B, Port: 80 }] }],
      ['DescribeTargetGroupAttributesCommand', { TargetGroupArn: BLUE }],
      ['DescribeTargetHealthCommand', { TargetGroupArn: BLUE }],
    ]);
    expect(sent(elb)).toEqual([]);
    const reason = 'port 80: Target.DeregistrationInProgress (Target deregistration is in progress)';
    expect(progress).toEqual({
      done: false,
      checkAfterSeconds: 300,
      limitSeconds: 600,
      reason: 'target group web-blue drains for up to 300 s (deregistration_delay.timeout_seconds)',
      pending: [
        { targetId: HOST_A, loadBalancer: 'web-blue', state: 'draining', reason },
        { targetId: HOST_B, loadBalancer: 'web-blue', state: 'draining', reason },
      ],
    });
  });

  it('deregisters exactly the ports each instance is registered on, and leaves alone what is already leaving or not there', async () => {
    // GIVEN: A on two custom ports, B already draining, C (not in the batch) on 8080, D not registered at all.
    elbv2
      .on(DescribeTargetHealthCommand)
      .resolvesOnce({
        TargetHealthDescriptions: [
          healthy(HOST_A, 8080),
          health(HOST_A, 8081, 'unhealthy', 'Target.Timeout', 'Request timed out'),
          draining(HOST_B),
          healthy(HOST_C, 8080),
        ],
      })
      .resolves({ TargetHealthDescriptions: [draining(HOST_A, 8080), draining(HOST_A, 8081), draining(HOST_B), healthy(HOST_C, 8080)] });

    // WHEN
    const progress = await traffic.deregister(BLUE_ONLY, [HOST_A, HOST_B, HOST_D]);

    // THEN
    expect(elbv2).toHaveReceivedCommandTimes(DeregisterTargetsCommand, 1);
    expect(elbv2.commandCalls(DeregisterTargetsCommand).map((call) => call.args[0].input)).toEqual([
      { TargetGroupArn: BLUE, Targets: [{ Id: HOST_A, Port: 8080 }, { Id: HOST_A, Port: 8081 }] },
    ]);
    // One entry per host and load balancer, every port in its reason; D was never in, so it is not waited for.
    expect(progress.pending).toEqual([
      {
        targetId: HOST_A,
        loadBalancer: 'web-blue',
        state: 'draining',
        reason:
          'port 8080: Target.DeregistrationInProgress (Target deregistration is in progress); ' +
          'port 8081: Target.DeregistrationInProgress (Target deregistration is in progress)',
      },
      { targetId: HOST_B, loadBalancer: 'web-blue', state: 'draining', reason: 'port 80: Target.DeregistrationInProgress (Target deregistration is in progress)' },
    ]);
  });

  it('takes out a registration in a group no load balancer uses yet, so it cannot take traffic if one starts to', async () => {
    elbv2
      .on(DescribeTargetHealthCommand)
      .resolvesOnce({ TargetHealthDescriptions: [health(HOST_A, 80, 'unused', 'Target.NotInUse', 'Target group is not configured to receive traffic from the load balancer')] })
      .resolves({ TargetHealthDescriptions: [] });

    const progress = await traffic.deregister(BLUE_ONLY, [HOST_A]);

    expect(elbv2).toHaveReceivedCommandWith(DeregisterTargetsCommand, { TargetGroupArn: BLUE, Targets: [{ Id: HOST_A, Port: 80 }] });
    expect(progress).toMatchObject({ done: true, checkAfterSeconds: 0, pending: [] });
  });

  it.each([
    ['still draining from an earlier attempt', [draining(HOST_A), draining(HOST_B)], false],
    ['gone already', [healthy(HOST_C)], true],
  ])('repeated on hosts %s, sends no DeregisterTargets and reports where they stand', async (_label, registrations, done) => {
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: registrations });

    const progress = await traffic.deregister(BLUE_ONLY, [HOST_A, HOST_B]);

    expect(elbv2).not.toHaveReceivedCommand(DeregisterTargetsCommand);
    expect(progress.done).toBe(done);
    expect(progress.pending.map((target) => target.targetId)).toEqual(done ? [] : [HOST_A, HOST_B]);
  });

  it.each([
    ['the default 300 s', delayAttributes('300'), 'target group web-blue drains for up to 300 s (deregistration_delay.timeout_seconds)', 300, 600],
    ['a one-hour delay', delayAttributes('3600'), 'target group web-blue drains for up to 3600 s (deregistration_delay.timeout_seconds)', 300, 3900],
    ['no delay', delayAttributes('0'), 'target group web-blue deregisters at once (deregistration_delay.timeout_seconds is 0)', 5, 300],
    ['no delay attribute in the reply (AWS default)', { Attributes: [] }, 'target group web-blue drains for up to 300 s (deregistration_delay.timeout_seconds)', 300, 600],
  ])('times a deregistration with %s', async (_label, attributes, reason, checkAfterSeconds, limitSeconds) => {
    elbv2.on(DescribeTargetGroupAttributesCommand).resolves(attributes);
    elbv2.on(DescribeTargetHealthCommand).resolvesOnce({ TargetHealthDescriptions: [healthy(HOST_A)] }).resolves({ TargetHealthDescriptions: [draining(HOST_A)] });

    const progress = await traffic.deregister(BLUE_ONLY, [HOST_A]);

    expect(progress).toMatchObject({ done: false, reason, checkAfterSeconds, limitSeconds });
  });
});

describe('ElbTrafficControl on target groups: register', () => {
  it('registers the batch on the group port in one call and reports the hosts still being checked', async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        health(HOST_A, 80, 'initial', 'Elb.RegistrationInProgress', 'Target registration is in progress'),
        health(HOST_B, 80, 'initial', 'Elb.InitialHealthChecking', 'Initial health checks in progress'),
      ],
    });

    const progress = await traffic.register(BLUE_ONLY, [HOST_A, HOST_B]);

    expect(sent(elbv2)).toEqual([
      ['DescribeTargetGroupsCommand', { Names: ['web-blue'] }],
      ['RegisterTargetsCommand', { TargetGroupArn: BLUE, Targets: [{ Id: HOST_A }, { Id: HOST_B }] }],
      ['DescribeTargetHealthCommand', { TargetGroupArn: BLUE, Targets: [{ Id: HOST_A }, { Id: HOST_B }] }],
    ]);
    expect(progress).toEqual({
      done: false,
      checkAfterSeconds: 30,
      limitSeconds: 330,
      reason: 'target group web-blue: healthy after 3 checks every 10 s (HealthyThresholdCount × HealthCheckIntervalSeconds)',
      pending: [
        { targetId: HOST_A, loadBalancer: 'web-blue', state: 'initial', reason: 'port 80: Elb.RegistrationInProgress (Target registration is in progress)' },
        { targetId: HOST_B, loadBalancer: 'web-blue', state: 'initial', reason: 'port 80: Elb.InitialHealthChecking (Initial health checks in progress)' },
      ],
    });
  });

  it('repeated on hosts already healthy, reports done at once (RegisterTargets on a registered target changes nothing)', async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [healthy(HOST_A), healthy(HOST_B)] });

    const progress = await traffic.register(BLUE_ONLY, [HOST_A, HOST_B, HOST_A]);

    expect(elbv2.commandCalls(RegisterTargetsCommand).map((call) => call.args[0].input)).toEqual([
      { TargetGroupArn: BLUE, Targets: [{ Id: HOST_A }, { Id: HOST_B }] },
    ]);
    expect(progress).toEqual({
      done: true,
      checkAfterSeconds: 0,
      limitSeconds: 330,
      reason: 'target group web-blue: healthy after 3 checks every 10 s (HealthyThresholdCount × HealthCheckIntervalSeconds)',
      pending: [],
    });
  });

  it('lets SDK errors through untouched', async () => {
    elbv2.on(RegisterTargetsCommand).rejects(Object.assign(new Error('The target is not running'), { name: 'InvalidTargetException' }));

    await expect(traffic.register(BLUE_ONLY, [HOST_A])).rejects.toMatchObject({ name: 'InvalidTargetException' });
    expect(elbv2).not.toHaveReceivedCommand(DescribeTargetHealthCommand);
  });

  it('throws throttling that outlasted the SDK retries as TransientAwsError, which the state machine retries', async () => {
    elbv2.on(RegisterTargetsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    await expect(traffic.register(BLUE_ONLY, [HOST_A])).rejects.toMatchObject({
      name: 'TransientAwsError',
      message: 'ThrottlingException: Rate exceeded',
    });
  });
});

describe('ElbTrafficControl on target groups: check', () => {
  // [state, reason, done when deregistering, done when registering]
  it.each<[string, string | undefined, boolean, boolean]>([
    ['initial', 'Elb.RegistrationInProgress', false, false],
    ['initial', 'Elb.InitialHealthChecking', false, false],
    ['healthy', undefined, false, true],
    ['unhealthy', 'Target.ResponseCodeMismatch', false, false],
    ['unhealthy', 'Target.Timeout', false, false],
    ['unhealthy', 'Target.FailedHealthChecks', false, false],
    ['unused', 'Target.NotRegistered', true, false],
    ['unused', 'Target.NotInUse', true, false],
    ['unused', 'Target.InvalidState', true, false],
    ['draining', 'Target.DeregistrationInProgress', false, false],
    ['unavailable', 'Target.HealthCheckDisabled', false, true],
    ['unhealthy.draining', 'Target.DeregistrationInProgress', false, false],
  ])('a target %s (%s) is done deregistering: %s, registering: %s', async (state, reason, doneOut, doneIn) => {
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [health(HOST_A, 80, state, reason)] });

    const out = await traffic.check(BLUE_ONLY, [HOST_A], 'deregister');
    const into = await traffic.check(BLUE_ONLY, [HOST_A], 'register');

    expect(sent(elbv2)).toEqual([
      ['DescribeTargetGroupsCommand', { Names: ['web-blue'] }],
      ['DescribeTargetGroupAttributesCommand', { TargetGroupArn: BLUE }],
      ['DescribeTargetHealthCommand', { TargetGroupArn: BLUE }],
      ['DescribeTargetGroupsCommand', { Names: ['web-blue'] }],
      ['DescribeTargetHealthCommand', { TargetGroupArn: BLUE, Targets: [{ Id: HOST_A }] }],
    ]);
    const pendingEntry = { targetId: HOST_A, loadBalancer: 'web-blue', state, reason: reason === undefined ? 'port 80' : `port 80: ${reason}` };
    expect(out).toMatchObject({ done: doneOut, pending: doneOut ? [] : [pendingEntry] });
    expect(into).toMatchObject({ done: doneIn, pending: doneIn ? [] : [pendingEntry] });
  });

  it('counts a host out once no registration of it is listed any more, and looks again in 15 s at those still draining', async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [draining(HOST_B, 8080), healthy(HOST_C)] });

    const progress = await traffic.check(BLUE_ONLY, [HOST_A, HOST_B], 'deregister');

    expect(progress).toEqual({
      done: false,
      checkAfterSeconds: 15,
      limitSeconds: 600,
      reason: 'target group web-blue drains for up to 300 s (deregistration_delay.timeout_seconds)',
      pending: [
        { targetId: HOST_B, loadBalancer: 'web-blue', state: 'draining', reason: 'port 8080: Target.DeregistrationInProgress (Target deregistration is in progress)' },
      ],
    });
  });

  it('keeps waiting for a host the reply leaves out while registering', async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [healthy(HOST_A)] });

    const progress = await traffic.check(BLUE_ONLY, [HOST_A, HOST_B], 'register');

    expect(progress.pending).toEqual([{ targetId: HOST_B, loadBalancer: 'web-blue', state: 'unused', reason: 'not described by DescribeTargetHealth' }]);
  });

  it('lets a health read AWS could not make fail the check', async () => {
    elbv2.on(DescribeTargetHealthCommand).rejects(new HealthUnavailableException({ message: 'Health unavailable', $metadata: {} }));

    await expect(traffic.check(BLUE_ONLY, [HOST_A], 'register')).rejects.toMatchObject({ name: 'HealthUnavailableException' });
  });
});

describe('ElbTrafficControl: finding target groups', () => {
  it('follows NextMarker through the pages of DescribeTargetGroups', async () => {
    elbv2
      .on(DescribeTargetGroupsCommand)
      .resolvesOnce({ TargetGroups: [targetGroup('web-blue')], NextMarker: 'page-2' })
      .resolves({ TargetGroups: [targetGroup('web-green')] });
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [healthy(HOST_A)] });

    const progress = await traffic.check({ targetGroupInfoList: [{ name: 'web-blue' }, { name: 'web-green' }] }, [HOST_A], 'register');

    expect(elbv2.commandCalls(DescribeTargetGroupsCommand).map((call) => call.args[0].input)).toEqual([
      { Names: ['web-blue', 'web-green'] },
      { Names: ['web-blue', 'web-green'], Marker: 'page-2' },
    ]);
    expect(elbv2.commandCalls(DescribeTargetHealthCommand).map((call) => call.args[0].input)).toEqual([
      { TargetGroupArn: arnOf('web-blue'), Targets: [{ Id: HOST_A }] },
      { TargetGroupArn: arnOf('web-green'), Targets: [{ Id: HOST_A }] },
    ]);
    expect(progress.done).toBe(true);
  });

  it('asks for 20 names at a time, and acts on a group named twice once', async () => {
    const names = Array.from({ length: 21 }, (_, n) => `web-${n + 1}`);
    elbv2.on(DescribeTargetGroupsCommand).callsFake((input: DescribeTargetGroupsInput) => ({ TargetGroups: (input.Names ?? []).map((name) => targetGroup(name)) }));
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [healthy(HOST_A)] });

    await traffic.check({ targetGroupInfoList: [...names, 'web-1'].map((name) => ({ name })) }, [HOST_A], 'register');

    expect(elbv2.commandCalls(DescribeTargetGroupsCommand).map((call) => call.args[0].input)).toEqual([
      { Names: names.slice(0, 20) },
      { Names: ['web-21'] },
    ]);
    expect(elbv2.commandCalls(DescribeTargetHealthCommand).map((call) => call.args[0].input.TargetGroupArn)).toEqual(names.map(arnOf));
  });

  it('names every missing target group and classic ELB in one ValidationError, before changing anything', async () => {
    // GIVEN: DescribeTargetGroups fails the whole call for one unknown name, without saying which.
    elbv2.on(DescribeTargetGroupsCommand).callsFake((input: DescribeTargetGroupsInput) => {
      if ((input.Names ?? []).some((name) => name.startsWith('gone'))) throw tgNotFound();
      return { TargetGroups: (input.Names ?? []).map((name) => targetGroup(name)) };
    });
    elb.on(DescribeLoadBalancersCommand).rejects(new AccessPointNotFoundException({ message: 'Cannot find Load Balancer old-elb', $metadata: {} }));
    const info: LoadBalancerInfo = {
      targetGroupInfoList: [{ name: 'web-blue' }, { name: 'gone-1' }, { name: 'gone-2' }],
      elbInfoList: [{ name: 'old-elb' }],
    };

    // WHEN
    const problems = await validationProblems(traffic.deregister(info, [HOST_A]));

    // THEN
    expect(problems).toEqual([
      {
        field: 'loadBalancerInfo.targetGroupInfoList[1].name',
        message: "target group 'gone-1' does not exist in this account and region (TargetGroupNotFound); name an existing target group of type 'instance'",
      },
      {
        field: 'loadBalancerInfo.targetGroupInfoList[2].name',
        message: "target group 'gone-2' does not exist in this account and region (TargetGroupNotFound); name an existing target group of type 'instance'",
      },
      {
        field: 'loadBalancerInfo.elbInfoList[0].name',
        message: "classic load balancer 'old-elb' does not exist in this account and region (LoadBalancerNotFound); name an existing classic ELB",
      },
    ]);
    // The whole call, then each name alone to find which are missing; nothing else.
    expect(sent(elbv2)).toEqual([
      ['DescribeTargetGroupsCommand', { Names: ['web-blue', 'gone-1', 'gone-2'] }],
      ['DescribeTargetGroupsCommand', { Names: ['web-blue'] }],
      ['DescribeTargetGroupsCommand', { Names: ['gone-1'] }],
      ['DescribeTargetGroupsCommand', { Names: ['gone-2'] }],
    ]);
    expect(sent(elb)).toEqual([
      ['DescribeLoadBalancersCommand', { LoadBalancerNames: ['old-elb'] }],
      ['DescribeLoadBalancersCommand', { LoadBalancerNames: ['old-elb'] }],
    ]);
  });

  it.each(['ip', 'lambda', 'alb'])('refuses a target group of type %s, naming it, before changing anything', async (targetType) => {
    elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [targetGroup('web-blue'), targetGroup('web-ip', { TargetType: targetType as never })] });

    const problems = await validationProblems(traffic.register({ targetGroupInfoList: [{ name: 'web-blue' }, { name: 'web-ip' }] }, [HOST_A]));

    expect(problems).toEqual([
      {
        field: 'loadBalancerInfo.targetGroupInfoList[1].name',
        message: `target group 'web-ip' has target type '${targetType}'; only target groups of type 'instance' are supported, since deployment targets are EC2 instance ids`,
      },
    ]);
    expect(sent(elbv2)).toEqual([['DescribeTargetGroupsCommand', { Names: ['web-blue', 'web-ip'] }]]);
  });

  it('lets other DescribeTargetGroups errors through', async () => {
    elbv2.on(DescribeTargetGroupsCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDenied' }));

    await expect(traffic.check(BLUE_ONLY, [HOST_A], 'register')).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(elbv2).toHaveReceivedCommandTimes(DescribeTargetGroupsCommand, 1);
  });
});

describe('ElbTrafficControl on classic ELBs', () => {
  it('deregisters the registered hosts and waits out connection draining for the whole batch, which no check can see', async () => {
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancerDescriptions: [classicElb('legacy', [HOST_A, HOST_C])] });
    elb.on(DescribeLoadBalancerAttributesCommand).resolves(drainingAttributes(true, 60));

    const progress = await traffic.deregister(LEGACY_ONLY, [HOST_A, HOST_B]);

    expect(sent(elb)).toEqual([
      ['DescribeLoadBalancersCommand', { LoadBalancerNames: ['legacy'] }],
      ['DeregisterInstancesFromLoadBalancerCommand', { LoadBalancerName: 'legacy', Instances: [{ InstanceId: HOST_A }] }],
      ['DescribeLoadBalancerAttributesCommand', { LoadBalancerName: 'legacy' }],
    ]);
    expect(sent(elbv2)).toEqual([]);
    const reason = 'deregistered; requests in flight may run for up to 60 s (connection draining), which DescribeInstanceHealth does not show';
    expect(progress).toEqual({
      done: false,
      checkAfterSeconds: 60,
      limitSeconds: 360,
      reason: 'classic ELB legacy drains for up to 60 s (connection draining)',
      pending: [
        { targetId: HOST_A, loadBalancer: 'legacy', state: 'OutOfService', reason },
        { targetId: HOST_B, loadBalancer: 'legacy', state: 'OutOfService', reason },
      ],
    });
  });

  it('repeated after the hosts are out, sends nothing but still waits out the drain an earlier attempt may have begun', async () => {
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancerDescriptions: [classicElb('legacy', [HOST_C])] });
    elb.on(DescribeLoadBalancerAttributesCommand).resolves(drainingAttributes(true, 3600));

    const progress = await traffic.deregister(LEGACY_ONLY, [HOST_A]);

    expect(elb).not.toHaveReceivedCommand(DeregisterInstancesFromLoadBalancerCommand);
    expect(progress).toMatchObject({ done: false, checkAfterSeconds: 3600, limitSeconds: 3900 });
  });

  it.each([
    ['off', drainingAttributes(false, 300)],
    ['absent from the reply', { LoadBalancerAttributes: {} }],
  ])('with connection draining %s, deregistering is done at once', async (_label, attributes) => {
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancerDescriptions: [classicElb('legacy', [HOST_A])] });
    elb.on(DescribeLoadBalancerAttributesCommand).resolves(attributes);

    const progress = await traffic.deregister(LEGACY_ONLY, [HOST_A]);

    expect(elb).toHaveReceivedCommandWith(DeregisterInstancesFromLoadBalancerCommand, { LoadBalancerName: 'legacy', Instances: [{ InstanceId: HOST_A }] });
    expect(progress).toEqual({
      done: true,
      checkAfterSeconds: 0,
      limitSeconds: 300,
      reason: 'classic ELB legacy deregisters at once (connection draining is off)',
      pending: [],
    });
  });

  it('enabled draining without a timeout in the reply counts as AWS default 300 s', async () => {
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancerDescriptions: [classicElb('legacy', [HOST_A])] });
    elb.on(DescribeLoadBalancerAttributesCommand).resolves(drainingAttributes(true));

    const progress = await traffic.deregister(LEGACY_ONLY, [HOST_A]);

    expect(progress).toMatchObject({ done: false, checkAfterSeconds: 300, reason: 'classic ELB legacy drains for up to 300 s (connection draining)' });
  });

  it('checks a deregistration done for hosts no longer registered, describing only those still in', async () => {
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancerDescriptions: [classicElb('legacy', [HOST_B, HOST_C])] });
    elb.on(DescribeLoadBalancerAttributesCommand).resolves(drainingAttributes(true, 60));
    elb.on(DescribeInstanceHealthCommand).resolves({ InstanceStates: [instanceState(HOST_B, 'InService', 'N/A', 'N/A')] });

    const progress = await traffic.check(LEGACY_ONLY, [HOST_A, HOST_B], 'deregister');

    expect(sent(elb)).toEqual([
      ['DescribeLoadBalancersCommand', { LoadBalancerNames: ['legacy'] }],
      ['DescribeLoadBalancerAttributesCommand', { LoadBalancerName: 'legacy' }],
      ['DescribeInstanceHealthCommand', { LoadBalancerName: 'legacy', Instances: [{ InstanceId: HOST_B }] }],
    ]);
    expect(progress).toEqual({
      done: false,
      checkAfterSeconds: 15,
      limitSeconds: 360,
      reason: 'classic ELB legacy drains for up to 60 s (connection draining)',
      pending: [{ targetId: HOST_B, loadBalancer: 'legacy', state: 'InService' }],
    });
  });

  it('checks a deregistration done without reading health once no host of the batch is registered', async () => {
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancerDescriptions: [classicElb('legacy', [HOST_C])] });
    elb.on(DescribeLoadBalancerAttributesCommand).resolves(drainingAttributes(true, 60));

    const progress = await traffic.check(LEGACY_ONLY, [HOST_A, HOST_B], 'deregister');

    expect(elb).not.toHaveReceivedCommand(DescribeInstanceHealthCommand);
    expect(progress).toMatchObject({ done: true, pending: [] });
  });

  it('registers only the hosts not registered yet and reports those not InService', async () => {
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancerDescriptions: [classicElb('legacy', [HOST_A])] });
    elb.on(DescribeInstanceHealthCommand).resolves({
      InstanceStates: [
        instanceState(HOST_A, 'InService', 'N/A', 'N/A'),
        instanceState(HOST_B, 'OutOfService', 'ELB', 'Instance registration is still in progress.'),
      ],
    });

    const progress = await traffic.register(LEGACY_ONLY, [HOST_A, HOST_B]);

    expect(sent(elb)).toEqual([
      ['DescribeLoadBalancersCommand', { LoadBalancerNames: ['legacy'] }],
      ['RegisterInstancesWithLoadBalancerCommand', { LoadBalancerName: 'legacy', Instances: [{ InstanceId: HOST_B }] }],
      ['DescribeInstanceHealthCommand', { LoadBalancerName: 'legacy', Instances: [{ InstanceId: HOST_A }, { InstanceId: HOST_B }] }],
    ]);
    expect(progress).toEqual({
      done: false,
      checkAfterSeconds: 60,
      limitSeconds: 360,
      reason: 'classic ELB legacy: healthy after 2 checks every 30 s (HealthCheck.HealthyThreshold × HealthCheck.Interval)',
      pending: [
        { targetId: HOST_B, loadBalancer: 'legacy', state: 'OutOfService', reason: 'Instance registration is still in progress. (reason code ELB)' },
      ],
    });
  });

  it('repeated on hosts already in, registers nothing', async () => {
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancerDescriptions: [classicElb('legacy', [HOST_A, HOST_B])] });
    elb.on(DescribeInstanceHealthCommand).resolves({
      InstanceStates: [instanceState(HOST_A, 'InService', 'N/A', 'N/A'), instanceState(HOST_B, 'InService', 'N/A', 'N/A')],
    });

    const progress = await traffic.register(LEGACY_ONLY, [HOST_A, HOST_B]);

    expect(elb).not.toHaveReceivedCommand(RegisterInstancesWithLoadBalancerCommand);
    expect(progress).toMatchObject({ done: true, checkAfterSeconds: 0, pending: [] });
  });

  it.each<[string, InstanceState[], boolean, object[]]>([
    ['InService', [instanceState(HOST_A, 'InService', 'N/A', 'N/A')], true, []],
    [
      'OutOfService after failing health checks',
      [instanceState(HOST_A, 'OutOfService', 'Instance', 'Instance has failed at least the UnhealthyThreshold number of health checks consecutively.')],
      false,
      [
        {
          targetId: HOST_A,
          loadBalancer: 'legacy',
          state: 'OutOfService',
          reason: 'Instance has failed at least the UnhealthyThreshold number of health checks consecutively. (reason code Instance)',
        },
      ],
    ],
    [
      'Unknown',
      [instanceState(HOST_A, 'Unknown', 'ELB', 'A transient error occurred. Please try again later.')],
      false,
      [{ targetId: HOST_A, loadBalancer: 'legacy', state: 'Unknown', reason: 'A transient error occurred. Please try again later. (reason code ELB)' }],
    ],
    [
      'left out of the reply (terminated)',
      [],
      false,
      [{ targetId: HOST_A, loadBalancer: 'legacy', state: 'Unknown', reason: 'not described by DescribeInstanceHealth (it leaves out terminated instances)' }],
    ],
  ])('checks a registration of an instance %s', async (_label, states, done, pending) => {
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancerDescriptions: [classicElb('legacy', [HOST_A])] });
    elb.on(DescribeInstanceHealthCommand).resolves({ InstanceStates: states });

    const progress = await traffic.check(LEGACY_ONLY, [HOST_A], 'register');

    expect(sent(elb)).toEqual([
      ['DescribeLoadBalancersCommand', { LoadBalancerNames: ['legacy'] }],
      ['DescribeInstanceHealthCommand', { LoadBalancerName: 'legacy', Instances: [{ InstanceId: HOST_A }] }],
    ]);
    expect(progress).toMatchObject({ done, pending });
  });

  it('lets SDK errors through untouched', async () => {
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancerDescriptions: [classicElb('legacy', [])] });
    elb.on(RegisterInstancesWithLoadBalancerCommand).rejects(Object.assign(new Error('The specified EndPoint is not valid'), { name: 'InvalidEndPointException' }));

    await expect(traffic.register(LEGACY_ONLY, [HOST_A])).rejects.toMatchObject({ name: 'InvalidEndPointException' });
  });
});

describe('ElbTrafficControl across load balancers', () => {
  const BOTH: LoadBalancerInfo = { targetGroupInfoList: [{ name: 'web-blue' }], elbInfoList: [{ name: 'legacy' }] };

  it('starts the change on every load balancer and says why each takes its time', async () => {
    elbv2
      .on(DescribeTargetHealthCommand)
      .resolvesOnce({ TargetHealthDescriptions: [healthy(HOST_A)] })
      .resolves({ TargetHealthDescriptions: [draining(HOST_A)] });
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancerDescriptions: [classicElb('legacy', [HOST_A])] });
    elb.on(DescribeLoadBalancerAttributesCommand).resolves(drainingAttributes(true, 60));

    const progress = await traffic.deregister(BOTH, [HOST_A]);

    expect(elbv2).toHaveReceivedCommandWith(DeregisterTargetsCommand, { TargetGroupArn: BLUE, Targets: [{ Id: HOST_A, Port: 80 }] });
    expect(elb).toHaveReceivedCommandWith(DeregisterInstancesFromLoadBalancerCommand, { LoadBalancerName: 'legacy', Instances: [{ InstanceId: HOST_A }] });
    expect(progress).toMatchObject({
      done: false,
      checkAfterSeconds: 300,
      limitSeconds: 600,
      reason: 'target group web-blue drains for up to 300 s (deregistration_delay.timeout_seconds); classic ELB legacy drains for up to 60 s (connection draining)',
    });
    expect(progress.pending.map(({ targetId, loadBalancer, state }) => [targetId, loadBalancer, state])).toEqual([
      [HOST_A, 'web-blue', 'draining'],
      [HOST_A, 'legacy', 'OutOfService'],
    ]);
  });

  it('waits out a classic drain longer than the first look at the target group', async () => {
    elbv2.on(DescribeTargetGroupAttributesCommand).resolves(delayAttributes('30'));
    elbv2
      .on(DescribeTargetHealthCommand)
      .resolvesOnce({ TargetHealthDescriptions: [healthy(HOST_A)] })
      .resolves({ TargetHealthDescriptions: [draining(HOST_A)] });
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancerDescriptions: [classicElb('legacy', [HOST_A])] });
    elb.on(DescribeLoadBalancerAttributesCommand).resolves(drainingAttributes(true, 600));

    const progress = await traffic.deregister(BOTH, [HOST_A]);

    expect(progress).toMatchObject({ done: false, checkAfterSeconds: 600, limitSeconds: 900 });
  });

  it.each<[string, TrafficDirection | 'start register' | 'start deregister']>([
    ['checking a registration', 'register'],
    ['checking a deregistration', 'deregister'],
    ['registering', 'start register'],
    ['deregistering', 'start deregister'],
  ])('with no hosts, %s is done without a call', async (_label, call) => {
    const progress =
      call === 'start register'
        ? await traffic.register(BOTH, [])
        : call === 'start deregister'
          ? await traffic.deregister(BOTH, [])
          : await traffic.check(BOTH, [], call);

    expect(sent(elbv2)).toEqual([]);
    expect(sent(elb)).toEqual([]);
    expect(progress).toEqual({ done: true, checkAfterSeconds: 0, limitSeconds: 300, reason: 'no host or load balancer to change', pending: [] });
  });
});

