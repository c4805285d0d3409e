// One EventSink for the steps, several consumers behind it: the embedded runtime feeds the CLI's live progress and
// events.jsonl from the same changes.
import type { EventSink, StateChange } from '../../functions/ports';

export class FanoutEventSink implements EventSink {
  private readonly sinks: readonly EventSink[];

  public constructor(...sinks: EventSink[]) {
    this.sinks = sinks;
  }

  /**
   * Hands the change to every sink in order, each after the one before has taken it. A sink that throws does not
   * keep the change from the others; its error is thrown once all have had it, as a lone sink's would be.
   */
  public async publish(change: StateChange): Promise<void> {
    const errors: unknown[] = [];
    for (const sink of this.sinks) {
      try {
        await sink.publish(change);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} event sinks failed`);
  }
}
