// Opens the embedded runtime in memory on a temp folder, the way every flow test uses it.
import * as path from 'node:path';
import type { DeploymentGroup } from '../../functions/core/types';
import { ensureLocalGroup, type LocalGroupRequest } from '../../lib/local/local-groups';
import { LocalRuntime, type LocalRuntimeOptions } from '../../lib/local/local-runtime';
import { tempDir } from './bundles';

export interface Harness {
  readonly runtime: LocalRuntime;
  readonly dir: string;
  hostRoot(name: string): string;
}

/** Retries and waits run 1,000 times faster unless a test says otherwise. */
export async function openHarness(options: Omit<LocalRuntimeOptions, 'stateDir' | 'persist'> = {}): Promise<Harness> {
  const dir = tempDir('flow');
  const runtime = await LocalRuntime.open({ timeScale: 1000, ...options, stateDir: path.join(dir, '.cutover'), persist: false });
  return { runtime, dir, hostRoot: (name) => path.join(runtime.hostsDir, name) };
}

export type AppGroupRequest = Omit<LocalGroupRequest, 'applicationName' | 'deploymentGroupName'> & { readonly deploymentGroupName?: string };

/** Creates application `app` and its local deployment group (`group` unless named), where the API and flow tests deploy. */
export function addAppGroup(h: Harness, { deploymentGroupName = 'group', ...group }: AppGroupRequest): Promise<DeploymentGroup> {
  return ensureLocalGroup(h.runtime.store, { applicationName: 'app', deploymentGroupName, ...group }, new Date());
}
