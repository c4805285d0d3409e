// The CDK app behind `npx cdk deploy`: one env-agnostic Cutover stack, checked by cdk-nag's AWS Solutions rules on
// every synth. Findings that are design decisions are acknowledged, with the reason, next to the resource that
// raises them (lib/infra), so they travel with the construct; anything else fails the synth.
//
// Context (lists are comma-separated):
//   cutover:revisionBuckets        names of your own buckets holding revision bundles, besides the stack's own
//                                  (npx cdk deploy -c cutover:revisionBuckets=my-bundles,other-bundles)
//   cutover:targetGroupArns        target groups BlockTraffic/AllowTraffic may move instances in and out of
//   cutover:classicLoadBalancerArns  classic load balancers likewise (both default to all in the account and region)
//   cutover:triggerTopicArns       SNS topics deployment-group triggers may publish to (default: topics named
//                                  cutover-* in the account and region)
//   cutover:triggerTopicKeyArns    customer managed KMS keys of encrypted trigger topics (default: none)
//   cutover:eventBusName           the EventBridge bus state changes go to (default: cutover)
//   cutover:lambdaFunctionArns     functions whose aliases Lambda deployments may read and shift (default: every
//                                  function in the account and region)
//   cutover:hookFunctionArns       lifecycle hook functions Lambda and ECS deployments may invoke (default: functions
//                                  named CodeDeployHook_*, CodeDeploy's convention)
//   cutover:ecsServiceArns         ECS services (arn:…:service/<cluster>/<service>) ECS deployments may change, with
//                                  their task sets (default: every service in the account and region)
//   cutover:ecsListenerArns        load balancer listeners ECS deployments may shift traffic on (default: every
//                                  listener in the account and region)
//   cutover:apiGatewayCloudWatchRole  'false' leaves the account's API Gateway logging role to whoever set it
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CutoverStack } from '../lib/infra/cutover-stack';

const app = new App();

new CutoverStack(app, 'Cutover', {
  revisionBucketNames: listContext('cutover:revisionBuckets') ?? [],
  loadBalancerArns: {
    targetGroups: listContext('cutover:targetGroupArns'),
    classicLoadBalancers: listContext('cutover:classicLoadBalancerArns'),
  },
  triggerTopicArns: listContext('cutover:triggerTopicArns'),
  triggerTopicKeyArns: listContext('cutover:triggerTopicKeyArns'),
  eventBusName: stringContext('cutover:eventBusName'),
  lambdaFunctionArns: listContext('cutover:lambdaFunctionArns'),
  hookFunctionArns: listContext('cutover:hookFunctionArns'),
  ecsServiceArns: listContext('cutover:ecsServiceArns'),
  ecsListenerArns: listContext('cutover:ecsListenerArns'),
  apiGatewayCloudWatchRole: booleanContext('cutover:apiGatewayCloudWatchRole'),
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

/** A comma-separated context value as a list; undefined when not given, so the stack's default applies. */
function listContext(name: string): string[] | undefined {
  return stringContext(name)
    ?.split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function stringContext(name: string): string | undefined {
  const value: unknown = app.node.tryGetContext(name);
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new Error(`${name} must be a string, got ${JSON.stringify(value)}`);
  }
  return value;
}

// `-c name=false` arrives as a string, cdk.json may hold a boolean.
function booleanContext(name: string): boolean | undefined {
  const value: unknown = app.node.tryGetContext(name);
  if (value === undefined || typeof value === 'boolean') {
    return value;
  }
  if (value === 'true' || value === 'false') {
    return value === 'true';
  }
  throw new Error(`${name} must be true or false, got ${JSON.stringify(value)}`);
}
