import {
  AutoScalingClient,
  type AutoScalingGroup,
  DescribeAutoScalingGroupsCommand,
  type LifecycleState,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  EC2Client,
  type Instance,
  type InstanceStateName,
} from '@aws-sdk/client-ec2';
import {
  DescribeInstanceInformationCommand,
  type DescribeInstanceInformationCommandInput,
  type InstanceInformation,
  InvalidResourceId,
  ListTagsForResourceCommand,
  SSMClient,
  type Tag,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AwsTargetDirectory } from '../../functions/aws/aws-target-directory';
import { ValidationError } from '../../functions/core/errors';
import type { DeploymentGroup, TagFilter } from '../../functions/core/types';

const ec2 = mockClient(EC2Client);
const ssm = mockClient(SSMClient);
const autoScaling = mockClient(AutoScalingClient);
const directory = new AwsTargetDirectory({ ec2: new EC2Client({}), ssm: new SSMClient({}), autoScaling: new AutoScalingClient({}) });

const keyOnly = (Key: string): TagFilter => ({ Key, Type: 'KEY_ONLY' });
const valueOnly = (Value: string): TagFilter => ({ Value, Type: 'VALUE_ONLY' });
const keyAndValue = (Key: string, Value: string): TagFilter => ({ Key, Value, Type: 'KEY_AND_VALUE' });

const ec2Id = (n: number): string => `i-${n.toString(16).padStart(17, '0')}`;
const onPremId = (n: number): string => `mi-${n.toString(16).padStart(17, '0')}`;
const range = (from: number, until: number): number[] => Array.from({ length: until - from }, (_, n) => from + n);

const groupWith = (selectors: Partial<DeploymentGroup>): DeploymentGroup => ({
  applicationName: 'shop',
  deploymentGroupName: 'web',
  deploymentGroupId: 'dg-1',
  deploymentConfigName: 'CodeDeployDefault.OneAtATime',
  computePlatform: 'Server',
  ...selectors,
});

// ---- EC2: answers per tag filter (`Name=Value`), as pages ----

const RUNNING_FILTER = { Name: 'instance-state-name', Values: ['running'] };
const ec2Pages = new Map<string, Instance[][]>();

const instance = (id: string, tags: Record<string, string>, state: InstanceStateName = 'running'): Instance => ({
  InstanceId: id,
  State: { Name: state },
  Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});

/** The exact DescribeInstances input for one page of one tag filter. */
const describeInstancesInput = (Name: string, Value: string, NextToken?: string): DescribeInstancesCommandInput => ({
  Filters: [{ Name, Values: [Value] }, RUNNING_FILTER],
  MaxResults: 1000,
  ...(NextToken === undefined ? {} : { NextToken }),
});

const describeInstancesInputs = () => ec2.commandCalls(DescribeInstancesCommand).map((call) => call.args[0].input);

// ---- SSM: DescribeInstanceInformation per filter (`Key=Value`), tags per managed instance ----

const ssmPages = new Map<string, InstanceInformation[][]>();
const ssmTags = new Map<string, Tag[]>();

const managed = (id: string): InstanceInformation => ({ InstanceId: id, PingStatus: 'Online', ResourceType: 'ManagedInstance' });
const ec2InSsm = (id: string): InstanceInformation => ({ InstanceId: id, PingStatus: 'Online', ResourceType: 'EC2Instance' });

const describeInformationInput = (Key: string, Value: string, NextToken?: string): DescribeInstanceInformationCommandInput => ({
  Filters: [{ Key, Values: [Value] }],
  MaxResults: 50,
  ...(NextToken === undefined ? {} : { NextToken }),
});

const describeInformationInputs = () => ssm.commandCalls(DescribeInstanceInformationCommand).map((call) => call.args[0].input);
const listTagsInputs = () => ssm.commandCalls(ListTagsForResourceCommand).map((call) => call.args[0].input);

// ---- Auto Scaling ----

const asgInstance = (InstanceId: string, LifecycleState: LifecycleState) => ({
  InstanceId,
  LifecycleState,
  HealthStatus: 'Healthy',
  AvailabilityZone: 'eu-west-1a',
  ProtectedFromScaleIn: false,
});

