import type { EventSink, StateChange } from '../../functions/ports';
import { FanoutEventSink } from '../../lib/local/fanout-event-sink';
import { LocalEventBus } from '../../lib/local/local-event-bus';

const CHANGE: StateChange = { kind: 'batch', deploymentId: 'd-AAAAAAAAA', batchNumber: 1, targetIds: ['web-1'] };

function recorder(log: string[], name: string, error?: Error): EventSink {
  return {
    publish: async (change) => {
      log.push(`${name}:${change.kind}`);
      if (error) throw error;
    },
  };
}

describe('FanoutEventSink', () => {
  it('hands every change to each sink in order, the LocalEventBus included', async () => {
    const log: string[] = [];
    const bus = new LocalEventBus();
    bus.subscribe((change) => log.push(`bus:${change.kind}`));

    await new FanoutEventSink(bus, recorder(log, 'file')).publish(CHANGE);

    expect(log).toEqual(['bus:batch', 'file:batch']);
  });

  it('still hands the change to the sinks after one that throws, then throws its error', async () => {
    const log: string[] = [];
    const broken = new Error('disk full');

    await expect(new FanoutEventSink(recorder(log, 'a', broken), recorder(log, 'b')).publish(CHANGE)).rejects.toBe(broken);

    expect(log).toEqual(['a:batch', 'b:batch']);
  });

  it('throws every error when several sinks fail', async () => {
    const log: string[] = [];
    const first = new Error('one');
    const second = new Error('two');

    const publishing = new FanoutEventSink(recorder(log, 'a', first), recorder(log, 'b', second)).publish(CHANGE);

    await expect(publishing).rejects.toThrow('2 event sinks failed');
    await expect(publishing).rejects.toMatchObject({ errors: [first, second] });
  });
});
