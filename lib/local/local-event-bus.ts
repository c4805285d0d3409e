// State changes inside the embedded runtime, for the CLI's live progress (and, later, events.jsonl).
import type { EventSink, StateChange } from '../../functions/ports';

export type StateChangeListener = (change: StateChange) => void;

export class LocalEventBus implements EventSink {
  private readonly listeners = new Set<StateChangeListener>();

  public subscribe(listener: StateChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  public async publish(change: StateChange): Promise<void> {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        // A broken progress printer must never fail a deployment step.
        process.stderr.write(`cutover: event listener failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  }
}
