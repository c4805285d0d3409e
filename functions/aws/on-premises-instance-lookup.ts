// On-premises instances (SSM managed instances, `mi-…`) selected by their SSM tags. DescribeInstanceInformation
// filters by tag key and by key and value on the server; it has no value-only filter, so VALUE_ONLY reads each
// managed instance's tags with ListTagsForResource and matches them here.
import {
  DescribeInstanceInformationCommand,
  type InstanceInformation,
  type InstanceInformationStringFilter,
  ListTagsForResourceCommand,
  type SSMClient,
  type Tag,
} from '@aws-sdk/client-ssm';
import { matchesTagFilter } from '../core/target-selection';
import type { TagFilter } from '../core/types';
import { allPages } from './all-pages';
import { mapWithLimit } from './bounded-map';
import { instancesSelectedByTagSet } from './tag-set-lookup';

/** DescribeInstanceInformation's largest page. */
export const DESCRIBE_INSTANCE_INFORMATION_PAGE_SIZE = 50;

/** ListTagsForResource calls at once: far below SSM's read throttling, fast enough for a thousand instances. */
export const LIST_TAGS_CONCURRENCY = 5;

const MANAGED_INSTANCE = 'ManagedInstance';

interface TaggedInstance {
  readonly instanceId: string;
  readonly tags: readonly Tag[];
}

/** The DescribeInstanceInformation filter for a tag filter; undefined for VALUE_ONLY, which SSM cannot filter on. */
function ssmTagFilter(filter: TagFilter): InstanceInformationStringFilter | undefined {
  switch (filter.Type) {
    case 'KEY_ONLY':
      return { Key: 'tag-key', Values: [filter.Key ?? ''] };
    case 'KEY_AND_VALUE':
      return { Key: `tag:${filter.Key ?? ''}`, Values: [filter.Value ?? ''] };
    case 'VALUE_ONLY':
      return undefined;
  }
}

/** On-premises instances that a tag set (OR within a group, AND across groups) selects, sorted. */
export async function onPremisesInstancesSelectedBy(
  ssm: SSMClient,
  groups: readonly (readonly TagFilter[])[],
): Promise<string[]> {
  // Every managed instance's tags, read once per resolution however many VALUE_ONLY filters there are.
  let tagged: Promise<TaggedInstance[]> | undefined;
  return instancesSelectedByTagSet(groups, async (filter) => {
    const server = ssmTagFilter(filter);
    if (server !== undefined) return managedInstances(ssm, [server]);
    tagged ??= taggedManagedInstances(ssm);
    return (await tagged).filter((instance) => matchesTagFilter(instance.tags, filter)).map((i) => i.instanceId);
  });
}

/**
 * Managed instances matching `filters`. Tag filters cannot be combined with a ResourceType filter, so EC2 instances
 * that run the SSM agent come back too and are left out here: they are selected through EC2 tags.
 */
async function managedInstances(ssm: SSMClient, filters: InstanceInformationStringFilter[]): Promise<string[]> {
  const found = await allPages(async (nextToken) => {
    const response = await ssm.send(
      new DescribeInstanceInformationCommand({
        Filters: filters,
        MaxResults: DESCRIBE_INSTANCE_INFORMATION_PAGE_SIZE,
        ...(nextToken === undefined ? {} : { NextToken: nextToken }),
      }),
    );
    return { items: response.InstanceInformationList ?? [], nextToken: response.NextToken };
  });
  return found.filter(isManagedInstance).flatMap((info) => (info.InstanceId === undefined ? [] : [info.InstanceId]));
}

function isManagedInstance(info: InstanceInformation): boolean {
  return info.ResourceType === MANAGED_INSTANCE;
}

async function taggedManagedInstances(ssm: SSMClient): Promise<TaggedInstance[]> {
  const ids = await managedInstances(ssm, [{ Key: 'ResourceType', Values: [MANAGED_INSTANCE] }]);
  const tagged = await mapWithLimit(ids, LIST_TAGS_CONCURRENCY, async (instanceId) => {
    const tags = await tagsOf(ssm, instanceId);
    return tags === undefined ? [] : [{ instanceId, tags }];
  });
  return tagged.flat();
}

/** The instance's tags; undefined when it was deregistered after it was listed, so it is no target any more. */
async function tagsOf(ssm: SSMClient, instanceId: string): Promise<Tag[] | undefined> {
  try {
    const response = await ssm.send(
      new ListTagsForResourceCommand({ ResourceType: MANAGED_INSTANCE, ResourceId: instanceId }),
    );
    return response.TagList ?? [];
  } catch (error) {
    if (error instanceof Error && error.name === 'InvalidResourceId') return undefined;
    throw error;
  }
}
