// GetDeploymentGroup's answer: CodeDeploy's DeploymentGroupInfo, plus Cutover's instanceNames (explicit hosts) and
// concurrencyPolicy (what a deployment that finds the group busy does).
import { z } from 'zod';
import { CONCURRENCY_POLICIES, type DeploymentGroup } from '../core/types';
import { deploymentStyleOf } from './deployment-group-settings';
import { anyRevisionShown } from './revision-schemas';
import {
  autoRollbackConfigurationOf,
  autoRollbackConfigurationShown,
  blueGreenDeploymentConfigurationOf,
  blueGreenDeploymentConfigurationShown,
  deploymentStyleShown,
  loadBalancerInfoOf,
  loadBalancerInfoShown,
} from './shown-schemas';

const tagFilter = z.object({ Key: z.string().optional(), Value: z.string().optional(), Type: z.enum(['KEY_ONLY', 'VALUE_ONLY', 'KEY_AND_VALUE']) });
const summary = z.object({ deploymentId: z.string(), status: z.string(), createTime: z.string(), endTime: z.string().optional() });

/** For the OpenAPI document. */
export const deploymentGroupInfo = z.object({
  applicationName: z.string(),
  deploymentGroupId: z.string(),
  deploymentGroupName: z.string(),
  deploymentConfigName: z.string(),
  computePlatform: z.enum(['Server', 'Lambda', 'ECS']).describe("The application's"),
  serviceRoleArn: z.string().optional(),
  instanceNames: z.array(z.string()).describe('Explicit hosts: host folder names locally, instance ids on AWS; always empty for Lambda and ECS groups'),
  ec2TagFilters: z.array(tagFilter),
  ec2TagSet: z.object({ ec2TagSetList: z.array(z.array(tagFilter)) }).optional(),
  onPremisesInstanceTagFilters: z.array(tagFilter),
  onPremisesTagSet: z.object({ onPremisesTagSetList: z.array(z.array(tagFilter)) }).optional(),
  autoScalingGroups: z.array(z.object({ name: z.string() })).describe('No lifecycle hook: Cutover installs none'),
  triggerConfigurations: z.array(z.object({ triggerName: z.string(), triggerTargetArn: z.string(), triggerEvents: z.array(z.string()) })),
  autoRollbackConfiguration: autoRollbackConfigurationShown.optional(),
  alarmConfiguration: z
    .object({ enabled: z.boolean(), alarms: z.array(z.object({ name: z.string() })), ignorePollAlarmFailure: z.boolean().optional() })
    .optional(),
  loadBalancerInfo: loadBalancerInfoShown.optional(),
  ecsServices: z.array(z.object({ serviceName: z.string(), clusterName: z.string() })).optional().describe('ECS groups only: the one service they deploy'),
  blueGreenDeploymentConfiguration: blueGreenDeploymentConfigurationShown.optional().describe('ECS groups only, when set'),
  deploymentStyle: deploymentStyleShown.describe('IN_PLACE for Server groups; BLUE_GREEN with WITH_TRAFFIC_CONTROL for Lambda and ECS groups'),
  concurrencyPolicy: z
    .enum(CONCURRENCY_POLICIES)
    .optional()
    .describe("Cutover's own, when set: reject (absent means it too), queue or supersede a deployment that finds the group busy"),
  targetRevision: anyRevisionShown.optional(),
  lastSuccessfulDeployment: summary.optional(),
  lastAttemptedDeployment: summary.optional(),
});

type DeploymentGroupInfo = z.infer<typeof deploymentGroupInfo>;

// Lists CodeDeploy always returns come back empty rather than absent, so scripts written for it can index them.
export function deploymentGroupInfoOf(group: DeploymentGroup): DeploymentGroupInfo {
  const alarms = group.alarmConfiguration;
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
    autoRollbackConfiguration: autoRollbackConfigurationOf(group.autoRollbackConfiguration),
    alarmConfiguration: alarms && { ...alarms, alarms: alarms.alarms.map(({ name }) => ({ name })) },
    loadBalancerInfo: loadBalancerInfoOf(group.loadBalancerInfo),
    ecsServices: group.ecsServices?.map(({ serviceName, clusterName }) => ({ serviceName, clusterName })),
    blueGreenDeploymentConfiguration: blueGreenDeploymentConfigurationOf(group.blueGreenDeploymentConfiguration),
    deploymentStyle: deploymentStyleOf(group),
    concurrencyPolicy: group.concurrencyPolicy,
    targetRevision: group.targetRevision,
    lastSuccessfulDeployment: group.lastSuccessfulDeployment,
    lastAttemptedDeployment: group.lastAttemptedDeployment,
  };
}
