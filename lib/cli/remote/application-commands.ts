// create-application, get-application, list-applications, delete-application.
import { EXIT_OK } from '../cli-errors';
import { seg } from './api-client';
import { listPages, PAGING_FLAGS, type RemoteCommand } from './remote-command';

const APPLICATION_NAME = { kind: 'string', required: true, help: 'the application', placeholder: 'NAME' } as const;

export const APPLICATION_COMMANDS: readonly RemoteCommand[] = [
  {
    name: 'create-application',
    summary: 'Creates an application.',
    flags: {
      'application-name': APPLICATION_NAME,
      'compute-platform': { kind: 'string', help: 'Server (hosts, the default), Lambda or ECS', choices: ['Server', 'Lambda', 'ECS'] },
    },
    run: async (run) => {
      const computePlatform = run.flags.string('compute-platform');
      run.print(await run.api.call({ method: 'POST', path: '/applications', body: { applicationName: run.flags.required('application-name'), computePlatform } }));
      return EXIT_OK;
    },
  },
  {
    name: 'get-application',
    summary: 'Shows an application.',
    flags: { 'application-name': APPLICATION_NAME },
    run: async (run) => {
      run.print(await run.api.call({ method: 'GET', path: `/applications/${seg(run.flags.required('application-name'))}` }));
      return EXIT_OK;
    },
  },
  {
    name: 'list-applications',
    summary: 'Lists the applications by name.',
    flags: { ...PAGING_FLAGS },
    run: async (run) => {
      run.print(await listPages(run, { method: 'GET', path: '/applications' }, 'applications'));
      return EXIT_OK;
    },
  },
  {
    name: 'delete-application',
    summary: 'Deletes an application with its deployment groups and registered revisions.',
    flags: { 'application-name': APPLICATION_NAME },
    run: async (run) => {
      await run.api.call({ method: 'DELETE', path: `/applications/${seg(run.flags.required('application-name'))}` });
      return EXIT_OK;
    },
  },
];
