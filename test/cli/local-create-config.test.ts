// Custom deployment configs through the CLI, then used by a deployment.
import * as path from 'node:path';
import type { DeploymentView } from '../../functions/core/types';
import { loggingBundle, tempDir } from '../support/bundles';
import { runCli } from './run-cli';

describe('cutover local create-deployment-config', () => {
  it('creates a FLEET_PERCENT config that a deployment then batches by', async () => {
    const dir = tempDir('cli-config');
    const created = await runCli(['local', 'create-deployment-config', '--deployment-config-name', 'ThreeQuarters', '--minimum-healthy-hosts', 'type=FLEET_PERCENT,value=75'], dir);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);

    const bundle = loggingBundle(path.join(dir, 'v1'), 'v1');
    const run = await runCli(['local', 'deploy', bundle, '--hosts', '8', '--config', 'ThreeQuarters', '--json'], dir);
    expect(run.code).toBe(0);
    const view = JSON.parse(run.stdout) as DeploymentView;
    // 75 % of 8 = 6 must stay healthy: 2 hosts at a time.
    expect(view.targets.map((t) => t.batchNumber)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it.each([
    [['--deployment-config-name', 'X', '--minimum-healthy-hosts', 'type=FLEET_PERCENT,value=100'], /minimumHealthyHosts.value[\s\S]*99[\s\S]*100/],
    [['--deployment-config-name', 'CodeDeployDefault.Mine', '--minimum-healthy-hosts', 'type=HOST_COUNT,value=1'], /CodeDeployDefault\./],
    [['--deployment-config-name', 'X', '--minimum-healthy-hosts', 'half'], /--minimum-healthy-hosts/],
    [['--minimum-healthy-hosts', 'type=HOST_COUNT,value=1'], /--deployment-config-name/],
  ])('refuses %j with exit 2 naming the field', async (args, message) => {
    const dir = tempDir('cli-config-bad');
    const run = await runCli(['local', 'create-deployment-config', ...args], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
