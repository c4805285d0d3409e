// Loading what most steps need, with NotFoundError instead of undefined.
import { NotFoundError } from '../core/errors';
import type { Deployment, DeploymentGroup, DeploymentTarget } from '../core/types';
import type { Batch, Store } from '../ports';

export async function loadDeployment(store: Store, deploymentId: string): Promise<Deployment> {
  const deployment = await store.getDeployment(deploymentId);
  if (!deployment) throw new NotFoundError('Deployment', deploymentId);
  return deployment;
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
export function revisionKey(deployment: Pick<Deployment, 'revision'>): string {
  const revision = deployment.revision;
  if (revision.revisionType === 'Local') return `local:${revision.localLocation.sha256}`;
  const s3 = revision.s3Location;
  return `s3://${s3.bucket}/${s3.key}?versionId=${s3.version ?? ''}&etag=${s3.eTag ?? ''}`;
}
