// The API commands end to end: `cutover local serve` runs as a real process on a temp state folder, and every
// command runs as its own process against it, as a user's shell would run them.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loggingBundle, tempDir } from '../support/bundles';
import { CLI, type CliRun, runCli } from './run-cli';

const HOSTS = ['host-1', 'host-2', 'host-3'];

interface BusLine {
  readonly DetailType: string;
  readonly Detail: string;
}

describe('the API commands against cutover local serve', () => {
  let dir: string;
  let stateDir: string;
  let server: ChildProcessWithoutNullStreams;
  let serverOutput = '';
  let serverErrors = '';
  let endpoint: string;
  let deploymentId: string;

  const cli = (...args: string[]): Promise<CliRun> => runCli(['--endpoint', endpoint, ...args], dir);
  const json = <T = Record<string, unknown>>(run: CliRun): T => JSON.parse(run.stdout) as T;

  beforeAll(async () => {
    dir = tempDir('remote-e2e');
    stateDir = path.join(dir, 'state');
    // The Lambda function a Lambda deployment shifts, simulated under the state folder: made before the server takes it.
    for (const args of [['publish', 'fn', '1', '2'], ['create-alias', 'fn', 'live', '1']]) {
      const made = await runCli(['local', 'lambda', ...args, '--state-dir', stateDir], dir);
      expect(made.stderr).toBe('');
    }
    server = spawn(process.execPath, [CLI, 'local', 'serve', '--port', '0', '--state-dir', stateDir, '--time-scale', '100'], { cwd: dir });
    server.stderr.on('data', (c: Buffer) => (serverErrors += c.toString()));
    endpoint = await new Promise<string>((resolve, reject) => {
      server.stdout.on('data', (c: Buffer) => {
        serverOutput += c.toString();
        const ready = /^Cutover API on (http:\/\/127\.0\.0\.1:\d+) \(state: (.+)\)\n/.exec(serverOutput);
        if (ready) resolve(ready[1]);
      });
      server.once('exit', (code) => reject(new Error(`cutover local serve exited ${code} before it was ready: ${serverErrors}`)));
    });
  });

  afterAll(async () => {
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(fs.existsSync(path.join(stateDir, 'runtime.lock'))).toBe(false);
  });

  it('prints where it listens and the state folder it locked', () => {
    expect(serverOutput.split('\n')[0]).toBe(`Cutover API on ${endpoint} (state: ${stateDir})`);
    expect(JSON.parse(fs.readFileSync(path.join(stateDir, 'runtime.lock'), 'utf8'))).toMatchObject({ pid: server.pid, command: 'cutover local serve' });
  });

  it('creates an application and a deployment group of three explicit hosts', async () => {
    const app = await cli('create-application', '--application-name', 'shop');
    expect(app.stderr).toBe('');
    expect(app.code).toBe(0);
    expect(json(app).applicationId).toMatch(/^[0-9a-f-]{36}$/);

    const group = await cli('create-deployment-group', '--application-name', 'shop', '--deployment-group-name', 'web', '--instance-names', ...HOSTS);
    expect(group.stderr).toBe('');
    expect(group.code).toBe(0);
    expect(json(group).deploymentGroupId).toEqual(expect.any(String));

    const got = await cli('get-deployment-group', '--application-name', 'shop', '--deployment-group-name', 'web');
    expect(json<{ deploymentGroupInfo: Record<string, unknown> }>(got).deploymentGroupInfo).toMatchObject({
      deploymentGroupName: 'web',
      deploymentConfigName: 'CodeDeployDefault.OneAtATime',
    });
    const table = await cli('list-deployment-groups', '--application-name', 'shop', '--output', 'table');
    expect(table.stdout).toMatch(/^deploymentGroups\n-+\nweb$/m);
  });

  it('deploys a local bundle with --wait, logging each change while it polls, and ends Succeeded', async () => {
    const bundle = loggingBundle(path.join(dir, 'v1'), 'v1');
    const run = await cli('create-deployment', '--application-name', 'shop', '--deployment-group-name', 'web', '--local-bundle', bundle, '--description', 'first', '--wait');

    expect(run.code).toBe(0);
    const { deploymentInfo } = json<{ deploymentInfo: { deploymentId: string; status: string; deploymentOverview: Record<string, number> } }>(run);
    expect(deploymentInfo).toMatchObject({ status: 'Succeeded', deploymentOverview: { Succeeded: 3, Failed: 0, Skipped: 0 } });
    deploymentId = deploymentInfo.deploymentId;
    // Not a terminal: one line per change, on stderr so that stdout stays the JSON answer.
    // Polling once a second may see the deployment Created or already InProgress first: a fast one has no more.
    expect(run.stderr).toMatch(new RegExp(`^Deployment ${deploymentId} (Created|InProgress) shop/web, CodeDeployDefault.OneAtATime`, 'm'));
    expect(run.stderr.match(/^ {2}Batch \d: host-\d$/gm)).toHaveLength(3);
    for (const host of HOSTS) expect(run.stderr).toMatch(new RegExp(`^ {4}${host} Succeeded$`, 'm'));
    expect(run.stderr).toMatch(new RegExp(`^Deployment ${deploymentId} Succeeded .*3 succeeded, 0 failed, 0 skipped, 0 to go$`, 'm'));
    expect(run.stderr).not.toContain('\x1b[');
    for (const host of HOSTS) expect(fs.readFileSync(path.join(stateDir, 'hosts', host, 'srv/app/VERSION'), 'utf8')).toBe('v1\n');
  });

  it('lists the three targets and shows one with its lifecycle events', async () => {
    const list = await cli('list-deployment-targets', '--deployment-id', deploymentId);
    expect(list.code).toBe(0);
    expect(json<{ targetIds: string[] }>(list).targetIds.sort()).toEqual(HOSTS);
    const failed = await cli('list-deployment-targets', '--deployment-id', deploymentId, '--target-filters', 'TargetStatus=Failed,Skipped');
    expect(json<{ targetIds: string[] }>(failed).targetIds).toEqual([]);

    const one = await cli('get-deployment-target', '--deployment-id', deploymentId, '--target-id', 'host-2');
    expect(one.code).toBe(0);
    const { instanceTarget } = json<{ deploymentTarget: { instanceTarget: { status: string; lifecycleEvents: { lifecycleEventName: string; status: string }[] } } }>(
      one,
    ).deploymentTarget;
    expect(instanceTarget.status).toBe('Succeeded');
    expect(instanceTarget.lifecycleEvents.map((e) => e.lifecycleEventName)).toEqual(expect.arrayContaining(['BeforeInstall', 'Install', 'ValidateService']));
    expect(new Set(instanceTarget.lifecycleEvents.map((e) => e.status))).toEqual(new Set(['Succeeded']));
  });

  it("records the deployment's state changes in events.jsonl, in order", () => {
    const lines = fs
      .readFileSync(path.join(stateDir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as BusLine)
      .map((l) => ({ type: l.DetailType, detail: JSON.parse(l.Detail) as { deploymentId: string; state: string; instanceId?: string } }))
      .filter((l) => l.detail.deploymentId === deploymentId);
    const deployment = lines.filter((l) => l.type === 'Cutover Deployment State-change Notification').map((l) => l.detail.state);
    expect(deployment).toEqual(['START', 'SUCCESS']);
    for (const host of HOSTS) {
      const states = lines.filter((l) => l.type === 'Cutover Instance State-change Notification' && l.detail.instanceId === host).map((l) => l.detail.state);
      expect(states).toEqual(['START', 'SUCCESS']);
    }
    const order = lines.map((l) => l.detail.instanceId ?? `deployment ${l.detail.state}`);
    expect(order[0]).toBe('deployment START');
    expect(order[order.length - 1]).toBe('deployment SUCCESS');
  });

  it('finds the deployment by filters, in json and as a table', async () => {
    const byGroup = await cli('list-deployments', '--application-name', 'shop', '--deployment-group-name', 'web', '--include-only-statuses', 'Succeeded', 'Failed');
    expect(byGroup.code).toBe(0);
    expect(json<{ deployments: string[] }>(byGroup).deployments).toEqual([deploymentId]);
    const none = await cli('list-deployments', '--include-only-statuses', 'Stopped');
    expect(json<{ deployments: string[] }>(none).deployments).toEqual([]);

    const table = await cli('get-deployment', '--deployment-id', deploymentId, '--output', 'table');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^status\s+Succeeded$/m);
    expect(table.stdout).toMatch(/^deploymentOverview\.Succeeded\s+3$/m);
  });

  it('exits 1 when a --wait deployment fails, showing the failed host', async () => {
    const bad = loggingBundle(path.join(dir, 'v2'), 'v2', { host: 'host-2' });
    const run = await cli('--output', 'table', 'create-deployment', '--application-name', 'shop', '--deployment-group-name', 'web', '--local-bundle', bad, '--wait');
    expect(run.code).toBe(1);
    // --output table: the progress is on stdout, then the verdict.
    expect(run.stdout).toMatch(/^ {4}host-2 Failed: ValidateService failed: ScriptFailed: /m);
    expect(run.stdout).toMatch(/^=> d-\w{9} Failed \(HEALTH_CONSTRAINTS: .*\): \d succeeded, 1 failed, \d skipped$/m);
  });

  it('manages deployment configs and renames and deletes a group', async () => {
    const config = await cli('create-deployment-config', '--deployment-config-name', 'two-healthy', '--minimum-healthy-hosts', 'type=HOST_COUNT,value=2');
    expect(config.code).toBe(0);
    expect(json(config).deploymentConfigId).toEqual(expect.any(String));
    const got = await cli('get-deployment-config', '--deployment-config-name', 'two-healthy', '--output', 'table');
    expect(got.stdout).toMatch(/^minimumHealthyHosts\.value\s+2$/m);
    const configs = await cli('list-deployment-configs');
    expect(json<{ deploymentConfigsList: string[] }>(configs).deploymentConfigsList).toEqual(expect.arrayContaining(['CodeDeployDefault.OneAtATime', 'two-healthy']));

    await cli('create-deployment-group', '--application-name', 'shop', '--deployment-group-name', 'scratch', '--instance-names', 'spare-1');
    const update = await cli(
      'update-deployment-group', '--application-name', 'shop', '--current-deployment-group-name', 'scratch', '--new-deployment-group-name', 'scratch-2',
      '--deployment-config-name', 'two-healthy', '--auto-rollback-configuration', 'enabled=true,events=DEPLOYMENT_FAILURE',
    );
    expect(update.stderr).toBe('');
    expect(json(update)).toEqual({ hooksNotCleanedUp: [] });
    const renamed = await cli('get-deployment-group', '--application-name', 'shop', '--deployment-group-name', 'scratch-2');
    expect(json<{ deploymentGroupInfo: Record<string, unknown> }>(renamed).deploymentGroupInfo).toMatchObject({
      deploymentConfigName: 'two-healthy',
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] },
    });
    expect((await cli('delete-deployment-group', '--application-name', 'shop', '--deployment-group-name', 'scratch-2')).code).toBe(0);
    const groups = await cli('list-deployment-groups', '--application-name', 'shop');
    expect(json<{ deploymentGroups: string[] }>(groups).deploymentGroups).toEqual(['web']);
  });

  describe('a Lambda application', () => {
    const APPSPEC = 'version: 0.0\nResources:\n  - fn:\n      Type: AWS::Lambda::Function\n      Properties:\n        Name: fn\n        Alias: live\n' +
      '        CurrentVersion: "1"\n        TargetVersion: "2"\n';
    let lambdaDeploymentId: string;

    it('creates a Lambda application and a group with alarms, as aws deploy takes them', async () => {
      expect((await cli('create-application', '--application-name', 'fns', '--compute-platform', 'Lambda')).code).toBe(0);
      const group = await cli(
        'create-deployment-group', '--application-name', 'fns', '--deployment-group-name', 'live',
        '--deployment-config-name', 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        '--deployment-style', 'deploymentType=BLUE_GREEN,deploymentOption=WITH_TRAFFIC_CONTROL',
        '--alarm-configuration', 'enabled=false,alarms=[{name=fn-errors}],ignorePollAlarmFailure=true',
      );
      expect(group.stderr).toBe('');
      expect(group.code).toBe(0);
      const got = await cli('get-deployment-group', '--application-name', 'fns', '--deployment-group-name', 'live');
      expect(json<{ deploymentGroupInfo: Record<string, unknown> }>(got).deploymentGroupInfo).toMatchObject({
        computePlatform: 'Lambda',
        alarmConfiguration: { enabled: false, alarms: [{ name: 'fn-errors' }], ignorePollAlarmFailure: true },
        deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      });
    });

    it('deploys an AppSpecContent revision read from file:// with --wait, logging each traffic shift, and ends Succeeded', async () => {
      fs.writeFileSync(path.join(dir, 'appspec.yaml'), APPSPEC);
      const run = await cli(
        'create-deployment', '--application-name', 'fns', '--deployment-group-name', 'live',
        '--revision', 'revisionType=AppSpecContent,appSpecContent={content=file://appspec.yaml}', '--wait',
        '--override-alarm-configuration', 'enabled=true,alarms=[{name=fn-latency}]',
      );
      expect(run.code).toBe(0);
      const { deploymentInfo } = json<{ deploymentInfo: { deploymentId: string; status: string; revision: unknown; trafficShifts: unknown[] } }>(run);
      lambdaDeploymentId = deploymentInfo.deploymentId;
      expect(deploymentInfo).toMatchObject({ status: 'Succeeded', revision: { revisionType: 'AppSpecContent', appSpecContent: { content: APPSPEC } } });
      // Watched instead of the group's alarms for this deployment (fn-latency was never set: INSUFFICIENT_DATA, not ALARM).
      expect(deploymentInfo).toMatchObject({ overrideAlarmConfiguration: { enabled: true, alarms: [{ name: 'fn-latency' }] } });
      expect(deploymentInfo.trafficShifts).toHaveLength(2);
      // No hosts and no batches: the alias, and each shift once, in order.
      expect(run.stderr).not.toMatch(/Batch/);
      expect(run.stderr).toMatch(/^ {2}fn:live Succeeded$/m);
      const shifts = run.stderr.match(/^ {2}Traffic shifted at \S+: .*$/gm) ?? [];
      expect(shifts.map((l) => l.replace(/ at \S+:/, ':'))).toEqual(['  Traffic shifted: version 1: 90%, version 2: 10%', '  Traffic shifted: version 2: 100%']);
      expect(run.stderr).toMatch(new RegExp(`^Deployment ${lambdaDeploymentId} Succeeded fns/live, CodeDeployDefault.LambdaCanary10Percent5Minutes: 1 succeeded`, 'm'));

      const alias = await runCli(['local', 'lambda', 'get-alias', 'fn', 'live', '--json', '--state-dir', stateDir], dir);
      expect(JSON.parse(alias.stdout)).toMatchObject({ functionVersion: '2', additionalVersionWeights: {} });
    });

    it('deploys the same appspec given inline as JSON, shown as a table', async () => {
      const revision = JSON.stringify({ revisionType: 'AppSpecContent', appSpecContent: { content: APPSPEC.replace('"1"', '"2"').replace('TargetVersion: "2"', 'TargetVersion: "1"') } });
      const run = await cli('--output', 'table', 'create-deployment', '--application-name', 'fns', '--deployment-group-name', 'live', '--revision', revision, '--wait');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^=> d-\w{9} Succeeded: 1 succeeded, 0 failed, 0 skipped$/m);
      const alias = await runCli(['local', 'lambda', 'get-alias', 'fn', 'live', '--json', '--state-dir', stateDir], dir);
      expect(JSON.parse(alias.stdout)).toMatchObject({ functionVersion: '1' });
    });

    it.each([
      [['continue-deployment', '--deployment-wait-type', 'TERMINATION_WAIT'], /^InvalidDeploymentWaitType: .*TERMINATION_WAIT.* \(field: deploymentWaitType\)$/m],
      [['put-lifecycle-event-hook-execution-status', '--lifecycle-event-hook-execution-id', 'not-handed-out', '--status', 'Succeeded'], /^InvalidLifecycleEventHookExecutionId: .*not-handed-out/m],
    ])('%j reaches the API, which refuses it for this deployment', async (args, message) => {
      const run = await cli(args[0], '--deployment-id', lambdaDeploymentId, ...args.slice(1));
      expect(run.stderr).toMatch(message);
      expect(run.code).toBe(2);
    });
  });

  it('creates and updates an ECS group with its service, target group pair and termination wait', async () => {
    const listener = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2';
    expect((await cli('create-application', '--application-name', 'containers', '--compute-platform', 'ECS')).code).toBe(0);
    const group = await cli(
      'create-deployment-group', '--application-name', 'containers', '--deployment-group-name', 'web',
      '--ecs-services', 'serviceName=web,clusterName=prod',
      '--load-balancer-info', `targetGroupPairInfoList=[{targetGroups=[{name=blue},{name=green}],prodTrafficRoute={listenerArns=[${listener}]}}]`,
      '--blue-green-deployment-configuration', 'terminateBlueInstancesOnDeploymentSuccess={action=TERMINATE,terminationWaitTimeInMinutes=5}',
    );
    expect(group.stderr).toBe('');
    expect(group.code).toBe(0);
    const update = await cli(
      'update-deployment-group', '--application-name', 'containers', '--current-deployment-group-name', 'web',
      '--blue-green-deployment-configuration', '{"terminateBlueInstancesOnDeploymentSuccess":{"terminationWaitTimeInMinutes":0}}',
    );
    expect(update.stderr).toBe('');
    const got = await cli('get-deployment-group', '--application-name', 'containers', '--deployment-group-name', 'web');
    expect(json<{ deploymentGroupInfo: Record<string, unknown> }>(got).deploymentGroupInfo).toMatchObject({
      computePlatform: 'ECS',
      ecsServices: [{ serviceName: 'web', clusterName: 'prod' }],
      loadBalancerInfo: { targetGroupPairInfoList: [{ targetGroups: [{ name: 'blue' }, { name: 'green' }], prodTrafficRoute: { listenerArns: [listener] } }] },
      blueGreenDeploymentConfiguration: { terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 0 } },
    });
    // The EC2-only part of aws's structure reaches the API, which says why it refuses it.
    const ready = await cli(
      'update-deployment-group', '--application-name', 'containers', '--current-deployment-group-name', 'web',
      '--blue-green-deployment-configuration', 'deploymentReadyOption={actionOnTimeout=STOP_DEPLOYMENT,waitTimeInMinutes=5}',
    );
    expect(ready.code).toBe(2);
    expect(ready.stderr).toMatch(/blueGreenDeploymentConfiguration\.deploymentReadyOption/);
  });

  it.each([
    [['get-deployment', '--deployment-id', 'd-AAAAAAAAA'], 2, /^DeploymentDoesNotExist: .*d-AAAAAAAAA.* \(field: deploymentId\)$/m],
    [['create-application', '--application-name', 'shop'], 2, /^ApplicationAlreadyExists: An application named shop already exists \(field: applicationName\)$/m],
    [['create-deployment-group', '--application-name', 'nope', '--deployment-group-name', 'web', '--instance-names', 'h'], 2, /^ApplicationDoesNotExist: .* \(field: applicationName\)$/m],
    [['stop-deployment', '--deployment-id', 'd-AAAAAAAAA'], 2, /^DeploymentDoesNotExist: /m],
    [['list-deployments', '--deployment-group-name', 'web'], 2, /^ValidationError: applicationName: is required with deploymentGroupName/m],
    [['create-deployment', '--application-name', 'shop', '--deployment-group-name', 'web', '--local-bundle', 'missing-bundle'], 2, /^RevisionDoesNotExist: .*missing-bundle does not exist \(field: revision\)$/m],
  ])('%j exits %i with the API error', async (args, code, message) => {
    const run = await cli(...args);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(code);
  });
});
