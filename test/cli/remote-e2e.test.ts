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
