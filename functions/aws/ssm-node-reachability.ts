// Which hosts SSM can hand a command to right now. A command sent to a node whose agent is gone sits in SSM until
// its delivery timeout and then the event's own timeout: over an hour before the user learns the host was never
// reachable. Asking first turns that into an immediate failure that says why.
import { DescribeInstanceInformationCommand, type InstanceInformation, type SSMClient } from '@aws-sdk/client-ssm';
import type { UnreachableHost } from '../ports';
import { allPages } from './all-pages';

/** DescribeInstanceInformation's largest page; asking for as many ids as a page holds keeps it to one call each. */
export const NODES_PER_LOOKUP = 50;

/** The hosts among `instanceIds` that SSM does not report Online, each with the reason a user can act on. */
export async function unreachableNodes(client: SSMClient, instanceIds: readonly string[]): Promise<UnreachableHost[]> {
  const known = new Map<string, InstanceInformation>();
  for (let start = 0; start < instanceIds.length; start += NODES_PER_LOOKUP) {
    for (const node of await describeNodes(client, instanceIds.slice(start, start + NODES_PER_LOOKUP))) {
      if (node.InstanceId !== undefined) known.set(node.InstanceId, node);
    }
  }
  return instanceIds.flatMap((targetId): UnreachableHost[] => {
    const node = known.get(targetId);
    if (node?.PingStatus === 'Online') return [];
    return [{ targetId, reason: unreachableReason(targetId, node) }];
  });
}

async function describeNodes(client: SSMClient, instanceIds: readonly string[]): Promise<InstanceInformation[]> {
  return allPages(async (nextToken) => {
    const response = await client.send(
      new DescribeInstanceInformationCommand({
        Filters: [{ Key: 'InstanceIds', Values: [...instanceIds] }],
        MaxResults: NODES_PER_LOOKUP,
        ...(nextToken === undefined ? {} : { NextToken: nextToken }),
      }),
    );
    return { items: response.InstanceInformationList ?? [], nextToken: response.NextToken };
  });
}

function unreachableReason(targetId: string, node: InstanceInformation | undefined): string {
  if (node === undefined) {
    return (
      `SSM does not list ${targetId} as a managed node, so it cannot run commands: the instance is stopped or gone, ` +
      'its SSM Agent is not installed or not running, or its instance profile lacks AmazonSSMManagedInstanceCore'
    );
  }
  const lastPing = node.LastPingDateTime === undefined ? 'an unknown time' : node.LastPingDateTime.toISOString();
  return (
    `SSM reports ${targetId} ${node.PingStatus ?? 'with no ping status'} (last contact from its SSM Agent at ${lastPing}), ` +
    'so a command sent now would only wait for its delivery timeout; check that the host is running and its agent ' +
    'can reach the SSM endpoints'
  );
}
