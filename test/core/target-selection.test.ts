import { z } from 'zod';
import { ValidationError } from '../../functions/core/errors';
import {
  assertResolvableSelectors,
  assertWithinInstanceLimit,
  combineTagSet,
  ec2TagGroups,
  hasTargetSelector,
  instanceLimitError,
  intersectionOfIds,
  matchesTagFilter,
  matchesTagGroup,
  matchesTagSet,
  onPremisesTagGroups,
  parseTargetSelectors,
  targetSelectorProblems,
  targetSelectorsSchema,
  unionOfIds,
  type InstanceTag,
  type TargetSelectors,
} from '../../functions/core/target-selection';
import type { DeploymentGroup, TagFilter } from '../../functions/core/types';

const keyOnly = (Key: string): TagFilter => ({ Key, Type: 'KEY_ONLY' });
const valueOnly = (Value: string): TagFilter => ({ Value, Type: 'VALUE_ONLY' });
const keyAndValue = (Key: string, Value: string): TagFilter => ({ Key, Value, Type: 'KEY_AND_VALUE' });

const EC2_ID = 'i-0123456789abcdef0';
const OLD_EC2_ID = 'i-0123abcd';
const ON_PREM_ID = 'mi-0123456789abcdef0';

const groupWith = (selectors: TargetSelectors): DeploymentGroup => ({
  applicationName: 'shop',
  deploymentGroupName: 'web',
  deploymentGroupId: 'dg-1',
  deploymentConfigName: 'CodeDeployDefault.OneAtATime',
  computePlatform: 'Server',
  ...selectors,
});

const ids = (count: number): string[] => Array.from({ length: count }, (_, n) => `i-${n.toString(16).padStart(17, '0')}`);

function problemsThrownBy(action: () => unknown): { field: string; message: string }[] {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems.map(({ field, message }) => ({ field, message }));
  }
  throw new Error('expected a ValidationError');
}

describe('targetSelectorProblems accepts', () => {
  it.each<[string, unknown]>([
    ['no selector at all (CreateDeploymentGroup allows it)', {}],
    ['explicit EC2 ids of both lengths and on-premises ids', { instanceNames: [EC2_ID, OLD_EC2_ID, ON_PREM_ID] }],
    ['ten filters of every type in one group', { ec2TagFilters: [...Array(8).fill(keyOnly('Env')), valueOnly('prod'), keyAndValue('Env', 'prod')] }],
    ['a set of three groups', { ec2TagSet: { ec2TagSetList: [[keyOnly('A')], [valueOnly('b')], [keyAndValue('C', 'd')]] } }],
    ['on-premises filters beside an EC2 set', { onPremisesInstanceTagFilters: [keyOnly('A')], ec2TagSet: { ec2TagSetList: [[keyOnly('B')]] } }],
    ['an on-premises set', { onPremisesTagSet: { onPremisesTagSetList: [[keyOnly('A')], [keyOnly('B')]] } }],
    ['empty filters beside a set (an empty list selects nothing)', { ec2TagFilters: [], ec2TagSet: { ec2TagSetList: [[keyOnly('A')]] } }],
    ['ten Auto Scaling groups', { autoScalingGroups: Array.from({ length: 10 }, (_, n) => `asg-${n}`) }],
    ['a Value on KEY_ONLY and a Key on VALUE_ONLY, as Terraform sends them', { ec2TagFilters: [{ Key: 'A', Value: '', Type: 'KEY_ONLY' }, { Key: '', Value: 'b', Type: 'VALUE_ONLY' }] }],
    ['a 128-character key and a 256-character value', { ec2TagFilters: [keyAndValue('k'.repeat(128), 'v'.repeat(256))] }],
    ['1000 explicit ids', { instanceNames: ids(1000) }],
    ['fields that are not selectors (the rest of the group)', { deploymentGroupName: 'web', ec2TagFilters: [keyOnly('A')] }],
  ])('%s', (_, input) => {
    expect(targetSelectorProblems(input)).toEqual([]);
  });
});

