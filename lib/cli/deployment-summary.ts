// Human-readable deployment records for `local deploy`, `local get` and `local list`.
import type { LambdaHookEvent } from '../../functions/core/appspec/lambda-appspec';
import type { Deployment, DeploymentTarget, DeploymentView, LambdaDeployment, LifecycleEvent } from '../../functions/core/types';

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
  const what = d.computePlatform === 'Lambda' ? aliasMove(d) : `${o.Succeeded} succeeded, ${o.Failed} failed, ${o.Skipped} skipped`;
  const took = d.completeTime && d.startTime ? `, ${seconds(d.startTime, d.completeTime)}` : '';
  return `Deployment ${d.deploymentId} ${d.status}: ${what}${took}`;
}

/** `alias demo-fn:live from version 1 to 2`: what a Lambda deployment is about. */
export function aliasMove(d: LambdaDeployment): string {
  const { functionName, alias, currentVersion, targetVersion } = d.appSpec;
  return `alias ${functionName}:${alias} from version ${currentVersion} to ${targetVersion}`;
}

/** `BeforeAllowTraffic (hook pre-traffic)`: a Lambda deployment's event, with the function that runs it. */
export function lambdaEventName(d: LambdaDeployment, event: LifecycleEvent): string {
  const hook = d.appSpec.hooks[event.lifecycleEventName as LambdaHookEvent];
  return hook === undefined ? event.lifecycleEventName : `${event.lifecycleEventName} (hook ${hook})`;
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
  if (view.computePlatform === 'Lambda') lines.push(...describeTraffic(view));
  else for (const target of view.targets) lines.push(...describeTarget(target).map((l) => `  ${l}`));
  return lines.join('\n');
}

/** A Lambda deployment's events, every shift it recorded, and where it left the alias. */
function describeTraffic(view: LambdaDeployment & Pick<DeploymentView, 'targets'>): string[] {
  const lines: string[] = [];
  for (const event of view.targets.flatMap((t) => t.lifecycleEvents)) {
    lines.push(`  ${lambdaEventName(view, event)}: ${event.status}`);
    if (event.status === 'Failed') lines.push(...describeFailure(event).map((l) => `      ${l}`));
  }
  const shifts = view.trafficShifts;
  const { functionName, alias } = view.appSpec;
  if (shifts.length === 0) return [...lines, `  no traffic shift recorded: the deployment left alias ${functionName}:${alias} as it was`];
  lines.push(`  ${shifts.length} traffic shift(s):`);
  shifts.forEach((shift, i) => lines.push(`    ${String(i + 1).padStart(2)}. ${shift.time}  ${describeWeights(shift.weights)}`));
  lines.push(`  alias ${functionName}:${alias} left at ${describeWeights(shifts[shifts.length - 1].weights)}`);
  return lines;
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

/** `version 1: 90%, version 2: 10%`: where a Lambda alias sends traffic. */
export function describeWeights(weights: Readonly<Record<string, number>>): string {
  return Object.entries(weights)
    .map(([version, percent]) => `version ${version}: ${percent}%`)
    .join(', ');
}
