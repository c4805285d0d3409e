// Human-readable deployment records for `local deploy`, `local get` and `local list`: hosts for a Server deployment;
// hooks, traffic shifts and where traffic was left for a Lambda (an alias) or ECS (task sets) one.
import type { Deployment, DeploymentTarget, DeploymentView, EcsDeployment, LambdaDeployment, LifecycleEvent, TrafficDeployment } from '../../functions/core/types';

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
  const what = d.computePlatform === 'Server' ? `${o.Succeeded} succeeded, ${o.Failed} failed, ${o.Skipped} skipped` : trafficMove(d);
  const took = d.completeTime && d.startTime ? `, ${seconds(d.startTime, d.completeTime)}` : '';
  return `Deployment ${d.deploymentId} ${d.status}: ${what}${took}`;
}

/**
 * What a Lambda or ECS deployment is about: `alias demo-fn:live from version 1 to 2`, or
 * `service local/web to task definition arn:aws:ecs:…:task-definition/web:2`.
 */
export function trafficMove(d: TrafficDeployment): string {
  if (d.computePlatform === 'ECS') return `service ${d.service.clusterName}/${d.service.serviceName} to task definition ${d.appSpec.taskDefinition}`;
  const { functionName, alias, currentVersion, targetVersion } = d.appSpec;
  return `alias ${functionName}:${alias} from version ${currentVersion} to ${targetVersion}`;
}

/** `BeforeAllowTraffic (hook pre-traffic)`: a Lambda or ECS deployment's event, with the function that runs it. */
export function trafficEventName(d: TrafficDeployment, event: LifecycleEvent): string {
  const hooks: Readonly<Partial<Record<string, string>>> = d.appSpec.hooks;
  const hook = hooks[event.lifecycleEventName];
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
  if (view.computePlatform === 'Server') for (const target of view.targets) lines.push(...describeTarget(target).map((l) => `  ${l}`));
  else lines.push(...describeTraffic(view));
  return lines.join('\n');
}

/** A Lambda or ECS deployment's events, every shift it recorded, and where it left traffic. */
function describeTraffic(view: TrafficDeployment & Pick<DeploymentView, 'targets'>): string[] {
  const lines: string[] = [];
  for (const event of view.targets.flatMap((t) => t.lifecycleEvents)) {
    lines.push(`  ${trafficEventName(view, event)}: ${event.status}`);
    if (event.status === 'Failed') lines.push(...describeFailure(event).map((l) => `      ${l}`));
  }
  if (view.computePlatform === 'ECS') lines.push(...describeTaskSets(view));
  const shifts = view.trafficShifts;
  if (shifts.length > 0) {
    lines.push(`  ${shifts.length} traffic shift(s):`);
    shifts.forEach((shift, i) => lines.push(`    ${String(i + 1).padStart(2)}. ${shift.time}  ${describeShift(view, shift.weights)}`));
  }
  lines.push(view.computePlatform === 'ECS' ? `  ${ecsOutcome(view)}` : `  ${aliasOutcome(view)}`);
  return lines;
}

/** Where the deployment left the alias. */
function aliasOutcome(view: LambdaDeployment): string {
  const { functionName, alias } = view.appSpec;
  const last = view.trafficShifts[view.trafficShifts.length - 1];
  if (last === undefined) return `no traffic shift recorded: the deployment left alias ${functionName}:${alias} as it was`;
  return `alias ${functionName}:${alias} left at ${describeWeights(last.weights)}`;
}

/** The two task sets of an ECS deployment, as far as it got, named as the shifts name them. */
function describeTaskSets(view: EcsDeployment): string[] {
  const { originalTaskSet: original, replacementTaskSet: replacement } = view;
  return [
    ...(original ? [`  original task set ${original.id} (target group ${original.targetGroupName})`] : []),
    ...(replacement ? [`  replacement task set ${replacement.id} (target group ${replacement.targetGroupName}, ${view.appSpec.taskDefinition})`] : []),
  ];
}

/** Which task set the deployment left primary, and whether the other is gone. */
function ecsOutcome(view: EcsDeployment): string {
  const service = `service ${view.service.clusterName}/${view.service.serviceName}`;
  if (view.originalTaskSet === undefined) return `the deployment ended before it found the primary task set: ${service} was left as it was`;
  if (view.replacementTaskSet === undefined) return 'no replacement task set was created: the original is still primary';
  if (view.status === 'Succeeded') return `the replacement is primary; the original was ${view.terminationWaitDone ? 'removed' : 'kept'}`;
  // The finish step says what it did with the two task sets (gave traffic back, kept the replacement, or could not).
  return view.rollbackInfo?.rollbackMessage ?? `see ${service} with cutover local ecs describe-service`;
}

/** `version 1: 90%, version 2: 10%` for a Lambda deployment; `original: 90%, replacement: 10%` for an ECS one. */
export function describeShift(d: TrafficDeployment | undefined, weights: Readonly<Record<string, number>>): string {
  if (d?.computePlatform !== 'ECS') return describeWeights(weights);
  // A shift has the original's share and the replacement's: any other task set is the replacement, even before the
  // record names it (progress lines see the deployment as it started).
  return describeWeights(weights, (id) => (id === d.originalTaskSet?.id ? 'original' : 'replacement'));
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

/** `version 1: 90%, version 2: 10%`: where a Lambda alias sends traffic (or, labelled otherwise, a listener). */
export function describeWeights(weights: Readonly<Record<string, number>>, label: (key: string) => string = (version) => `version ${version}`): string {
  return Object.entries(weights)
    .map(([key, percent]) => `${label(key)}: ${percent}%`)
    .join(', ');
}
