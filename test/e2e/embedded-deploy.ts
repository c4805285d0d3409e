// The reference run: the same request on the embedded runtime (dynalite, folders as hosts, in-process callbacks),
// the way the flow tests and `cutover local deploy` run it.
import * as fs from 'node:fs';
import { deployLocally, type LocalDeployRequest } from '../../lib/cli/local-deploy';
import { openHarness } from '../support/local-runtime-harness';
import { type DeploymentOutcome, deploymentOutcome } from './deployment-outcome';

export interface EmbeddedRun {
  readonly outcome: DeploymentOutcome;
  /** Host reports the embedded runtime could not record; a clean run has none. */
  readonly failedReports: readonly Error[];
}

export async function deployEmbedded(request: LocalDeployRequest): Promise<EmbeddedRun> {
  if (request.hosts === undefined) throw new Error('name the hosts, so both runs deploy to the same ones');
  const hosts = request.hosts;
  const harness = await openHarness();
  try {
    const view = await deployLocally(harness.runtime, request);
    return { outcome: deploymentOutcome(view, hosts, harness.hostRoot), failedReports: [...harness.runtime.failedReports] };
  } finally {
    await harness.runtime.close();
    fs.rmSync(harness.dir, { recursive: true, force: true });
  }
}
