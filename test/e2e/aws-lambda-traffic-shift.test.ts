// A Lambda deployment end to end on the AWS side, on loopback: the API and the five step handlers of the traffic-shift
// machine as Lambda runs them, the alias shifted through the Lambda API, hooks that report through the REST API as
// CodeDeploy's hooks do, and an alarm whose state change reaches the alarm handler through the stack's own rule.
import type { HookInvocation } from '../../functions/ports';
import type { DeploymentView, LambdaDeployment } from '../../functions/core/types';
import { createTrafficDeployment } from '../../functions/steps/traffic/create-traffic-deployment';
import { lambdaDeployment } from '../../functions/steps/deployment-context';
import { ensureLocalLambdaGroup } from '../../lib/local/local-groups';
import { endedDeployment, trafficSuite } from './traffic-suite';

const CANARY = 'CodeDeployDefault.LambdaCanary10Percent5Minutes';

const suite = trafficSuite();

interface LambdaDeployRequest {
  readonly functionName: string;
  readonly alarms?: readonly string[];
  readonly hooks?: { readonly BeforeAllowTraffic?: string; readonly AfterAllowTraffic?: string };
}

/** A function with versions 1 and 2, its alias `live` on 1, and a deployment of version 2 to it, created as the API does. */
async function startDeployment(request: LambdaDeployRequest): Promise<string> {
  const { deps } = suite.aws.runtime;
  suite.aws.lambda.addFunction(request.functionName, ['1', '2']);
  suite.aws.lambda.createAlias(request.functionName, 'live', '1');
  await ensureLocalLambdaGroup(
    deps.store,
    { applicationName: request.functionName, deploymentGroupName: 'live', deploymentConfigName: CANARY, alarms: request.alarms ?? [] },
    new Date(),
  );
  const hooks = Object.entries(request.hooks ?? {}).map(([event, fn]) => `  - ${event}: ${fn}\n`);
  const appSpec =
    `version: 0.0\nResources:\n  - api:\n      Type: AWS::Lambda::Function\n      Properties:\n        Name: ${request.functionName}\n` +
    '        Alias: live\n        CurrentVersion: 1\n        TargetVersion: 2\n' +
    (hooks.length > 0 ? `Hooks:\n${hooks.join('')}` : '');
  const deployment = await createTrafficDeployment(deps, {
    applicationName: request.functionName,
    deploymentGroupName: 'live',
    appSpecContent: appSpec,
  });
  return deployment.deploymentId;
}

async function finished(deploymentId: string): Promise<DeploymentView & LambdaDeployment> {
  const ended = await endedDeployment(suite.aws, deploymentId);
  return { ...lambdaDeployment(ended), targets: ended.targets };
}

describe('a Lambda deployment through the AWS adapters on loopback stand-ins', () => {
  it('runs on the Lambda machine: hooks report through the API, the alias moves 10 % then all the way, and it succeeds', async () => {
    // The 5-minute canary wait is a task-token timeout: 0.3 s here.
    suite.aws.sfn.tokenTimeoutScale = 1000;
    suite.aws.cloudwatch.setAlarm('orders-errors', 'OK');
    suite.addSucceedingHooks('CodeDeployHook_orders-pre', 'CodeDeployHook_orders-post');

    const id = await startDeployment({
      functionName: 'orders-api',
      alarms: ['orders-errors'],
      hooks: { BeforeAllowTraffic: 'CodeDeployHook_orders-pre', AfterAllowTraffic: 'CodeDeployHook_orders-post' },
    });
    const deployment = await finished(id);

    expect(deployment.status).toBe('Succeeded');
    expect(suite.aws.sfn.started().filter((execution) => execution.name === id).map((execution) => execution.stateMachineArn)).toEqual([
      expect.stringMatching(/:stateMachine:cutover-e2e-LambdaTrafficShift$/),
    ]);
    expect(suite.aws.lambda.updates.filter((update) => update.functionName === 'orders-api').map((u) => [u.functionVersion, u.weights])).toEqual([
      ['1', { '2': 0.1 }],
      ['2', {}],
    ]);
    expect(suite.aws.lambda.alias('orders-api', 'live')).toEqual({ functionVersion: '2', weights: {} });
    expect(suite.aws.lambda.invocations.map((invocation) => [invocation.functionName, (invocation.payload as HookInvocation).DeploymentId])).toEqual([
      ['CodeDeployHook_orders-pre', id],
      ['CodeDeployHook_orders-post', id],
    ]);
    expect(deployment.targets[0].lifecycleEvents.map((event) => [event.lifecycleEventName, event.status])).toEqual([
      ['BeforeAllowTraffic', 'Succeeded'],
      ['AllowTraffic', 'Succeeded'],
      ['AfterAllowTraffic', 'Succeeded'],
    ]);
    // Every shift looked at the group's alarm first, composite alarms included.
    expect(suite.aws.cloudwatch.describeRequests).toContainEqual({ AlarmNames: ['orders-errors'], AlarmTypes: ['CompositeAlarm', 'MetricAlarm'] });
  });

  it('stops during the canary wait as soon as an alarm of the group goes to ALARM, and puts the alias back on version 1', async () => {
    // Real time: nothing but the alarm's event, through the stack's rule and the alarm handler, ends this wait.
    suite.aws.cloudwatch.setAlarm('checkout-errors', 'OK');
    const id = await startDeployment({ functionName: 'checkout-api', alarms: ['checkout-errors'] });
    const store = suite.aws.runtime.deps.store;
    const waiting = async (): Promise<boolean> => lambdaDeployment((await store.getDeployment(id))!).currentWait?.kind === 'shift';
    while (!(await waiting())) await new Promise((resolve) => setTimeout(resolve, 20));

    suite.aws.cloudwatch.setAlarm('checkout-errors', 'ALARM');
    const deployment = await finished(id);

    // CodeDeploy ends a deployment an alarm stopped as Stopped, with ALARM_ACTIVE.
    expect(deployment.status).toBe('Stopped');
    expect(deployment.errorInformation?.code).toBe('ALARM_ACTIVE');
    expect(suite.aws.lambda.alias('checkout-api', 'live')).toEqual({ functionVersion: '1', weights: {} });
    expect(suite.aws.lambda.updates.filter((update) => update.functionName === 'checkout-api').map((u) => [u.functionVersion, u.weights])).toEqual([
      ['1', { '2': 0.1 }],
      ['1', {}],
    ]);
    expect(suite.aws.bus.matched.filter((match) => match.rule === 'AlarmState').map((match) => match.event.detail.alarmName)).toEqual(['checkout-errors']);
  }, 30_000);
});
