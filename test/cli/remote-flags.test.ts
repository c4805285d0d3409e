// The API commands' flags as `aws deploy` takes them: shorthand and JSON values, list flags taking every value up
// to the next flag, --no- booleans, the revision flags, and global flags before or after the command.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliContext } from '../../lib/cli/cli-context';
import { main } from '../../lib/cli/main';
import { globalOptionsOf, splitCommand } from '../../lib/cli/remote/global-options';
import { REMOTE_COMMANDS } from '../../lib/cli/remote/remote-main';
import { type FlagSpecs, parseRemoteFlags } from '../../lib/cli/remote/remote-flags';
import { revisionOf, parseS3Url } from '../../lib/cli/remote/revision-flags';
import { parseStructured } from '../../lib/cli/remote/shorthand';
import { coerce, SHAPES } from '../../lib/cli/remote/value-shapes';
import { tempDir } from '../support/bundles';
import { capture } from '../support/captured-stream';

async function runInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = capture();
  const err = capture();
  const ctx: CliContext = { cwd: tempDir('remote-flags'), stdout: out.stream, stderr: err.stream };
  const code = await main(args, ctx);
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('shorthand and JSON values', () => {
  it.each([
    ['Key=Env,Value=prod,Type=KEY_AND_VALUE', { Key: 'Env', Value: 'prod', Type: 'KEY_AND_VALUE' }],
    ['enabled=true,events=DEPLOYMENT_FAILURE', { enabled: 'true', events: 'DEPLOYMENT_FAILURE' }],
    ['enabled=true,events=DEPLOYMENT_FAILURE,DEPLOYMENT_STOP_ON_REQUEST', { enabled: 'true', events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'] }],
    ['events=[DEPLOYMENT_FAILURE,DEPLOYMENT_STOP_ON_ALARM],enabled=false', { events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'], enabled: 'false' }],
    ['targetGroupInfoList=[{name=blue},{name=green}]', { targetGroupInfoList: [{ name: 'blue' }, { name: 'green' }] }],
    ['ec2TagSetList=[[{Key=Env,Type=KEY_ONLY}],[{Value=web,Type=VALUE_ONLY}]]', { ec2TagSetList: [[{ Key: 'Env', Type: 'KEY_ONLY' }], [{ Value: 'web', Type: 'VALUE_ONLY' }]] }],
    ['bucket=b,key="releases/v1, final.zip",bundleType=zip', { bucket: 'b', key: 'releases/v1, final.zip', bundleType: 'zip' }],
    ["Key=a\\=b,Value='x]y'", { Key: 'a=b', Value: 'x]y' }],
    [' type = HOST_COUNT , value = 2 ', { type: 'HOST_COUNT', value: '2' }],
    ['{"enabled": true, "events": ["DEPLOYMENT_FAILURE"]}', { enabled: true, events: ['DEPLOYMENT_FAILURE'] }],
    ['[{"Key":"Env","Value":"prod","Type":"KEY_AND_VALUE"}]', [{ Key: 'Env', Value: 'prod', Type: 'KEY_AND_VALUE' }]],
  ])('%s', (text, expected) => {
    expect(parseStructured('--flag', text)).toEqual(expected);
  });

  it.each([
    ['bucket', /--flag: cannot read shorthand at character 1: expected key=value/],
    ['=zip', /a key is missing before =/],
    ['key=a,key=b', /'key' is given twice/],
    ['list=[a,b', /a '\[' is never closed/],
    ['s={name=x', /a '\{' is never closed/],
    ['a="open', /a " is never closed/],
    ['a=b]', /unexpected '\]'|expected ','/],
    ['{"enabled": tru}', /--flag: is not valid JSON/],
  ])('refuses %s, naming the flag', (text, message) => {
    expect(() => parseStructured('--flag', text)).toThrow(message);
  });

  it.each([
    ['autoRollback', SHAPES.autoRollback, { enabled: 'true', events: 'DEPLOYMENT_FAILURE' }, { enabled: true, events: ['DEPLOYMENT_FAILURE'] }],
    ['minimumHealthyHosts', SHAPES.minimumHealthyHosts, { type: 'FLEET_PERCENT', value: '75' }, { type: 'FLEET_PERCENT', value: 75 }],
    ['minimumHealthyHosts from JSON', SHAPES.minimumHealthyHosts, { type: 'HOST_COUNT', value: 2 }, { type: 'HOST_COUNT', value: 2 }],
    ['loadBalancerInfo', SHAPES.loadBalancerInfo, { targetGroupInfoList: [{ name: 'tg' }] }, { targetGroupInfoList: [{ name: 'tg' }] }],
  ])('types %s', (_, shape, value, expected) => {
    expect(coerce('--flag', shape, value)).toEqual(expected);
  });

  it.each([
    [SHAPES.autoRollback, { enabled: 'yes' }, /--flag: expected true or false at enabled \(got "yes"\)/],
    [SHAPES.autoRollback, { enable: 'true' }, /--flag: 'enable' is not a field here; expected enabled=…,events=…/],
    [SHAPES.minimumHealthyHosts, { type: 'HOST_COUNT', value: 'two' }, /expected a whole number at value/],
    [SHAPES.loadBalancerInfo, { targetGroupInfoList: [{ nom: 'tg' }] }, /'nom' is not a field here at targetGroupInfoList\[0\]/],
    [SHAPES.s3Location, ['b'], /expected bucket=…,key=…/],
  ])('refuses %j → %j', (shape, value, message) => {
    expect(() => coerce('--flag', shape, value)).toThrow(message);
  });
});

describe('aws-style flags', () => {
  const SPECS: FlagSpecs = {
    'application-name': { kind: 'string', required: true, help: '' },
    'instance-names': { kind: 'list', help: '' },
    'ec2-tag-filters': { kind: 'structure-list', shape: SHAPES.tagFilter, help: '' },
    'auto-rollback-configuration': { kind: 'structure', shape: SHAPES.autoRollback, help: '' },
    'ignore-application-stop-failures': { kind: 'boolean', help: '' },
    'file-exists-behavior': { kind: 'string', choices: ['DISALLOW', 'OVERWRITE', 'RETAIN'], help: '' },
  };
  const parse = (args: string[], cwd = '/'): ReturnType<typeof parseRemoteFlags> => parseRemoteFlags(args, SPECS, 'usage: test', cwd);

  it.each([
    [['--application-name', 'shop', '--instance-names', 'host-1', 'host-2', 'host-3'], 'instance-names', ['host-1', 'host-2', 'host-3']],
    [['--instance-names', 'a', '--application-name', 'shop', '--instance-names', 'b'], 'instance-names', ['a', 'b']],
    [['--application-name=shop', '--instance-names=a', 'b'], 'instance-names', ['a', 'b']],
    [
      ['--application-name', 'shop', '--ec2-tag-filters', 'Key=Env,Value=prod,Type=KEY_AND_VALUE', 'Key=Canary,Type=KEY_ONLY'],
      'ec2-tag-filters',
      [{ Key: 'Env', Value: 'prod', Type: 'KEY_AND_VALUE' }, { Key: 'Canary', Type: 'KEY_ONLY' }],
    ],
    [
      ['--application-name', 'shop', '--ec2-tag-filters', '[{"Key":"Env","Value":"prod","Type":"KEY_AND_VALUE"}]'],
      'ec2-tag-filters',
      [{ Key: 'Env', Value: 'prod', Type: 'KEY_AND_VALUE' }],
    ],
    [
      ['--application-name', 'shop', '--auto-rollback-configuration', 'enabled=true,events=DEPLOYMENT_FAILURE'],
      'auto-rollback-configuration',
      { enabled: true, events: ['DEPLOYMENT_FAILURE'] },
    ],
    [['--application-name', 'shop', '--ignore-application-stop-failures'], 'ignore-application-stop-failures', true],
    [['--application-name', 'shop', '--no-ignore-application-stop-failures'], 'ignore-application-stop-failures', false],
    [['--application-name', 'shop', '--file-exists-behavior', 'RETAIN'], 'file-exists-behavior', 'RETAIN'],
  ])('%j gives %s = %j', (args, flag, expected) => {
    expect(parse(args).value(flag)).toEqual(expected);
  });

  it('reads a value from file://, relative to the working folder', () => {
    const dir = tempDir('remote-flags-file');
    fs.writeFileSync(path.join(dir, 'rollback.json'), '{"enabled": true, "events": ["DEPLOYMENT_FAILURE"]}');
    const flags = parse(['--application-name', 'shop', '--auto-rollback-configuration', 'file://rollback.json'], dir);
    expect(flags.value('auto-rollback-configuration')).toEqual({ enabled: true, events: ['DEPLOYMENT_FAILURE'] });
  });

  it.each([
    [[], /--application-name: is required/],
    [['--application-name', 'shop', 'extra'], /arguments: unexpected argument 'extra'/],
    [['--application-name', 'a', '--application-name', 'b'], /--application-name: is given more than once/],
    [['--application-name', 'shop', '--file-exists-behavior', 'SOMETIMES'], /--file-exists-behavior: must be one of DISALLOW, OVERWRITE, RETAIN \(got SOMETIMES\)/],
    [['--application-name', 'shop', '--instance-nmes', 'a'], /Unknown option '--instance-nmes'/],
    [['--application-name', 'shop', '--auto-rollback-configuration', 'enabled=maybe'], /--auto-rollback-configuration: expected true or false at enabled/],
    [['--application-name', 'shop', '--auto-rollback-configuration', 'file://missing.json'], /--auto-rollback-configuration: cannot read .*missing.json: ENOENT/],
  ])('refuses %j', (args, message) => {
    expect(() => parse(args)).toThrow(message);
  });
});

describe('create-deployment flags', () => {
  const SPECS = REMOTE_COMMANDS.find((c) => c.name === 'create-deployment')!.flags;
  const base = ['--application-name', 'shop', '--deployment-group-name', 'web', '--local-bundle', '/b'];

  it.each([
    ['enabled=false', { enabled: false }],
    ['enabled=true,alarms=[{name=errors}],ignorePollAlarmFailure=true', { enabled: true, alarms: [{ name: 'errors' }], ignorePollAlarmFailure: true }],
  ])("--override-alarm-configuration %s reads as the group's --alarm-configuration does", (value, expected) => {
    expect(SPECS['override-alarm-configuration']).toMatchObject({ kind: 'structure', shape: SHAPES.alarmConfiguration });
    expect(parseRemoteFlags([...base, '--override-alarm-configuration', value], SPECS, 'usage', '/').value('override-alarm-configuration')).toEqual(expected);
  });
});

describe('Lambda and ECS group flags', () => {
  const SPECS = REMOTE_COMMANDS.find((c) => c.name === 'create-deployment-group')!.flags;
  const UPDATE = REMOTE_COMMANDS.find((c) => c.name === 'update-deployment-group')!.flags;
  const base = ['--application-name', 'shop', '--deployment-group-name', 'web'];
  const parse = (args: string[]): ReturnType<typeof parseRemoteFlags> => parseRemoteFlags([...base, ...args], SPECS, 'usage', '/');
  const LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2';
  const PAIR = { targetGroups: [{ name: 'blue' }, { name: 'green' }], prodTrafficRoute: { listenerArns: [LISTENER] } };

  it('update-deployment-group takes the same settings', () => {
    for (const flag of ['alarm-configuration', 'ecs-services', 'blue-green-deployment-configuration', 'deployment-style', 'load-balancer-info']) {
      expect(UPDATE[flag]).toBe(SPECS[flag]);
    }
  });

  it.each([
    ['alarm-configuration', 'enabled=true,alarms=[{name=errors},{name=latency}]', { enabled: true, alarms: [{ name: 'errors' }, { name: 'latency' }] }],
    ['alarm-configuration', 'enabled=false,ignorePollAlarmFailure=true', { enabled: false, ignorePollAlarmFailure: true }],
    ['alarm-configuration', '{"enabled":true,"alarms":[{"name":"errors"}]}', { enabled: true, alarms: [{ name: 'errors' }] }],
    ['ecs-services', 'serviceName=web,clusterName=prod', [{ serviceName: 'web', clusterName: 'prod' }]],
    ['ecs-services', '[{"serviceName":"web","clusterName":"prod"}]', [{ serviceName: 'web', clusterName: 'prod' }]],
    [
      'blue-green-deployment-configuration',
      'terminateBlueInstancesOnDeploymentSuccess={action=TERMINATE,terminationWaitTimeInMinutes=5}',
      { terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 5 } },
    ],
    [
      'blue-green-deployment-configuration',
      'deploymentReadyOption={actionOnTimeout=STOP_DEPLOYMENT,waitTimeInMinutes=10}',
      { deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 10 } },
    ],
    ['deployment-style', 'deploymentType=BLUE_GREEN,deploymentOption=WITH_TRAFFIC_CONTROL', { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' }],
    ['load-balancer-info', `targetGroupPairInfoList=[{targetGroups=[{name=blue},{name=green}],prodTrafficRoute={listenerArns=[${LISTENER}]}}]`, { targetGroupPairInfoList: [PAIR] }],
    [
      'load-balancer-info',
      `targetGroupPairInfoList=[{targetGroups=[{name=blue},{name=green}],prodTrafficRoute={listenerArns=${LISTENER}},testTrafficRoute={listenerArns=[${LISTENER}]}}]`,
      { targetGroupPairInfoList: [{ ...PAIR, testTrafficRoute: { listenerArns: [LISTENER] } }] },
    ],
    ['load-balancer-info', JSON.stringify({ targetGroupPairInfoList: [PAIR] }), { targetGroupPairInfoList: [PAIR] }],
    ['load-balancer-info', 'targetGroupInfoList=[{name=tg}]', { targetGroupInfoList: [{ name: 'tg' }] }],
  ])('--%s %s', (flag, text, expected) => {
    expect(parse([`--${flag}`, text]).value(flag)).toEqual(expected);
  });

  it('takes several --ecs-services shorthand values as aws does (the API allows one)', () => {
    expect(parse(['--ecs-services', 'serviceName=a,clusterName=c', 'serviceName=b,clusterName=c']).value('ecs-services')).toEqual([
      { serviceName: 'a', clusterName: 'c' },
      { serviceName: 'b', clusterName: 'c' },
    ]);
  });

  it.each([
    ['alarm-configuration', 'enabled=sometimes', /--alarm-configuration: expected true or false at enabled \(got "sometimes"\)/],
    ['alarm-configuration', 'enabled=true,alarms=[{nam=errors}]', /--alarm-configuration: 'nam' is not a field here at alarms\[0\]; expected name=…/],
    ['alarm-configuration', 'enabled=true,alarm=[{name=errors}]', /--alarm-configuration: 'alarm' is not a field here; expected enabled=…,ignorePollAlarmFailure=…,alarms=…/],
    ['ecs-services', 'serviceName=web,cluster=prod', /--ecs-services: 'cluster' is not a field here at \[0\]; expected serviceName=…,clusterName=…/],
    ['ecs-services', 'serviceName=web,clusterName={a=b}', /--ecs-services: expected text at \[0\]\.clusterName/],
    [
      'blue-green-deployment-configuration',
      'terminateBlueInstancesOnDeploymentSuccess={action=TERMINATE,terminationWaitTimeInMinutes=soon}',
      /--blue-green-deployment-configuration: expected a whole number at terminateBlueInstancesOnDeploymentSuccess\.terminationWaitTimeInMinutes/,
    ],
    ['blue-green-deployment-configuration', 'terminateBlueInstancesOnDeploymentSuccess=TERMINATE', /--blue-green-deployment-configuration: expected action=…,terminationWaitTimeInMinutes=… at terminateBlueInstancesOnDeploymentSuccess/],
    ['load-balancer-info', 'targetGroupPairInfoList=[{targetGroups=[{name=a},{name=b}],prodTrafficRoute={listenerArn=x}}]', /--load-balancer-info: 'listenerArn' is not a field here at targetGroupPairInfoList\[0\]\.prodTrafficRoute; expected listenerArns=…/],
    ['load-balancer-info', 'targetGroupPairInfoList=[{targetGroups=[{name=a}],prodTrafficRoute={listenerArns=[x]}', /--load-balancer-info: cannot read shorthand .*never closed/],
    ['deployment-style', 'deploymentType=BLUE_GREEN,option=WITH_TRAFFIC_CONTROL', /--deployment-style: 'option' is not a field here/],
  ])('refuses --%s %s, naming the flag', (flag, text, message) => {
    expect(() => parse([`--${flag}`, text])).toThrow(message);
  });
});

describe('revision flags', () => {
  const SPECS = REMOTE_COMMANDS.find((c) => c.name === 'create-deployment')!.flags;
  const revision = (args: string[]): Record<string, unknown> => revisionOf(parseRemoteFlags(args, SPECS, 'usage', '/work'), '/work');
  const base = ['--application-name', 'shop', '--deployment-group-name', 'web'];

  it.each([
    [
      ['--s3-location', 'bucket=releases,key=shop/v1.zip,bundleType=zip,eTag=abc,version=v7'],
      { revisionType: 'S3', s3Location: { bucket: 'releases', key: 'shop/v1.zip', bundleType: 'zip', eTag: 'abc', version: 'v7' } },
    ],
    [['--local-bundle', 'app/v1'], { revisionType: 'Local', localLocation: { bundlePath: '/work/app/v1' } }],
    [['--local-bundle', '/srv/bundle.tgz'], { revisionType: 'Local', localLocation: { bundlePath: '/srv/bundle.tgz' } }],
    [
      ['--revision', "revisionType=AppSpecContent,appSpecContent={content='version: 0.0'}"],
      { revisionType: 'AppSpecContent', appSpecContent: { content: 'version: 0.0' } },
    ],
    [
      ['--revision', `revisionType=AppSpecContent,appSpecContent={content=x,sha256=${'a'.repeat(64)}}`],
      { revisionType: 'AppSpecContent', appSpecContent: { content: 'x', sha256: 'a'.repeat(64) } },
    ],
    [
      ['--revision', '{"revisionType":"AppSpecContent","appSpecContent":{"content":"version: 0.0\\nResources: []\\n"}}'],
      { revisionType: 'AppSpecContent', appSpecContent: { content: 'version: 0.0\nResources: []\n' } },
    ],
    [
      ['--revision', 'revisionType=S3,s3Location={bucket=releases,key=shop/v1.zip,bundleType=zip}'],
      { revisionType: 'S3', s3Location: { bucket: 'releases', key: 'shop/v1.zip', bundleType: 'zip' } },
    ],
  ])('%j → %j', (args, expected) => {
    expect(revision([...base, ...args])).toEqual(expected);
  });

  it.each([
    [['--github-location', 'repository=acme/shop,commitId=0123abc'], /--github-location: GitHub revisions are not supported by Cutover yet/],
    [[], /revision: give exactly one of --revision, --s3-location, --local-bundle \(got none\)/],
    [['--local-bundle', 'a', '--s3-location', 'bucket=b,key=k,bundleType=zip'], /got --s3-location, --local-bundle/],
    [['--s3-location', 'bucket=b,bundleType=zip'], /--s3-location: needs key=…/],
    [['--s3-location', 'bucket=b,key=k,bundleType=rar'], /bundleType must be one of zip, tar, tgz \(got rar\)/],
    [['--s3-location', 'bucket=b,key=k,bundleType=zip,region=x'], /'region' is not a field here/],
    [['--revision', 'revisionType=AppSpecContent,appSpecContent={content=x}', '--local-bundle', 'a'], /got --revision, --local-bundle/],
    [['--revision', 'revisionType=Lambda,appSpecContent={content=x}'], /--revision: revisionType must be one of S3, AppSpecContent, GitHub \(got Lambda\)/],
    [['--revision', 'appSpecContent={content=x}'], /--revision: revisionType must be one of .* \(got none\)/],
    [['--revision', 'revisionType=AppSpecContent'], /--revision: revisionType=AppSpecContent needs appSpecContent=\{…\}/],
    [['--revision', 'revisionType=AppSpecContent,appSpecContent={sha256=abc}'], /--revision: needs appSpecContent=\{content=…\}/],
    [['--revision', 'revisionType=AppSpecContent,appSpecContent={content=x,body=y}'], /--revision: 'body' is not a field here at appSpecContent/],
    [['--revision', 'revisionType=AppSpecContent,appSpecContent={content=x},s3Location={bucket=b}'], /--revision: revisionType=AppSpecContent takes appSpecContent=\{…\}, not s3Location/],
    [['--revision', 'revisionType=S3,s3Location={bucket=b,key=k}'], /--revision: needs bundleType=…/],
    [['--revision', 'revisionType=GitHub,gitHubLocation={repository=a/b,commitId=c}'], /--revision: GitHub revisions are not supported by Cutover yet/],
    [['--revision', 'revisionType=AppSpecContent,appSpecContent={content=file://missing.yaml}'], /--revision: cannot read \/work\/missing.yaml: ENOENT/],
  ])('refuses %j', (args, message) => {
    expect(() => revision([...base, ...args])).toThrow(message);
  });

  it('reads appSpecContent={content=file://…} relative to the working folder, where aws would send the text itself', () => {
    const dir = tempDir('remote-flags-appspec');
    fs.writeFileSync(path.join(dir, 'appspec.yaml'), 'version: 0.0\nResources: []\n');
    const flags = parseRemoteFlags([...base, '--revision', 'revisionType=AppSpecContent,appSpecContent={content=file://appspec.yaml}'], SPECS, 'usage', dir);
    expect(revisionOf(flags, dir)).toEqual({ revisionType: 'AppSpecContent', appSpecContent: { content: 'version: 0.0\nResources: []\n' } });
  });

  it.each([
    ['s3://releases/shop/v1.zip', { bucket: 'releases', key: 'shop/v1.zip' }],
    ['s3://b/k', { bucket: 'b', key: 'k' }],
  ])('push --s3-location %s', (url, expected) => {
    expect(parseS3Url('--s3-location', url)).toEqual(expected);
  });

  it.each(['releases/shop.zip', 's3://bucket', 's3://bucket/', 'https://b.s3.amazonaws.com/k'])('push refuses --s3-location %s', (url) => {
    expect(() => parseS3Url('--s3-location', url)).toThrow(/must look like s3:\/\/bucket\/key.zip/);
  });
});

describe('global flags and dispatch', () => {
  it.each([
    [['get-application', '--application-name', 'a'], 'get-application', ['--application-name', 'a']],
    [['--endpoint', 'http://x', '--output', 'table', 'list-applications'], 'list-applications', ['--endpoint', 'http://x', '--output', 'table']],
    [['--region=eu-west-1', 'list-applications', '--output', 'json'], 'list-applications', ['--region=eu-west-1', '--output', 'json']],
    [['--endpoint', 'http://x'], undefined, ['--endpoint', 'http://x']],
  ])('%j → command %s', (args, name, rest) => {
    expect(splitCommand(args)).toEqual({ name, rest });
  });

  it.each([
    [{}, {}, 'http://127.0.0.1:8642/'],
    [{}, { CUTOVER_ENDPOINT: 'http://127.0.0.1:9000' }, 'http://127.0.0.1:9000/'],
    [{ endpoint: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod' }, { CUTOVER_ENDPOINT: 'http://127.0.0.1:9000' }, 'https://abc.execute-api.eu-west-1.amazonaws.com/prod'],
  ])('endpoint from flags %j and env %j is %s', (given, env, endpoint) => {
    const specs: FlagSpecs = { endpoint: { kind: 'string', help: '' }, region: { kind: 'string', help: '' }, profile: { kind: 'string', help: '' }, output: { kind: 'string', help: '' } };
    const args = Object.entries(given).flatMap(([k, v]) => [`--${k}`, v]);
    expect(globalOptionsOf(parseRemoteFlags(args, specs, 'usage', '/'), env).endpoint.href).toBe(endpoint);
  });

  it.each(REMOTE_COMMANDS.map((c) => [c.name]))('%s --help prints its usage with every flag and exits 0', async (name) => {
    const run = await runInProcess([name, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`usage: cutover [global flags] ${name}`);
    for (const flag of Object.keys(REMOTE_COMMANDS.find((c) => c.name === name)!.flags)) expect(run.stdout).toContain(`--${flag}`);
    expect(run.stdout).toContain('--endpoint URL');
  });

  it.each([
    [['create-deployment', '--application-name', 'shop', '--deployment-group-name', 'web', '--github-location', 'repository=acme/shop,commitId=0123abc'], /--github-location: GitHub revisions are not supported/],
    [['create-application'], /--application-name: is required/],
    [['put-lifecycle-event-hook-execution-status', '--deployment-id', 'd-AAAAAAAAA', '--lifecycle-event-hook-execution-id', 'x', '--status', 'Done'], /--status: must be one of Succeeded, Failed \(got Done\)/],
    [['put-lifecycle-event-hook-execution-status', '--deployment-id', 'd-AAAAAAAAA', '--status', 'Failed'], /--lifecycle-event-hook-execution-id: is required/],
    [['continue-deployment', '--deployment-id', 'd-AAAAAAAAA', '--deployment-wait-type', 'NOW'], /--deployment-wait-type: must be one of READY_WAIT, TERMINATION_WAIT \(got NOW\)/],
    [['create-deployment-group', '--application-name', 'a', '--deployment-group-name', 'g', '--alarm-configuration', 'enabled=1'], /--alarm-configuration: expected true or false at enabled/],
    [['list-applications', '--output', 'yaml'], /--output: must be one of json, table \(got yaml\)/],
    [['list-applications', '--endpoint', 'ftp://x'], /--endpoint: must be an http:\/\/ or https:\/\/ URL \(got ftp:\/\/x\)/],
    [['create-deployment-config', '--deployment-config-name', 'c', '--minimum-healthy-hosts', 'type=HOST_COUNT,value=two'], /--minimum-healthy-hosts: expected a whole number/],
  ])('%j exits 2 before any request', async (args, message) => {
    // No server listens on this endpoint: reaching it would fail with exit 1, not 2.
    const run = await runInProcess(args.includes('--endpoint') ? args : ['--endpoint', 'http://127.0.0.1:9', ...args]);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
  });

  it('exits 1 naming the endpoint when nothing listens there', async () => {
    const run = await runInProcess(['--endpoint', 'http://127.0.0.1:9', 'list-applications']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot reach the Cutover API at http:\/\/127.0.0.1:9 \(ECONNREFUSED\): start it with `cutover local serve`/);
  });
});
