// create-deployment (with --wait), get-deployment, list-deployments, stop-deployment, continue-deployment and
// put-lifecycle-event-hook-execution-status.
import { CONCURRENCY_POLICIES } from '../../../functions/core/types';
import { EXIT_FAILED, EXIT_OK } from '../cli-errors';
import { seg } from './api-client';
import type { DeploymentInfo } from './api-shapes';
import { bodyOf, listPages, PAGING_FLAGS, type RemoteCommand, type RemoteRun } from './remote-command';
import { changeLog, liveBoard } from './progress-view';
import { REVISION_FLAGS, revisionOf } from './revision-flags';
import { SHAPES } from './value-shapes';
import { waitForDeployment } from './wait-deployment';

const DEPLOYMENT_ID = { kind: 'string', required: true, help: 'the deployment, d-XXXXXXXXX', placeholder: 'ID' } as const;
const STATUSES = ['Created', 'Queued', 'InProgress', 'Succeeded', 'Failed', 'Stopped', 'Ready'];
const POLL_INTERVAL_MS = 1000;

export const DEPLOYMENT_COMMANDS: readonly RemoteCommand[] = [
  {
    name: 'create-deployment',
    summary:
      'Deploys a revision to a deployment group. With --wait, shows its progress until it ends (and its automatic rollback, if one ' +
      'starts) and exits 1 unless it succeeded. The progress goes to stdout with --output table, to stderr with --output json (so stdout ' +
      'holds only the final {deploymentInfo}); on a terminal it is a board redrawn every second, elsewhere one line per change.',
    flags: {
      'application-name': { kind: 'string', required: true, help: 'the application', placeholder: 'NAME' },
      'deployment-group-name': { kind: 'string', required: true, help: 'the deployment group', placeholder: 'NAME' },
      ...REVISION_FLAGS,
      'deployment-config-name': { kind: 'string', help: "instead of the group's config", placeholder: 'NAME' },
      description: { kind: 'string', help: 'shown with the deployment', placeholder: 'TEXT' },
      'file-exists-behavior': { kind: 'string', help: 'files already on a host that the revision also has', choices: ['DISALLOW', 'OVERWRITE', 'RETAIN'] },
      'ignore-application-stop-failures': { kind: 'boolean', help: "a failing ApplicationStop script of the previous revision doesn't fail the host" },
      'auto-rollback-configuration': { kind: 'structure', shape: SHAPES.autoRollback, help: "instead of the group's: enabled=true,events=DEPLOYMENT_FAILURE" },
      'override-alarm-configuration': {
        kind: 'structure',
        shape: SHAPES.alarmConfiguration,
        help: "instead of the group's alarms: enabled=true,alarms=[{name=A}], or enabled=false to ship a fix while they fire",
      },
      'concurrency-policy': { kind: 'string', help: "instead of the group's: what it does if the group is busy", choices: CONCURRENCY_POLICIES },
      'client-token': { kind: 'string', help: 'makes a retried create return the same deployment', placeholder: 'TOKEN' },
      wait: { kind: 'boolean', help: 'show progress until the deployment ends; exit 1 unless it succeeded' },
    },
    run: async (run) => {
      const body = {
        applicationName: run.flags.required('application-name'),
        deploymentGroupName: run.flags.required('deployment-group-name'),
        revision: revisionOf(run.flags, run.ctx.cwd),
        ...bodyOf(run, ['deployment-config-name', 'description', 'file-exists-behavior', 'ignore-application-stop-failures', 'auto-rollback-configuration', 'override-alarm-configuration', 'concurrency-policy', 'client-token']),
      };
      const created = await run.api.call<{ deploymentId: string }>({ method: 'POST', path: '/deployments', body });
      if (run.flags.boolean('wait') !== true) {
        run.print(created);
        return EXIT_OK;
      }
      return waitAndReport(run, created.deploymentId);
    },
  },
  {
    name: 'get-deployment',
    summary: 'Shows a deployment: status, overview counts, error and rollback.',
    flags: { 'deployment-id': DEPLOYMENT_ID },
    run: async (run) => {
      run.print(await run.api.call({ method: 'GET', path: `/deployments/${seg(run.flags.required('deployment-id'))}` }));
      return EXIT_OK;
    },
  },
  {
    name: 'list-deployments',
    summary: 'Lists deployment ids, newest first.',
    flags: {
      'application-name': { kind: 'string', help: 'only this application (needed with --deployment-group-name)', placeholder: 'NAME' },
      'deployment-group-name': { kind: 'string', help: 'only this deployment group', placeholder: 'NAME' },
      'include-only-statuses': { kind: 'list', help: `only these statuses: ${STATUSES.join(' ')}`, placeholder: 'STATUS [STATUS ...]' },
      'create-time-range': { kind: 'structure', shape: SHAPES.timeRange, help: 'start=2026-01-01T00:00:00Z,end=… (ISO 8601, either may be left out)' },
      ...PAGING_FLAGS,
    },
    run: async (run) => {
      const range = run.flags.value('create-time-range') as { start?: string; end?: string } | undefined;
      const query = {
        applicationName: run.flags.string('application-name'),
        deploymentGroupName: run.flags.string('deployment-group-name'),
        includeOnlyStatuses: run.flags.list('include-only-statuses')?.join(','),
        createTimeStart: range?.start,
        createTimeEnd: range?.end,
      };
      run.print(await listPages(run, { method: 'GET', path: '/deployments', query }, 'deployments'));
      return EXIT_OK;
    },
  },
  {
    name: 'stop-deployment',
    summary: 'Stops a deployment: hosts not yet started are left alone, running ones finish their event.',
    flags: {
      'deployment-id': DEPLOYMENT_ID,
      'auto-rollback-enabled': { kind: 'boolean', help: 'roll back the hosts it changed to the last good revision' },
    },
    run: async (run) => {
      const path = `/deployments/${seg(run.flags.required('deployment-id'))}/stop`;
      run.print(await run.api.call({ method: 'POST', path, body: bodyOf(run, ['auto-rollback-enabled']) }));
      return EXIT_OK;
    },
  },
  {
    name: 'continue-deployment',
    summary:
      'Continues a deployment that waits: a Lambda or ECS one between two traffic shifts (READY_WAIT), an ECS one before it removes ' +
      'its original task set (TERMINATION_WAIT).',
    flags: {
      'deployment-id': DEPLOYMENT_ID,
      'deployment-wait-type': { kind: 'string', help: 'which wait to end', choices: ['READY_WAIT', 'TERMINATION_WAIT'] },
    },
    run: async (run) => {
      const path = `/deployments/${seg(run.flags.required('deployment-id'))}/continue`;
      run.print(await run.api.call({ method: 'POST', path, body: bodyOf(run, ['deployment-wait-type']) }));
      return EXIT_OK;
    },
  },
  {
    name: 'put-lifecycle-event-hook-execution-status',
    summary: "Reports a Lambda or ECS validation hook's result, once per hook execution: the deployment waiting on it goes on.",
    flags: {
      'deployment-id': DEPLOYMENT_ID,
      'lifecycle-event-hook-execution-id': { kind: 'string', required: true, help: 'the LifecycleEventHookExecutionId the hook function received', placeholder: 'ID' },
      status: { kind: 'string', required: true, help: 'the hook passed or failed', choices: ['Succeeded', 'Failed'] },
    },
    run: async (run) => {
      const deployment = seg(run.flags.required('deployment-id'));
      const path = `/deployments/${deployment}/lifecycle-hook-executions/${seg(run.flags.required('lifecycle-event-hook-execution-id'))}`;
      run.print(await run.api.call({ method: 'POST', path, body: { status: run.flags.required('status') } }));
      return EXIT_OK;
    },
  },
];

