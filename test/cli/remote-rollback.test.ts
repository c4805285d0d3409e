// `cutover rollback-deployment` end to end: `cutover local serve` runs as a real process on a temp state folder, and
// each command runs as its own process against it, as a user's shell would run them.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loggingBundle, tempDir } from '../support/bundles';
import { CLI, type CliRun, runCli } from './run-cli';

type Info = { deploymentId: string; status: string; creator: string; description?: string; rollbackInfo?: Record<string, string> };

describe('cutover rollback-deployment against cutover local serve', () => {
  let dir: string;
  let stateDir: string;
  let server: ChildProcessWithoutNullStreams;
  let endpoint: string;
  const deployed: Record<string, string> = {};

  const cli = (...args: string[]): Promise<CliRun> => runCli(['--endpoint', endpoint, ...args], dir);
  const json = <T = Record<string, unknown>>(run: CliRun): T => JSON.parse(run.stdout) as T;
  const hostVersion = () => fs.readFileSync(path.join(stateDir, 'hosts', 'host-1', 'srv', 'app', 'VERSION'), 'utf8').trim();

  async function deploy(label: string): Promise<string> {
    const bundle = loggingBundle(path.join(dir, label), label);
    const run = await cli('create-deployment', '--application-name', 'shop', '--deployment-group-name', 'web', '--local-bundle', bundle, '--wait');
    expect(run.code).toBe(0);
    return json<{ deploymentInfo: Info }>(run).deploymentInfo.deploymentId;
  }

  beforeAll(async () => {
    dir = tempDir('remote-rollback');
    stateDir = path.join(dir, 'state');
    server = spawn(process.execPath, [CLI, 'local', 'serve', '--port', '0', '--state-dir', stateDir, '--time-scale', '100'], { cwd: dir });
    let output = '';
    endpoint = await new Promise<string>((resolve, reject) => {
      server.stdout.on('data', (c: Buffer) => {
        output += c.toString();
        const ready = /^Cutover API on (\S+) /.exec(output);
        if (ready) resolve(ready[1]);
      });
      server.once('exit', (code) => reject(new Error(`cutover local serve exited ${code} before it was ready`)));
    });
    expect((await cli('create-application', '--application-name', 'shop')).code).toBe(0);
    expect((await cli('create-deployment-group', '--application-name', 'shop', '--deployment-group-name', 'web', '--instance-names', 'host-1')).code).toBe(0);
    for (const label of ['v1', 'v2', 'v3']) deployed[label] = await deploy(label);
  });
  afterAll(async () => {
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('with --wait, follows the rollback to the last good revision until it succeeds, and prints it as JSON', async () => {
    const run = await cli('rollback-deployment', '--deployment-id', deployed.v3, '--wait');

    expect(run.code).toBe(0);
    const { deploymentInfo } = json<{ deploymentInfo: Info }>(run);
    const message = `Manual rollback of ${deployed.v3} to the revision of ${deployed.v2}`;
    expect(deploymentInfo).toMatchObject({ status: 'Succeeded', creator: 'user', description: message, rollbackInfo: { rollbackTriggeringDeploymentId: deployed.v3, rollbackMessage: message } });
    expect(run.stderr).toMatch(new RegExp(`^Deployment ${deploymentInfo.deploymentId} Succeeded `, 'm'));
    expect(hostVersion()).toBe('v2');
    const rolledBack = await cli('get-deployment', '--deployment-id', deployed.v3);
    expect(json<{ deploymentInfo: Info }>(rolledBack).deploymentInfo.rollbackInfo).toEqual({ rollbackDeploymentId: deploymentInfo.deploymentId, rollbackMessage: message });
  });

  it('without --wait, answers the new deployment id at once; --target-deployment-id and --description are sent', async () => {
    const run = await cli('rollback-deployment', '--deployment-id', deployed.v2, '--target-deployment-id', deployed.v1, '--description', 'to the first');

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { deploymentId } = json<{ deploymentId: string }>(run);
    expect(deploymentId).toMatch(/^d-[A-Z0-9]{9}$/);
    const table = await cli('get-deployment', '--deployment-id', deploymentId, '--output', 'table');
    expect(table.stdout).toMatch(/^description +to the first$/m);
    expect(table.stdout).toMatch(new RegExp(`^rollbackInfo\\.rollbackTriggeringDeploymentId +${deployed.v2}$`, 'm'));
  });

  it.each([
    ['a deployment already rolled back', () => ['--deployment-id', deployed.v3], /^DeploymentAlreadyRolledBack: Deployment d-\w+ was already rolled back by deployment d-\w+/m],
    ['a target created after it', () => ['--deployment-id', deployed.v1, '--target-deployment-id', deployed.v3], /^ValidationError: targetDeploymentId: must be a deployment created before/m],
    ['an unknown deployment', () => ['--deployment-id', 'd-AAAAAAAAA'], /^DeploymentDoesNotExist: /m],
  ])('exits 2 naming the problem for %s', async (_case, args, message) => {
    const run = await cli('rollback-deployment', ...args());

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });

  it('is listed with its flags by --help', async () => {
    const run = await runCli(['rollback-deployment', '--help'], dir);

    expect(run.code).toBe(0);
    for (const flag of ['--deployment-id', '--target-deployment-id', '--description', '--wait']) expect(run.stdout).toContain(flag);
  });
});
