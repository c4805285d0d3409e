// create-, get-, list-, update- and delete-deployment-group, of any compute platform: which settings a Server, Lambda or
// ECS group takes is the API's to say. `--instance-names` is Cutover's: explicit hosts (instance ids on AWS, folder
// names under the state folder's hosts/ on the local server), where aws deploy has only tags and Auto Scaling groups.
import { CONCURRENCY_POLICIES } from '../../../functions/core/types';
import { EXIT_OK } from '../cli-errors';
import { seg } from './api-client';
import { bodyOf, listPages, PAGING_FLAGS, type RemoteCommand } from './remote-command';
import type { FlagSpecs } from './remote-flags';
import { SHAPES } from './value-shapes';

const APPLICATION_NAME = { kind: 'string', required: true, help: 'the application', placeholder: 'NAME' } as const;
const GROUP_NAME = { kind: 'string', required: true, help: 'the deployment group', placeholder: 'NAME' } as const;

/** The group's settings, optional on create (but the name) and on update alike. */
const SETTINGS: FlagSpecs = {
  'deployment-config-name': { kind: 'string', help: 'default config of its deployments (CodeDeployDefault.OneAtATime)', placeholder: 'NAME' },
  'instance-names': {
    kind: 'list',
    help: 'explicit hosts: instance ids (i-…, mi-…) on AWS, host folder names on the local server',
    placeholder: 'NAME [NAME ...]',
  },
  'ec2-tag-filters': { kind: 'structure-list', shape: SHAPES.tagFilter, help: 'EC2 instances by tag: Key=K,Value=V,Type=KEY_AND_VALUE ...' },
  'ec2-tag-set': { kind: 'structure', shape: SHAPES.ec2TagSet, help: 'up to 3 tag groups, ANDed: JSON {"ec2TagSetList":[[{…}]]}' },
  'on-premises-instance-tag-filters': { kind: 'structure-list', shape: SHAPES.tagFilter, help: 'on-premises (SSM) instances by tag' },
  'on-premises-tag-set': { kind: 'structure', shape: SHAPES.onPremisesTagSet, help: 'JSON {"onPremisesTagSetList":[[{…}]]}' },
  'auto-scaling-groups': { kind: 'list', help: 'Auto Scaling groups whose InService instances are targets', placeholder: 'NAME [NAME ...]' },
  'trigger-configurations': {
    kind: 'structure-list',
    shape: SHAPES.trigger,
    help: 'SNS triggers: triggerName=N,triggerTargetArn=ARN,triggerEvents=DeploymentFailure,InstanceFailure ...',
  },
  'auto-rollback-configuration': { kind: 'structure', shape: SHAPES.autoRollback, help: 'enabled=true,events=DEPLOYMENT_FAILURE' },
  'alarm-configuration': {
    kind: 'structure',
    shape: SHAPES.alarmConfiguration,
    help: 'CloudWatch alarms that stop a deployment: enabled=true,alarms=[{name=A},{name=B}][,ignorePollAlarmFailure=false]',
  },
  'load-balancer-info': {
    kind: 'structure',
    shape: SHAPES.loadBalancerInfo,
    help:
      'Server: targetGroupInfoList=[{name=tg}] or elbInfoList=[{name=elb}]; ECS: ' +
      'targetGroupPairInfoList=[{targetGroups=[{name=blue},{name=green}],prodTrafficRoute={listenerArns=[ARN]}[,testTrafficRoute={listenerArns=[ARN]}]}]',
  },
  'ecs-services': { kind: 'structure-list', shape: SHAPES.ecsService, help: 'ECS groups: the one service they deploy, serviceName=S,clusterName=C' },
  'blue-green-deployment-configuration': {
    kind: 'structure',
    shape: SHAPES.blueGreenDeploymentConfiguration,
    help: 'ECS groups: terminateBlueInstancesOnDeploymentSuccess={action=TERMINATE,terminationWaitTimeInMinutes=5}',
  },
  'deployment-style': {
    kind: 'structure',
    shape: SHAPES.deploymentStyle,
    help: 'deploymentType=IN_PLACE|BLUE_GREEN,deploymentOption=WITH_TRAFFIC_CONTROL|WITHOUT_TRAFFIC_CONTROL (Lambda and ECS: BLUE_GREEN with traffic control)',
  },
  'service-role-arn': { kind: 'string', help: 'accepted for aws compatibility', placeholder: 'ARN' },
  'concurrency-policy': {
    kind: 'string',
    help: 'when a deployment finds the group busy: reject refuses it (the default), queue has it wait its turn, supersede stops the ones before it',
    choices: CONCURRENCY_POLICIES,
  },
};

const SETTING_FLAGS = Object.keys(SETTINGS);

function groupPath(application: string, group: string): string {
  return `/applications/${seg(application)}/deployment-groups/${seg(group)}`;
}

export const DEPLOYMENT_GROUP_COMMANDS: readonly RemoteCommand[] = [
  {
    name: 'create-deployment-group',
    summary: 'Creates a deployment group: which hosts, Lambda alias or ECS service an application deploys to, and how.',
    flags: { 'application-name': APPLICATION_NAME, 'deployment-group-name': GROUP_NAME, ...SETTINGS },
    run: async (run) => {
      const application = run.flags.required('application-name');
      const body = { deploymentGroupName: run.flags.required('deployment-group-name'), ...bodyOf(run, SETTING_FLAGS) };
      run.print(await run.api.call({ method: 'POST', path: `/applications/${seg(application)}/deployment-groups`, body }));
      return EXIT_OK;
    },
  },
  {
    name: 'get-deployment-group',
    summary: 'Shows a deployment group.',
    flags: { 'application-name': APPLICATION_NAME, 'deployment-group-name': GROUP_NAME },
    run: async (run) => {
      const path = groupPath(run.flags.required('application-name'), run.flags.required('deployment-group-name'));
      run.print(await run.api.call({ method: 'GET', path }));
      return EXIT_OK;
    },
  },
  {
    name: 'list-deployment-groups',
    summary: "Lists an application's deployment groups by name.",
    flags: { 'application-name': APPLICATION_NAME, ...PAGING_FLAGS },
    run: async (run) => {
      const path = `/applications/${seg(run.flags.required('application-name'))}/deployment-groups`;
      run.print(await listPages(run, { method: 'GET', path }, 'deploymentGroups'));
      return EXIT_OK;
    },
  },
  {
    name: 'update-deployment-group',
    summary: 'Changes a deployment group: only the settings given change.',
    flags: {
      'application-name': APPLICATION_NAME,
      'current-deployment-group-name': { ...GROUP_NAME, help: 'the group to change' },
      'new-deployment-group-name': { kind: 'string', help: 'renames the group', placeholder: 'NAME' },
      ...SETTINGS,
    },
    run: async (run) => {
      const path = groupPath(run.flags.required('application-name'), run.flags.required('current-deployment-group-name'));
      run.print(await run.api.call({ method: 'PATCH', path, body: bodyOf(run, ['new-deployment-group-name', ...SETTING_FLAGS]) }));
      return EXIT_OK;
    },
  },
  {
    name: 'delete-deployment-group',
    summary: 'Deletes a deployment group.',
    flags: { 'application-name': APPLICATION_NAME, 'deployment-group-name': GROUP_NAME },
    run: async (run) => {
      const path = groupPath(run.flags.required('application-name'), run.flags.required('deployment-group-name'));
      run.print(await run.api.call({ method: 'DELETE', path }));
      return EXIT_OK;
    },
  },
];
