import { App, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CutoverStack, type CutoverStackProps } from '../../lib/infra/cutover-stack';

// The same checks bin/app.ts registers; any unacknowledged finding makes synth throw.
function checkedApp(props: CutoverStackProps = {}): { app: App; stack: CutoverStack } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new CutoverStack(app, 'Cutover', props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

describe('cdk-nag AwsSolutions', () => {
  it('passes the stack: every finding is fixed or acknowledged with a reason', () => {
    const { app } = checkedApp();

    expect(() => app.synth()).not.toThrow();
  });

  it.each<[string, CutoverStackProps]>([
    ['revision buckets', { revisionBucketNames: ['my-bundles', 'other-bundles'] }],
    [
      'load balancers narrowed',
      {
        loadBalancerArns: {
          targetGroups: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef'],
          classicLoadBalancers: [],
        },
      },
    ],
    ['trigger topics listed', { triggerTopicArns: ['arn:aws:sns:us-east-1:123456789012:deploy-alerts'] }],
    ['trigger topics by pattern, with their key', { triggerTopicArns: ['arn:aws:sns:us-east-1:123456789012:team-*'], triggerTopicKeyArns: ['arn:aws:kms:us-east-1:123456789012:key/0b4c5a1e-1111-2222-3333-444455556666'] }],
    ['no trigger topics', { triggerTopicArns: [] }],
    ["the account's API Gateway logging role left alone", { apiGatewayCloudWatchRole: false }],
    ['another bus name', { eventBusName: 'cutover-staging' }],
    ['Lambda functions listed', { lambdaFunctionArns: ['arn:aws:lambda:us-east-1:123456789012:function:orders-api'] }],
    ['Lambda functions by pattern', { lambdaFunctionArns: ['arn:aws:lambda:us-east-1:123456789012:function:team-*'] }],
    ['hook functions listed', { hookFunctionArns: ['arn:aws:lambda:us-east-1:123456789012:function:orders-smoke-test'] }],
    ['no hook functions', { hookFunctionArns: [] }],
    ['ECS services and listeners listed', {
      ecsServiceArns: ['arn:aws:ecs:us-east-1:123456789012:service/orders/orders-web'],
      ecsListenerArns: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/orders/0123456789abcdef/fedcba9876543210'],
    }],
    ['ECS services by pattern', { ecsServiceArns: ['arn:aws:ecs:us-east-1:123456789012:service/team-*/*'] }],
    ['no ECS services or listeners', { ecsServiceArns: [], ecsListenerArns: [] }],
  ])('passes the stack with %s', (_name, props) => {
    const { app } = checkedApp(props);

    expect(() => app.synth()).not.toThrow();
  });

  it('passes the stack with a revision bucket granted after construction', () => {
    const { app, stack } = checkedApp();
    stack.service.grantRevisionRead(Bucket.fromBucketName(stack, 'Later', 'later-bundles'));

    expect(() => app.synth()).not.toThrow();
  });

  it('passes the stack with a role of the stack granted invoke on the API', () => {
    const { app, stack } = checkedApp();
    stack.service.grantInvoke(new Role(stack, 'Caller', { assumedBy: new ServicePrincipal('codebuild.amazonaws.com') }));

    expect(() => app.synth()).not.toThrow();
  });

  it('still fails on a finding nobody acknowledged', () => {
    // A bucket without access logs, SSL enforcement or the like: AwsSolutions-S1 and friends.
    const { app, stack } = checkedApp();
    new Bucket(stack, 'Unreviewed');

    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });
});
