// create-, get-, list- and delete-deployment-config.
import { EXIT_OK } from '../cli-errors';
import { seg } from './api-client';
import { listPages, PAGING_FLAGS, type RemoteCommand } from './remote-command';
import { SHAPES } from './value-shapes';

const CONFIG_NAME = { kind: 'string', required: true, help: 'the deployment config', placeholder: 'NAME' } as const;

export const DEPLOYMENT_CONFIG_COMMANDS: readonly RemoteCommand[] = [
  {
    name: 'create-deployment-config',
    summary: 'Creates a custom deployment config: how many hosts must stay healthy while others deploy.',
    flags: {
      'deployment-config-name': CONFIG_NAME,
      'minimum-healthy-hosts': { kind: 'structure', required: true, shape: SHAPES.minimumHealthyHosts, help: 'type=HOST_COUNT|FLEET_PERCENT,value=N' },
      'compute-platform': { kind: 'string', help: 'Server (hosts, the default), Lambda or ECS', choices: ['Server', 'Lambda', 'ECS'] },
    },
    run: async (run) => {
      const body = {
        deploymentConfigName: run.flags.required('deployment-config-name'),
        minimumHealthyHosts: run.flags.value('minimum-healthy-hosts'),
        computePlatform: run.flags.string('compute-platform'),
      };
      run.print(await run.api.call({ method: 'POST', path: '/deployment-configs', body }));
      return EXIT_OK;
    },
  },
  {
    name: 'get-deployment-config',
    summary: 'Shows a deployment config, predefined (CodeDeployDefault.*) or custom.',
    flags: { 'deployment-config-name': CONFIG_NAME },
    run: async (run) => {
      run.print(await run.api.call({ method: 'GET', path: `/deployment-configs/${seg(run.flags.required('deployment-config-name'))}` }));
      return EXIT_OK;
    },
  },
  {
    name: 'list-deployment-configs',
    summary: 'Lists the deployment configs by name.',
    flags: { ...PAGING_FLAGS },
    run: async (run) => {
      run.print(await listPages(run, { method: 'GET', path: '/deployment-configs' }, 'deploymentConfigsList'));
      return EXIT_OK;
    },
  },
  {
    name: 'delete-deployment-config',
    summary: 'Deletes a custom deployment config.',
    flags: { 'deployment-config-name': CONFIG_NAME },
    run: async (run) => {
      await run.api.call({ method: 'DELETE', path: `/deployment-configs/${seg(run.flags.required('deployment-config-name'))}` });
      return EXIT_OK;
    },
  },
];
