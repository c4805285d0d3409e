// An ECS blue/green deployment end to end on the AWS side, on loopback: the API and the step handlers of the stack's
// ECS machine as Lambda runs them (the machine and the functions behind its placeholders read from the synthesized
// template), the service's task sets changed through the ECS API and its listeners weighted through the ELBv2 API,
// both answered by the embedded runtime's ECS simulation, and hooks that report through the REST API.
import type { DeploymentView, EcsDeployment } from '../../functions/core/types';
import type { HookInvocation } from '../../functions/ports';
import { ecsDeployment } from '../../functions/steps/deployment-context';
import { createTrafficDeployment } from '../../functions/steps/traffic/create-traffic-deployment';
import { ensureLocalEcsGroup } from '../../lib/local/local-groups';
import { endedDeployment, trafficSuite } from './traffic-suite';

const CANARY = 'CodeDeployDefault.ECSCanary10Percent5Minutes';
const ORIGINAL_TASK_DEFINITION = 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop-web:1';
const NEW_TASK_DEFINITION = 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop-web:2';

const suite = trafficSuite();

interface Listeners {
  readonly prod: string;
  readonly test: string;
}

/** Service main/shop-web on task definition 1 behind target group `blue`, with `green` spare and both listeners on blue. */
async function runningService(): Promise<Listeners> {
  const ecs = suite.aws.ecsServices;
  await ecs.createTargetGroup('blue');
  await ecs.createTargetGroup('green');
  const listeners = { prod: await ecs.createListener('shop-prod', 'blue'), test: await ecs.createListener('shop-test', 'blue') };
  await ecs.createService({
    cluster: 'main',
    service: 'shop-web',
    desiredCount: 2,
    taskDefinition: ORIGINAL_TASK_DEFINITION,
    targetGroupName: 'blue',
    containerName: 'web',
    containerPort: 8080,
  });
  return listeners;
}

/** The group (blue/green pair, both listeners, an alarm) and a deployment of task definition 2, created as the API does. */
async function startDeployment(listeners: Listeners): Promise<string> {
  const { deps } = suite.aws.runtime;
  await ensureLocalEcsGroup(
    deps.store,
    {
      applicationName: 'shop',
      deploymentGroupName: 'web',
      service: { clusterName: 'main', serviceName: 'shop-web' },
      targetGroupPair: {
        targetGroups: [{ name: 'blue' }, { name: 'green' }],
        prodTrafficRoute: { listenerArns: [listeners.prod] },
        testTrafficRoute: { listenerArns: [listeners.test] },
      },
      deploymentConfigName: CANARY,
      alarms: ['shop-errors'],
    },
    new Date(),
  );
  const appSpec =
    'version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n' +
    `        TaskDefinition: "${NEW_TASK_DEFINITION}"\n        LoadBalancerInfo:\n          ContainerName: web\n          ContainerPort: 8080\n` +
    'Hooks:\n  - BeforeAllowTraffic: CodeDeployHook_shop-pre\n  - AfterAllowTraffic: CodeDeployHook_shop-post\n';
  const deployment = await createTrafficDeployment(deps, { applicationName: 'shop', deploymentGroupName: 'web', appSpecContent: appSpec });
  return deployment.deploymentId;
}

async function finished(deploymentId: string): Promise<DeploymentView & EcsDeployment> {
  const ended = await endedDeployment(suite.aws, deploymentId);
  return { ...ecsDeployment(ended), targets: ended.targets };
}

