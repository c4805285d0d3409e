// The deployment group routes through the real router, on the embedded runtime's store.
import type { ApiContext } from '../../../functions/api/api-context';
import type { DeploymentGroup } from '../../../functions/core/types';
import type { Store } from '../../../functions/ports';
import { apiClient, documentedOperations, localApiClients, localApiContext } from '../../support/api-client';
import { type Harness, openHarness } from '../../support/local-runtime-harness';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:deployments';
const ROLE = 'arn:aws:iam::123456789012:role/CodeDeployServiceRole';
const GROUPS = '/applications/shop/deployment-groups';
const LISTENER = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2';
const PAIR = { targetGroups: [{ name: 'blue' }, { name: 'green' }], prodTrafficRoute: { listenerArns: [LISTENER] } };
const TERMINATION_WAIT = { terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 5 } };

type Json = Record<string, unknown>;
type Refusal = [string, Json, number, string, string, RegExp];

/** The host lists GetDeploymentGroup shows empty for a group without hosts. */
const NO_HOSTS = { instanceNames: [], ec2TagFilters: [], onPremisesInstanceTagFilters: [], autoScalingGroups: [] };

/** A refusal for each host setting, sent beside `base` to a group without hosts, which `groupIs` describes. */
function hostSettingRefusals(base: Json, groupIs: string): Refusal[] {
  const tagFilter = { Key: 'role', Value: 'web', Type: 'KEY_AND_VALUE' };
  const settings: Json = {
    instanceNames: ['host-1'],
    ec2TagFilters: [tagFilter],
    ec2TagSet: { ec2TagSetList: [[tagFilter]] },
    onPremisesInstanceTagFilters: [tagFilter],
    onPremisesTagSet: { onPremisesTagSetList: [[tagFilter]] },
    autoScalingGroups: ['web-asg'],
  };
  return Object.entries(settings).map(([field, value]) => [
    field,
    { ...base, [field]: value },
    400,
    'ValidationError',
    field,
    new RegExp(`^${field}: applies to Server deployment groups only; ${groupIs}`),
  ]);
}

