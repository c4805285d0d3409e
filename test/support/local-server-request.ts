// The usual start of a step test on the embedded runtime: a v1 bundle loaded into the runtime, Server groups with one
// local host, and a request that deploys the bundle to the first group.
import * as path from 'node:path';
import type { CreateDeploymentRequest } from '../../functions/steps/create-deployment';
import { loadBundle } from '../../lib/local/bundle';
import { ensureLocalGroup } from '../../lib/local/local-groups';
import { loggingBundle } from './bundles';
import type { Harness } from './local-runtime-harness';

export async function localServerRequest(h: Harness, groupNames: readonly string[] = ['group']): Promise<CreateDeploymentRequest> {
  const bundle = await loadBundle(loggingBundle(path.join(h.dir, 'v1'), 'v1'), h.runtime.revisionsDir);
  for (const deploymentGroupName of groupNames) {
    await ensureLocalGroup(h.runtime.store, { applicationName: 'app', deploymentGroupName, defaultHosts: ['host-1'] }, new Date());
  }
  return {
    applicationName: 'app',
    deploymentGroupName: groupNames[0],
    revision: { revisionType: 'Local', localLocation: { bundlePath: bundle.tarPath, bundleType: 'tar', sha256: bundle.sha256 } },
    appSpec: bundle.appSpec,
  };
}
