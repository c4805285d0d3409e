// GetDeploymentGroup's answer: CodeDeploy's DeploymentGroupInfo, plus instanceNames (Cutover's explicit hosts).
import { z } from 'zod';
import type { DeploymentGroup } from '../core/types';
import { deploymentStyleOf } from './deployment-group-settings';
import { revisionLocationShown } from './revision-schemas';

const tagFilter = z.object({ Key: z.string().optional(), Value: z.string().optional(), Type: z.enum(['KEY_ONLY', 'VALUE_ONLY', 'KEY_AND_VALUE']) });
const summary = z.object({ deploymentId: z.string(), status: z.string(), createTime: z.string(), endTime: z.string().optional() });
const names = z.array(z.object({ name: z.string() }));

/** For the OpenAPI document. */
export const deploymentGroupInfo = z.object({
  applicationName: z.string(),
  deploymentGroupId: z.string(),
  deploymentGroupName: z.string(),
  deploymentConfigName: z.string(),
  computePlatform: z.literal('Server'),
  serviceRoleArn: z.string().optional(),
  instanceNames: z.array(z.string()).describe('Explicit hosts: host folder names locally, instance ids on AWS'),
  ec2TagFilters: z.array(tagFilter),
  ec2TagSet: z.object({ ec2TagSetList: z.array(z.array(tagFilter)) }).optional(),
  onPremisesInstanceTagFilters: z.array(tagFilter),
  onPremisesTagSet: z.object({ onPremisesTagSetList: z.array(z.array(tagFilter)) }).optional(),
  autoScalingGroups: names.describe('No lifecycle hook: Cutover installs none'),
  triggerConfigurations: z.array(z.object({ triggerName: z.string(), triggerTargetArn: z.string(), triggerEvents: z.array(z.string()) })),
  autoRollbackConfiguration: z.object({ enabled: z.boolean(), events: z.array(z.string()) }).optional(),
  loadBalancerInfo: z.object({ targetGroupInfoList: names.optional(), elbInfoList: names.optional() }).optional(),
  deploymentStyle: z.object({ deploymentType: z.literal('IN_PLACE'), deploymentOption: z.enum(['WITH_TRAFFIC_CONTROL', 'WITHOUT_TRAFFIC_CONTROL']) }),
  targetRevision: revisionLocationShown.optional(),
  lastSuccessfulDeployment: summary.optional(),
  lastAttemptedDeployment: summary.optional(),
});

type DeploymentGroupInfo = z.infer<typeof deploymentGroupInfo>;

// Lists CodeDeploy always returns come back empty rather than absent, so scripts written for it can index them.
export function deploymentGroupInfoOf(group: DeploymentGroup): DeploymentGroupInfo {
  return {
    applicationName: group.applicationName,
    deploymentGroupId: group.deploymentGroupId,
    deploymentGroupName: group.deploymentGroupName,
    deploymentConfigName: group.deploymentConfigName,
    computePlatform: group.computePlatform,
    serviceRoleArn: group.serviceRoleArn,
    instanceNames: [...(group.instanceNames ?? [])],
    ec2TagFilters: [...(group.ec2TagFilters ?? [])],
    ec2TagSet: group.ec2TagSet && { ec2TagSetList: group.ec2TagSet.ec2TagSetList.map((filters) => [...filters]) },
    onPremisesInstanceTagFilters: [...(group.onPremisesInstanceTagFilters ?? [])],
    onPremisesTagSet: group.onPremisesTagSet && {
      onPremisesTagSetList: group.onPremisesTagSet.onPremisesTagSetList.map((filters) => [...filters]),
    },
    autoScalingGroups: (group.autoScalingGroups ?? []).map((name) => ({ name })),
    triggerConfigurations: (group.triggerConfigurations ?? []).map((trigger) => ({ ...trigger, triggerEvents: [...trigger.triggerEvents] })),
    autoRollbackConfiguration: group.autoRollbackConfiguration && { ...group.autoRollbackConfiguration, events: [...group.autoRollbackConfiguration.events] },
    loadBalancerInfo: group.loadBalancerInfo && {
      targetGroupInfoList: group.loadBalancerInfo.targetGroupInfoList?.map(({ name }) => ({ name })),
      elbInfoList: group.loadBalancerInfo.elbInfoList?.map(({ name }) => ({ name })),
    },
    deploymentStyle: deploymentStyleOf(group),
    targetRevision: group.targetRevision,
    lastSuccessfulDeployment: group.lastSuccessfulDeployment,
    lastAttemptedDeployment: group.lastAttemptedDeployment,
  };
}