const asg = (name: string, instances: ReturnType<typeof asgInstance>[]): AutoScalingGroup =>
  ({ AutoScalingGroupName: name, Instances: instances }) as AutoScalingGroup;

/** Pages as a paginated answer: `page-<n>` tokens, none on the last. */
function pageOf<T>(pages: readonly T[][], nextToken: string | undefined): { items: T[]; next?: string } {
  const index = nextToken === undefined ? 0 : Number(nextToken.replace('page-', ''));
  return { items: pages[index] ?? [], ...(index + 1 < pages.length ? { next: `page-${index + 1}` } : {}) };
}

beforeEach(() => {
  ec2.reset();
  ssm.reset();
  autoScaling.reset();
  ec2Pages.clear();
  ssmPages.clear();
  ssmTags.clear();
  ec2.on(DescribeInstancesCommand).callsFake((input: DescribeInstancesCommandInput) => {
    const [tag] = input.Filters ?? [];
    const { items, next } = pageOf(ec2Pages.get(`${tag.Name}=${tag.Values?.join(',')}`) ?? [], input.NextToken);
    return { Reservations: [{ ReservationId: 'r-1', Instances: items }], NextToken: next };
  });
  ssm.on(DescribeInstanceInformationCommand).callsFake((input: DescribeInstanceInformationCommandInput) => {
    const [filter] = input.Filters ?? [];
    const { items, next } = pageOf(ssmPages.get(`${filter.Key}=${filter.Values?.join(',')}`) ?? [], input.NextToken);
    return { InstanceInformationList: items, NextToken: next };
  });
  ssm.on(ListTagsForResourceCommand).callsFake((input: { ResourceId: string }) => ({ TagList: ssmTags.get(input.ResourceId) ?? [] }));
  autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
});

async function problemsOf(promise: Promise<unknown>): Promise<{ field: string; message: string }[]> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).problems.map(({ field, message }) => ({ field, message }));
}

const expectNoAwsCall = () => {
  expect(ec2.calls()).toHaveLength(0);
  expect(ssm.calls()).toHaveLength(0);
  expect(autoScaling.calls()).toHaveLength(0);
};

describe('AwsTargetDirectory: groups it refuses before any AWS call', () => {
  it.each<[string, Partial<DeploymentGroup>, { field: string; message: string }[]]>([
    [
      'no selector at all',
      {},
      [
        {
          field: '(deployment group)',
          message:
            "'shop/web' selects no instances: set at least one of instanceNames, ec2TagFilters, ec2TagSet, onPremisesInstanceTagFilters, onPremisesTagSet, autoScalingGroups",
        },
      ],
    ],
    [
      'EC2 filters and an EC2 set',
      { ec2TagFilters: [keyOnly('A')], ec2TagSet: { ec2TagSetList: [[keyOnly('B')]] } },
      [{ field: 'ec2TagSet', message: 'cannot be combined with ec2TagFilters: use one or the other (CodeDeploy: InvalidEC2TagCombination)' }],
    ],
    [
      'a local host name where an instance id belongs',
      { instanceNames: ['web-1'] },
      [
        {
          field: 'instanceNames[0]',
          message: 'must be an EC2 instance id (i- and 8 or 17 characters) or an on-premises one (mi- and 17 characters) (got "web-1")',
        },
      ],
    ],
    [
      'eleven Auto Scaling groups',
      { autoScalingGroups: Array.from({ length: 11 }, (_, n) => `asg-${n}`) },
      [{ field: 'autoScalingGroups', message: 'lists 11 Auto Scaling groups; at most 10 are allowed' }],
    ],
  ])('%s', async (_, selectors, expected) => {
    expect(await problemsOf(directory.resolve(groupWith(selectors)))).toEqual(expected);
    expectNoAwsCall();
  });
});

describe('AwsTargetDirectory: explicit instance ids', () => {
  it('returns them sorted and once each, without calling AWS', async () => {
    const group = groupWith({ instanceNames: [onPremId(1), ec2Id(2), ec2Id(1), ec2Id(2)] });

    expect(await directory.resolve(group)).toEqual([ec2Id(1), ec2Id(2), onPremId(1)]);
    expectNoAwsCall();
  });
});

