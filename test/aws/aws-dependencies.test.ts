import { createAwsRuntime, parseAwsEnvironment } from '../../functions/aws/aws-dependencies';
import { SsmCommandReporter } from '../../functions/aws/ssm-command-report';
import { SsmHostRunner } from '../../functions/aws/ssm-host-runner';
import { AwsTargetDirectory } from '../../functions/aws/aws-target-directory';
import { ElbTrafficControl } from '../../functions/aws/elb-traffic-control';
import { CloudWatchAlarmSource } from '../../functions/aws/cloudwatch-alarm-source';
import { EcsTaskSetTraffic } from '../../functions/aws/ecs-task-set-traffic';
import { LambdaAliasTraffic } from '../../functions/aws/lambda-alias-traffic';
import { S3RevisionSource } from '../../functions/aws/s3-revision-source';
import { ValidationError } from '../../functions/core/errors';
import type { DeploymentGroup } from '../../functions/core/types';

const ENV = {
  TABLE_NAME: 'cutover',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:Cutover-Service-ServerInPlace',
  LAMBDA_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:Cutover-Service-LambdaTrafficShift',
  ECS_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:Cutover-Service-EcsBlueGreen',
  SSM_LOG_GROUP: '/cutover/commands',
  EVENT_BUS_NAME: 'cutover',
};

describe('parseAwsEnvironment', () => {
  it('reads the handler environment', () => {
    expect(parseAwsEnvironment({ ...ENV, LOG_LEVEL: 'INFO' })).toEqual(ENV);
  });

  it('names every missing variable', () => {
    expect(() => parseAwsEnvironment({ STATE_MACHINE_ARN: ENV.STATE_MACHINE_ARN })).toThrow(
      'Cutover handler environment: TABLE_NAME is not set; LAMBDA_STATE_MACHINE_ARN is not set; ECS_STATE_MACHINE_ARN is not set; ' +
        'SSM_LOG_GROUP is not set; EVENT_BUS_NAME is not set',
    );
  });

  it.each(['STATE_MACHINE_ARN', 'LAMBDA_STATE_MACHINE_ARN', 'ECS_STATE_MACHINE_ARN'])('names a malformed %s and what it should be', (name) => {
    expect(() => parseAwsEnvironment({ ...ENV, [name]: 'my-machine' })).toThrow(
      `Cutover handler environment: ${name} is invalid (expected a state machine ARN)`,
    );
  });
});

describe('createAwsRuntime', () => {
  it('resolves explicit instance ids without calling AWS, and refuses a group with no selector', async () => {
    const { deps } = createAwsRuntime(ENV);
    const group: DeploymentGroup = {
      applicationName: 'shop',
      deploymentGroupName: 'web',
      deploymentGroupId: 'dg-1',
      deploymentConfigName: 'CodeDeployDefault.OneAtATime',
      computePlatform: 'Server',
    };

    await expect(deps.targets.resolve({ ...group, instanceNames: ['mi-00000000000000002', 'i-00000000000000001'] })).resolves.toEqual([
      'i-00000000000000001',
      'mi-00000000000000002',
    ]);
    await expect(deps.targets.resolve(group)).rejects.toThrow(ValidationError);
  });

  it('wires an adapter for every port, load balancers, Lambda aliases, ECS task sets and CloudWatch alarms included', () => {
    const { deps, commandReports } = createAwsRuntime(ENV);

    expect(deps.hosts).toBeInstanceOf(SsmHostRunner);
    expect(deps.targets).toBeInstanceOf(AwsTargetDirectory);
    expect(deps.revisions).toBeInstanceOf(S3RevisionSource);
    expect(deps.traffic).toBeInstanceOf(ElbTrafficControl);
    expect(deps.aliases).toBeInstanceOf(LambdaAliasTraffic);
    expect(deps.ecs).toBeInstanceOf(EcsTaskSetTraffic);
    expect(deps.alarms).toBeInstanceOf(CloudWatchAlarmSource);
    expect(commandReports).toBeInstanceOf(SsmCommandReporter);
  });

  it('fails at construction without its environment', () => {
    expect(() => createAwsRuntime({})).toThrow(/TABLE_NAME is not set/);
  });
});
