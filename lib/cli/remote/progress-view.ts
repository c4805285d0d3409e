// What `create-deployment --wait` shows while it polls: on a terminal, a board redrawn in place with one bar per
// batch and a line per host (for Lambda and ECS, the one target and where the traffic is); anywhere else (a log, a
// pipe, CI), one line per change, so nothing is repeated.
import { describeWeights } from '../deployment-summary';
import {
  FINISHED_TARGET_STATUSES,
  shiftsTraffic,
  type DeploymentInfo,
  type InstanceTargetInfo,
  type LifecycleEventInfo,
  type TrafficShift,
} from './api-shapes';

export interface Snapshot {
  readonly deployment: DeploymentInfo;
  readonly targets: readonly InstanceTargetInfo[];
}

export interface ProgressView {
  update(snapshot: Snapshot): void;
  /** A line that stays, above the board (e.g. an automatic rollback starting). */
  note(text: string): void;
}

const BAR_WIDTH = 24;

/** A terminal: the board is redrawn in place, clipped to the terminal's width so a redraw never wraps. */
export function liveBoard(out: NodeJS.WritableStream & { columns?: number }): ProgressView {
  let drawn = 0;
  const draw = (lines: readonly string[]): void => {
    const width = Math.max(20, (out.columns ?? 100) - 1);
    const erase = drawn > 0 ? `\x1b[${drawn}A\x1b[J` : '';
    out.write(`${erase}${lines.map((l) => `${l.slice(0, width)}\n`).join('')}`);
    drawn = lines.length;
  };
  return {
    update: (snapshot) => draw(boardLines(snapshot)),
    note: (text) => {
      drawn = 0;
      out.write(`${text}\n`);
    },
  };
}

/** Not a terminal: one line for each change seen between two polls. */
export function changeLog(out: NodeJS.WritableStream): ProgressView {
  let previous: Snapshot | undefined;
  return {
    update: (snapshot) => {
      for (const line of changeLines(previous, snapshot)) out.write(`${line}\n`);
      previous = snapshot;
    },
    note: (text) => {
      previous = undefined;
      out.write(`${text}\n`);
    },
  };
}

export function boardLines({ deployment, targets }: Snapshot): string[] {
  const lines = [headline(deployment)];
  if (shiftsTraffic(deployment)) {
    for (const target of targets) lines.push(`  ${targetLine(target)}`);
    const shifts = deployment.trafficShifts ?? [];
    lines.push(shifts.length === 0 ? '  Traffic: not shifted yet' : `  Traffic: ${weightsOf(deployment, shifts[shifts.length - 1])}`);
    if (deployment.nextShift) lines.push(`  Next shift at ${deployment.nextShift.time}: ${weightsOf(deployment, deployment.nextShift)}`);
    return lines;
  }
  const width = Math.max(8, ...targets.map((t) => t.targetId.length));
  for (const [batch, members] of batches(targets)) {
    if (batch === undefined) {
      lines.push(`  Waiting for a batch: ${members.map((t) => t.targetId).join(', ')}`);
      continue;
    }
    const done = members.filter((t) => FINISHED_TARGET_STATUSES.includes(t.status)).length;
    lines.push(`  Batch ${batch} ${bar(batchFraction(members))} ${done}/${members.length} host(s) done`);
    for (const target of members) lines.push(`    ${targetLine(target, width)}`);
  }
  return lines;
}

export function changeLines(before: Snapshot | undefined, after: Snapshot): string[] {
  const lines: string[] = [];
  const d = after.deployment;
  if (before?.deployment.status !== d.status) lines.push(headline(d));
  const traffic = shiftsTraffic(d);
  if (!traffic) {
    const seenBatches = new Set(before?.targets.map((t) => t.batchNumber) ?? []);
    for (const [batch, members] of batches(after.targets)) {
      if (batch !== undefined && !seenBatches.has(batch)) lines.push(`  Batch ${batch}: ${members.map((t) => t.targetId).join(', ')}`);
    }
  }
  const previous = new Map(before?.targets.map((t) => [t.targetId, t]) ?? []);
  for (const target of after.targets) {
    const old = previous.get(target.targetId);
    if (old && old.status === target.status && hostDetail(old) === hostDetail(target)) continue;
    if (!old && target.status === 'Pending') continue;
    lines.push(`${traffic ? '  ' : '    '}${target.targetId} ${target.status}${hostDetail(target) === '' ? '' : `: ${hostDetail(target)}`}`);
  }
  // Each shift once, in order: the ones the earlier snapshot had were shown with it.
  for (const shift of (d.trafficShifts ?? []).slice(before?.deployment.trafficShifts?.length ?? 0)) {
    lines.push(`  Traffic shifted at ${shift.time}: ${weightsOf(d, shift)}`);
  }
  return lines;
}

