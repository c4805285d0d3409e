// What every command gets: its arguments and where to write. Tests pass their own streams and working folder.
export interface CliContext {
  readonly cwd: string;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export function processContext(): CliContext {
  return { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr };
}
