// Running EC2 instances selected by tags. EC2 filters on the server: one DescribeInstances per tag filter.
import { DescribeInstancesCommand, type EC2Client, type Filter, type Instance } from '@aws-sdk/client-ec2';
import { matchesTagFilter } from '../core/target-selection';
import type { TagFilter } from '../core/types';
import { allPages } from './all-pages';
import { instancesSelectedByTagSet } from './tag-set-lookup';

/** DescribeInstances' largest page when no InstanceIds are given. */
export const DESCRIBE_INSTANCES_PAGE_SIZE = 1000;

const RUNNING: Filter = { Name: 'instance-state-name', Values: ['running'] };

/** The DescribeInstances filter for a tag filter; filter names are case-sensitive, `tag:<key>` keeps the key's case. */
function ec2TagFilter(filter: TagFilter): Filter {
  switch (filter.Type) {
    case 'KEY_ONLY':
      return { Name: 'tag-key', Values: [filter.Key ?? ''] };
    case 'VALUE_ONLY':
      return { Name: 'tag-value', Values: [filter.Value ?? ''] };
    case 'KEY_AND_VALUE':
      return { Name: `tag:${filter.Key ?? ''}`, Values: [filter.Value ?? ''] };
  }
}

/** Running instances that a tag set (OR within a group, AND across groups) selects, sorted. */
export async function ec2InstancesSelectedBy(
  ec2: EC2Client,
  groups: readonly (readonly TagFilter[])[],
): Promise<string[]> {
  return instancesSelectedByTagSet(groups, (filter) => runningEc2InstancesMatching(ec2, filter));
}

/** Running instances one tag filter matches. */
async function runningEc2InstancesMatching(ec2: EC2Client, filter: TagFilter): Promise<string[]> {
  const instances = await allPages(async (nextToken) => {
    const response = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [ec2TagFilter(filter), RUNNING],
        MaxResults: DESCRIBE_INSTANCES_PAGE_SIZE,
        ...(nextToken === undefined ? {} : { NextToken: nextToken }),
      }),
    );
    return { items: (response.Reservations ?? []).flatMap((r) => r.Instances ?? []), nextToken: response.NextToken };
  });
  // EC2 reads `*` and `?` in filter values as wildcards, while CodeDeploy matches tags exactly: the tags the answer
  // carries decide. The state is checked again so that "running only" does not rest on a filter name alone.
  return instances
    .filter((instance) => isRunning(instance) && matchesTagFilter(instance.Tags ?? [], filter))
    .flatMap(idOf);
}

function isRunning(instance: Instance): boolean {
  return instance.State?.Name === 'running';
}

function idOf(instance: Instance): string[] {
  return instance.InstanceId === undefined ? [] : [instance.InstanceId];
}
