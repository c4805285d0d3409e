// The InService instances of Auto Scaling groups. An instance still launching, or on its way out, gets no deployment
// from the group's selection: CodeDeploy reaches those through the lifecycle hook instead.
import {
  type AutoScalingClient,
  type AutoScalingGroup,
  DescribeAutoScalingGroupsCommand,
} from '@aws-sdk/client-auto-scaling';
import { ValidationError } from '../core/errors';
import { unionOfIds } from '../core/target-selection';
import { allPages } from './all-pages';

/** DescribeAutoScalingGroups takes at most 50 names a call. */
export const MAX_NAMES_PER_DESCRIBE = 50;

/** DescribeAutoScalingGroups' largest page. */
export const DESCRIBE_AUTO_SCALING_GROUPS_PAGE_SIZE = 100;

/**
 * Instances in service in the named groups, sorted. A name Auto Scaling does not know is left out of its answer
 * rather than refused, so it is refused here: ValidationError naming each missing group.
 */
export async function inServiceAutoScalingInstances(
  autoScaling: AutoScalingClient,
  groupNames: readonly string[],
): Promise<string[]> {
  const names = [...new Set(groupNames)];
  const found: AutoScalingGroup[] = [];
  for (let start = 0; start < names.length; start += MAX_NAMES_PER_DESCRIBE) {
    found.push(...(await describeGroups(autoScaling, names.slice(start, start + MAX_NAMES_PER_DESCRIBE))));
  }

  const foundNames = new Set(found.map((group) => group.AutoScalingGroupName));
  const missing = groupNames.flatMap((name, index) => (foundNames.has(name) ? [] : [{ name, index }]));
  if (missing.length > 0) {
    throw new ValidationError(
      missing.map(({ name, index }) => ({
        field: `autoScalingGroups[${index}]`,
        message: `Auto Scaling group '${name}' does not exist in this account and Region`,
      })),
    );
  }

  return unionOfIds(
    found.map((group) =>
      (group.Instances ?? []).flatMap((instance) =>
        instance.LifecycleState === 'InService' && instance.InstanceId !== undefined ? [instance.InstanceId] : [],
      ),
    ),
  );
}

async function describeGroups(autoScaling: AutoScalingClient, names: string[]): Promise<AutoScalingGroup[]> {
  return allPages(async (nextToken) => {
    const response = await autoScaling.send(
      new DescribeAutoScalingGroupsCommand({
        AutoScalingGroupNames: names,
        MaxRecords: DESCRIBE_AUTO_SCALING_GROUPS_PAGE_SIZE,
        ...(nextToken === undefined ? {} : { NextToken: nextToken }),
      }),
    );
    return { items: response.AutoScalingGroups ?? [], nextToken: response.NextToken };
  });
}