describe('targetSelectorProblems rejects', () => {
  it.each<[string, unknown, { field: string; message: string }[]]>([
    ['a group that is not an object', 'web', [{ field: '(deployment group)', message: 'must be an object (got "web")' }]],
    [
      'EC2 filters together with an EC2 set',
      { ec2TagFilters: [keyOnly('A')], ec2TagSet: { ec2TagSetList: [[keyOnly('B')]] } },
      [{ field: 'ec2TagSet', message: 'cannot be combined with ec2TagFilters: use one or the other (CodeDeploy: InvalidEC2TagCombination)' }],
    ],
    [
      'on-premises filters together with an on-premises set',
      { onPremisesInstanceTagFilters: [keyOnly('A')], onPremisesTagSet: { onPremisesTagSetList: [[keyOnly('B')]] } },
      [
        {
          field: 'onPremisesTagSet',
          message: 'cannot be combined with onPremisesInstanceTagFilters: use one or the other (CodeDeploy: InvalidOnPremisesTagCombination)',
        },
      ],
    ],
    [
      'KEY_ONLY without Key',
      { ec2TagFilters: [{ Type: 'KEY_ONLY' }] },
      [{ field: 'ec2TagFilters[0].Key', message: 'is required for Type KEY_ONLY' }],
    ],
    [
      'VALUE_ONLY with an empty Value',
      { onPremisesInstanceTagFilters: [keyOnly('A'), { Value: '', Type: 'VALUE_ONLY' }] },
      [{ field: 'onPremisesInstanceTagFilters[1].Value', message: 'must not be empty for Type VALUE_ONLY' }],
    ],
    [
      'KEY_AND_VALUE with neither',
      { ec2TagFilters: [{ Type: 'KEY_AND_VALUE' }] },
      [
        { field: 'ec2TagFilters[0].Key', message: 'is required for Type KEY_AND_VALUE' },
        { field: 'ec2TagFilters[0].Value', message: 'is required for Type KEY_AND_VALUE' },
      ],
    ],
    [
      'an unknown Type',
      { ec2TagFilters: [{ Key: 'A', Type: 'KEY' }] },
      [{ field: 'ec2TagFilters[0].Type', message: 'must be one of KEY_ONLY, VALUE_ONLY or KEY_AND_VALUE (got "KEY")' }],
    ],
    [
      'a filter without Type',
      { ec2TagFilters: [{ Key: 'A' }] },
      [{ field: 'ec2TagFilters[0].Type', message: 'is required: one of KEY_ONLY, VALUE_ONLY or KEY_AND_VALUE' }],
    ],
    [
      'a Key that is not a string and a Value too long',
      { ec2TagFilters: [{ Key: 5, Value: 'v'.repeat(257), Type: 'KEY_AND_VALUE' }] },
      [
        { field: 'ec2TagFilters[0].Key', message: 'must be a string of at most 128 characters (got 5)' },
        { field: 'ec2TagFilters[0].Value', message: 'must be at most 256 characters (got 257)' },
      ],
    ],
    [
      'eleven filters in one group',
      { ec2TagFilters: Array(11).fill(keyOnly('A')) },
      [{ field: 'ec2TagFilters', message: 'holds 11 tag filters; a tag group takes at most 10' }],
    ],
    [
      'four groups in a set',
      { ec2TagSet: { ec2TagSetList: Array(4).fill([keyOnly('A')]) } },
      [{ field: 'ec2TagSet.ec2TagSetList', message: 'holds 4 tag groups; a tag set takes at most 3' }],
    ],
    [
      'eleven filters in one group of a set',
      { onPremisesTagSet: { onPremisesTagSetList: [[keyOnly('A')], Array(11).fill(keyOnly('B'))] } },
      [{ field: 'onPremisesTagSet.onPremisesTagSetList[1]', message: 'holds 11 tag filters; a tag group takes at most 10' }],
    ],
    [
      'an empty group in a set',
      { ec2TagSet: { ec2TagSetList: [[keyOnly('A')], []] } },
      [{ field: 'ec2TagSet.ec2TagSetList[1]', message: 'must hold at least one tag filter (an empty group matches no instance)' }],
    ],
    [
      'a set without its list',
      { ec2TagSet: {} },
      [{ field: 'ec2TagSet.ec2TagSetList', message: 'is required: a list of tag groups' }],
    ],
    [
      'a set that is not an object',
      { onPremisesTagSet: [[keyOnly('A')]] },
      [{ field: 'onPremisesTagSet', message: 'must be an object {onPremisesTagSetList} (got [[{"Key":"A","Type":"KEY_ONLY"}]])' }],
    ],
    [
      'eleven Auto Scaling groups',
      { autoScalingGroups: Array.from({ length: 11 }, (_, n) => `asg-${n}`) },
      [{ field: 'autoScalingGroups', message: 'lists 11 Auto Scaling groups; at most 10 are allowed' }],
    ],
    [
      'an empty and a too long Auto Scaling group name',
      { autoScalingGroups: ['', 'a'.repeat(256)] },
      [
        { field: 'autoScalingGroups[0]', message: 'must be an Auto Scaling group name, not empty' },
        { field: 'autoScalingGroups[1]', message: 'must be at most 255 characters (got 256)' },
      ],
    ],
    ...[
      'web-1',
      'i-0123456',
      'i-0123456789abcdef',
      'i-0123456789abcdef01',
      'mi-0123abcd',
      'I-0123456789abcdef0',
      ' i-0123456789abcdef0',
      'i-0123456789abcde-0',
    ].map((id): [string, unknown, { field: string; message: string }[]] => [
      `the instance id ${JSON.stringify(id)}`,
      { instanceNames: [EC2_ID, id] },
      [
        {
          field: 'instanceNames[1]',
          message: `must be an EC2 instance id (i- and 8 or 17 characters) or an on-premises one (mi- and 17 characters) (got ${JSON.stringify(id)})`,
        },
      ],
    ]),
    [
      '1001 explicit ids',
      { instanceNames: ids(1001) },
      [{ field: 'instanceNames', message: 'lists 1001 instances; a deployment takes at most 1000' }],
    ],
    [
      'every problem at once, the combination too',
      { ec2TagFilters: [{ Type: 'VALUE_ONLY' }], ec2TagSet: { ec2TagSetList: [[keyOnly('A')]] }, instanceNames: ['web-1'] },
      [
        {
          field: 'instanceNames[0]',
          message: 'must be an EC2 instance id (i- and 8 or 17 characters) or an on-premises one (mi- and 17 characters) (got "web-1")',
        },
        { field: 'ec2TagFilters[0].Value', message: 'is required for Type VALUE_ONLY' },
        { field: 'ec2TagSet', message: 'cannot be combined with ec2TagFilters: use one or the other (CodeDeploy: InvalidEC2TagCombination)' },
      ],
    ],
  ])('%s', (_, input, expected) => {
    expect(targetSelectorProblems(input)).toEqual(expected);
  });
});