describe('an ECS deployment through the AWS adapters on loopback stand-ins', () => {
  it('runs on the ECS machine: a replacement task set, test traffic, 10 % then all of production, hooks, and the original removed', async () => {
    // The 5-minute canary wait is a task-token timeout: 0.3 s here.
    suite.aws.sfn.tokenTimeoutScale = 1000;
    suite.aws.cloudwatch.setAlarm('shop-errors', 'OK');
    suite.addSucceedingHooks('CodeDeployHook_shop-pre', 'CodeDeployHook_shop-post');
    const listeners = await runningService();
    const blue = await suite.aws.ecsServices.targetGroupArn('blue');
    const green = await suite.aws.ecsServices.targetGroupArn('green');

    const id = await startDeployment(listeners);
    const deployment = await finished(id);

    expect(deployment.status).toBe('Succeeded');
    expect(suite.aws.sfn.started().filter((execution) => execution.name === id).map((execution) => execution.stateMachineArn)).toEqual([
      expect.stringMatching(/:stateMachine:cutover-e2e-EcsBlueGreen$/),
    ]);
    expect(deployment.targets[0].lifecycleEvents.map((event) => [event.lifecycleEventName, event.status])).toEqual([
      ['BeforeInstall', 'Skipped'],
      ['Install', 'Succeeded'],
      ['AfterInstall', 'Skipped'],
      ['AllowTestTraffic', 'Succeeded'],
      ['AfterAllowTestTraffic', 'Skipped'],
      ['BeforeAllowTraffic', 'Succeeded'],
      ['AllowTraffic', 'Succeeded'],
      ['AfterAllowTraffic', 'Succeeded'],
    ]);
    // Test traffic went to the replacement whole; production 10 %, then all of it.
    expect(suite.aws.elbv2.modifications).toEqual([
      { listenerArn: listeners.test, weights: { [green]: 100 } },
      { listenerArn: listeners.prod, weights: { [blue]: 90, [green]: 10 } },
      { listenerArn: listeners.prod, weights: { [blue]: 0, [green]: 100 } },
    ]);
    const replacement = deployment.replacementTaskSet;
    const original = deployment.originalTaskSet;
    expect(replacement?.targetGroupArn).toBe(green);
    expect(original?.targetGroupArn).toBe(blue);
    // The start reads the service, the create reads it again for its settings; the replacement is still STABILIZING at
    // the first look, so the advance step polls once before it moves on.
    expect(suite.aws.ecs.operations()).toEqual([
      'DescribeServices',
      'DescribeServices',
      'CreateTaskSet',
      'DescribeTaskSets',
      'DescribeTaskSets',
      'UpdateServicePrimaryTaskSet',
      'DeleteTaskSet',
    ]);
    const created = suite.aws.ecs.requests.filter((request) => request.operation === 'CreateTaskSet').map((request) => request.input);
    expect(created).toEqual([
      expect.objectContaining({
        cluster: 'main',
        service: 'shop-web',
        taskDefinition: NEW_TASK_DEFINITION,
        externalId: id,
        loadBalancers: [{ targetGroupArn: green, containerName: 'web', containerPort: 8080 }],
        scale: { value: 100, unit: 'PERCENT' },
      }),
    ]);
    expect(suite.aws.ecs.requests.filter((request) => ['UpdateServicePrimaryTaskSet', 'DeleteTaskSet'].includes(request.operation))).toEqual([
      { operation: 'UpdateServicePrimaryTaskSet', input: { cluster: 'main', service: 'shop-web', primaryTaskSet: replacement?.arn } },
      { operation: 'DeleteTaskSet', input: { cluster: 'main', service: 'shop-web', taskSet: original?.arn, force: true } },
    ]);
    // The service as ECS and ELB leave it: the new task definition alone, primary, with all traffic.
    const service = await suite.aws.ecsServices.describe('main', 'shop-web');
    expect(service.taskSets.map((taskSet) => [taskSet.taskDefinition, taskSet.status, taskSet.trafficWeights.map((weight) => weight.percent)])).toEqual([
      [NEW_TASK_DEFINITION, 'PRIMARY', [100, 100]],
    ]);
    expect(suite.aws.lambda.invocations.map((invocation) => [invocation.functionName, (invocation.payload as HookInvocation).DeploymentId])).toEqual([
      ['CodeDeployHook_shop-pre', id],
      ['CodeDeployHook_shop-post', id],
    ]);
    // The group's alarm was looked at before the changes, composite alarms included.
    expect(suite.aws.cloudwatch.describeRequests).toContainEqual({ AlarmNames: ['shop-errors'], AlarmTypes: ['CompositeAlarm', 'MetricAlarm'] });
  }, 30_000);
});
