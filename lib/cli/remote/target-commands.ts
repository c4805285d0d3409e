// list-deployment-targets, get-deployment-target: the hosts of a deployment and their lifecycle events.
import { EXIT_OK } from '../cli-errors';
import { seg } from './api-client';
import { listPages, PAGING_FLAGS, type RemoteCommand } from './remote-command';
import { SHAPES } from './value-shapes';

const DEPLOYMENT_ID = { kind: 'string', required: true, help: 'the deployment, d-XXXXXXXXX', placeholder: 'ID' } as const;

export const TARGET_COMMANDS: readonly RemoteCommand[] = [
  {
    name: 'list-deployment-targets',
    summary: "Lists a deployment's target ids.",
    flags: {
      'deployment-id': DEPLOYMENT_ID,
      'target-filters': { kind: 'structure', shape: SHAPES.targetFilters, help: 'TargetStatus=Failed[,Skipped] (aws shape)' },
      ...PAGING_FLAGS,
    },
    run: async (run) => {
      const filters = run.flags.value('target-filters') as { TargetStatus?: string[] } | undefined;
      const query = { targetStatus: filters?.TargetStatus?.join(',') };
      const path = `/deployments/${seg(run.flags.required('deployment-id'))}/targets`;
      run.print(await listPages(run, { method: 'GET', path, query }, 'targetIds'));
      return EXIT_OK;
    },
  },
  {
    name: 'get-deployment-target',
    summary: 'Shows one target of a deployment with its lifecycle events.',
    flags: {
      'deployment-id': DEPLOYMENT_ID,
      'target-id': { kind: 'string', required: true, help: 'the host', placeholder: 'ID' },
    },
    run: async (run) => {
      const path = `/deployments/${seg(run.flags.required('deployment-id'))}/targets/${seg(run.flags.required('target-id'))}`;
      run.print(await run.api.call({ method: 'GET', path }));
      return EXIT_OK;
    },
  },
];
