// `cutover local serve` as a child process, for tests that need the real command: another process writing the state
// folder, a kill, signals.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { CLI } from '../cli/run-cli';

export interface ServeProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exit: Promise<number | null>;
  /** http://127.0.0.1:<port>, from the first line the server prints. */
  readonly endpoint: string;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
}

/** Starts serve on a free port in `cwd` and resolves once its first line says where it listens. */
export async function startServe(cwd: string, args: readonly string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, 'local', 'serve', '--port', '0', ...args], { cwd });
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const ready = /^Cutover API on (\S+) /.exec(stdout);
      if (ready) resolve(ready[1]);
    });
    void exit.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  return { child, exit, endpoint, stderr: () => stderr };
}
