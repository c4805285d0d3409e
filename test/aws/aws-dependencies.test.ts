import { createAwsRuntime, parseAwsEnvironment } from '../../functions/aws/aws-dependencies';
import { SsmCommandReporter } from '../../functions/aws/ssm-command-report';
import { SsmHostRunner } from '../../functions/aws/ssm-host-runner';
import type { DeploymentGroup } from '../../functions/core/types';

const ENV = {
  TABLE_NAME: 'cutover',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:Cutover-Service-ServerInPlace',
  SSM_LOG_GROUP: '/cutover/commands',
};

describe('parseAwsEnvironment', () => {
  it('reads the handler environment', () => {
    expect(parseAwsEnvironment({ ...ENV, LOG_LEVEL: 'INFO' })).toEqual(ENV);
  });

  it('names every missing variable', () => {
    expect(() => parseAwsEnvironment({ STATE_MACHINE_ARN: ENV.STATE_MACHINE_ARN })).toThrow(
      'Cutover handler environment: TABLE_NAME is not set; SSM_LOG_GROUP is not set',
    );
  });

  it('names a malformed variable and what it should be', () => {
    expect(() => parseAwsEnvironment({ ...ENV, STATE_MACHINE_ARN: 'my-machine' })).toThrow(
      'Cutover handler environment: STATE_MACHINE_ARN is invalid (expected a state machine ARN)',
    );
  });
});

describe('createAwsRuntime', () => {
  it('resolves targets from the group instance list, the only selector so far', async () => {
    const { deps } = createAwsRuntime(ENV);
    const group: DeploymentGroup = {
      applicationName: 'shop',
      deploymentGroupName: 'web',
      deploymentGroupId: 'dg-1',
      deploymentConfigName: 'CodeDeployDefault.OneAtATime',
      computePlatform: 'Server',
    };

    await expect(deps.targets.resolve({ ...group, instanceNames: ['i-00000000000000001', 'mi-00000000000000002'] })).resolves.toEqual([
      'i-00000000000000001',
      'mi-00000000000000002',
    ]);
    await expect(deps.targets.resolve(group)).resolves.toEqual([]);
  });

  it('wires the SSM host runner and the status-event reporter', () => {
    const { deps, commandReports } = createAwsRuntime(ENV);

    expect(deps.hosts).toBeInstanceOf(SsmHostRunner);
    expect(commandReports).toBeInstanceOf(SsmCommandReporter);
  });

  it('fails at construction without its environment', () => {
    expect(() => createAwsRuntime({})).toThrow(/TABLE_NAME is not set/);
  });
});
