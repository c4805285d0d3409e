// Killing a local host's script with everything it started. The script runs in a process group of its own, but a hook
// run under coreutils `timeout` (as the rendered script runs every hook) gets another group from it: killing the
// script's group alone would leave the hook running, orphaned. So the tree is read first (`ps`, on Linux and macOS
// alike), then every group in it is killed.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** SIGKILLs the process group led by `leader` and the groups of all its descendants; ones already gone are skipped. */
export async function killProcessTree(leader: number): Promise<void> {
  const groups = new Set([leader, ...(await descendantGroups(leader))]);
  for (const group of groups) killGroup(group);
}

/** The process groups of `root`'s descendants, read before any of them dies (an orphan's parent is no longer `root`). */
async function descendantGroups(root: number): Promise<number[]> {
  let listing: string;
  try {
    ({ stdout: listing } = await run('ps', ['-A', '-o', 'pid=,ppid=,pgid=']));
  } catch {
    // No ps here: the script's own group is all that can be reached.
    return [];
  }
  const children = new Map<number, { pid: number; pgid: number }[]>();
  for (const line of listing.split('\n')) {
    const [pid, ppid, pgid] = line.trim().split(/\s+/).map(Number);
    if (!Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isInteger(pgid)) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), { pid, pgid }]);
  }
  const groups: number[] = [];
  const pending = [root];
  for (let parent = pending.pop(); parent !== undefined; parent = pending.pop()) {
    for (const child of children.get(parent) ?? []) {
      groups.push(child.pgid);
      pending.push(child.pid);
    }
  }
  return groups;
}

function killGroup(pgid: number): void {
  // Never this process's own group, nor init's: a `ps` row misread must not take the runtime down.
  if (pgid <= 1 || pgid === process.pid) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
