// Which instances a deployment group selects, as CodeDeploy defines it: validation of the selectors, tag matching,
// and the set algebra of tag groups (OR within a group, AND across groups). Lookups live in the AWS adapters.
import { z } from 'zod';
import { ValidationError, type FieldProblem } from './errors';
import type { DeploymentGroup, TagFilter } from './types';
import { expected, shown } from './input-messages';

/** CodeDeploy's limits (InvalidTagFilter, TagSetListLimitExceeded, LimitExceeded, InstanceLimitExceeded). */
export const MAX_TAG_FILTERS_PER_GROUP = 10;
export const MAX_TAG_GROUPS_PER_SET = 3;
export const MAX_AUTO_SCALING_GROUPS = 10;
export const MAX_INSTANCES_PER_DEPLOYMENT = 1000;

/** EC2 ids (old 8- and current 17-character forms) and SSM managed (on-premises) instance ids. */
export const INSTANCE_ID_PATTERN = /^(i-(\w{8}|\w{17})|mi-\w{17})$/;

// EC2 and SSM tag limits; Auto Scaling's for group names.
const MAX_TAG_KEY_LENGTH = 128;
const MAX_TAG_VALUE_LENGTH = 256;
const MAX_AUTO_SCALING_GROUP_NAME_LENGTH = 255;

const TAG_FILTER_TYPES = ['KEY_ONLY', 'VALUE_ONLY', 'KEY_AND_VALUE'] as const;

/** The selector fields of a deployment group. */
export type TargetSelectors = Pick<
  DeploymentGroup,
  | 'instanceNames'
  | 'ec2TagFilters'
  | 'ec2TagSet'
  | 'onPremisesInstanceTagFilters'
  | 'onPremisesTagSet'
  | 'autoScalingGroups'
>;

export const SELECTOR_FIELDS = [
  'instanceNames',
  'ec2TagFilters',
  'ec2TagSet',
  'onPremisesInstanceTagFilters',
  'onPremisesTagSet',
  'autoScalingGroups',
] as const satisfies readonly (keyof TargetSelectors)[];

/** A tag as EC2 and SSM return it. */
export interface InstanceTag {
  readonly Key?: string;
  readonly Value?: string;
}