describe('AwsTargetDirectory: EC2 tags', () => {
  it.each<[TagFilter, string, string]>([
    [keyOnly('Env'), 'tag-key', 'Env'],
    [valueOnly('prod'), 'tag-value', 'prod'],
    [keyAndValue('Env', 'prod'), 'tag:Env', 'prod'],
  ])('asks EC2 for running instances matching %j with the filter %s=%s', async (filter, name, value) => {
    ec2Pages.set(`${name}=${value}`, [[instance(ec2Id(1), { Env: 'prod' })]]);

    expect(await directory.resolve(groupWith({ ec2TagFilters: [filter] }))).toEqual([ec2Id(1)]);
    expect(ec2).toHaveReceivedCommandWith(DescribeInstancesCommand, describeInstancesInput(name, value));
    expect(describeInstancesInputs()).toEqual([describeInstancesInput(name, value)]);
    expect(ssm.calls()).toHaveLength(0);
    expect(autoScaling.calls()).toHaveLength(0);
  });

  it('selects instances matching any filter of the group (OR), with one call per filter', async () => {
    ec2Pages.set('tag:Env=prod', [[instance(ec2Id(2), { Env: 'prod' }), instance(ec2Id(1), { Env: 'prod', Role: 'web' })]]);
    ec2Pages.set('tag-key=Role', [[instance(ec2Id(1), { Env: 'prod', Role: 'web' }), instance(ec2Id(3), { Role: 'db' })]]);

    const resolved = await directory.resolve(groupWith({ ec2TagFilters: [keyAndValue('Env', 'prod'), keyOnly('Role')] }));

    expect(resolved).toEqual([ec2Id(1), ec2Id(2), ec2Id(3)]);
    expect(describeInstancesInputs()).toEqual([describeInstancesInput('tag:Env', 'prod'), describeInstancesInput('tag-key', 'Role')]);
  });

  it('selects instances matching every group of a set (AND), OR within each group', async () => {
    ec2Pages.set('tag:Env=prod', [[instance(ec2Id(1), { Env: 'prod', Role: 'web' }), instance(ec2Id(2), { Env: 'prod', Role: 'db' })]]);
    ec2Pages.set('tag:Env=staging', [[instance(ec2Id(3), { Env: 'staging', Role: 'web' })]]);
    ec2Pages.set('tag:Role=web', [[instance(ec2Id(1), { Env: 'prod', Role: 'web' }), instance(ec2Id(3), { Env: 'staging', Role: 'web' }), instance(ec2Id(4), { Role: 'web' })]]);

    const group = groupWith({
      ec2TagSet: { ec2TagSetList: [[keyAndValue('Env', 'prod'), keyAndValue('Env', 'staging')], [keyAndValue('Role', 'web')]] },
    });

    expect(await directory.resolve(group)).toEqual([ec2Id(1), ec2Id(3)]);
    expect(describeInstancesInputs()).toEqual([
      describeInstancesInput('tag:Env', 'prod'),
      describeInstancesInput('tag:Env', 'staging'),
      describeInstancesInput('tag:Role', 'web'),
    ]);
  });

  it('stops looking up a set once a group matches nothing: the AND is empty', async () => {
    const group = groupWith({ ec2TagSet: { ec2TagSetList: [[keyOnly('Canary')], [keyOnly('Env')], [keyOnly('Role')]] } });

    // A group with only explicit ids beside it still deploys to those.
    expect(await directory.resolve({ ...group, instanceNames: [ec2Id(9)] })).toEqual([ec2Id(9)]);
    expect(describeInstancesInputs()).toEqual([describeInstancesInput('tag-key', 'Canary')]);
  });

  it('follows NextToken through every page', async () => {
    ec2Pages.set('tag-key=Env', [[instance(ec2Id(1), { Env: 'a' }), instance(ec2Id(2), { Env: 'b' })], [instance(ec2Id(3), { Env: 'c' })]]);

    expect(await directory.resolve(groupWith({ ec2TagFilters: [keyOnly('Env')] }))).toEqual([ec2Id(1), ec2Id(2), ec2Id(3)]);
    expect(describeInstancesInputs()).toEqual([describeInstancesInput('tag-key', 'Env'), describeInstancesInput('tag-key', 'Env', 'page-1')]);
  });

  it('keeps running instances only, whatever comes back', async () => {
    ec2Pages.set('tag-key=Env', [
      [instance(ec2Id(1), { Env: 'a' }), instance(ec2Id(2), { Env: 'a' }, 'stopped'), instance(ec2Id(3), { Env: 'a' }, 'pending')],
    ]);

    expect(await directory.resolve(groupWith({ ec2TagFilters: [keyOnly('Env')] }))).toEqual([ec2Id(1)]);
    expect(ec2).toHaveReceivedCommandWith(DescribeInstancesCommand, { Filters: [{ Name: 'tag-key', Values: ['Env'] }, RUNNING_FILTER] });
  });

  it('matches tags exactly, though EC2 reads * and ? in filter values as wildcards', async () => {
    ec2Pages.set('tag:Env=prod*', [[instance(ec2Id(1), { Env: 'prod*' }), instance(ec2Id(2), { Env: 'production' })]]);
    ec2Pages.set('tag-value=we?', [[instance(ec2Id(3), { Role: 'we?' }), instance(ec2Id(4), { Role: 'web' })]]);

    const group = groupWith({ ec2TagFilters: [keyAndValue('Env', 'prod*'), valueOnly('we?')] });

    expect(await directory.resolve(group)).toEqual([ec2Id(1), ec2Id(3)]);
  });

  it('lets an EC2 error through as it is (the SDK has already retried throttling)', async () => {
    ec2.on(DescribeInstancesCommand).rejects(Object.assign(new Error('Request limit exceeded.'), { name: 'RequestLimitExceeded' }));

    await expect(directory.resolve(groupWith({ ec2TagFilters: [keyOnly('Env')] }))).rejects.toMatchObject({ name: 'RequestLimitExceeded' });
  });
});