describe('parseTargetSelectors', () => {
  it('returns the selector fields of a valid request', () => {
    const input = { ec2TagSet: { ec2TagSetList: [[keyAndValue('Env', 'prod')], [keyOnly('Web')]] }, autoScalingGroups: ['asg'] };
    expect(parseTargetSelectors(input)).toEqual(input);
  });

  it('throws a ValidationError carrying every problem', () => {
    expect(problemsThrownBy(() => parseTargetSelectors({ ec2TagFilters: [{ Type: 'KEY_ONLY' }], autoScalingGroups: [''] }))).toEqual([
      { field: 'ec2TagFilters[0].Key', message: 'is required for Type KEY_ONLY' },
      { field: 'autoScalingGroups[0]', message: 'must be an Auto Scaling group name, not empty' },
    ]);
  });

  it('can be extended by the API with its own fields and keeps the combination rule', () => {
    const request = targetSelectorsSchema.safeExtend({ deploymentGroupName: z.string() });
    expect(request.parse({ deploymentGroupName: 'web', autoScalingGroups: ['asg'] })).toEqual({
      deploymentGroupName: 'web',
      autoScalingGroups: ['asg'],
    });
    const combined = request.safeParse({
      deploymentGroupName: 'web',
      ec2TagFilters: [keyOnly('A')],
      ec2TagSet: { ec2TagSetList: [[keyOnly('B')]] },
    });
    expect(combined.success).toBe(false);
    expect(combined.error?.issues.map((issue) => issue.path)).toEqual([['ec2TagSet']]);
  });
});

