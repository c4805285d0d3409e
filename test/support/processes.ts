// For tests of scripts the runner kills: whether a process still runs, and waiting for what a script writes.
import * as fs from 'node:fs';

/**
 * Whether the process runs. A killed process whose parent died with it may linger as a zombie until something reaps it
 * (in a container, PID 1 may never): it runs nothing, so it counts as ended.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; the name may hold spaces and parentheses, the state follows the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    // Gone between the two looks, or no /proc here: signal 0 answered, so it ran a moment ago.
    return !fs.existsSync('/proc');
  }
}

/** Resolves with a line a script writes to `file`, once written whole (the test's timeout bounds the wait). */
export async function untilWritten(file: string): Promise<string> {
  for (;;) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (text.endsWith('\n')) return text.trim();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Whether the process has ended, looking again for up to `withinMs`: a SIGKILL is delivered at once, but the kernel
 * may take a moment to finish the process off.
 */
export async function hasEnded(pid: number, withinMs = 5000): Promise<boolean> {
  for (const until = Date.now() + withinMs; Date.now() < until; ) {
    if (!isRunning(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return !isRunning(pid);
}