describe('AwsTargetDirectory: on-premises tags', () => {
  it.each<[TagFilter, string, string]>([
    [keyOnly('Env'), 'tag-key', 'Env'],
    [keyAndValue('Env', 'prod'), 'tag:Env', 'prod'],
  ])('asks SSM for managed instances matching %j with the filter %s=%s, leaving EC2 instances out', async (filter, key, value) => {
    ssmPages.set(`${key}=${value}`, [[managed(onPremId(2)), ec2InSsm(ec2Id(1)), managed(onPremId(1))]]);

    expect(await directory.resolve(groupWith({ onPremisesInstanceTagFilters: [filter] }))).toEqual([onPremId(1), onPremId(2)]);
    expect(ssm).toHaveReceivedCommandWith(DescribeInstanceInformationCommand, describeInformationInput(key, value));
    expect(describeInformationInputs()).toEqual([describeInformationInput(key, value)]);
    expect(ssm).not.toHaveReceivedCommand(ListTagsForResourceCommand);
    expect(ec2.calls()).toHaveLength(0);
  });

  it('follows NextToken through every page', async () => {
    ssmPages.set('tag-key=Env', [[managed(onPremId(1))], [managed(onPremId(2))], [managed(onPremId(3))]]);

    expect(await directory.resolve(groupWith({ onPremisesInstanceTagFilters: [keyOnly('Env')] }))).toEqual([
      onPremId(1),
      onPremId(2),
      onPremId(3),
    ]);
    expect(describeInformationInputs()).toEqual([
      describeInformationInput('tag-key', 'Env'),
      describeInformationInput('tag-key', 'Env', 'page-1'),
      describeInformationInput('tag-key', 'Env', 'page-2'),
    ]);
  });

  it('matches VALUE_ONLY on the tags of every managed instance, which it reads with ListTagsForResource', async () => {
    ssmPages.set('ResourceType=ManagedInstance', [[managed(onPremId(1)), managed(onPremId(2))], [managed(onPremId(3))]]);
    ssmTags.set(onPremId(1), [{ Key: 'Env', Value: 'prod' }]);
    ssmTags.set(onPremId(2), [{ Key: 'Owner', Value: 'Prod' }]);
    ssmTags.set(onPremId(3), [{ Key: 'Stage', Value: 'prod' }]);

    expect(await directory.resolve(groupWith({ onPremisesInstanceTagFilters: [valueOnly('prod')] }))).toEqual([onPremId(1), onPremId(3)]);
    expect(describeInformationInputs()).toEqual([
      describeInformationInput('ResourceType', 'ManagedInstance'),
      describeInformationInput('ResourceType', 'ManagedInstance', 'page-1'),
    ]);
    expect(listTagsInputs()).toEqual(
      [1, 2, 3].map((n) => ({ ResourceType: 'ManagedInstance', ResourceId: onPremId(n) })),
    );
  });

  it('applies a set with VALUE_ONLY in several groups (AND), reading each instance’s tags once', async () => {
    ssmPages.set('ResourceType=ManagedInstance', [[managed(onPremId(1)), managed(onPremId(2)), managed(onPremId(3))]]);
    ssmPages.set('tag-key=Web', [[managed(onPremId(1)), managed(onPremId(2)), managed(onPremId(3))]]);
    ssmTags.set(onPremId(1), [{ Key: 'Env', Value: 'prod' }, { Key: 'Dc', Value: 'paris' }]);
    ssmTags.set(onPremId(2), [{ Key: 'Env', Value: 'prod' }, { Key: 'Dc', Value: 'lyon' }]);
    ssmTags.set(onPremId(3), [{ Key: 'Env', Value: 'staging' }, { Key: 'Dc', Value: 'paris' }]);

    const group = groupWith({
      onPremisesTagSet: { onPremisesTagSetList: [[valueOnly('prod')], [valueOnly('paris'), keyOnly('Canary')], [keyOnly('Web')]] },
    });

    expect(await directory.resolve(group)).toEqual([onPremId(1)]);
    expect(describeInformationInputs()).toEqual([
      describeInformationInput('ResourceType', 'ManagedInstance'),
      describeInformationInput('tag-key', 'Canary'),
      describeInformationInput('tag-key', 'Web'),
    ]);
    expect(ssm).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 3);
  });

  it('leaves out an instance deregistered between the listing and the tag read', async () => {
    ssmPages.set('ResourceType=ManagedInstance', [[managed(onPremId(1)), managed(onPremId(2))]]);
    ssmTags.set(onPremId(1), [{ Key: 'Env', Value: 'prod' }]);
    ssm
      .on(ListTagsForResourceCommand, { ResourceId: onPremId(2) })
      .rejects(new InvalidResourceId({ message: 'gone', $metadata: {} }));

    expect(await directory.resolve(groupWith({ onPremisesInstanceTagFilters: [valueOnly('prod')] }))).toEqual([onPremId(1)]);
    expect(ssm).toHaveReceivedCommandWith(ListTagsForResourceCommand, { ResourceType: 'ManagedInstance', ResourceId: onPremId(2) });
  });
});

