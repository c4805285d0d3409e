// A deployment through the AWS adapters, from the same request the embedded runtime's deployLocally takes: the bundle
// goes to S3 as one tar, the group is set up and the deployment created by the code the CLI runs, and the outcome is
// read back from the store once the deployment (and any rollback it started) has ended.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Deployment, DeploymentView, RevisionLocation } from '../../functions/core/types';
import type { Store } from '../../functions/ports';
import { createDeployment } from '../../functions/steps/create-deployment';
import { createDeploymentRequestOf, type LocalDeployRequest } from '../../lib/cli/local-deploy';
import { loadBundle } from '../../lib/local/bundle';
import { ensureLocalGroup } from '../../lib/local/local-groups';
import { REVISION_BUCKET, type LoopbackAws } from './loopback-aws';

const POLL_MS = 100;
/** Far above what a few hosts take; reaching it means the deployment hangs. */
const END_WAIT_MS = 45_000;
const TERMINAL = new Set<Deployment['status']>(['Succeeded', 'Failed', 'Stopped']);

export async function deployOnAws(aws: LoopbackAws, request: LocalDeployRequest): Promise<DeploymentView> {
  if (request.hosts === undefined) throw new Error('an AWS deployment group needs explicit instance ids');
  const { deps } = aws.runtime;
  const bundle = await loadBundle(request.bundle, path.join(aws.dir, 'bundles'));
  const key = `${request.applicationName}/${request.deploymentGroupName}/bundle.tar`;
  const stored = aws.s3.putObject(REVISION_BUCKET, key, fs.readFileSync(bundle.tarPath));
  const revision: RevisionLocation = {
    revisionType: 'S3',
    s3Location: { bucket: REVISION_BUCKET, key, bundleType: 'tar', version: stored.versionId, eTag: stored.eTag.replace(/^"|"$/g, '') },
  };
  // The group exactly as the embedded run gets it, so the two runs differ only in the adapters.
  await ensureLocalGroup(
    deps.store,
    {
      applicationName: request.applicationName,
      deploymentGroupName: request.deploymentGroupName,
      hosts: request.hosts,
      defaultHosts: request.hosts,
      deploymentConfigName: request.deploymentConfigName,
    },
    new Date(),
  );
  const deployment = await createDeployment(deps, createDeploymentRequestOf(request, revision, bundle.appSpec));
  for (let current: string | undefined = deployment.deploymentId; current !== undefined; ) {
    current = (await waitForEnd(deps.store, current)).rollbackInfo?.rollbackDeploymentId;
  }
  await aws.settle();
  return view(deps.store, deployment.deploymentId);
}

/** The deployment once it has ended; fails the test when it has not within END_WAIT_MS. */
export async function waitForEnd(store: Store, deploymentId: string): Promise<Deployment> {
  const deadline = Date.now() + END_WAIT_MS;
  for (;;) {
    const deployment = await store.getDeployment(deploymentId);
    if (deployment !== undefined && TERMINAL.has(deployment.status)) return deployment;
    if (Date.now() > deadline) {
      const state = deployment === undefined ? 'no record' : JSON.stringify(await view(store, deploymentId), null, 2);
      throw new Error(`deployment ${deploymentId} did not end within ${END_WAIT_MS} ms; its state:\n${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The deployment with its targets, as GetDeployment and ListDeploymentTargets show it. */
export async function view(store: Store, deploymentId: string): Promise<DeploymentView> {
  const deployment = await store.getDeployment(deploymentId);
  if (deployment === undefined) throw new Error(`no deployment ${deploymentId}`);
  return { ...deployment, targets: await store.getTargets(deploymentId) };
}
