// The advance step of an ECS deployment against the real AWS adapter on mocked ECS and ELBv2 clients: the exact
// commands of each traffic change, the health check of the replacement's targets coming before every ModifyListener,
// and no listener touched while a target is unhealthy.
import { ECSClient, UpdateServicePrimaryTaskSetCommand } from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  type DescribeTargetHealthCommandOutput,
  type TargetHealthStateEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { EcsTaskSetTraffic } from '../../../functions/aws/ecs-task-set-traffic';
import { parseEcsAppSpec } from '../../../functions/core/appspec';
import { initialEcsEvents } from '../../../functions/core/ecs-traffic';
import { trafficSchedule } from '../../../functions/core/traffic-schedule';
import type { DeploymentTarget, TargetGroupPairInfo } from '../../../functions/core/types';
import type { StepDependencies } from '../../../functions/ports';
import { advanceEcs } from '../../../functions/steps/ecs/advance-ecs';
import { ecsAppSpec } from '../../support/ecs-harness';
import { ecsRecord, storeWithGroup } from '../../support/traffic-records';
import { type Harness, openHarness } from '../../support/local-runtime-harness';

const ecs = mockClient(ECSClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);

const DEPLOYMENT_ID = 'd-ECSCMDS01';
const PROD = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/fedcba9876543210';
const BLUE = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/blue/0123456789abcdef';
const GREEN = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/green/0123456789abcdef';
const PAIR: TargetGroupPairInfo = { targetGroups: [{ name: 'blue' }, { name: 'green' }], prodTrafficRoute: { listenerArns: [PROD] } };
const APPSPEC = parseEcsAppSpec(ecsAppSpec());

let h: Harness;
let deps: StepDependencies;

beforeEach(async () => {
  ecs.reset();
  elbv2.reset();
  h = await openHarness();
  deps = { ...h.runtime.deps, ecs: new EcsTaskSetTraffic({ ecs: new ECSClient({ region: 'us-east-1' }), elbv2: new ElasticLoadBalancingV2Client({ region: 'us-east-1' }) }) };
  const events = initialEcsEvents(APPSPEC, PAIR).map((e) => (['Install', 'AfterInstall'].includes(e.lifecycleEventName) ? { ...e, status: 'Succeeded' as const } : e));
  const deployment = ecsRecord({
    deploymentId: DEPLOYMENT_ID,
    deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes',
    appSpec: APPSPEC,
    targetGroupPair: PAIR,
    schedule: trafficSchedule({ type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5 } }),
    originalTaskSet: { id: 'ecs-svc/1', arn: 'arn:aws:ecs:us-east-1:111122223333:task-set/main/web/ecs-svc/1', targetGroupName: 'blue', targetGroupArn: BLUE },
    replacementTaskSet: { id: 'ecs-svc/2', arn: 'arn:aws:ecs:us-east-1:111122223333:task-set/main/web/ecs-svc/2', targetGroupName: 'green', targetGroupArn: GREEN },
  });
  await storeWithGroup(h.runtime.store, deployment);
  const target: DeploymentTarget = { deploymentId: DEPLOYMENT_ID, targetId: 'main:web', status: 'InProgress', lastUpdatedAt: deployment.createTime, initiallyHealthy: true, lifecycleEvents: events };
  await h.runtime.store.putTargets([target]);
  elbv2.on(DescribeListenersCommand).resolves({ Listeners: [{ ListenerArn: PROD, DefaultActions: [{ Type: 'forward', TargetGroupArn: BLUE }] }] });
  elbv2.on(ModifyListenerCommand).resolves({});
  ecs.on(UpdateServicePrimaryTaskSetCommand).resolves({});
});
afterEach(async () => h.runtime.close());

const healthy = (state: TargetHealthStateEnum): DescribeTargetHealthCommandOutput => ({
  $metadata: {},
  TargetHealthDescriptions: [
    { Target: { Id: '10.0.1.4', Port: 80 }, TargetHealth: { State: 'healthy' as TargetHealthStateEnum } },
    { Target: { Id: '10.0.1.5', Port: 80 }, TargetHealth: { State: state } },
  ],
});

/** The advance step as the state machine calls it after a wait: with the shift count its cursor was decided on. */
async function advance() {
  const deployment = await h.runtime.store.getDeployment(DEPLOYMENT_ID);
  return advanceEcs(deps, { deploymentId: DEPLOYMENT_ID, shiftsDone: deployment?.computePlatform === 'ECS' ? deployment.shiftsDone : 0 });
}

/** The ELBv2 commands sent, by name, with the target group or listener each names. */
const elbCalls = () =>
  elbv2.calls().map((call) => {
    const input = call.args[0].input as { TargetGroupArn?: string; ListenerArns?: string[]; ListenerArn?: string };
    return `${call.args[0].constructor.name} ${input.TargetGroupArn ?? input.ListenerArns?.[0] ?? input.ListenerArn}`;
  });

describe('advance-ecs on AWS', () => {
  it('checks the replacement target group is healthy before each listener change, then shifts by forward weights', async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves(healthy('healthy'));
    await advance();
    await advance();

    expect(elbCalls()).toEqual([
      `DescribeTargetHealthCommand ${GREEN}`,
      `DescribeListenersCommand ${PROD}`,
      `ModifyListenerCommand ${PROD}`,
      `DescribeTargetHealthCommand ${GREEN}`,
      `DescribeListenersCommand ${PROD}`,
      `ModifyListenerCommand ${PROD}`,
    ]);
    expect(elbv2.commandCalls(ModifyListenerCommand).map((call) => call.args[0].input.DefaultActions)).toEqual([
      [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE, Weight: 90 }, { TargetGroupArn: GREEN, Weight: 10 }] } }],
      [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE, Weight: 0 }, { TargetGroupArn: GREEN, Weight: 100 }] } }],
    ]);
  });

  it('makes the replacement primary after the last shift', async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves(healthy('healthy'));
    for (let i = 0; i < 3; i += 1) await advance();

    expect(ecs.commandCalls(UpdateServicePrimaryTaskSetCommand).map((call) => call.args[0].input)).toEqual([
      { cluster: 'main', service: 'web', primaryTaskSet: 'arn:aws:ecs:us-east-1:111122223333:task-set/main/web/ecs-svc/2' },
    ]);
  });

  it.each<TargetHealthStateEnum>(['unhealthy', 'initial', 'draining'])('touches no listener while a replacement target is %s, and looks again later', async (state) => {
    elbv2.on(DescribeTargetHealthCommand).resolves(healthy(state));
    const cursor = await advance();

    expect(cursor).toEqual({ action: 'poll', event: '', waitSeconds: 15, shiftsDone: 0 });
    expect(elbCalls()).toEqual([`DescribeTargetHealthCommand ${GREEN}`]);
  });
});

describe('a retried advance', () => {
  it('makes no second shift when its first attempt already made the one its cursor was for', async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves(healthy('healthy'));
    await advanceEcs(deps, { deploymentId: DEPLOYMENT_ID, shiftsDone: 0 });
    const retried = await advanceEcs(deps, { deploymentId: DEPLOYMENT_ID, shiftsDone: 0 });

    expect(elbv2.commandCalls(ModifyListenerCommand)).toHaveLength(1);
    expect(retried).toMatchObject({ action: 'wait', shiftsDone: 1 });
  });
});
