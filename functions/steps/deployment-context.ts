// Loading what most steps need, with NotFoundError instead of undefined.
import { NotFoundError, UnsupportedPlatformError } from '../core/errors';
import type { Deployment, DeploymentGroup, DeploymentTarget, EcsDeployment, LambdaDeployment, ServerDeployment, TrafficDeployment } from '../core/types';
import type { Batch, Store } from '../ports';

export async function loadDeployment(store: Store, deploymentId: string): Promise<Deployment> {
  const deployment = await store.getDeployment(deploymentId);
  if (!deployment) throw new NotFoundError('Deployment', deploymentId);
  return deployment;
}

/** For the steps of the in-place flow, which only Server deployments reach. */
export async function loadServerDeployment(store: Store, deploymentId: string): Promise<ServerDeployment> {
  return serverDeployment(await loadDeployment(store, deploymentId));
}

export function serverDeployment(deployment: Deployment): ServerDeployment {
  if (deployment.computePlatform !== 'Server') throw wrongPlatform(deployment, 'Server');
  return deployment;
}

/** For the steps of the traffic-shifting flow. */
export async function loadLambdaDeployment(store: Store, deploymentId: string): Promise<LambdaDeployment> {
  return lambdaDeployment(await loadDeployment(store, deploymentId));
}

export function lambdaDeployment(deployment: Deployment): LambdaDeployment {
  if (deployment.computePlatform !== 'Lambda') throw wrongPlatform(deployment, 'Lambda');
  return deployment;
}

/** For the steps Lambda and ECS flows share. */
export function trafficDeployment(deployment: Deployment): TrafficDeployment {
  if (deployment.computePlatform === 'Server') throw wrongPlatform(deployment, 'Lambda and ECS');
  return deployment;
}

export async function loadEcsDeployment(store: Store, deploymentId: string): Promise<EcsDeployment> {
  return ecsDeployment(await loadDeployment(store, deploymentId));
}

export function ecsDeployment(deployment: Deployment): EcsDeployment {
  if (deployment.computePlatform !== 'ECS') throw wrongPlatform(deployment, 'ECS');
  return deployment;
}

function wrongPlatform(deployment: Deployment, wanted: string): UnsupportedPlatformError {
  return new UnsupportedPlatformError(
    `Deployment ${deployment.deploymentId} is a ${deployment.computePlatform} deployment; this step handles ${wanted} deployments only`,
  );
}

export async function loadGroup(store: Store, deployment: Deployment): Promise<DeploymentGroup> {
  const group = await store.getDeploymentGroup(deployment.applicationName, deployment.deploymentGroupName);
  if (!group) throw new NotFoundError('Deployment group', `${deployment.applicationName}/${deployment.deploymentGroupName}`);
  return group;
}

export async function loadBatch(store: Store, deploymentId: string, batchNumber: number): Promise<Batch> {
  const batch = await store.getBatch(deploymentId, batchNumber);
  if (!batch) throw new NotFoundError('Batch', `${deploymentId}#${batchNumber}`);
  return batch;
}

/** The batch's targets, read one by one: a batch is small next to the fleet, and this runs once per event. */
export async function loadBatchTargets(store: Store, batch: Batch): Promise<DeploymentTarget[]> {
  const targets = await Promise.all(batch.targetIds.map((targetId) => store.getTarget(batch.deploymentId, targetId)));
  return targets.map((target, index) => {
    if (!target) throw new NotFoundError('Deployment target', `${batch.deploymentId}/${batch.targetIds[index]}`);
    return target;
  });
}

/** The key that says whether a host already runs a revision (CodeDeploy's revision health). */
export function revisionKey(deployment: Pick<ServerDeployment, 'revision'>): string {
  const revision = deployment.revision;
  if (revision.revisionType === 'Local') return `local:${revision.localLocation.sha256}`;
  const s3 = revision.s3Location;
  return `s3://${s3.bucket}/${s3.key}?versionId=${s3.version ?? ''}&etag=${s3.eTag ?? ''}`;
}
