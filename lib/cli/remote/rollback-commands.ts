// rollback-deployment: POST /deployments/{id}/rollback, a new deployment of an earlier successful revision of the
// group (with --wait, followed as create-deployment --wait follows one).
import { EXIT_FAILED, EXIT_OK } from '../cli-errors';
import { seg } from './api-client';
import type { DeploymentInfo } from './api-shapes';
import { bodyOf, type RemoteCommand, type RemoteRun } from './remote-command';
import { changeLog, liveBoard } from './progress-view';
import { waitForDeployment } from './wait-deployment';

const POLL_INTERVAL_MS = 1000;

export const ROLLBACK_COMMAND: RemoteCommand = {
  name: 'rollback-deployment',
  summary:
    'Rolls a deployment that has ended back to an earlier successful revision of its group: a new deployment of that ' +
    "revision (Lambda: from the version the alias serves now), admitted like any by the group's concurrency policy; " +
    'rollbackInfo links the two. A deployment still running is refused: stop-deployment it first. With --wait, shows ' +
    "the rollback's progress until it ends and exits 1 unless it succeeded (progress on stderr with --output json).",
  flags: {
    'deployment-id': { kind: 'string', required: true, help: 'the deployment to roll back, d-XXXXXXXXX', placeholder: 'ID' },
    'target-deployment-id': {
      kind: 'string',
      help: "the earlier Succeeded deployment of the group whose revision to deploy again (default: the group's latest before it)",
      placeholder: 'ID',
    },
    description: { kind: 'string', help: 'shown with the rollback deployment', placeholder: 'TEXT' },
    wait: { kind: 'boolean', help: 'show progress until the rollback ends; exit 1 unless it succeeded' },
  },
  run: async (run) => {
    const path = `/deployments/${seg(run.flags.required('deployment-id'))}/rollback`;
    const created = await run.api.call<{ deploymentId: string }>({ method: 'POST', path, body: bodyOf(run, ['target-deployment-id', 'description']) });
    if (run.flags.boolean('wait') !== true) {
      run.print(created);
      return EXIT_OK;
    }
    return waitForRollback(run, created.deploymentId);
  },
};

async function waitForRollback(run: RemoteRun, deploymentId: string): Promise<number> {
  const json = run.globals.output === 'json';
  const out = json ? run.ctx.stderr : run.ctx.stdout;
  const view = (out as { isTTY?: boolean }).isTTY === true ? liveBoard(out) : changeLog(out);
  const { deployment, rollback } = await waitForDeployment(run.api, deploymentId, { view, intervalMs: POLL_INTERVAL_MS });
  if (json) {
    run.print({ deploymentInfo: deployment });
  } else {
    for (const ended of rollback ? [deployment, rollback] : [deployment]) run.ctx.stdout.write(`${verdict(ended)}\n`);
  }
  return deployment.status === 'Succeeded' ? EXIT_OK : EXIT_FAILED;
}

function verdict(d: DeploymentInfo): string {
  const error = d.errorInformation?.code ? ` (${d.errorInformation.code}: ${d.errorInformation.message ?? ''})` : '';
  const rollback = d.rollbackInfo?.rollbackMessage ? `; ${d.rollbackInfo.rollbackMessage}` : '';
  return `=> ${d.deploymentId} ${d.status}${error}${rollback}`;
}