const boundedString = (what: string, max: number) =>
  z.string({ error: expected(what) }).superRefine((text, ctx) => {
    if (text.length > max) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${max} characters (got ${text.length})` });
    }
  });

// Key on VALUE_ONLY and Value on KEY_ONLY are accepted and ignored: some CodeDeploy clients send all three fields.
export const tagFilterSchema = z
  .object(
    {
      Key: boundedString(`a string of at most ${MAX_TAG_KEY_LENGTH} characters`, MAX_TAG_KEY_LENGTH).optional(),
      Value: boundedString(`a string of at most ${MAX_TAG_VALUE_LENGTH} characters`, MAX_TAG_VALUE_LENGTH).optional(),
      Type: z.enum(TAG_FILTER_TYPES, { error: expected('one of KEY_ONLY, VALUE_ONLY or KEY_AND_VALUE') }),
    },
    { error: expected('a tag filter {Key, Value, Type}') },
  )
  .superRefine(
    (filter, ctx) => {
      const needsKey = filter.Type === 'KEY_ONLY' || filter.Type === 'KEY_AND_VALUE';
      const needsValue = filter.Type === 'VALUE_ONLY' || filter.Type === 'KEY_AND_VALUE';
      if (needsKey) addMissingIssue(ctx, 'Key', filter.Key, filter.Type);
      if (needsValue) addMissingIssue(ctx, 'Value', filter.Value, filter.Type);
    },
    // Also when Key or Value has the wrong type, so a filter's problems come all at once; not before Type is known.
    { when: (payload) => isRecord(payload.value) && isTagFilterType(payload.value.Type) },
  );

// A Key or Value of the wrong type already has its own issue.
function addMissingIssue(ctx: z.RefinementCtx, field: 'Key' | 'Value', value: unknown, type: string): void {
  if (value === undefined) {
    ctx.addIssue({ code: 'custom', path: [field], message: `is required for Type ${type}` });
  } else if (value === '') {
    ctx.addIssue({ code: 'custom', path: [field], message: `must not be empty for Type ${type}` });
  }
}

function isTagFilterType(value: unknown): boolean {
  return (TAG_FILTER_TYPES as readonly unknown[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Count limits are checked even when some items have problems of their own, so every problem comes at once.
const EVEN_WITH_ITEM_PROBLEMS = { when: (payload: { value: unknown }) => Array.isArray(payload.value) };

const tagGroupSchema = z
  .array(tagFilterSchema, { error: expected('a list of tag filters') })
  .superRefine((filters, ctx) => {
    if (filters.length > MAX_TAG_FILTERS_PER_GROUP) {
      const message = `holds ${filters.length} tag filters; a tag group takes at most ${MAX_TAG_FILTERS_PER_GROUP}`;
      ctx.addIssue({ code: 'custom', message });
    }
  }, EVEN_WITH_ITEM_PROBLEMS);

// Inside a set an empty group would AND the whole set down to no instance, which no one means.
const tagSetGroupSchema = tagGroupSchema.superRefine((filters, ctx) => {
  if (filters.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'must hold at least one tag filter (an empty group matches no instance)' });
  }
}, EVEN_WITH_ITEM_PROBLEMS);

const tagSetListSchema = z
  .array(tagSetGroupSchema, { error: expected('a list of tag groups') })
  .superRefine((groups, ctx) => {
    if (groups.length > MAX_TAG_GROUPS_PER_SET) {
      const message = `holds ${groups.length} tag groups; a tag set takes at most ${MAX_TAG_GROUPS_PER_SET}`;
      ctx.addIssue({ code: 'custom', message });
    }
  }, EVEN_WITH_ITEM_PROBLEMS);

const INSTANCE_ID_RULE = 'an EC2 instance id (i- and 8 or 17 characters) or an on-premises one (mi- and 17 characters)';

const instanceIdsSchema = z
  .array(
    z
      .string({ error: expected(INSTANCE_ID_RULE) })
      .regex(INSTANCE_ID_PATTERN, { error: (issue) => `must be ${INSTANCE_ID_RULE} (got ${shown(issue.input)})` }),
    { error: expected('a list of instance ids') },
  )
  .superRefine((ids, ctx) => {
    if (ids.length > MAX_INSTANCES_PER_DEPLOYMENT) {
      const message = `lists ${ids.length} instances; a deployment takes at most ${MAX_INSTANCES_PER_DEPLOYMENT}`;
      ctx.addIssue({ code: 'custom', message });
    }
  }, EVEN_WITH_ITEM_PROBLEMS);

const autoScalingGroupsSchema = z
  .array(
    z
      .string({ error: expected('an Auto Scaling group name') })
      .min(1, { error: 'must be an Auto Scaling group name, not empty' })
      .max(MAX_AUTO_SCALING_GROUP_NAME_LENGTH, {
        error: (issue) =>
          `must be at most ${MAX_AUTO_SCALING_GROUP_NAME_LENGTH} characters (got ${String(issue.input).length})`,
      }),
    { error: expected('a list of Auto Scaling group names') },
  )
  .superRefine((names, ctx) => {
    if (names.length > MAX_AUTO_SCALING_GROUPS) {
      const message = `lists ${names.length} Auto Scaling groups; at most ${MAX_AUTO_SCALING_GROUPS} are allowed`;
      ctx.addIssue({ code: 'custom', message });
    }
  }, EVEN_WITH_ITEM_PROBLEMS);

const EXCLUSIVE = 'use one or the other';

/**
 * The selector fields as CreateDeploymentGroup takes them. Not strict, so an API schema can add its own fields with
 * `.safeExtend()` (zod refuses `.extend()` on a refined object).
 */
export const targetSelectorsSchema = z
  .object(
    {
      instanceNames: instanceIdsSchema.optional(),
      ec2TagFilters: tagGroupSchema.optional(),
      ec2TagSet: z
        .object({ ec2TagSetList: tagSetListSchema }, { error: expected('an object {ec2TagSetList}') })
        .optional(),
      onPremisesInstanceTagFilters: tagGroupSchema.optional(),
      onPremisesTagSet: z
        .object({ onPremisesTagSetList: tagSetListSchema }, { error: expected('an object {onPremisesTagSetList}') })
        .optional(),
      autoScalingGroups: autoScalingGroupsSchema.optional(),
    },
    { error: expected('an object') },
  )
  .superRefine(
    (selectors, ctx) => {
      const { ec2TagFilters, ec2TagSet, onPremisesInstanceTagFilters, onPremisesTagSet } = selectors;
      if (nonEmpty(ec2TagFilters) && nonEmpty(ec2TagSet?.ec2TagSetList)) {
        const message = `cannot be combined with ec2TagFilters: ${EXCLUSIVE} (CodeDeploy: InvalidEC2TagCombination)`;
        ctx.addIssue({ code: 'custom', path: ['ec2TagSet'], message });
      }
      if (nonEmpty(onPremisesInstanceTagFilters) && nonEmpty(onPremisesTagSet?.onPremisesTagSetList)) {
        const why = `${EXCLUSIVE} (CodeDeploy: InvalidOnPremisesTagCombination)`;
        const message = `cannot be combined with onPremisesInstanceTagFilters: ${why}`;
        ctx.addIssue({ code: 'custom', path: ['onPremisesTagSet'], message });
      }
    },
    // Also when a field has problems of its own, as the combination is one more: `selectors` may then be the raw
    // input, which nonEmpty's Array.isArray allows for.
    { when: (payload) => isRecord(payload.value) },
  );

function nonEmpty(list: unknown): boolean {
  return Array.isArray(list) && list.length > 0;
}

/** `ec2TagSet.ec2TagSetList.0.1` as `ec2TagSet.ec2TagSetList[0][1]`, the notation of FieldProblem. */
function fieldOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((field, key) => {
    if (typeof key === 'number') return `${field}[${key}]`;
    return field === '' ? String(key) : `${field}.${String(key)}`;
  }, '');
}

/** Every problem of the selector fields of `input`, each naming its field; empty when they are valid. */
export function targetSelectorProblems(input: unknown): FieldProblem[] {
  const result = targetSelectorsSchema.safeParse(input);
  return result.success ? [] : toProblems(result.error.issues);
}

/** Validates the selector fields of a request; ValidationError with every problem. */
export function parseTargetSelectors(input: unknown): TargetSelectors {
  const result = targetSelectorsSchema.safeParse(input);
  if (!result.success) throw new ValidationError(toProblems(result.error.issues));
  return result.data;
}

function toProblems(issues: readonly z.core.$ZodIssue[]): FieldProblem[] {
  return issues.map((issue) => ({ field: fieldOf(issue.path) || '(deployment group)', message: issue.message }));
}

/** True when the group names at least one instance, tag filter or Auto Scaling group. */
export function hasTargetSelector(selectors: TargetSelectors): boolean {
  return (
    nonEmpty(selectors.instanceNames) ||
    ec2TagGroups(selectors).length > 0 ||
    onPremisesTagGroups(selectors).length > 0 ||
    nonEmpty(selectors.autoScalingGroups)
  );
}

/**
 * What a target directory checks before any lookup: valid selectors, and at least one of them (a group selecting
 * nothing is a mistake to report, not a deployment of no instances).
 */
export function assertResolvableSelectors(group: DeploymentGroup): void {
  const problems = targetSelectorProblems(pickSelectors(group));
  if (problems.length === 0 && !hasTargetSelector(group)) {
    const name = `'${group.applicationName}/${group.deploymentGroupName}'`;
    const message = `${name} selects no instances: set at least one of ${SELECTOR_FIELDS.join(', ')}`;
    problems.push({ field: '(deployment group)', message });
  }
  if (problems.length > 0) throw new ValidationError(problems);
}

// Only the selector fields: the rest of the group (revisions, summaries) is not this schema's business.
function pickSelectors(group: DeploymentGroup): TargetSelectors {
  const picked: Record<string, unknown> = {};
  for (const field of SELECTOR_FIELDS) {
    if (group[field] !== undefined) picked[field] = group[field];
  }
  return picked as TargetSelectors;
}

/** The EC2 tag selection as a set of groups: a plain filter list is a set of one group. Empty when there is none. */
export function ec2TagGroups(selectors: TargetSelectors): (readonly TagFilter[])[] {
  return tagGroupsOf(selectors.ec2TagFilters, selectors.ec2TagSet?.ec2TagSetList);
}

/** The on-premises tag selection as a set of groups, like ec2TagGroups. */
export function onPremisesTagGroups(selectors: TargetSelectors): (readonly TagFilter[])[] {
  return tagGroupsOf(selectors.onPremisesInstanceTagFilters, selectors.onPremisesTagSet?.onPremisesTagSetList);
}

function tagGroupsOf(
  filters: readonly TagFilter[] | undefined,
  set: readonly (readonly TagFilter[])[] | undefined,
): (readonly TagFilter[])[] {
  if (filters !== undefined && filters.length > 0) return [filters];
  return (set ?? []).filter((group) => group.length > 0);
}

/** CodeDeploy's match of one filter: exact and case-sensitive, as EC2 and SSM tags are. */
export function matchesTagFilter(tags: readonly InstanceTag[], filter: TagFilter): boolean {
  switch (filter.Type) {
    case 'KEY_ONLY':
      return tags.some((tag) => tag.Key === filter.Key);
    case 'VALUE_ONLY':
      return tags.some((tag) => (tag.Value ?? '') === filter.Value);
    case 'KEY_AND_VALUE':
      return tags.some((tag) => tag.Key === filter.Key && (tag.Value ?? '') === filter.Value);
  }
}

/** A tag group matches when any of its filters does. */
export function matchesTagGroup(tags: readonly InstanceTag[], group: readonly TagFilter[]): boolean {
  return group.some((filter) => matchesTagFilter(tags, filter));
}

/** A tag set matches when every one of its groups does. */
export function matchesTagSet(tags: readonly InstanceTag[], groups: readonly (readonly TagFilter[])[]): boolean {
  return groups.length > 0 && groups.every((group) => matchesTagGroup(tags, group));
}

/** Ids in any of the lists, once each, sorted. */
export function unionOfIds(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort();
}

/** Ids in every one of the lists, once each, sorted; none for no lists. */
export function intersectionOfIds(lists: readonly (readonly string[])[]): string[] {
  if (lists.length === 0) return [];
  const [first, ...rest] = lists;
  const others = rest.map((list) => new Set(list));
  return unionOfIds([first]).filter((id) => others.every((other) => other.has(id)));
}

/**
 * The instances a tag set selects, from the ids each of its filters matched (`matched[group][filter]`): OR within a
 * group, AND across groups.
 */
export function combineTagSet(matched: readonly (readonly (readonly string[])[])[]): string[] {
  return intersectionOfIds(matched.map(unionOfIds));
}

/** CodeDeploy's InstanceLimitExceededException, as the field problem a user sees. */
export function instanceLimitError(count: number): ValidationError {
  const limit = `a deployment takes at most ${MAX_INSTANCES_PER_DEPLOYMENT}`;
  const message = `selects ${count} instances; ${limit} (narrow the tags or Auto Scaling groups)`;
  return new ValidationError([{ field: '(deployment group)', message }]);
}

/** Throws instanceLimitError when there are more instances than a deployment takes. */
export function assertWithinInstanceLimit(instanceIds: readonly string[]): void {
  if (instanceIds.length > MAX_INSTANCES_PER_DEPLOYMENT) throw instanceLimitError(instanceIds.length);
}