describe('assertResolvableSelectors', () => {
  it.each<[string, TargetSelectors]>([
    ['no selector field', {}],
    ['only empty lists', { instanceNames: [], ec2TagFilters: [], onPremisesInstanceTagFilters: [], autoScalingGroups: [] }],
    ['empty sets', { ec2TagSet: { ec2TagSetList: [] }, onPremisesTagSet: { onPremisesTagSetList: [] } }],
  ])('refuses a group with %s, naming the group and the fields to set', (_, selectors) => {
    expect(problemsThrownBy(() => assertResolvableSelectors(groupWith(selectors)))).toEqual([
      {
        field: '(deployment group)',
        message:
          "'shop/web' selects no instances: set at least one of instanceNames, ec2TagFilters, ec2TagSet, onPremisesInstanceTagFilters, onPremisesTagSet, autoScalingGroups",
      },
    ]);
  });

  it('refuses invalid selectors with their own problems', () => {
    expect(problemsThrownBy(() => assertResolvableSelectors(groupWith({ instanceNames: ['web-1'] })))).toEqual([
      {
        field: 'instanceNames[0]',
        message: 'must be an EC2 instance id (i- and 8 or 17 characters) or an on-premises one (mi- and 17 characters) (got "web-1")',
      },
    ]);
  });

  it.each<[string, TargetSelectors]>([
    ['explicit ids', { instanceNames: [EC2_ID] }],
    ['EC2 tags', { ec2TagFilters: [keyOnly('A')] }],
    ['an EC2 set', { ec2TagSet: { ec2TagSetList: [[keyOnly('A')]] } }],
    ['on-premises tags', { onPremisesInstanceTagFilters: [keyOnly('A')] }],
    ['an on-premises set', { onPremisesTagSet: { onPremisesTagSetList: [[keyOnly('A')]] } }],
    ['Auto Scaling groups', { autoScalingGroups: ['asg'] }],
  ])('accepts a group selecting by %s, whatever else the group holds', (_, selectors) => {
    const group = groupWith({ ...selectors });
    const withHistory: DeploymentGroup = {
      ...group,
      lastAttemptedDeployment: { deploymentId: 'd-ABCDEFGH1', status: 'Succeeded', createTime: '2026-01-01T00:00:00.000Z' },
    };
    expect(hasTargetSelector(withHistory)).toBe(true);
    expect(() => assertResolvableSelectors(withHistory)).not.toThrow();
  });
});

describe('tag groups of a group', () => {
  const a = [keyOnly('A')];
  const b = [keyOnly('B')];
  it.each<[string, TargetSelectors, TagFilter[][], TagFilter[][]]>([
    ['nothing', {}, [], []],
    ['filters: one group', { ec2TagFilters: a, onPremisesInstanceTagFilters: b }, [a], [b]],
    ['sets: their groups', { ec2TagSet: { ec2TagSetList: [a, b] }, onPremisesTagSet: { onPremisesTagSetList: [b] } }, [a, b], [b]],
    ['empty filters and sets: none', { ec2TagFilters: [], onPremisesTagSet: { onPremisesTagSetList: [] } }, [], []],
  ])('%s', (_, selectors, ec2, onPremises) => {
    expect(ec2TagGroups(selectors)).toEqual(ec2);
    expect(onPremisesTagGroups(selectors)).toEqual(onPremises);
  });
});

