// The bus stand-in: PutEvents over the wire, rules, and the delivery guarantees the end-to-end run leans on.
import { type BusEvent, EventBridgeStandIn } from '../support/standins/eventbridge-standin';

const PATTERN = { source: ['cutover.test'], detail: { kind: ['wanted'] } };

async function putEvents(endpoint: string, entries: Record<string, unknown>[]): Promise<{ FailedEntryCount: number; Entries: Record<string, string>[] }> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
    body: JSON.stringify({ Entries: entries }),
  });
  return (await response.json()) as { FailedEntryCount: number; Entries: Record<string, string>[] };
}

function entry(kind: string, source = 'cutover.test'): Record<string, unknown> {
  return { Source: source, DetailType: 'Test', Detail: JSON.stringify({ kind }) };
}

describe('EventBridge stand-in', () => {
  let bus: EventBridgeStandIn;
  const received: BusEvent[] = [];

  beforeAll(async () => {
    bus = await EventBridgeStandIn.start({ account: '123456789012', region: 'us-east-1', retryDelayMs: 1 });
    bus.addRule({ name: 'Wanted', pattern: PATTERN, target: async (event) => void received.push(event) });
  });

  afterEach(() => {
    bus.copies = () => 1;
    received.length = 0;
  });

  afterAll(async () => {
    await bus?.close();
  });

  it('delivers the events that match a rule, as EventBridge shapes them, and refuses aws.* sources from PutEvents', async () => {
    const answer = await putEvents(bus.endpoint, [entry('wanted'), entry('other'), entry('wanted', 'aws.ssm')]);
    await bus.idle();

    expect(answer.FailedEntryCount).toBe(1);
    expect(answer.Entries[2]).toMatchObject({ ErrorCode: 'NotAuthorizedForSourceException' });
    expect(received).toEqual([
      expect.objectContaining({
        version: '0',
        id: answer.Entries[0].EventId,
        source: 'cutover.test',
        'detail-type': 'Test',
        account: '123456789012',
        region: 'us-east-1',
        detail: { kind: 'wanted' },
      }),
    ]);
  });

  it('delivers an event as many times as the plan says: lost, or duplicated', async () => {
    bus.copies = (event) => (event.detail.copy === 'lose' ? 0 : 2);
    bus.publish({ source: 'cutover.test', 'detail-type': 'Test', time: '2026-01-01T00:00:00Z', resources: [], detail: { kind: 'wanted', copy: 'lose' } });
    bus.publish({ source: 'cutover.test', 'detail-type': 'Test', time: '2026-01-01T00:00:00Z', resources: [], detail: { kind: 'wanted', copy: 'twice' } });
    await bus.idle();

    expect(received.map((event) => event.detail.copy)).toEqual(['twice', 'twice']);
  });

  it('retries a failing target like Lambda retries an asynchronous invocation, then records the failure', async () => {
    let attempts = 0;
    bus.addRule({
      name: 'Failing',
      pattern: { source: ['cutover.failing'] },
      target: async () => {
        attempts += 1;
        throw new Error('handler failed');
      },
    });
    bus.publish({ source: 'cutover.failing', 'detail-type': 'Test', time: '2026-01-01T00:00:00Z', resources: [], detail: {} });
    await bus.idle();

    expect(attempts).toBe(3);
    expect(bus.failedDeliveries.map((failure) => [failure.rule, failure.error.message])).toEqual([['Failing', 'handler failed']]);
  });
});
