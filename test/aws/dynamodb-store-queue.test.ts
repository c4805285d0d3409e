// A deployment group's queue against real table semantics, on dynalite and DynamoDB Local (see
// dynamodb-store-backends.ts): places handed out once each under concurrency, the supersession mark written with
// its place, and entries kept in arrival order next to the group's lock and host records.
import type { DynamoDbStore } from '../../functions/aws/dynamodb-store';
import type { QueueEntry, QueueTicket } from '../../functions/ports';
import { describeStoreOnBackends } from './dynamodb-store-backends';
import * as fixture from './dynamodb-store-fixtures';

const entry = (deploymentGroupId: string, queuePosition: number): QueueEntry => ({
  deploymentGroupId,
  deploymentId: `d-${queuePosition}`,
  queuePosition,
  queuedAt: '2026-11-26T08:00:00.000Z',
});

describeStoreOnBackends('DynamoDbStore queue', (subject) => {
  let store: DynamoDbStore;
  beforeEach(() => {
    store = subject.store;
  });

  describe('arrival counter', () => {
    it('hands 1 to n to n concurrent arrivals, each place once, and counts each group on its own', async () => {
      const tickets = await Promise.all(Array.from({ length: 30 }, () => store.nextQueuePosition('dg-1')));
      expect(tickets.map((t) => t.queuePosition).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      await expect(store.nextQueuePosition('dg-2')).resolves.toEqual({ queuePosition: 1 });
      await expect(store.getSupersession('dg-1')).resolves.toBeUndefined();
    });

    it('marks a superseding arrival with the place it took, and hands the mark before it to the next one', async () => {
      await expect(store.nextQueuePosition('dg-1')).resolves.toEqual({ queuePosition: 1 });
      await expect(store.nextQueuePosition('dg-1', 'd-2')).resolves.toEqual({ queuePosition: 2 });
      await expect(store.getSupersession('dg-1')).resolves.toEqual({ deploymentId: 'd-2', queuePosition: 2 });
      await expect(store.nextQueuePosition('dg-1')).resolves.toEqual({ queuePosition: 3, previousSupersedingPosition: 2 });
      await expect(store.getSupersession('dg-1')).resolves.toEqual({ deploymentId: 'd-2', queuePosition: 2 });
      await expect(store.nextQueuePosition('dg-1', 'd-4')).resolves.toEqual({ queuePosition: 4, previousSupersedingPosition: 2 });
      await expect(store.getSupersession('dg-1')).resolves.toEqual({ deploymentId: 'd-4', queuePosition: 4 });
      expect(await subject.rawItem('DG#dg-1', 'QUEUESEQ')).toEqual({
        pk: 'DG#dg-1',
        sk: 'QUEUESEQ',
        lastQueuePosition: 4,
        supersedingPosition: 4,
        supersedingDeploymentId: 'd-4',
      });
    });

    it('keeps the mark on the latest superseding arrival among concurrent mixed arrivals, each knowing the one before it', async () => {
      const arrivals = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? `d-s${i}` : undefined));
      const tickets = await Promise.all(arrivals.map((superseding) => store.nextQueuePosition('dg-1', superseding)));

      const superseding = tickets
        .map((ticket, i): [QueueTicket, string | undefined] => [ticket, arrivals[i]])
        .filter(([, id]) => id !== undefined)
        .sort(([a], [b]) => a.queuePosition - b.queuePosition);
      // Each superseding place was written with its counter value, so they chain: every one names the one before it.
      superseding.forEach(([ticket], i) => {
        const before = superseding[i - 1]?.[0].queuePosition;
        if (before !== undefined) expect(ticket.previousSupersedingPosition).toBe(before);
        else expect(ticket.previousSupersedingPosition).toBeUndefined();
      });
      const [latest, latestId] = superseding[superseding.length - 1];
      await expect(store.getSupersession('dg-1')).resolves.toEqual({ deploymentId: latestId, queuePosition: latest.queuePosition });
    });
  });

  describe('entries', () => {
    it('lists entries in arrival order whatever order they were written in, apart from the group lock and hosts', async () => {
      const positions = [100, 9, 1, 10, 11];
      for (const position of positions) await store.enqueue(entry('dg-1', position));
      await store.enqueue(entry('dg-1', 9)); // a repeated write changes nothing
      await store.enqueue(entry('dg-2', 5));
      await store.acquireGroupLock(fixture.lock('dg-1', 'd-1'), 'prod');
      await store.putHostRecords([fixture.hostRecord('dg-1', 'i-1')]);
      await store.nextQueuePosition('dg-1');

      await expect(store.listQueue('dg-1')).resolves.toEqual([1, 9, 10, 11, 100].map((p) => entry('dg-1', p)));
      await expect(store.listQueue('dg-1', 2)).resolves.toEqual([entry('dg-1', 1), entry('dg-1', 9)]);
      await expect(store.listQueueBetween('dg-1', 9, 11)).resolves.toEqual([9, 10, 11].map((p) => entry('dg-1', p)));
      await expect(store.listQueueBetween('dg-1', 12, 99)).resolves.toEqual([]);
      await expect(store.listQueue('dg-2')).resolves.toEqual([entry('dg-2', 5)]);
      await expect(store.listQueue('dg-3')).resolves.toEqual([]);
    });

    it('dequeues one entry, and takes a second dequeue of it in its stride', async () => {
      await store.enqueue(entry('dg-1', 1));
      await store.enqueue(entry('dg-1', 2));
      await store.dequeue('dg-1', 1);
      await store.dequeue('dg-1', 1);
      await store.dequeue('dg-1', 77);
      await expect(store.listQueue('dg-1')).resolves.toEqual([entry('dg-1', 2)]);
      await expect(subject.rawItem('DG#dg-1', 'QUEUE#000000000001')).resolves.toBeUndefined();
    });
  });
});
