// Resolves a deployment group's hosts on AWS: the union of its explicit instance ids, running EC2 instances selected
// by tags, on-premises instances selected by SSM tags and InService Auto Scaling instances.
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { SSMClient } from '@aws-sdk/client-ssm';
import {
  assertResolvableSelectors,
  assertWithinInstanceLimit,
  ec2TagGroups,
  onPremisesTagGroups,
  unionOfIds,
} from '../core/target-selection';
import type { DeploymentGroup } from '../core/types';
import type { TargetDirectory } from '../ports';
import { inServiceAutoScalingInstances } from './auto-scaling-instance-lookup';
import { ec2InstancesSelectedBy } from './ec2-instance-lookup';
import { onPremisesInstancesSelectedBy } from './on-premises-instance-lookup';

export interface AwsTargetDirectoryClients {
  readonly ec2: EC2Client;
  readonly ssm: SSMClient;
  readonly autoScaling: AutoScalingClient;
}

export class AwsTargetDirectory implements TargetDirectory {
  private readonly clients: AwsTargetDirectoryClients;

  public constructor(clients: AwsTargetDirectoryClients) {
    this.clients = clients;
  }

  /**
   * The group's instance ids, once each and sorted. ValidationError, before any AWS call, when the selectors are
   * invalid or select nothing; ValidationError when an Auto Scaling group does not exist or the union passes the
   * instance limit. Only selectors the group has are looked up: explicit ids alone cost no call.
   */
  public async resolve(group: DeploymentGroup): Promise<string[]> {
    assertResolvableSelectors(group);
    const { ec2, ssm, autoScaling } = this.clients;
    const ec2Groups = ec2TagGroups(group);
    const onPremisesGroups = onPremisesTagGroups(group);
    const autoScalingGroups = group.autoScalingGroups ?? [];
    // Three services, three throttling budgets: they are asked at the same time.
    const found = await Promise.all([
      ec2Groups.length > 0 ? ec2InstancesSelectedBy(ec2, ec2Groups) : [],
      onPremisesGroups.length > 0 ? onPremisesInstancesSelectedBy(ssm, onPremisesGroups) : [],
      autoScalingGroups.length > 0 ? inServiceAutoScalingInstances(autoScaling, autoScalingGroups) : [],
    ]);
    const instanceIds = unionOfIds([group.instanceNames ?? [], ...found]);
    assertWithinInstanceLimit(instanceIds);
    return instanceIds;
  }
}
