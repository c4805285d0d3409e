// register-application-revision, list-application-revisions.
import { EXIT_OK } from '../cli-errors';
import { seg } from './api-client';
import { listPages, PAGING_FLAGS, type RemoteCommand } from './remote-command';
import { REVISION_FLAGS, revisionOf } from './revision-flags';

const APPLICATION_NAME = { kind: 'string', required: true, help: 'the application', placeholder: 'NAME' } as const;

export const REVISION_COMMANDS: readonly RemoteCommand[] = [
  {
    name: 'register-application-revision',
    summary: 'Registers a revision with an application (push does this after its upload).',
    flags: { 'application-name': APPLICATION_NAME, ...REVISION_FLAGS, description: { kind: 'string', help: 'kept with the revision', placeholder: 'TEXT' } },
    run: async (run) => {
      const path = `/applications/${seg(run.flags.required('application-name'))}/revisions`;
      const body = { revision: revisionOf(run.flags, run.ctx.cwd), description: run.flags.string('description') };
      run.print(await run.api.call({ method: 'POST', path, body }));
      return EXIT_OK;
    },
  },
  {
    name: 'list-application-revisions',
    summary: "Lists an application's registered revisions, newest first.",
    flags: { 'application-name': APPLICATION_NAME, ...PAGING_FLAGS },
    run: async (run) => {
      const path = `/applications/${seg(run.flags.required('application-name'))}/revisions`;
      run.print(await listPages(run, { method: 'GET', path }, 'revisions'));
      return EXIT_OK;
    },
  },
];