describe('tag matching', () => {
  const tags: InstanceTag[] = [
    { Key: 'Env', Value: 'prod' },
    { Key: 'Role', Value: 'web' },
    { Key: 'Empty', Value: '' },
  ];

  it.each<[TagFilter, boolean]>([
    [keyOnly('Env'), true],
    [keyOnly('env'), false],
    [keyOnly('Owner'), false],
    [keyOnly('Empty'), true],
    [valueOnly('web'), true],
    [valueOnly('Web'), false],
    [valueOnly('staging'), false],
    [keyAndValue('Env', 'prod'), true],
    [keyAndValue('Env', 'web'), false],
    [keyAndValue('Role', 'prod'), false],
    [keyAndValue('Env', 'prod*'), false],
    [{ Key: 'Env', Value: 'ignored', Type: 'KEY_ONLY' }, true],
    [{ Key: 'Ignored', Value: 'prod', Type: 'VALUE_ONLY' }, true],
  ])('%j matches Env=prod, Role=web, Empty="": %s', (filter, expected) => {
    expect(matchesTagFilter(tags, filter)).toBe(expected);
  });

  it.each<[TagFilter, boolean]>([
    [keyOnly('Env'), false],
    [valueOnly('prod'), false],
  ])('%j never matches an instance without tags', (filter, expected) => {
    expect(matchesTagFilter([], filter)).toBe(expected);
  });

  it.each<[string, TagFilter[], boolean]>([
    ['one filter matching', [keyOnly('Owner'), valueOnly('web')], true],
    ['no filter matching', [keyOnly('Owner'), valueOnly('staging')], false],
    ['an empty group', [], false],
  ])('a group matches when any filter does: %s', (_, group, expected) => {
    expect(matchesTagGroup(tags, group)).toBe(expected);
  });

  it.each<[string, TagFilter[][], boolean]>([
    ['every group matching', [[keyOnly('Env')], [keyOnly('Owner'), valueOnly('web')]], true],
    ['one group not matching', [[keyOnly('Env')], [keyOnly('Owner')]], false],
    ['three groups matching', [[keyAndValue('Env', 'prod')], [valueOnly('web')], [keyOnly('Empty')]], true],
    ['no group', [], false],
  ])('a set matches when every group does: %s', (_, groups, expected) => {
    expect(matchesTagSet(tags, groups)).toBe(expected);
  });
});

describe('set algebra', () => {
  it.each<[string[][], string[]]>([
    [[], []],
    [[['b', 'a']], ['a', 'b']],
    [[['c', 'a'], ['b', 'a'], []], ['a', 'b', 'c']],
    [[['a', 'a']], ['a']],
  ])('unionOfIds(%j) is %j', (lists, expected) => {
    expect(unionOfIds(lists)).toEqual(expected);
  });

  it.each<[string[][], string[]]>([
    [[], []],
    [[['b', 'a', 'b']], ['a', 'b']],
    [[['a', 'b', 'c'], ['c', 'b'], ['b', 'c', 'd']], ['b', 'c']],
    [[['a', 'b'], []], []],
  ])('intersectionOfIds(%j) is %j', (lists, expected) => {
    expect(intersectionOfIds(lists)).toEqual(expected);
  });

  it.each<[string, string[][][], string[]]>([
    ['one group: OR of its filters', [[['i-2', 'i-1'], ['i-3']]], ['i-1', 'i-2', 'i-3']],
    ['two groups: AND across them', [[['i-1', 'i-2']], [['i-2', 'i-3']]], ['i-2']],
    ['OR within, AND across', [[['i-1'], ['i-2']], [['i-2'], ['i-3', 'i-1']], [['i-1', 'i-2', 'i-4']]], ['i-1', 'i-2']],
    ['a group matching nothing empties the set', [[['i-1']], [[], []]], []],
    ['no group selects nothing', [], []],
  ])('combineTagSet: %s', (_, matched, expected) => {
    expect(combineTagSet(matched)).toEqual(expected);
  });
});

describe('instance limit', () => {
  it.each([0, 1, 1000])('lets %d instances through', (count) => {
    expect(() => assertWithinInstanceLimit(ids(count))).not.toThrow();
  });

  it.each([1001, 5000])('refuses %d instances, saying how many and the limit', (count) => {
    expect(problemsThrownBy(() => assertWithinInstanceLimit(ids(count)))).toEqual([
      {
        field: '(deployment group)',
        message: `selects ${count} instances; a deployment takes at most 1000 (narrow the tags or Auto Scaling groups)`,
      },
    ]);
  });

  it('is a ValidationError, which the CLI and the state machine already know', () => {
    const error = instanceLimitError(1001);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.name).toBe('ValidationError');
  });
});
