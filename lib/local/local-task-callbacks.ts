// Step Functions' task tokens, in-process. A token resolves once; later callbacks for it are ignored, as AWS
// answers TaskTimedOut for a closed task and Cutover treats that as already done.
import type { TaskCallbacks } from '../../functions/ports';

interface Pending {
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

export class LocalTaskCallbacks implements TaskCallbacks {
  private readonly pending = new Map<string, Pending>();
  private counter = 0;

  /** A fresh token and the promise its callback settles; `timeoutMs` fails it with States.Timeout like TimeoutSeconds. */
  public open(timeoutMs: number): { token: string; result: Promise<unknown> } {
    this.counter += 1;
    const token = `local-task-token-${process.pid}-${this.counter}`;
    const result = new Promise<unknown>((resolve, reject) => {
      const entry: Pending = { resolve, reject };
      entry.timer = setTimeout(() => this.settle(token, undefined, namedError('States.Timeout', `Task timed out after ${timeoutMs} ms`)), timeoutMs);
      this.pending.set(token, entry);
    });
    return { token, result };
  }

  public async succeed(taskToken: string, output: unknown): Promise<void> {
    this.settle(taskToken, output);
  }

  public async fail(taskToken: string, error: string, cause: string): Promise<void> {
    this.settle(taskToken, undefined, namedError(error, cause));
  }

  private settle(token: string, output: unknown, error?: Error): void {
    const entry = this.pending.get(token);
    if (!entry) return;
    this.pending.delete(token);
    clearTimeout(entry.timer);
    if (error) entry.reject(error);
    else entry.resolve(output);
  }
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}
