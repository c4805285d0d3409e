// What two runs of the same deployment must agree on: the deployment's status, error code and overview, each host's
// status, batch and lifecycle events, and the files left on each host. Ids and times differ from run to run and are
// left out; Cutover's own state folder on a host is compared by its file names, with the ids taken out.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeploymentView } from '../../functions/core/types';

/** Cutover's state on a host (functions/core/host-script/host-paths.ts), relative to the host root. */
const STATE_DIR = 'opt/cutover';

export interface DeploymentOutcome {
  readonly status: string;
  readonly errorCode?: string;
  readonly overview: DeploymentView['deploymentOverview'];
  readonly hosts: readonly HostOutcome[];
}

export interface HostOutcome {
  readonly targetId: string;
  readonly status: string;
  readonly batchNumber?: number;
  readonly events: readonly { name: string; status: string; errorCode?: string; scriptName?: string; message?: string }[];
  /** Path → content; files under opt/cutover map to '' (logs and archives carry times and ids). */
  readonly files: Readonly<Record<string, string>>;
}

/** The outcome of `view`, hosts in the order given, with each host's files read from `hostRoot`. */
export function deploymentOutcome(view: DeploymentView, hosts: readonly string[], hostRoot: (host: string) => string): DeploymentOutcome {
  return {
    status: view.status,
    ...(view.errorInformation ? { errorCode: view.errorInformation.code } : {}),
    overview: view.deploymentOverview,
    hosts: hosts.map((host): HostOutcome => {
      const target = view.targets.find((t) => t.targetId === host);
      if (target === undefined) throw new Error(`deployment ${view.deploymentId} has no target ${host}`);
      return {
        targetId: host,
        status: target.status,
        ...(target.batchNumber === undefined ? {} : { batchNumber: target.batchNumber }),
        events: target.lifecycleEvents.map((event) => ({
          name: event.lifecycleEventName,
          status: event.status,
          // The log tail is left out: SSM returns stderr apart and Cutover puts its notes before the output.
          ...(event.diagnostics
            ? { errorCode: event.diagnostics.errorCode, scriptName: event.diagnostics.scriptName, message: event.diagnostics.message }
            : {}),
        })),
        files: hostFiles(hostRoot(host), [view.deploymentGroupId, view.deploymentId]),
      };
    }),
  };
}

/** Every file under `root`; under Cutover's state folder, names only, with `ids` replaced by placeholders. */
export function hostFiles(root: string, ids: readonly string[]): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
        continue;
      }
      const relative = path.relative(root, full).split(path.sep).join('/');
      if (relative.startsWith(`${STATE_DIR}/`)) {
        files[ids.reduce((name, id, index) => name.split(id).join(`<id${index}>`), relative)] = '';
      } else {
        files[relative] = fs.readFileSync(full, 'utf8');
      }
    }
  };
  walk(root);
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
}