/** `fn:live  InProgress  AllowTraffic 2/3`, the id padded to `width`. */
function targetLine(target: InstanceTargetInfo, width = 0): string {
  return `${target.targetId.padEnd(width)}  ${target.status.padEnd(10)}  ${hostDetail(target)}`.trimEnd();
}

/** `version 1: 90%, version 2: 10%` (Lambda), `task set ecs-svc/1: 100%` (ECS). */
function weightsOf(d: DeploymentInfo, shift: TrafficShift): string {
  const label = d.computePlatform === 'ECS' ? (key: string) => `task set ${key}` : undefined;
  return describeWeights(shift.weights, label);
}

function headline(d: DeploymentInfo): string {
  const where = d.applicationName ? ` ${d.applicationName}/${d.deploymentGroupName ?? '?'}` : '';
  const config = d.deploymentConfigName ? `, ${d.deploymentConfigName}` : '';
  const o = d.deploymentOverview;
  const counts = o ? `: ${o.Succeeded ?? 0} succeeded, ${o.Failed ?? 0} failed, ${o.Skipped ?? 0} skipped, ${(o.InProgress ?? 0) + (o.Pending ?? 0)} to go` : '';
  const error = d.errorInformation?.code ? ` (${d.errorInformation.code}: ${d.errorInformation.message ?? ''})` : '';
  // A queued deployment has no hosts or traffic to count yet: what it waits for is the deployments before it.
  if (d.status === 'Queued') return `Deployment ${d.deploymentId} Queued${where}${config}: waits in its group's queue${queuePlace(d)} for the deployments before it`;
  return `Deployment ${d.deploymentId} ${d.status}${where}${config}${counts}${error}`;
}

function queuePlace(d: DeploymentInfo): string {
  return d.queuePosition === undefined ? '' : ` (arrival ${d.queuePosition})`;
}

/** Batches in order, hosts without one (still waiting) last under `undefined`. */
function batches(targets: readonly InstanceTargetInfo[]): [number | undefined, InstanceTargetInfo[]][] {
  const groups = new Map<number | undefined, InstanceTargetInfo[]>();
  for (const target of targets) {
    const key = target.batchNumber;
    groups.set(key, [...(groups.get(key) ?? []), target]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a ?? Number.MAX_SAFE_INTEGER) - (b ?? Number.MAX_SAFE_INTEGER));
}

/** Finished lifecycle events over all of them, so a bar moves within a batch, not only when hosts finish. */
function batchFraction(members: readonly InstanceTargetInfo[]): number {
  let finished = 0;
  let total = 0;
  for (const target of members) {
    const events = target.lifecycleEvents ?? [];
    if (events.length === 0 || FINISHED_TARGET_STATUSES.includes(target.status)) {
      finished += FINISHED_TARGET_STATUSES.includes(target.status) ? 1 : 0;
      total += 1;
      continue;
    }
    finished += events.filter((e) => FINISHED_TARGET_STATUSES.includes(e.status)).length / events.length;
    total += 1;
  }
  return total === 0 ? 0 : finished / total;
}

function bar(fraction: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%`;
}

/** The event a host (or Lambda or ECS target) is in (`AfterInstall 4/8`), or why it failed. */
function hostDetail(target: InstanceTargetInfo): string {
  const events = target.lifecycleEvents ?? [];
  const failed = events.find((e) => e.status === 'Failed');
  if (failed) return failureOf(failed);
  if (target.status !== 'InProgress') return '';
  const index = events.findIndex((e) => e.status === 'InProgress' || e.status === 'Pending');
  return index < 0 ? '' : `${events[index].lifecycleEventName} ${index + 1}/${events.length}`;
}

function failureOf(event: LifecycleEventInfo): string {
  const d = event.diagnostics;
  return d ? `${event.lifecycleEventName} failed: ${d.errorCode ?? 'UnknownError'}: ${(d.message ?? '').replace(/\s+/g, ' ')}` : `${event.lifecycleEventName} failed`;
}