describe('deployment group routes', () => {
  let h: Harness;
  const { call, callOnAws } = localApiClients(() => h);

  async function createGroup(name: string, settings: Json = { instanceNames: ['host-1'] }, app = 'shop') {
    const created = await call('POST', `/applications/${app}/deployment-groups`, { deploymentGroupName: name, ...settings });
    expect(created.status).toBe(201);
    return created.body?.deploymentGroupId as string;
  }

  async function info(name: string, app = 'shop'): Promise<Json> {
    const got = await call('GET', `/applications/${app}/deployment-groups/${name}`);
    expect(got.status).toBe(200);
    return got.body?.deploymentGroupInfo as Json;
  }

  function stored(name: string): Promise<DeploymentGroup | undefined> {
    return h.runtime.store.getDeploymentGroup('shop', name);
  }

  async function holdLock(name: string, acquiredAt: Date): Promise<string> {
    const group = await stored(name);
    const deploymentId = 'd-LIVE00001';
    await h.runtime.store.acquireGroupLock({ deploymentGroupId: group!.deploymentGroupId, deploymentId, acquiredAt: acquiredAt.toISOString() }, name);
    return deploymentId;
  }

  beforeAll(async () => {
    h = await openHarness();
    expect((await call('POST', '/applications', { applicationName: 'shop' })).status).toBe(201);
    await h.runtime.store.createDeploymentConfig({ deploymentConfigName: 'Quarter', computePlatform: 'Server', minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 75 } });
  });
  afterAll(async () => {
    await h.runtime.close();
  });

  describe('CreateDeploymentGroup, GetDeploymentGroup, ListDeploymentGroups, DeleteDeploymentGroup', () => {
    it('creates a group with the default config, shows it with CodeDeploy field names, lists and deletes it', async () => {
      const id = await createGroup('web', { instanceNames: ['host-1', 'host-2'] });
      expect(id).toMatch(UUID);

      expect(await info('web')).toEqual({
        applicationName: 'shop',
        deploymentGroupId: id,
        deploymentGroupName: 'web',
        deploymentConfigName: 'CodeDeployDefault.OneAtATime',
        computePlatform: 'Server',
        instanceNames: ['host-1', 'host-2'],
        ec2TagFilters: [],
        onPremisesInstanceTagFilters: [],
        autoScalingGroups: [],
        triggerConfigurations: [],
        deploymentStyle: { deploymentType: 'IN_PLACE', deploymentOption: 'WITHOUT_TRAFFIC_CONTROL' },
      });
      expect((await call('GET', GROUPS)).body).toEqual({ applicationName: 'shop', deploymentGroups: expect.arrayContaining(['web']) });

      expect(await call('DELETE', `${GROUPS}/web`)).toEqual({ status: 200, body: { hooksNotCleanedUp: [] } });
      expect((await call('GET', `${GROUPS}/web`)).status).toBe(404);
      expect(await stored('web')).toBeUndefined();
    });

    it('keeps every setting it is given and shows it back', async () => {
      const settings = {
        deploymentConfigName: 'Quarter',
        serviceRoleArn: ROLE,
        ec2TagSet: { ec2TagSetList: [[{ Key: 'role', Value: 'web', Type: 'KEY_AND_VALUE' }], [{ Key: 'env', Type: 'KEY_ONLY' }]] },
        onPremisesInstanceTagFilters: [{ Value: 'rack-2', Type: 'VALUE_ONLY' }],
        autoScalingGroups: ['web-asg'],
        triggerConfigurations: [{ triggerName: 'ops', triggerTargetArn: TOPIC, triggerEvents: ['DeploymentFailure', 'InstanceFailure'] }],
        autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] },
        loadBalancerInfo: { targetGroupInfoList: [{ name: 'web-tg' }], elbInfoList: [{ name: 'legacy-elb' }] },
        deploymentStyle: { deploymentType: 'IN_PLACE', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      };
      const id = await createGroup('full', settings);

      const { deploymentStyle, ...rest } = settings;
      expect(await info('full')).toEqual({
        ...rest,
        applicationName: 'shop',
        deploymentGroupId: id,
        deploymentGroupName: 'full',
        computePlatform: 'Server',
        instanceNames: [],
        ec2TagFilters: [],
        autoScalingGroups: [{ name: 'web-asg' }],
        deploymentStyle,
      });
    });

    it('keeps an alarm configuration on a Server group, whose deployments stop when one of its alarms fires', async () => {
      const alarmConfiguration = { enabled: true, alarms: [{ name: 'errors' }, { name: 'latency' }], ignorePollAlarmFailure: true };
      await createGroup('watched', { instanceNames: ['host-1'], alarmConfiguration });

      expect((await stored('watched'))?.alarmConfiguration).toEqual(alarmConfiguration);
      expect((await info('watched')).alarmConfiguration).toEqual(alarmConfiguration);
      expect((await call('PATCH', `${GROUPS}/watched`, { alarmConfiguration: { enabled: false, alarms: [{ name: 'errors' }] } })).status).toBe(200);
      expect((await info('watched')).alarmConfiguration).toEqual({ enabled: false, alarms: [{ name: 'errors' }] });
    });

    it('takes rollback events as optional while rollback is disabled', async () => {
      await createGroup('no-rollback', { instanceNames: ['host-1'], autoRollbackConfiguration: { enabled: false } });

      expect((await info('no-rollback')).autoRollbackConfiguration).toEqual({ enabled: false, events: [] });
    });

    it('treats empty selector lists as absent', async () => {
      await createGroup('asg-only', { autoScalingGroups: ['web-asg'], instanceNames: [], ec2TagFilters: [], ec2TagSet: { ec2TagSetList: [] } });

      const group = await stored('asg-only');
      expect(group).not.toHaveProperty('instanceNames');
      expect(group).not.toHaveProperty('ec2TagSet');
      expect(group?.autoScalingGroups).toEqual(['web-asg']);
    });

    const valid = { deploymentGroupName: 'refused', instanceNames: ['host-1'] };
    const trigger = { triggerName: 'ops', triggerTargetArn: TOPIC, triggerEvents: ['DeploymentFailure'] };
    const loadBalancerInfo = { targetGroupInfoList: [{ name: 'web-tg' }] };

    it.each<[string, unknown, string, string, RegExp]>([
      ['malformed JSON', '{"deploymentGroupName": ', 'MalformedJson', 'body', /^The body is not valid JSON/],
      ['no body', undefined, 'ValidationError', 'body', /^body: is required: an object$/],
      ['a body that is not an object', [], 'ValidationError', 'body', /^body: must be an object \(got \[\]\)$/],
      ['no deploymentGroupName', { instanceNames: ['host-1'] }, 'ValidationError', 'deploymentGroupName', /^deploymentGroupName: is required: a string of 1 to 100 characters/],
      ['a deploymentGroupName CodeDeploy refuses', { ...valid, deploymentGroupName: 'web group' }, 'ValidationError', 'deploymentGroupName', /must be 1 to 100 characters.*\(got "web group"\)/],
      ['instanceNames that are not a list', { ...valid, instanceNames: 'host-1' }, 'ValidationError', 'instanceNames', /^instanceNames: must be a list of host names or instance ids \(got "host-1"\)$/],
      ['an instance name that is not a string', { ...valid, instanceNames: [7] }, 'ValidationError', 'instanceNames.0', /^instanceNames\.0: must be a host name or instance id \(got 7\)$/],
      ['an unknown field', { ...valid, tags: [] }, 'ValidationError', 'tags', /^tags: is not a field this operation accepts$/],
      ['an unknown field in a trigger', { ...valid, triggerConfigurations: [{ ...trigger, topic: 'x' }] }, 'ValidationError', 'triggerConfigurations.0.topic', /^triggerConfigurations\.0\.topic: is not a field/],
      ['an unknown field in a tag filter', { ...valid, ec2TagFilters: [{ Key: 'role', Type: 'KEY_ONLY', Valu: 'web' }] }, 'ValidationError', 'ec2TagFilters.0.Valu', /^ec2TagFilters\.0\.Valu: is not a field/],
      ['an unknown field in a tag set group', { ...valid, ec2TagSet: { ec2TagSetList: [[{ Key: 'role', Type: 'KEY_ONLY', Kye: 'x' }]] } }, 'ValidationError', 'ec2TagSet.ec2TagSetList.0.0.Kye', /^ec2TagSet\.ec2TagSetList\.0\.0\.Kye: is not a field/],
      ['an unknown field beside a tag set list', { ...valid, onPremisesTagSet: { onPremisesTagSetList: [], extra: 1 } }, 'ValidationError', 'onPremisesTagSet.extra', /^onPremisesTagSet\.extra: is not a field/],
      ['an unknown field in loadBalancerInfo', { ...valid, loadBalancerInfo: { targetGroupPairs: [] } }, 'ValidationError', 'loadBalancerInfo.targetGroupPairs', /is not a field/],
      ['an unknown field in deploymentStyle', { ...valid, deploymentStyle: { deploymentType: 'IN_PLACE', blueGreen: true } }, 'ValidationError', 'deploymentStyle.blueGreen', /is not a field/],
      ['a tag filter without the Key its Type needs', { ...valid, ec2TagFilters: [{ Value: 'web', Type: 'KEY_AND_VALUE' }] }, 'ValidationError', 'ec2TagFilters.0.Key', /^ec2TagFilters\.0\.Key: is required for Type KEY_AND_VALUE$/],
      ['tag filters and a tag set together', { ...valid, ec2TagFilters: [{ Key: 'a', Type: 'KEY_ONLY' }], ec2TagSet: { ec2TagSetList: [[{ Key: 'b', Type: 'KEY_ONLY' }]] } }, 'ValidationError', 'ec2TagSet', /^ec2TagSet: cannot be combined with ec2TagFilters/],
      ['no target selector', { deploymentGroupName: 'refused' }, 'ValidationError', 'body', /^body: the group would select no hosts: set at least one of instanceNames, ec2TagFilters, ec2TagSet/],
      ['only empty selectors', { deploymentGroupName: 'refused', instanceNames: [], autoScalingGroups: [] }, 'ValidationError', 'body', /would select no hosts/],
      ['a host name the embedded runtime cannot use', { ...valid, instanceNames: ['host-1', 'host 2'] }, 'ValidationError', 'instanceNames.1', /^instanceNames\.1: must be a host folder name under \.cutover\/hosts.*\(got "host 2"\)$/],
      ['more than 10 triggers', { ...valid, triggerConfigurations: Array.from({ length: 11 }, () => trigger) }, 'ValidationError', 'triggerConfigurations', /^triggerConfigurations: lists 11 triggers; at most 10 are allowed$/],
      ['a trigger target that is not an SNS topic', { ...valid, triggerConfigurations: [{ ...trigger, triggerTargetArn: 'arn:aws:sqs:eu-west-1:123456789012:q' }] }, 'ValidationError', 'triggerConfigurations.0.triggerTargetArn', /must be an SNS topic ARN like .*\(got "arn:aws:sqs:eu-west-1:123456789012:q"\)$/],
      ['a trigger with no events', { ...valid, triggerConfigurations: [{ ...trigger, triggerEvents: [] }] }, 'ValidationError', 'triggerConfigurations.0.triggerEvents', /must list at least one of DeploymentStart, DeploymentSuccess/],
      ['an unknown trigger event', { ...valid, triggerConfigurations: [{ ...trigger, triggerEvents: ['DeploymentBegin'] }] }, 'ValidationError', 'triggerConfigurations.0.triggerEvents.0', /must be one of DeploymentStart, .*InstanceReady \(got "DeploymentBegin"\)$/],
      ['auto rollback enabled with no events', { ...valid, autoRollbackConfiguration: { enabled: true, events: [] } }, 'ValidationError', 'autoRollbackConfiguration.events', /must list at least one of DEPLOYMENT_FAILURE, .* when enabled is true$/],
      ['auto rollback without enabled', { ...valid, autoRollbackConfiguration: { events: ['DEPLOYMENT_FAILURE'] } }, 'ValidationError', 'autoRollbackConfiguration.enabled', /is required: true or false$/],
      ['an unknown rollback event', { ...valid, autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_SUCCESS'] } }, 'ValidationError', 'autoRollbackConfiguration.events.0', /must be one of DEPLOYMENT_FAILURE.*\(got "DEPLOYMENT_SUCCESS"\)$/],
      ['a target group name AWS refuses', { ...valid, loadBalancerInfo: { targetGroupInfoList: [{ name: '-web' }] } }, 'ValidationError', 'loadBalancerInfo.targetGroupInfoList.0.name', /must be a target group name of 1 to 32 letters, digits or hyphens.*\(got "-web"\)$/],
      ['more than 10 Classic Load Balancers', { ...valid, loadBalancerInfo: { elbInfoList: Array.from({ length: 11 }, (_, i) => ({ name: `elb-${i}` })) } }, 'ValidationError', 'loadBalancerInfo.elbInfoList', /lists 11 Classic Load Balancers; at most 10 are allowed$/],
      ['blue/green', { ...valid, deploymentStyle: { deploymentType: 'BLUE_GREEN' } }, 'ValidationError', 'deploymentStyle.deploymentType', /^deploymentStyle\.deploymentType: must be IN_PLACE for a Server deployment group: BLUE_GREEN is not supported yet$/],
      ['an unknown deployment type', { ...valid, deploymentStyle: { deploymentType: 'CANARY' } }, 'ValidationError', 'deploymentStyle.deploymentType', /must be IN_PLACE or BLUE_GREEN \(got "CANARY"\)$/],
      ['a Lambda deployment config', { ...valid, deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce' }, 'ValidationError', 'deploymentConfigName', /names a deployment config for Lambda; Server deployments need a Server config/],
      ['traffic control without a load balancer', { ...valid, deploymentStyle: { deploymentOption: 'WITH_TRAFFIC_CONTROL' } }, 'ValidationError', 'deploymentStyle.deploymentOption', /WITH_TRAFFIC_CONTROL needs loadBalancerInfo/],
      ['a load balancer without traffic control', { ...valid, loadBalancerInfo, deploymentStyle: { deploymentOption: 'WITHOUT_TRAFFIC_CONTROL' } }, 'ValidationError', 'deploymentStyle.deploymentOption', /WITHOUT_TRAFFIC_CONTROL cannot be combined with loadBalancerInfo/],
      ['an ECS service', { ...valid, ecsServices: [{ serviceName: 'web', clusterName: 'main' }] }, 'ValidationError', 'ecsServices', /^ecsServices: applies to ECS deployment groups only; a Server deployment group deploys to hosts, in place$/],
      ['a target group pair', { ...valid, loadBalancerInfo: { targetGroupPairInfoList: [PAIR] } }, 'ValidationError', 'loadBalancerInfo.targetGroupPairInfoList', /^loadBalancerInfo\.targetGroupPairInfoList: applies to ECS deployment groups only; a Server deployment group/],
      ['a termination wait', { ...valid, blueGreenDeploymentConfiguration: TERMINATION_WAIT }, 'ValidationError', 'blueGreenDeploymentConfiguration', /^blueGreenDeploymentConfiguration: applies to ECS deployment groups only/],
      ['a service role that is not an IAM role', { ...valid, serviceRoleArn: 'arn:aws:iam::123456789012:user/deployer' }, 'ValidationError', 'serviceRoleArn', /must be an IAM role ARN like .*\(got "arn:aws:iam::123456789012:user\/deployer"\)$/],
      ['a deploymentConfigName that is not a string', { ...valid, deploymentConfigName: 5 }, 'ValidationError', 'deploymentConfigName', /must be a string of 1 to 100 characters.*\(got 5\)$/],
      ['more than 10 alarms', { ...valid, alarmConfiguration: { enabled: true, alarms: Array.from({ length: 11 }, (_, i) => ({ name: `alarm-${i}` })) } }, 'ValidationError', 'alarmConfiguration.alarms', /^alarmConfiguration\.alarms: lists 11 alarms; at most 10 are allowed$/],
      ['an empty alarm name', { ...valid, alarmConfiguration: { enabled: true, alarms: [{ name: '' }] } }, 'ValidationError', 'alarmConfiguration.alarms.0.name', /must be a CloudWatch alarm name of 1 to 255 characters, not empty$/],
      ['an alarm name over 255 characters', { ...valid, alarmConfiguration: { enabled: true, alarms: [{ name: 'a'.repeat(256) }] } }, 'ValidationError', 'alarmConfiguration.alarms.0.name', /must be at most 255 characters \(got 256\)$/],
      ['the same alarm twice', { ...valid, alarmConfiguration: { enabled: true, alarms: [{ name: 'errors' }, { name: 'latency' }, { name: 'errors' }] } }, 'ValidationError', 'alarmConfiguration.alarms.2.name', /repeats alarm "errors", already at alarms\.0$/],
      ['alarms enabled with none named', { ...valid, alarmConfiguration: { enabled: true, alarms: [] } }, 'ValidationError', 'alarmConfiguration.alarms', /must name at least one alarm when enabled is true/],
      ['alarms enabled without a list', { ...valid, alarmConfiguration: { enabled: true } }, 'ValidationError', 'alarmConfiguration.alarms', /must name at least one alarm when enabled is true/],
      ['an alarm configuration without enabled', { ...valid, alarmConfiguration: { alarms: [{ name: 'errors' }] } }, 'ValidationError', 'alarmConfiguration.enabled', /is required: true or false$/],
      ['ignorePollAlarmFailure as a string', { ...valid, alarmConfiguration: { enabled: true, alarms: [{ name: 'errors' }], ignorePollAlarmFailure: 'yes' } }, 'ValidationError', 'alarmConfiguration.ignorePollAlarmFailure', /must be true or false \(got "yes"\)$/],
      ['an alarm that is not an object', { ...valid, alarmConfiguration: { enabled: true, alarms: ['errors'] } }, 'ValidationError', 'alarmConfiguration.alarms.0', /must be an object \{name\} naming a CloudWatch alarm/],
      ['an unknown field of an alarm', { ...valid, alarmConfiguration: { enabled: true, alarms: [{ name: 'errors', arn: 'x' }] } }, 'ValidationError', 'alarmConfiguration.alarms.0.arn', /is not a field/],
      ['an unknown field of the alarm configuration', { ...valid, alarmConfiguration: { enabled: false, alarms: [], thresholds: 1 } }, 'ValidationError', 'alarmConfiguration.thresholds', /is not a field/],
    ])('refuses %s with a 400 naming the field', async (_case, body, code, field, message) => {
      const response = await call('POST', GROUPS, body);

      expect(response).toEqual({ status: 400, body: { code, field, message: expect.stringMatching(message) } });
      expect(await stored('refused')).toBeUndefined();
    });

    it('reports every problem of a request at once, naming the first', async () => {
      const response = await call('POST', GROUPS, { ...valid, serviceRoleArn: 'role', triggerConfigurations: [{ ...trigger, triggerEvents: [] }] });

      expect(response.body).toEqual({ code: 'ValidationError', field: 'serviceRoleArn', message: expect.stringContaining('\ntriggerConfigurations.0.triggerEvents: ') });
    });

    it.each<[string, string, Json, number, string, string, RegExp]>([
      ['an application that does not exist', '/applications/nowhere/deployment-groups', valid, 404, 'ApplicationDoesNotExist', 'applicationName', /^Application 'nowhere' does not exist$/],
      ['an application name CodeDeploy refuses', '/applications/no%20where/deployment-groups', valid, 400, 'ValidationError', 'applicationName', /\(got "no where"\)/],
      ['a deployment config that does not exist', GROUPS, { ...valid, deploymentConfigName: 'Nope' }, 404, 'DeploymentConfigDoesNotExist', 'deploymentConfigName', /^Deployment config 'Nope' does not exist$/],
      ['a name the application already has', GROUPS, { ...valid, deploymentGroupName: 'taken' }, 409, 'DeploymentGroupAlreadyExists', 'deploymentGroupName', /^Application 'shop' already has a deployment group named 'taken'$/],
    ])('refuses %s', async (_case, path, body, status, code, field, message) => {
      if (body.deploymentGroupName === 'taken' && !(await stored('taken'))) await createGroup('taken');
      const before = await stored('taken');

      expect(await call('POST', path, body)).toEqual({ status, body: { code, field, message: expect.stringMatching(message) } });
      expect(await stored('refused')).toBeUndefined();
      expect(await stored('taken')).toEqual(before);
    });

    it.each<[ApiContext['hostNaming'], string[], number]>([
      ['aws', ['i-0123abcd', 'i-0123456789abcdef0', 'mi-0123456789abcdef0'], 201],
      ['aws', ['host-1'], 400],
      ['local', ['host-1', 'web_2.example'], 201],
      ['local', ['.hidden'], 400],
    ])('with %s host naming, takes instanceNames %j with %p', async (naming, instanceNames, status) => {
      const name = `naming-${naming}-${status}`;
      const response = await (naming === 'aws' ? callOnAws : call)('POST', GROUPS, { deploymentGroupName: name, instanceNames });

      expect(response.status).toBe(status);
      if (status === 400) {
        const rule = naming === 'aws' ? /must be an EC2 instance id \(i- and 8 or 17 characters\) or an on-premises one/ : /must be a host folder name/;
        expect(response.body).toEqual({ code: 'ValidationError', field: 'instanceNames.0', message: expect.stringMatching(rule) });
      } else {
        expect((await stored(name))?.instanceNames).toEqual(instanceNames);
      }
    });

    it('pages through the groups of an application by name', async () => {
      expect((await call('POST', '/applications', { applicationName: 'fleet' })).status).toBe(201);
      const names = Array.from({ length: 103 }, (_, i) => `g-${String(i).padStart(3, '0')}`);
      for (const name of names) {
        await h.runtime.store.createDeploymentGroup({ applicationName: 'fleet', deploymentGroupName: name, deploymentGroupId: name, deploymentConfigName: 'CodeDeployDefault.OneAtATime', computePlatform: 'Server', instanceNames: ['host-1'] });
      }

      const listed: string[] = [];
      let nextToken: string | undefined;
      let pages = 0;
      do {
        const page = await call('GET', '/applications/fleet/deployment-groups', undefined, nextToken === undefined ? {} : { nextToken });
        expect(page.status).toBe(200);
        expect(page.body?.applicationName).toBe('fleet');
        listed.push(...(page.body?.deploymentGroups as string[]));
        nextToken = page.body?.nextToken as string | undefined;
        pages += 1;
      } while (nextToken !== undefined);

      expect(listed).toEqual(names);
      expect(pages).toBeGreaterThan(1);
    });

    it.each<[string, string, Record<string, string>, number, string, string | undefined, RegExp]>([
      ['an application that does not exist', '/applications/nowhere/deployment-groups', {}, 404, 'ApplicationDoesNotExist', 'applicationName', /^Application 'nowhere' does not exist$/],
      ['a nextToken it never handed out', GROUPS, { nextToken: 'bogus' }, 400, 'ValidationError', 'nextToken', /nextToken/],
      ['an unknown query parameter', GROUPS, { limit: '5' }, 400, 'ValidationError', 'limit', /^limit: is not a field this operation accepts$/],
    ])('refuses to list with %s', async (_case, path, query, status, code, field, message) => {
      expect(await call('GET', path, undefined, query)).toEqual({ status, body: { code, field, message: expect.stringMatching(message) } });
    });

    it.each<[string, string, string, string, RegExp]>([
      ['GET', '/applications/nowhere/deployment-groups/web', 'ApplicationDoesNotExist', 'applicationName', /^Application 'nowhere' does not exist$/],
      ['GET', `${GROUPS}/missing`, 'DeploymentGroupDoesNotExist', 'deploymentGroupName', /^Deployment group 'shop\/missing' does not exist$/],
      ['DELETE', '/applications/nowhere/deployment-groups/web', 'ApplicationDoesNotExist', 'applicationName', /^Application 'nowhere' does not exist$/],
      ['DELETE', `${GROUPS}/missing`, 'DeploymentGroupDoesNotExist', 'deploymentGroupName', /^Deployment group 'shop\/missing' does not exist$/],
    ])('answers %s %s with 404 %s', async (method, path, code, field, message) => {
      expect(await call(method, path)).toEqual({ status: 404, body: { code, field, message: expect.stringMatching(message) } });
    });

    it('refuses a body on DELETE', async () => {
      await createGroup('keep-me');

      expect(await call('DELETE', `${GROUPS}/keep-me`, {})).toEqual({ status: 400, body: { code: 'ValidationError', field: 'body', message: 'This operation takes no body' } });
      expect(await stored('keep-me')).toBeDefined();
    });

    it('refuses to delete a group while a deployment runs in it, naming the deployment', async () => {
      await createGroup('busy');
      const deploymentId = await holdLock('busy', new Date());

      expect(await call('DELETE', `${GROUPS}/busy`)).toEqual({
        status: 409,
        body: {
          code: 'DeploymentInProgress',
          field: 'deploymentGroupName',
          message: `Deployment group 'busy' is running deployment ${deploymentId}; stop it or wait for it to end, then delete the group`,
        },
      });
      expect(await stored('busy')).toBeDefined();
    });

    it('deletes a group whose lock was left by a deployment that never started', async () => {
      await createGroup('abandoned');
      await holdLock('abandoned', new Date(Date.now() - 60 * 60 * 1000));

      expect(await call('DELETE', `${GROUPS}/abandoned`)).toEqual({ status: 200, body: { hooksNotCleanedUp: [] } });
      expect(await stored('abandoned')).toBeUndefined();
    });
  });

  it('describes its five operations in the OpenAPI document', async () => {
    expect(await documentedOperations(call, (path) => path.includes('deployment-groups'))).toEqual([
      'delete /applications/{applicationName}/deployment-groups/{deploymentGroupName} DeleteDeploymentGroup',
      'get /applications/{applicationName}/deployment-groups ListDeploymentGroups',
      'get /applications/{applicationName}/deployment-groups/{deploymentGroupName} GetDeploymentGroup',
      'patch /applications/{applicationName}/deployment-groups/{deploymentGroupName} UpdateDeploymentGroup',
      'post /applications/{applicationName}/deployment-groups CreateDeploymentGroup',
    ]);
  });

  describe('deployment groups of a Lambda application', () => {
    const LAMBDA_GROUPS = '/applications/fn/deployment-groups';
    const lambdaInfo = async (name: string) => info(name, 'fn');
    const lambdaStored = (name: string) => h.runtime.store.getDeploymentGroup('fn', name);

    beforeAll(async () => {
      expect((await call('POST', '/applications', { applicationName: 'fn', computePlatform: 'Lambda' })).status).toBe(201);
      await h.runtime.store.createDeploymentConfig({
        deploymentConfigName: 'Slow',
        deploymentConfigId: 'slow',
        createTime: new Date().toISOString(),
        computePlatform: 'Lambda',
        trafficRoutingConfig: { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 20, linearInterval: 5 } },
      });
    });

    it('creates a group without hosts, with CodeDeployDefault.LambdaAllAtOnce, shown as BLUE_GREEN with traffic control', async () => {
      const id = await createGroup('live', {}, 'fn');

      expect(await lambdaInfo('live')).toEqual({
        applicationName: 'fn',
        deploymentGroupId: id,
        deploymentGroupName: 'live',
        deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
        computePlatform: 'Lambda',
        ...NO_HOSTS,
        triggerConfigurations: [],
        deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      });
      expect((await lambdaStored('live'))?.computePlatform).toBe('Lambda');
    });

    it('keeps every setting a Lambda group takes and shows it back', async () => {
      const settings = {
        deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        serviceRoleArn: ROLE,
        triggerConfigurations: [{ triggerName: 'ops', triggerTargetArn: TOPIC, triggerEvents: ['DeploymentFailure'] }],
        autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
        alarmConfiguration: { enabled: true, alarms: [{ name: 'errors' }, { name: 'throttles' }] },
        deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      };
      const id = await createGroup('canary', settings, 'fn');

      expect(await lambdaInfo('canary')).toEqual({
        ...settings,
        applicationName: 'fn',
        deploymentGroupId: id,
        deploymentGroupName: 'canary',
        computePlatform: 'Lambda',
        ...NO_HOSTS,
      });
    });

    it('takes a custom Lambda config', async () => {
      await createGroup('slow', { deploymentConfigName: 'Slow' }, 'fn');

      expect((await lambdaInfo('slow')).deploymentConfigName).toBe('Slow');
    });

    it.each<[string, Json, number, string, string, RegExp]>([
      ...hostSettingRefusals({}, 'a Lambda deployment group has no hosts'),
      ['a target group', { loadBalancerInfo: { targetGroupInfoList: [{ name: 'web-tg' }] } }, 400, 'ValidationError', 'loadBalancerInfo.targetGroupInfoList', /^loadBalancerInfo\.targetGroupInfoList: applies to Server deployment groups only; a Lambda deployment group has no hosts/],
      ['a predefined Server config', { deploymentConfigName: 'CodeDeployDefault.OneAtATime' }, 400, 'ValidationError', 'deploymentConfigName', /names a deployment config for Server, not Lambda \(got "CodeDeployDefault\.OneAtATime"\)$/],
      ['a custom Server config', { deploymentConfigName: 'Quarter' }, 400, 'ValidationError', 'deploymentConfigName', /names a deployment config for Server, not Lambda \(got "Quarter"\)$/],
      ['an ECS config', { deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce' }, 400, 'ValidationError', 'deploymentConfigName', /names a deployment config for ECS, not Lambda/],
      ['a config that does not exist', { deploymentConfigName: 'Nope' }, 404, 'DeploymentConfigDoesNotExist', 'deploymentConfigName', /^Deployment config 'Nope' does not exist$/],
      ['an in-place style', { deploymentStyle: { deploymentType: 'IN_PLACE' } }, 400, 'ValidationError', 'deploymentStyle.deploymentType', /must be BLUE_GREEN for a Lambda deployment group/],
      ['a style without traffic control', { deploymentStyle: { deploymentOption: 'WITHOUT_TRAFFIC_CONTROL' } }, 400, 'ValidationError', 'deploymentStyle.deploymentOption', /must be WITH_TRAFFIC_CONTROL for a Lambda deployment group/],
    ])('refuses %s on create, naming the field', async (_case, settings, status, code, field, message) => {
      const response = await call('POST', LAMBDA_GROUPS, { deploymentGroupName: 'refused', ...settings });

      expect(response).toEqual({ status, body: { code, field, message: expect.stringMatching(message) } });
      expect(await lambdaStored('refused')).toBeUndefined();
    });

    it('takes empty host settings as none', async () => {
      await createGroup('empty-hosts', { instanceNames: [], ec2TagFilters: [], autoScalingGroups: [] }, 'fn');

      expect(await lambdaStored('empty-hosts')).not.toHaveProperty('instanceNames');
    });

    it('changes a Lambda config, alarms and rollback on update, and keeps the platform', async () => {
      await createGroup('edit', {}, 'fn');
      const changes = {
        deploymentConfigName: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
        alarmConfiguration: { enabled: true, alarms: [{ name: 'errors' }], ignorePollAlarmFailure: false },
        autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_STOP_ON_ALARM'] },
      };

      expect(await call('PATCH', `${LAMBDA_GROUPS}/edit`, changes)).toEqual({ status: 200, body: { hooksNotCleanedUp: [] } });

      expect(await lambdaInfo('edit')).toMatchObject({ ...changes, computePlatform: 'Lambda', deploymentStyle: { deploymentType: 'BLUE_GREEN' } });
      expect(await lambdaStored('edit')).toMatchObject(changes);
    });

    it.each<[string, Json, number, string, string, RegExp]>([
      ['a Server config', { deploymentConfigName: 'CodeDeployDefault.AllAtOnce' }, 400, 'ValidationError', 'deploymentConfigName', /names a deployment config for Server, not Lambda/],
      ['hosts', { instanceNames: ['host-1'] }, 400, 'ValidationError', 'instanceNames', /applies to Server deployment groups only/],
      ['a load balancer', { loadBalancerInfo: { elbInfoList: [{ name: 'legacy' }] } }, 400, 'ValidationError', 'loadBalancerInfo.elbInfoList', /applies to Server deployment groups only/],
      ['an ECS service', { ecsServices: [{ serviceName: 'web', clusterName: 'main' }] }, 400, 'ValidationError', 'ecsServices', /^ecsServices: applies to ECS deployment groups only; a Lambda deployment group has no hosts/],
      ['a target group pair', { loadBalancerInfo: { targetGroupPairInfoList: [PAIR] } }, 400, 'ValidationError', 'loadBalancerInfo.targetGroupPairInfoList', /applies to ECS deployment groups only/],
      ['a termination wait', { blueGreenDeploymentConfiguration: TERMINATION_WAIT }, 400, 'ValidationError', 'blueGreenDeploymentConfiguration', /applies to ECS deployment groups only/],
      ['too many alarms', { alarmConfiguration: { enabled: true, alarms: Array.from({ length: 11 }, (_, i) => ({ name: `a${i}` })) } }, 400, 'ValidationError', 'alarmConfiguration.alarms', /at most 10/],
    ])('refuses %s on update, and changes nothing', async (_case, changes, status, code, field, message) => {
      if (!(await lambdaStored('kept'))) await createGroup('kept', {}, 'fn');
      const before = await lambdaStored('kept');

      expect(await call('PATCH', `${LAMBDA_GROUPS}/kept`, changes)).toEqual({ status, body: { code, field, message: expect.stringMatching(message) } });
      expect(await lambdaStored('kept')).toEqual(before);
    });
  });

  describe('deployment groups of an ECS application', () => {
    const ECS_GROUPS = '/applications/svc/deployment-groups';
    const ecsInfo = async (name: string) => info(name, 'svc');
    const ecsStored = (name: string) => h.runtime.store.getDeploymentGroup('svc', name);
    const TEST_LISTENER = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/net/web-test/50dc6c495c0c9188/0123456789abcdef';
    const service = { serviceName: 'web', clusterName: 'main' };
    const ecs = { ecsServices: [service], loadBalancerInfo: { targetGroupPairInfoList: [PAIR] } };
    const withPair = (pair: Json) => ({ ...ecs, loadBalancerInfo: { targetGroupPairInfoList: [{ ...PAIR, ...pair }] } });

    beforeAll(async () => {
      expect((await call('POST', '/applications', { applicationName: 'svc', computePlatform: 'ECS' })).status).toBe(201);
    });

    it('creates a group of one service behind a target group pair, with CodeDeployDefault.ECSAllAtOnce, shown as BLUE_GREEN with traffic control', async () => {
      const id = await createGroup('plain', ecs, 'svc');

      expect(await ecsInfo('plain')).toEqual({
        applicationName: 'svc',
        deploymentGroupId: id,
        deploymentGroupName: 'plain',
        deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
        computePlatform: 'ECS',
        ...NO_HOSTS,
        triggerConfigurations: [],
        ecsServices: [service],
        loadBalancerInfo: { targetGroupPairInfoList: [PAIR] },
        deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      });
      expect(await ecsStored('plain')).toMatchObject({ computePlatform: 'ECS', ecsServices: [service], loadBalancerInfo: { targetGroupPairInfoList: [PAIR] } });
    });

    it('keeps every setting an ECS group takes and shows it back', async () => {
      const settings = {
        ...withPair({ testTrafficRoute: { listenerArns: [TEST_LISTENER] } }),
        deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes',
        serviceRoleArn: ROLE,
        blueGreenDeploymentConfiguration: TERMINATION_WAIT,
        triggerConfigurations: [{ triggerName: 'ops', triggerTargetArn: TOPIC, triggerEvents: ['DeploymentFailure'] }],
        autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
        alarmConfiguration: { enabled: true, alarms: [{ name: 'errors' }] },
        deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      };
      const id = await createGroup('full', settings, 'svc');

      expect(await ecsInfo('full')).toEqual({
        ...settings,
        applicationName: 'svc',
        deploymentGroupId: id,
        deploymentGroupName: 'full',
        computePlatform: 'ECS',
        ...NO_HOSTS,
      });
    });

    it('takes a termination wait without its action as TERMINATE', async () => {
      await createGroup('no-action', { ...ecs, blueGreenDeploymentConfiguration: { terminateBlueInstancesOnDeploymentSuccess: { terminationWaitTimeInMinutes: 0 } } }, 'svc');

      expect((await ecsInfo('no-action')).blueGreenDeploymentConfiguration).toEqual({
        terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 0 },
      });
    });

    const blueGreen = (config: Json) => ({ ...ecs, blueGreenDeploymentConfiguration: config });
    const terminate = (wait: Json) => blueGreen({ terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', ...wait } });

    it.each<[string, Json, number, string, string, RegExp]>([
      ['no ecsServices', { loadBalancerInfo: ecs.loadBalancerInfo }, 400, 'ValidationError', 'ecsServices', /^ecsServices: is required for an ECS deployment group/],
      ['empty ecsServices', { ...ecs, ecsServices: [] }, 400, 'ValidationError', 'ecsServices', /^ecsServices: is required for an ECS deployment group/],
      ['two services', { ...ecs, ecsServices: [service, { serviceName: 'api', clusterName: 'main' }] }, 400, 'ValidationError', 'ecsServices', /^ecsServices: lists 2 ECS services; at most 1 are allowed$/],
      ['a service name ECS refuses', { ...ecs, ecsServices: [{ ...service, serviceName: 'web.v2' }] }, 400, 'ValidationError', 'ecsServices.0.serviceName', /must be an ECS service name of 1 to 255 letters, digits, - or _ \(got "web\.v2"\)$/],
      ['a service name over 255 characters', { ...ecs, ecsServices: [{ ...service, serviceName: 's'.repeat(256) }] }, 400, 'ValidationError', 'ecsServices.0.serviceName', /must be an ECS service name of 1 to 255/],
      ['an empty cluster name', { ...ecs, ecsServices: [{ ...service, clusterName: '' }] }, 400, 'ValidationError', 'ecsServices.0.clusterName', /must be an ECS cluster name of 1 to 255 letters, digits, - or _ \(got ""\)$/],
      ['a service without its cluster', { ...ecs, ecsServices: [{ serviceName: 'web' }] }, 400, 'ValidationError', 'ecsServices.0.clusterName', /is required: an ECS cluster name/],
      ['an unknown field of a service', { ...ecs, ecsServices: [{ ...service, arn: 'x' }] }, 400, 'ValidationError', 'ecsServices.0.arn', /is not a field/],
      ['no loadBalancerInfo', { ecsServices: [service] }, 400, 'ValidationError', 'loadBalancerInfo.targetGroupPairInfoList', /^loadBalancerInfo\.targetGroupPairInfoList: is required for an ECS deployment group/],
      ['an empty pair list', { ...ecs, loadBalancerInfo: { targetGroupPairInfoList: [] } }, 400, 'ValidationError', 'loadBalancerInfo.targetGroupPairInfoList', /is required for an ECS deployment group/],
      ['two pairs', { ...ecs, loadBalancerInfo: { targetGroupPairInfoList: [PAIR, PAIR] } }, 400, 'ValidationError', 'loadBalancerInfo.targetGroupPairInfoList', /lists 2 target group pairs; at most 1 are allowed$/],
      ['one target group', withPair({ targetGroups: [{ name: 'blue' }] }), 400, 'ValidationError', 'loadBalancerInfo.targetGroupPairInfoList.0.targetGroups', /must list exactly 2 target groups \{name\}.* \(got 1\)$/],
      ['three target groups', withPair({ targetGroups: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }), 400, 'ValidationError', 'loadBalancerInfo.targetGroupPairInfoList.0.targetGroups', /\(got 3\)$/],
      ['the same target group twice', withPair({ targetGroups: [{ name: 'blue' }, { name: 'blue' }] }), 400, 'ValidationError', 'loadBalancerInfo.targetGroupPairInfoList.0.targetGroups.1.name', /repeats target group "blue": the pair needs two different target groups$/],
      ['a target group name ELB refuses', withPair({ targetGroups: [{ name: 'blue' }, { name: 'green-' }] }), 400, 'ValidationError', 'loadBalancerInfo.targetGroupPairInfoList.0.targetGroups.1.name', /must be a target group name of 1 to 32 letters, digits or hyphens.*\(got "green-"\)$/],
      ['a target group name over 32 characters', withPair({ targetGroups: [{ name: 'blue' }, { name: 'g'.repeat(33) }] }), 400, 'ValidationError', 'loadBalancerInfo.targetGroupPairInfoList.0.targetGroups.1.name', /must be a target group name/],
      ['no production route', withPair({ prodTrafficRoute: undefined }), 400, 'ValidationError', 'loadBalancerInfo.targetGroupPairInfoList.0.prodTrafficRoute', /is required: an object \{listenerArns\}$/],
      ['no production listener', withPair({ prodTrafficRoute: { listenerArns: [] } }), 400, 'ValidationError', 'loadBalancerInfo.targetGroupPairInfoList.0.prodTrafficRoute.listenerArns', /must list exactly one listener ARN for production traffic \(got 0\)$/],
      ['two production listeners', withPair({ prodTrafficRoute: { listenerArns: [LISTENER, TEST_LISTENER] } }), 400, 'ValidationError', 'loadBalancerInfo.targetGroupPairInfoList.0.prodTrafficRoute.listenerArns', /\(got 2\)$/],
      ['a production listener that is a target group', withPair({ prodTrafficRoute: { listenerArns: ['arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/blue/50dc6c495c0c9188'] } }), 400, 'ValidationError', 'loadBalancerInfo.targetGroupPairInfoList.0.prodTrafficRoute.listenerArns.0', /must be an Application or Network Load Balancer listener ARN like .*\(got "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targ\.\.\.\)$/],
      ['a Classic Load Balancer name as listener', withPair({ prodTrafficRoute: { listenerArns: ['web'] } }), 400, 'ValidationError', 'loadBalancerInfo.targetGroupPairInfoList.0.prodTrafficRoute.listenerArns.0', /listener ARN like/],
      ['two test listeners', withPair({ testTrafficRoute: { listenerArns: [TEST_LISTENER, LISTENER] } }), 400, 'ValidationError', 'loadBalancerInfo.targetGroupPairInfoList.0.testTrafficRoute.listenerArns', /must list exactly one listener ARN for test traffic \(got 2\)$/],
      ['a test listener that is not an ARN', withPair({ testTrafficRoute: { listenerArns: ['test'] } }), 400, 'ValidationError', 'loadBalancerInfo.targetGroupPairInfoList.0.testTrafficRoute.listenerArns.0', /listener ARN like/],
      ['an unknown field of a pair', withPair({ weights: [] }), 400, 'ValidationError', 'loadBalancerInfo.targetGroupPairInfoList.0.weights', /is not a field/],
      ['a target group list beside the pair', { ...ecs, loadBalancerInfo: { targetGroupPairInfoList: [PAIR], targetGroupInfoList: [{ name: 'web-tg' }] } }, 400, 'ValidationError', 'loadBalancerInfo.targetGroupInfoList', /^loadBalancerInfo\.targetGroupInfoList: applies to Server deployment groups only; an ECS deployment group deploys to the service in ecsServices/],
      ['a Classic Load Balancer', { ...ecs, loadBalancerInfo: { targetGroupPairInfoList: [PAIR], elbInfoList: [{ name: 'legacy' }] } }, 400, 'ValidationError', 'loadBalancerInfo.elbInfoList', /applies to Server deployment groups only/],
      ...hostSettingRefusals(ecs, 'an ECS deployment group deploys to the service in ecsServices'),
      ['a termination wait over two days', terminate({ terminationWaitTimeInMinutes: 2881 }), 400, 'ValidationError', 'blueGreenDeploymentConfiguration.terminateBlueInstancesOnDeploymentSuccess.terminationWaitTimeInMinutes', /must be at most 2880 minutes \(two days\) \(got 2881\)$/],
      ['a negative termination wait', terminate({ terminationWaitTimeInMinutes: -1 }), 400, 'ValidationError', 'blueGreenDeploymentConfiguration.terminateBlueInstancesOnDeploymentSuccess.terminationWaitTimeInMinutes', /must be 0 or more minutes \(got -1\)$/],
      ['a fractional termination wait', terminate({ terminationWaitTimeInMinutes: 1.5 }), 400, 'ValidationError', 'blueGreenDeploymentConfiguration.terminateBlueInstancesOnDeploymentSuccess.terminationWaitTimeInMinutes', /must be a whole number of minutes \(got 1\.5\)$/],
      ['a termination wait as a string', terminate({ terminationWaitTimeInMinutes: '5' }), 400, 'ValidationError', 'blueGreenDeploymentConfiguration.terminateBlueInstancesOnDeploymentSuccess.terminationWaitTimeInMinutes', /must be a whole number of minutes from 0 to 2880 \(got "5"\)$/],
      ['KEEP_ALIVE', terminate({ action: 'KEEP_ALIVE' }), 400, 'ValidationError', 'blueGreenDeploymentConfiguration.terminateBlueInstancesOnDeploymentSuccess.action', /must be TERMINATE: an ECS deployment removes its original task set .*\(got "KEEP_ALIVE"\)$/],
      ['deploymentReadyOption', blueGreen({ deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 60 } }), 400, 'ValidationError', 'blueGreenDeploymentConfiguration.deploymentReadyOption', /^blueGreenDeploymentConfiguration\.deploymentReadyOption: is not supported: an ECS deployment moves traffic as soon as its replacement task set is ready/],
      ['greenFleetProvisioningOption', blueGreen({ greenFleetProvisioningOption: { action: 'DISCOVER_EXISTING' } }), 400, 'ValidationError', 'blueGreenDeploymentConfiguration.greenFleetProvisioningOption', /applies to EC2 blue\/green deployments, which Cutover does not run/],
      ['an unknown field of blueGreenDeploymentConfiguration', blueGreen({ keepOriginal: true }), 400, 'ValidationError', 'blueGreenDeploymentConfiguration.keepOriginal', /is not a field/],
      ['an in-place style', { ...ecs, deploymentStyle: { deploymentType: 'IN_PLACE' } }, 400, 'ValidationError', 'deploymentStyle.deploymentType', /^deploymentStyle\.deploymentType: must be BLUE_GREEN for an? ECS deployment group: traffic shifts from the original task set to a replacement$/],
      ['a style without traffic control', { ...ecs, deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITHOUT_TRAFFIC_CONTROL' } }, 400, 'ValidationError', 'deploymentStyle.deploymentOption', /must be WITH_TRAFFIC_CONTROL for an? ECS deployment group: its listeners always route the traffic$/],
      ['a Lambda config', { ...ecs, deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce' }, 400, 'ValidationError', 'deploymentConfigName', /^deploymentConfigName: names a deployment config for Lambda, not ECS/],
      ['a Server config', { ...ecs, deploymentConfigName: 'CodeDeployDefault.OneAtATime' }, 400, 'ValidationError', 'deploymentConfigName', /names a deployment config for Server, not ECS/],
      ['a custom Server config', { ...ecs, deploymentConfigName: 'Quarter' }, 400, 'ValidationError', 'deploymentConfigName', /names a deployment config for Server, not ECS \(got "Quarter"\)$/],
      ['a config that does not exist', { ...ecs, deploymentConfigName: 'Nope' }, 404, 'DeploymentConfigDoesNotExist', 'deploymentConfigName', /^Deployment config 'Nope' does not exist$/],
      ['alarms enabled with none named', { ...ecs, alarmConfiguration: { enabled: true, alarms: [] } }, 400, 'ValidationError', 'alarmConfiguration.alarms', /must name at least one alarm when enabled is true/],
    ])('refuses %s on create, naming the field', async (_case, settings, status, code, field, message) => {
      const response = await call('POST', ECS_GROUPS, { deploymentGroupName: 'refused', ...settings });

      expect(response).toEqual({ status, body: { code, field, message: expect.stringMatching(message) } });
      expect(await ecsStored('refused')).toBeUndefined();
    });

    it('changes the service, pair, termination wait, config and alarms on update, and keeps the platform', async () => {
      await createGroup('edit', ecs, 'svc');
      const changes = {
        ...withPair({ targetGroups: [{ name: 'api-1' }, { name: 'api-2' }], testTrafficRoute: { listenerArns: [TEST_LISTENER] } }),
        ecsServices: [{ serviceName: 'api', clusterName: 'other' }],
        blueGreenDeploymentConfiguration: TERMINATION_WAIT,
        deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes',
        alarmConfiguration: { enabled: true, alarms: [{ name: 'errors' }], ignorePollAlarmFailure: false },
      };

      expect(await call('PATCH', `${ECS_GROUPS}/edit`, changes)).toEqual({ status: 200, body: { hooksNotCleanedUp: [] } });

      expect(await ecsInfo('edit')).toMatchObject({ ...changes, computePlatform: 'ECS', deploymentStyle: { deploymentType: 'BLUE_GREEN' } });
      expect(await ecsStored('edit')).toMatchObject(changes);
      expect(await call('PATCH', `${ECS_GROUPS}/edit`, { blueGreenDeploymentConfiguration: {} })).toEqual({ status: 200, body: { hooksNotCleanedUp: [] } });
      expect(await ecsStored('edit')).not.toHaveProperty('blueGreenDeploymentConfiguration');
    });

    it.each<[string, Json, number, string, string, RegExp]>([
      ['clearing the service', { ecsServices: [] }, 400, 'ValidationError', 'ecsServices', /is required for an ECS deployment group/],
      ['clearing the target group pair', { loadBalancerInfo: {} }, 400, 'ValidationError', 'loadBalancerInfo.targetGroupPairInfoList', /is required for an ECS deployment group/],
      ['hosts', { instanceNames: ['host-1'] }, 400, 'ValidationError', 'instanceNames', /applies to Server deployment groups only/],
      ['a Lambda config', { deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes' }, 400, 'ValidationError', 'deploymentConfigName', /names a deployment config for Lambda, not ECS/],
      ['deploymentReadyOption', { blueGreenDeploymentConfiguration: { deploymentReadyOption: { actionOnTimeout: 'CONTINUE_DEPLOYMENT' } } }, 400, 'ValidationError', 'blueGreenDeploymentConfiguration.deploymentReadyOption', /is not supported/],
      ['an in-place style', { deploymentStyle: { deploymentType: 'IN_PLACE' } }, 400, 'ValidationError', 'deploymentStyle.deploymentType', /must be BLUE_GREEN for an? ECS deployment group/],
    ])('refuses %s on update, and changes nothing', async (_case, changes, status, code, field, message) => {
      if (!(await ecsStored('kept'))) await createGroup('kept', ecs, 'svc');
      const before = await ecsStored('kept');

      expect(await call('PATCH', `${ECS_GROUPS}/kept`, changes)).toEqual({ status, body: { code, field, message: expect.stringMatching(message) } });
      expect(await ecsStored('kept')).toEqual(before);
    });
  });

  describe('UpdateDeploymentGroup', () => {
    const outcome = { deploymentId: 'd-ABCDEFGH1', status: 'Succeeded', createTime: '2026-11-26T08:00:00.000Z', endTime: '2026-11-26T08:05:00.000Z' } as const;

    it('changes only the settings named and keeps the deployment outcomes', async () => {
      const id = await createGroup('edit', { instanceNames: ['host-1'], triggerConfigurations: [{ triggerName: 'ops', triggerTargetArn: TOPIC, triggerEvents: ['DeploymentFailure'] }] });
      await h.runtime.store.recordGroupOutcome('shop', 'edit', { lastAttemptedDeployment: outcome, lastSuccessfulDeployment: outcome });
      const before = await info('edit');

      const updated = await call('PATCH', `${GROUPS}/edit`, { deploymentConfigName: 'Quarter', serviceRoleArn: ROLE, instanceNames: ['host-2', 'host-3'] });

      expect(updated).toEqual({ status: 200, body: { hooksNotCleanedUp: [] } });
      expect(await info('edit')).toEqual({ ...before, deploymentGroupId: id, deploymentConfigName: 'Quarter', serviceRoleArn: ROLE, instanceNames: ['host-2', 'host-3'] });
      expect(before.lastAttemptedDeployment).toEqual(outcome);
    });

    it('clears a setting sent empty, and switches traffic control off with the load balancers', async () => {
      await createGroup('clear', {
        instanceNames: ['host-1'],
        autoScalingGroups: ['asg'],
        triggerConfigurations: [{ triggerName: 'ops', triggerTargetArn: TOPIC, triggerEvents: ['DeploymentFailure'] }],
        loadBalancerInfo: { targetGroupInfoList: [{ name: 'web-tg' }] },
      });

      const updated = await call('PATCH', `${GROUPS}/clear`, {
        autoScalingGroups: [],
        triggerConfigurations: [],
        loadBalancerInfo: {},
        deploymentStyle: { deploymentOption: 'WITHOUT_TRAFFIC_CONTROL' },
      });

      expect(updated.status).toBe(200);
      const shown = await info('clear');
      expect(shown).toMatchObject({ instanceNames: ['host-1'], autoScalingGroups: [], triggerConfigurations: [], deploymentStyle: { deploymentType: 'IN_PLACE', deploymentOption: 'WITHOUT_TRAFFIC_CONTROL' } });
      expect(shown).not.toHaveProperty('loadBalancerInfo');
    });

    it('takes an empty body as no change', async () => {
      await createGroup('same');
      const before = await stored('same');

      expect(await call('PATCH', `${GROUPS}/same`, {})).toEqual({ status: 200, body: { hooksNotCleanedUp: [] } });
      expect(await stored('same')).toEqual(before);
    });

    it('renames a group, keeping its id, settings and outcomes', async () => {
      const id = await createGroup('old-name', { instanceNames: ['host-1'], autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] } });
      await h.runtime.store.recordGroupOutcome('shop', 'old-name', { lastAttemptedDeployment: outcome });
      const before = await info('old-name');

      expect(await call('PATCH', `${GROUPS}/old-name`, { newDeploymentGroupName: 'new-name', instanceNames: ['host-9'] })).toEqual({ status: 200, body: { hooksNotCleanedUp: [] } });

      expect(await info('new-name')).toEqual({ ...before, deploymentGroupId: id, deploymentGroupName: 'new-name', instanceNames: ['host-9'] });
      expect((await call('GET', `${GROUPS}/old-name`)).status).toBe(404);
    });

    it('finishes a rename that stopped between writing the new name and deleting the old', async () => {
      await createGroup('half-renamed');
      const group = await stored('half-renamed');
      await h.runtime.store.createDeploymentGroup({ ...group!, deploymentGroupName: 'half-done' });

      expect((await call('PATCH', `${GROUPS}/half-renamed`, { newDeploymentGroupName: 'half-done' })).status).toBe(200);

      expect(await stored('half-renamed')).toBeUndefined();
      expect((await stored('half-done'))?.deploymentGroupId).toBe(group?.deploymentGroupId);
    });

    it('refuses to rename a group while a deployment runs in it', async () => {
      await createGroup('running');
      const deploymentId = await holdLock('running', new Date());

      expect(await call('PATCH', `${GROUPS}/running`, { newDeploymentGroupName: 'renamed' })).toEqual({
        status: 409,
        body: { code: 'DeploymentInProgress', field: 'deploymentGroupName', message: expect.stringMatching(new RegExp(`is running deployment ${deploymentId}; .* then rename the group$`)) },
      });
      expect(await stored('running')).toBeDefined();
      expect(await stored('renamed')).toBeUndefined();
      // Settings may change while it runs: only the name is held.
      expect((await call('PATCH', `${GROUPS}/running`, { instanceNames: ['host-2'] })).status).toBe(200);
    });

    it.each<[string, string, unknown, number, string, string, RegExp]>([
      ['malformed JSON', 'target', '{"instanceNames": [', 400, 'MalformedJson', 'body', /^The body is not valid JSON/],
      ['no body', 'target', undefined, 400, 'ValidationError', 'body', /is required: an object$/],
      ['deploymentGroupName in the body (the path names the group)', 'target', { deploymentGroupName: 'x' }, 400, 'ValidationError', 'deploymentGroupName', /^deploymentGroupName: is not a field this operation accepts$/],
      ['an unknown field in a tag filter', 'target', { ec2TagFilters: [{ Key: 'a', Type: 'KEY_ONLY', Typo: 1 }] }, 400, 'ValidationError', 'ec2TagFilters.0.Typo', /is not a field/],
      ['a wrong type', 'target', { autoScalingGroups: 'asg' }, 400, 'ValidationError', 'autoScalingGroups', /must be a list of Auto Scaling group names \(got "asg"\)$/],
      ['a tag set where the group keeps tag filters', 'target', { ec2TagSet: { ec2TagSetList: [[{ Key: 'b', Type: 'KEY_ONLY' }]] } }, 400, 'ValidationError', 'ec2TagSet', /^ec2TagSet: cannot be combined with ec2TagFilters/],
      ['clearing every selector', 'target', { ec2TagFilters: [] }, 400, 'ValidationError', 'body', /the group would select no hosts/],
      ['traffic control on a group without load balancers', 'target', { deploymentStyle: { deploymentOption: 'WITH_TRAFFIC_CONTROL' } }, 400, 'ValidationError', 'deploymentStyle.deploymentOption', /needs loadBalancerInfo/],
      ['a bad new name', 'target', { newDeploymentGroupName: 'a/b' }, 400, 'ValidationError', 'newDeploymentGroupName', /\(got "a\/b"\)$/],
      ['a group that does not exist', 'missing', { instanceNames: ['host-1'] }, 404, 'DeploymentGroupDoesNotExist', 'deploymentGroupName', /^Deployment group 'shop\/missing' does not exist$/],
      ['a deployment config that does not exist', 'target', { deploymentConfigName: 'Nope' }, 404, 'DeploymentConfigDoesNotExist', 'deploymentConfigName', /^Deployment config 'Nope' does not exist$/],
      ['a new name the application already has', 'target', { newDeploymentGroupName: 'other' }, 409, 'DeploymentGroupAlreadyExists', 'newDeploymentGroupName', /^Cannot rename 'target' to 'other': application 'shop' already has a deployment group of that name$/],
    ])('refuses %s', async (_case, name, body, status, code, field, message) => {
      if (!(await stored('target'))) await createGroup('target', { ec2TagFilters: [{ Key: 'role', Value: 'web', Type: 'KEY_AND_VALUE' }] });
      if (!(await stored('other'))) await createGroup('other');
      const before = await stored('target');

      expect(await call('PATCH', `${GROUPS}/${name}`, body)).toEqual({ status, body: { code, field, message: expect.stringMatching(message) } });
      expect(await stored('target')).toEqual(before);
    });

    /** The API on a store that runs `meanwhile` just before the update's write: after the group was read again. */
    function racingCall(meanwhile: (store: Store) => Promise<unknown>) {
      const racing = (store: Store): Store =>
        Object.assign(Object.create(store) as Store, {
          updateDeploymentGroupSettings: async (...args: Parameters<Store['updateDeploymentGroupSettings']>) => {
            await meanwhile(store);
            return store.updateDeploymentGroupSettings(...args);
          },
        });
      return apiClient(() => {
        const ctx = localApiContext(h);
        return { ...ctx, deps: { ...ctx.deps, store: racing(ctx.deps.store) } };
      });
    }

    it.each<[string, (store: Store, group: DeploymentGroup) => Promise<unknown>, string | undefined]>([
      ['deleted', (store, group) => store.deleteDeploymentGroup('shop', group.deploymentGroupName), undefined],
      [
        'renamed',
        async (store, group) => {
          await store.createDeploymentGroup({ ...group, deploymentGroupName: `${group.deploymentGroupName}-moved` });
          await store.deleteDeploymentGroup('shop', group.deploymentGroupName);
        },
        'moved',
      ],
    ])('refuses an update whose group is %s before its write with 409, and does not bring the group back', async (race, meanwhile, movedSuffix) => {
      const name = `${race}-meanwhile`;
      await createGroup(name);
      const group = await stored(name);

      expect(await racingCall((store) => meanwhile(store, group!))('PATCH', `${GROUPS}/${name}`, { instanceNames: ['host-2'] })).toEqual({
        status: 409,
        body: {
          code: 'DeploymentGroupChanged',
          field: 'deploymentGroupName',
          message: `Deployment group '${name}' of application 'shop' was deleted or renamed while this request updated it; nothing was changed`,
        },
      });
      expect(await stored(name)).toBeUndefined();
      if (movedSuffix !== undefined) expect(await stored(`${name}-${movedSuffix}`)).toEqual({ ...group, deploymentGroupName: `${name}-${movedSuffix}` });
    });

    it('keeps the outcome a deployment records between the update’s read and its write', async () => {
      await createGroup('finishing', { instanceNames: ['host-1'] });
      const record = (store: Store) => store.recordGroupOutcome('shop', 'finishing', { lastAttemptedDeployment: outcome, lastSuccessfulDeployment: outcome });

      expect((await racingCall(record)('PATCH', `${GROUPS}/finishing`, { instanceNames: ['host-2'] })).status).toBe(200);

      expect(await stored('finishing')).toMatchObject({ instanceNames: ['host-2'], lastAttemptedDeployment: outcome, lastSuccessfulDeployment: outcome });
    });

    it('refuses an update in an application that does not exist', async () => {
      expect(await call('PATCH', '/applications/nowhere/deployment-groups/web', {})).toEqual({
        status: 404,
        body: { code: 'ApplicationDoesNotExist', field: 'applicationName', message: "Application 'nowhere' does not exist" },
      });
    });

    it('checks instanceNames against the host naming of the runtime', async () => {
      await createGroup('on-aws', { instanceNames: ['i-0123456789abcdef0'] });

      expect(await callOnAws('PATCH', `${GROUPS}/on-aws`, { instanceNames: ['i-0123456789abcdef0', 'web-1'] })).toEqual({
        status: 400,
        body: { code: 'ValidationError', field: 'instanceNames.1', message: expect.stringMatching(/must be an EC2 instance id .*\(got "web-1"\)$/) },
      });
      expect((await callOnAws('PATCH', `${GROUPS}/on-aws`, { instanceNames: ['mi-0123456789abcdef0'] })).status).toBe(200);
      expect((await stored('on-aws'))?.instanceNames).toEqual(['mi-0123456789abcdef0']);
    });
  });
});
