// Human-readable deployment records for `local deploy`, `local get` and `local list`.
import type { Deployment, DeploymentTarget, DeploymentView, LifecycleEvent } from '../../functions/core/types';

const MARK: Record<DeploymentTarget['status'], string> = {
  Succeeded: 'ok  ',
  Failed: 'FAIL',
  Skipped: 'skip',
  Pending: 'wait',
  InProgress: 'run ',
  Unknown: '??  ',
  Ready: 'rdy ',
};

export function deploymentHeadline(d: Deployment): string {
  const o = d.deploymentOverview;
  const counts = `${o.Succeeded} succeeded, ${o.Failed} failed, ${o.Skipped} skipped`;
  const took = d.completeTime && d.startTime ? `, ${seconds(d.startTime, d.completeTime)}` : '';
  return `Deployment ${d.deploymentId} ${d.status}: ${counts}${took}`;
}

export function describeDeployment(view: DeploymentView): string {
  const lines = [
    deploymentHeadline(view),
    `  application ${view.applicationName}, group ${view.deploymentGroupName}, config ${view.deploymentConfigName}, creator ${view.creator}`,
  ];
  if (view.errorInformation) lines.push(`  error ${view.errorInformation.code}: ${view.errorInformation.message}`);
  const rb = view.rollbackInfo;
  if (rb?.rollbackTriggeringDeploymentId) lines.push(`  rolls back deployment ${rb.rollbackTriggeringDeploymentId}`);
  if (rb?.rollbackMessage) lines.push(`  rollback: ${rb.rollbackMessage}`);
  for (const target of view.targets) lines.push(...describeTarget(target).map((l) => `  ${l}`));
  return lines.join('\n');
}

export function describeTarget(target: DeploymentTarget): string[] {
  const batch = target.batchNumber ? ` (batch ${target.batchNumber})` : '';
  const lines = [`[${MARK[target.status]}] ${target.targetId} ${target.status}${batch}`];
  const failed = target.lifecycleEvents.find((e) => e.status === 'Failed');
  if (failed) lines.push(...describeFailure(failed).map((l) => `       ${l}`));
  return lines;
}

export function describeFailure(event: LifecycleEvent): string[] {
  const d = event.diagnostics;
  if (!d) return [`${event.lifecycleEventName} failed`];
  const lines = [`${event.lifecycleEventName} failed: ${d.errorCode}: ${d.message}`];
  const tail = d.logTail.trimEnd().split('\n').filter((l) => l.length > 0).slice(-5);
  return lines.concat(tail.map((l) => `| ${l}`));
}

/** One line per deployment under a header; the columns line up because ids and times have fixed widths. */
export function listTable(deployments: readonly Deployment[]): string {
  const header = ['DEPLOYMENT ', 'STATUS    ', 'CREATED                 ', 'OK/FAILED/SKIPPED', 'CREATOR           ', 'APPLICATION/GROUP', 'CONFIG'];
  const rows = deployments.map((d) => {
    const o = d.deploymentOverview;
    return [
      d.deploymentId,
      d.status.padEnd(10),
      d.createTime,
      `${o.Succeeded}/${o.Failed}/${o.Skipped}`.padEnd(17),
      d.creator.padEnd(18),
      `${d.applicationName}/${d.deploymentGroupName}`,
      d.deploymentConfigName,
    ];
  });
  return [header, ...rows].map((cells) => cells.join('  ')).join('\n');
}

function seconds(from: string, to: string): string {
  return `${((Date.parse(to) - Date.parse(from)) / 1000).toFixed(1)} s`;
}