describe('AwsTargetDirectory: Auto Scaling groups', () => {
  it('takes the InService instances of the named groups from one call', async () => {
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        asg('web', [
          asgInstance(ec2Id(2), 'InService'),
          asgInstance(ec2Id(3), 'Pending'),
          asgInstance(ec2Id(4), 'Terminating'),
          asgInstance(ec2Id(5), 'Standby'),
        ]),
        asg('api', [asgInstance(ec2Id(1), 'InService'), asgInstance(ec2Id(6), 'Pending:Wait')]),
      ],
    });

    expect(await directory.resolve(groupWith({ autoScalingGroups: ['web', 'api'] }))).toEqual([ec2Id(1), ec2Id(2)]);
    expect(autoScaling.commandCalls(DescribeAutoScalingGroupsCommand).map((call) => call.args[0].input)).toEqual([
      { AutoScalingGroupNames: ['web', 'api'], MaxRecords: 100 },
    ]);
    expect(ec2.calls()).toHaveLength(0);
    expect(ssm.calls()).toHaveLength(0);
  });

  it('follows NextToken through every page', async () => {
    autoScaling
      .on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce({ AutoScalingGroups: [asg('web', [asgInstance(ec2Id(1), 'InService')])], NextToken: 'page-1' })
      .resolvesOnce({ AutoScalingGroups: [asg('api', [asgInstance(ec2Id(2), 'InService')])] });

    expect(await directory.resolve(groupWith({ autoScalingGroups: ['web', 'api'] }))).toEqual([ec2Id(1), ec2Id(2)]);
    expect(autoScaling).toHaveReceivedNthCommandWith(2, DescribeAutoScalingGroupsCommand, {
      AutoScalingGroupNames: ['web', 'api'],
      MaxRecords: 100,
      NextToken: 'page-1',
    });
    expect(autoScaling).toHaveReceivedCommandTimes(DescribeAutoScalingGroupsCommand, 2);
  });

  it('refuses a group naming Auto Scaling groups that do not exist, naming each', async () => {
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [asg('web', [asgInstance(ec2Id(1), 'InService')])] });

    expect(await problemsOf(directory.resolve(groupWith({ autoScalingGroups: ['old', 'web', 'gone'] })))).toEqual([
      { field: 'autoScalingGroups[0]', message: "Auto Scaling group 'old' does not exist in this account and Region" },
      { field: 'autoScalingGroups[2]', message: "Auto Scaling group 'gone' does not exist in this account and Region" },
    ]);
  });
});

