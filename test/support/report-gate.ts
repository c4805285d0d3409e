// Holds host reports while closed, so a test can act while a batch is certainly under way (stop it, start another
// deployment against the busy group), then let the batch finish.
import type { HostReport, HostRunner } from '../../functions/ports';
import { LocalHostRunner } from '../../lib/local/local-host-runner';

export class ReportGate {
  private closed = false;
  private gate: Promise<void> = Promise.resolve();
  private release: () => void = () => undefined;
  private heldWaiters: ((report: HostReport) => void)[] = [];
  public held: HostReport[] = [];

  /** For openHarness({hostRunner}): local hosts whose reports pass through the gate. */
  public readonly hostRunner = (report: (r: HostReport) => Promise<void>, hostsDir: string): HostRunner =>
    new LocalHostRunner({
      hostsDir,
      concurrency: 4,
      report: async (r) => {
        if (this.closed) {
          this.held.push(r);
          for (const waiter of this.heldWaiters.splice(0)) waiter(r);
          await this.gate;
        }
        await report(r);
      },
    });

  public close(): void {
    this.closed = true;
    this.held = [];
    this.gate = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  public open(): void {
    this.closed = false;
    this.release();
  }

  /** Resolves with the first report held since the gate closed. */
  public async firstHeld(): Promise<HostReport> {
    if (this.held.length > 0) return this.held[0];
    return new Promise((resolve) => this.heldWaiters.push(resolve));
  }
}
