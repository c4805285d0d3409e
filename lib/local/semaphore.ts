// Bounds how many local scripts run at once, so a 1,000-host batch does not fork 1,000 shells together.
export class Semaphore {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  public constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a whole number >= 1 (got ${limit})`);
  }

  public async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active += 1;
    try {
      return await work();
    } finally {
      this.active -= 1;
      this.queue.shift()?.();
    }
  }
}