describe('AwsTargetDirectory: every selector at once', () => {
  it('returns the union of explicit ids, EC2 tags, on-premises tags and Auto Scaling, once each and sorted', async () => {
    ec2Pages.set('tag:Env=prod', [[instance(ec2Id(3), { Env: 'prod' }), instance(ec2Id(1), { Env: 'prod' })]]);
    ssmPages.set('tag:Env=prod', [[managed(onPremId(1))]]);
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [asg('web', [asgInstance(ec2Id(3), 'InService'), asgInstance(ec2Id(2), 'InService')])],
    });

    const group = groupWith({
      instanceNames: [ec2Id(1), onPremId(2)],
      ec2TagFilters: [keyAndValue('Env', 'prod')],
      onPremisesInstanceTagFilters: [keyAndValue('Env', 'prod')],
      autoScalingGroups: ['web'],
    });

    expect(await directory.resolve(group)).toEqual([ec2Id(1), ec2Id(2), ec2Id(3), onPremId(1), onPremId(2)]);
    expect(describeInstancesInputs()).toEqual([describeInstancesInput('tag:Env', 'prod')]);
    expect(describeInformationInputs()).toEqual([describeInformationInput('tag:Env', 'prod')]);
    expect(autoScaling).toHaveReceivedCommandTimes(DescribeAutoScalingGroupsCommand, 1);
  });

  // EC2 tags select ids [0, ec2Until), the Auto Scaling group [asgFrom, asgUntil): the overlap counts once.
  const selectByRanges = (ec2Until: number, asgFrom: number, asgUntil: number): Promise<string[]> => {
    ec2Pages.set('tag-key=Env', [range(0, ec2Until).map((n) => instance(ec2Id(n), { Env: 'x' }))]);
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [asg('web', range(asgFrom, asgUntil).map((n) => asgInstance(ec2Id(n), 'InService')))],
    });
    return directory.resolve(groupWith({ ec2TagFilters: [keyOnly('Env')], autoScalingGroups: ['web'] }));
  };

  it.each<[string, number, number, number]>([
    ['1000 instances from one selector', 1000, 0, 0],
    ['1000 instances, 200 of them both tagged and in the Auto Scaling group', 600, 400, 1000],
  ])('takes %s', async (_, ec2Until, asgFrom, asgUntil) => {
    expect(await selectByRanges(ec2Until, asgFrom, asgUntil)).toEqual(range(0, 1000).map(ec2Id));
  });

  it.each<[string, number, number, number, number]>([
    ['1001 from one selector', 1001, 0, 0, 1001],
    ['1001 once the overlap is counted once', 600, 500, 1001, 1001],
    ['1200 when nothing overlaps', 600, 600, 1200, 1200],
  ])('refuses a group selecting more than 1000 instances: %s', async (_, ec2Until, asgFrom, asgUntil, count) => {
    expect(await problemsOf(selectByRanges(ec2Until, asgFrom, asgUntil))).toEqual([
      {
        field: '(deployment group)',
        message: `selects ${count} instances; a deployment takes at most 1000 (narrow the tags or Auto Scaling groups)`,
      },
    ]);
  });
});
