// Opens the embedded runtime in memory on a temp folder, the way every flow test uses it.
import * as path from 'node:path';
import type { HostReport, HostRunner } from '../../functions/ports';
import { LocalRuntime } from '../../lib/local/local-runtime';
import { tempDir } from './bundles';

export interface Harness {
  readonly runtime: LocalRuntime;
  readonly dir: string;
  hostRoot(name: string): string;
}

export async function openHarness(
  options: { timeScale?: number; hostRunner?: (report: (r: HostReport) => Promise<void>, hostsDir: string) => HostRunner } = {},
): Promise<Harness> {
  const dir = tempDir('flow');
  const runtime = await LocalRuntime.open({
    stateDir: path.join(dir, '.cutover'),
    persist: false,
    timeScale: options.timeScale ?? 1000,
    hostRunner: options.hostRunner,
  });
  return { runtime, dir, hostRoot: (name) => path.join(runtime.hostsDir, name) };
}
