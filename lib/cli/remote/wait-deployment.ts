// `--wait`: polls the deployment and its targets until it ends, then follows its automatic rollback, if one
// starts, so that when the command returns the group is quiet again.
import { RemoteApiError, seg, type ApiClient } from './api-client';
import { FINISHED_TARGET_STATUSES, shiftsTraffic, TERMINAL_STATUSES, type DeploymentInfo, type InstanceTargetInfo } from './api-shapes';
import { withBatches } from './batch-inference';
import type { ProgressView } from './progress-view';

export interface WaitOptions {
  readonly view: ProgressView;
  readonly intervalMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface WaitOutcome {
  /** The deployment asked for, as it ended (naming its rollback, if any). */
  readonly deployment: DeploymentInfo;
  readonly rollback?: DeploymentInfo;
}

/**
 * A failed deployment is marked Failed a moment before it names its rollback (or says none could start), so a
 * failure whose policy asks for a rollback is polled this many more times before the wait gives up on one.
 */
const ROLLBACK_GRACE_POLLS = 10;

export async function waitForDeployment(api: ApiClient, deploymentId: string, options: WaitOptions): Promise<WaitOutcome> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const main = await follow(api, deploymentId, options, sleep, true);
  const rollbackId = main.rollbackInfo?.rollbackDeploymentId;
  if (rollbackId === undefined) return { deployment: main };
  options.view.note(`Automatic rollback ${rollbackId} started: it redeploys the last revision that succeeded`);
  const rollback = await follow(api, rollbackId, options, sleep, false);
  // The rolled-back deployment records how its rollback went.
  return { deployment: await getDeployment(api, deploymentId), rollback };
}

async function follow(
  api: ApiClient,
  deploymentId: string,
  options: WaitOptions,
  sleep: (ms: number) => Promise<void>,
  expectRollback: boolean,
): Promise<DeploymentInfo> {
  const finished = new Map<string, InstanceTargetInfo>();
  let grace = ROLLBACK_GRACE_POLLS;
  for (;;) {
    const deployment = await getDeployment(api, deploymentId);
    const targets = await getTargets(api, deploymentId, finished);
    // A Lambda or ECS deployment has one target and no batches.
    options.view.update({ deployment, targets: shiftsTraffic(deployment) ? targets : withBatches(targets) });
    if (TERMINAL_STATUSES.includes(deployment.status)) {
      if (!expectRollback || !rollbackMayFollow(deployment) || grace === 0) return deployment;
      grace -= 1;
    }
    await sleep(options.intervalMs);
  }
}

function rollbackMayFollow(d: DeploymentInfo): boolean {
  if (d.rollbackInfo?.rollbackDeploymentId !== undefined || d.rollbackInfo?.rollbackMessage !== undefined) return false;
  if (d.creator === 'codeDeployRollback' || d.status !== 'Failed') return false;
  return d.autoRollbackConfiguration?.enabled === true && (d.autoRollbackConfiguration.events ?? []).includes('DEPLOYMENT_FAILURE');
}

export async function getDeployment(api: ApiClient, deploymentId: string): Promise<DeploymentInfo> {
  const answer = await api.call<{ deploymentInfo: DeploymentInfo }>({ method: 'GET', path: `/deployments/${seg(deploymentId)}` });
  return answer.deploymentInfo;
}

/** Every target (hosts, or a Lambda alias or ECS service); one that finished is not asked for again. */
async function getTargets(api: ApiClient, deploymentId: string, finished: Map<string, InstanceTargetInfo>): Promise<InstanceTargetInfo[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    let page: { targetIds?: string[]; nextToken?: string };
    try {
      page = await api.call({ method: 'GET', path: `/deployments/${seg(deploymentId)}/targets`, query: { nextToken } });
    } catch (error) {
      // Targets are chosen when the deployment starts: until then there are none to show.
      if (error instanceof RemoteApiError && error.code === 'DeploymentNotStarted') return [];
      throw error;
    }
    ids.push(...(page.targetIds ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  const targets: InstanceTargetInfo[] = [];
  // A few requests at a time: a large fleet must not open hundreds of connections every second.
  for (let i = 0; i < ids.length; i += TARGETS_AT_ONCE) {
    targets.push(...(await Promise.all(ids.slice(i, i + TARGETS_AT_ONCE).map((id) => getTarget(api, deploymentId, id, finished)))));
  }
  return targets;
}

const TARGETS_AT_ONCE = 8;

/** Where a DeploymentTarget keeps its fields, by its deploymentTargetType. */
type TargetKind = 'instanceTarget' | 'lambdaTarget' | 'ecsTarget';

async function getTarget(api: ApiClient, deploymentId: string, id: string, finished: Map<string, InstanceTargetInfo>): Promise<InstanceTargetInfo> {
  const known = finished.get(id);
  if (known) return known;
  const answer = await api.call<{ deploymentTarget: Partial<Record<TargetKind, InstanceTargetInfo>> }>({
    method: 'GET',
    path: `/deployments/${seg(deploymentId)}/targets/${seg(id)}`,
  });
  const { instanceTarget, lambdaTarget, ecsTarget } = answer.deploymentTarget;
  const target = instanceTarget ?? lambdaTarget ?? ecsTarget ?? { targetId: id, status: 'Unknown' };
  if (FINISHED_TARGET_STATUSES.includes(target.status)) finished.set(id, target);
  return target;
}