async function waitAndReport(run: RemoteRun, deploymentId: string): Promise<number> {
  const out = run.globals.output === 'json' ? run.ctx.stderr : run.ctx.stdout;
  const view = (out as { isTTY?: boolean }).isTTY === true ? liveBoard(out) : changeLog(out);
  const { deployment, rollback } = await waitForDeployment(run.api, deploymentId, { view, intervalMs: POLL_INTERVAL_MS });
  if (run.globals.output === 'json') {
    run.print({ deploymentInfo: deployment });
  } else {
    run.ctx.stdout.write(`${verdict(deployment)}\n`);
    if (rollback) run.ctx.stdout.write(`${verdict(rollback)}\n`);
  }
  return deployment.status === 'Succeeded' ? EXIT_OK : EXIT_FAILED;
}

function verdict(d: DeploymentInfo): string {
  const o = d.deploymentOverview ?? {};
  const error = d.errorInformation?.code ? ` (${d.errorInformation.code}: ${d.errorInformation.message ?? ''})` : '';
  const rollback = d.rollbackInfo?.rollbackMessage ? `; ${d.rollbackInfo.rollbackMessage}` : '';
  return `=> ${d.deploymentId} ${d.status}${error}: ${o.Succeeded ?? 0} succeeded, ${o.Failed ?? 0} failed, ${o.Skipped ?? 0} skipped${rollback}`;
}
