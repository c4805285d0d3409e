// The DynamoDB Store's deployment targets and batches against real table semantics, on dynalite and DynamoDB
// Local (see dynamodb-store-backends.ts): ordering, single-write event results, and counted host reports.
import type { DynamoDbStore } from '../../functions/aws/dynamodb-store';
import { ConflictError, NotFoundError } from '../../functions/core/errors';
import type { TargetEventResult } from '../../functions/ports';
import { describeStoreOnBackends } from './dynamodb-store-backends';
import * as fixture from './dynamodb-store-fixtures';

describeStoreOnBackends('DynamoDbStore targets and batches', (subject) => {
  let store: DynamoDbStore;
  beforeEach(() => {
    store = subject.store;
  });

  describe('targets', () => {
    it('returns targets in the order they were put, across BatchWrite chunks', async () => {
      const ids = Array.from({ length: 60 }, (_, i) => `host-${String((i * 37) % 60).padStart(2, '0')}`);
      const targets = ids.map((id) => fixture.target('d-1', id));
      await store.putTargets(targets);
      await expect(store.getTargets('d-1')).resolves.toEqual(targets);
      await expect(store.getTarget('d-1', ids[5])).resolves.toEqual(targets[5]);
      await expect(store.getTarget('d-1', 'missing')).resolves.toBeUndefined();
      await expect(store.getTargets('d-none')).resolves.toEqual([]);
    });

    it('overwrites whole targets keeping their order; a new one goes last', async () => {
      const targets = ['c', 'a', 'b'].map((id) => fixture.target('d-1', id));
      await store.putTargets(targets);
      const [c, a] = targets;
      const movedA = { ...fixture.targetInEvent('d-1', 'a', 0), lastUpdatedAt: '2026-11-26T08:02:00.000Z' };
      const movedC = { ...c, status: 'Skipped' as const };
      await store.updateTargets([movedA, movedC, fixture.target('d-1', '0-new')]);
      const stored = await store.getTargets('d-1');
      expect(stored.map((t) => t.targetId)).toEqual(['c', 'a', 'b', '0-new']);
      expect(stored[0]).toEqual(movedC);
      expect(stored[1]).toEqual(movedA);
      expect(a.status).toBe('Pending'); // the caller's objects are not modified
      await store.updateTargets([]);
    });

    it('records an event result once; a duplicate or late report writes nothing', async () => {
      await store.putTargets([fixture.targetInEvent('d-1', 'web-1', 2)]);
      const result: TargetEventResult = {
        deploymentId: 'd-1',
        targetId: 'web-1',
        eventIndex: 2,
        event: { lifecycleEventName: 'BeforeInstall', status: 'Succeeded', startTime: 't1', endTime: 't2' },
        skipRemaining: false,
        at: '2026-11-26T08:03:00.000Z',
      };
      await expect(store.recordTargetEvent(result)).resolves.toBe(true);
      await expect(store.recordTargetEvent(result)).resolves.toBe(false);
      await expect(store.recordTargetEvent({ ...result, eventIndex: 3 })).resolves.toBe(false);
      await expect(store.recordTargetEvent({ ...result, eventIndex: 40 })).resolves.toBe(false);
      await expect(store.recordTargetEvent({ ...result, targetId: 'missing' })).resolves.toBe(false);
      const unknownTarget = { ...result, targetId: 'missing', skipRemaining: true };
      await expect(store.recordTargetEvent(unknownTarget)).resolves.toBe(false);
      const stored = await store.getTarget('d-1', 'web-1');
      expect(stored?.lifecycleEvents[2]).toEqual(result.event);
      expect(stored?.lifecycleEvents[3]?.status).toBe('Pending');
      expect(stored).toMatchObject({ status: 'InProgress', lastUpdatedAt: result.at });
    });

    it('marks the remaining events Skipped and sets the target status in the same write', async () => {
      await store.putTargets([fixture.targetInEvent('d-1', 'web-1', 4)]);
      const failed = { lifecycleEventName: 'AfterInstall' as const, status: 'Failed' as const, endTime: 't3' };
      const written = await store.recordTargetEvent({
        deploymentId: 'd-1',
        targetId: 'web-1',
        eventIndex: 4,
        event: failed,
        targetStatus: 'Failed',
        skipRemaining: true,
        at: '2026-11-26T08:04:00.000Z',
      });
      expect(written).toBe(true);
      const stored = await store.getTarget('d-1', 'web-1');
      expect(stored?.status).toBe('Failed');
      expect(stored?.lifecycleEvents.map((event) => event.status)).toEqual([
        'Succeeded',
        'Succeeded',
        'Succeeded',
        'Succeeded',
        'Failed',
        'Skipped',
        'Skipped',
      ]);
      expect(stored?.lifecycleEvents[4]).toEqual(failed);
    });

    it('accepts exactly one of two concurrent identical reports', async () => {
      await store.putTargets([fixture.targetInEvent('d-1', 'web-1', 0)]);
      const result: TargetEventResult = {
        deploymentId: 'd-1',
        targetId: 'web-1',
        eventIndex: 0,
        event: { lifecycleEventName: 'ApplicationStop', status: 'Succeeded' },
        skipRemaining: false,
        at: '2026-11-26T08:03:00.000Z',
      };
      for (let round = 0; round < 5; round += 1) {
        await store.updateTargets([fixture.targetInEvent('d-1', 'web-1', 0)]);
        const outcomes = await Promise.all([store.recordTargetEvent(result), store.recordTargetEvent(result)]);
        expect(outcomes.filter(Boolean)).toHaveLength(1);
      }
    });
  });

  describe('batches', () => {
    it('stores a batch under a zero-padded sort key and reads it back', async () => {
      const batch = fixture.batch('d-1', { batchNumber: 7, taskToken: 'token-1', dispatched: true });
      await store.putBatch(batch);
      await expect(store.getBatch('d-1', 7)).resolves.toEqual(batch);
      expect(await subject.rawItem('DEP#d-1', 'BATCH#000007')).toBeDefined();
      await expect(store.getBatch('d-1', 8)).resolves.toBeUndefined();
    });

    it('keeps the reporters as a string set, not a count; putting the batch again empties it', async () => {
      await store.putBatch(fixture.batch('d-1', { reported: 5 }));
      await expect(store.getBatch('d-1', 1)).resolves.toMatchObject({ reported: 0 });
      await store.countBatchReport('d-1', 1, 0, 'web-1');
      await store.countBatchReport('d-1', 1, 0, 'web-2');
      const counted = await subject.rawItem('DEP#d-1', 'BATCH#000001');
      expect(counted?.reportedTargets).toEqual(new Set(['web-1', 'web-2'])); // a Set only comes from an SS
      expect(counted).not.toHaveProperty('reported');
      await store.putBatch(fixture.batch('d-1', { eventIndex: 1 }));
      await expect(store.getBatch('d-1', 1)).resolves.toEqual(fixture.batch('d-1', { eventIndex: 1 }));
      expect(await subject.rawItem('DEP#d-1', 'BATCH#000001')).not.toHaveProperty('reportedTargets');
    });

    it('begins an event only while the batch is before it or has sent nothing; of two racing attempts one wins', async () => {
      await store.putBatch(fixture.batch('d-1', { eventIndex: 0, expected: 0 }));
      const atZero = fixture.batch('d-1', { eventIndex: 0, expected: 2, taskToken: 'first' });
      await expect(store.beginBatchEvent(atZero)).resolves.toBe(true);
      await expect(store.beginBatchEvent({ ...atZero, taskToken: 'second' })).resolves.toBe(false);
      await expect(store.getBatch('d-1', 1)).resolves.toMatchObject({ eventIndex: 0, taskToken: 'first' });

      const next = fixture.batch('d-1', { eventIndex: 3, expected: 2, taskToken: 'n' });
      const outcomes = await Promise.all([store.beginBatchEvent(next), store.beginBatchEvent({ ...next, taskToken: 'm' })]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      await expect(store.beginBatchEvent(fixture.batch('d-1', { eventIndex: 2, expected: 2 }))).resolves.toBe(false);
      await expect(store.beginBatchEvent(fixture.batch('d-2', { eventIndex: 0, expected: 1 }))).resolves.toBe(true);
    });

    it('keeps the hosts sent the current event as a set, emptied when the batch moves to another event', async () => {
      await store.putBatch(fixture.batch('d-1', { eventIndex: 2, expected: 3 }));
      await store.markBatchSent('d-1', 1, 2, ['web-2', 'web-1']);
      await expect(store.markBatchSent('d-1', 1, 2, ['web-1', 'web-3'])).resolves.toMatchObject({ sentTargetIds: ['web-1', 'web-2', 'web-3'] });
      await expect(store.markBatchSent('d-1', 1, 2, [])).resolves.toMatchObject({ sentTargetIds: ['web-1', 'web-2', 'web-3'] });
      await expect(store.markBatchSent('d-1', 1, 1, ['web-4'])).rejects.toThrow(ConflictError);
      await expect(store.beginBatchEvent(fixture.batch('d-1', { eventIndex: 3, expected: 3 }))).resolves.toBe(true);
      const moved = await store.getBatch('d-1', 1);
      expect(moved?.sentTargetIds).toBeUndefined();
    });

    it('counts each target once, for the current event only', async () => {
      await store.putBatch(fixture.batch('d-1', { eventIndex: 3 }));
      await expect(store.countBatchReport('d-1', 1, 3, 'web-1')).resolves.toMatchObject({ reported: 1, expected: 2 });
      await expect(store.countBatchReport('d-1', 1, 3, 'web-1')).resolves.toMatchObject({ reported: 1 });
      const stale = store.countBatchReport('d-1', 1, 2, 'web-2');
      await expect(stale).rejects.toThrow(ConflictError);
      await expect(stale).rejects.toThrow(/is at event 3, not 2/);
      await expect(store.countBatchReport('d-1', 9, 3, 'web-1')).rejects.toThrow(NotFoundError);
      await expect(store.getBatch('d-1', 9)).resolves.toBeUndefined(); // a stray report creates no batch
      await expect(store.getBatch('d-1', 1)).resolves.toMatchObject({ reported: 1 });
      await expect(store.countBatchReport('d-1', 1, 3, 'web-2')).resolves.toMatchObject({ reported: 2, expected: 2 });
    });

    it('counts the same target reported five times concurrently once', async () => {
      await store.putBatch(fixture.batch('d-1'));
      const batches = await Promise.all(Array.from({ length: 5 }, () => store.countBatchReport('d-1', 1, 0, 'web-1')));
      expect(batches.map((b) => b.reported)).toEqual([1, 1, 1, 1, 1]);
      await expect(store.getBatch('d-1', 1)).resolves.toMatchObject({ reported: 1 });
    });

    it('hands out each count once to fifty concurrent reports from different targets', async () => {
      const targetIds = Array.from({ length: 50 }, (_, i) => `host-${i}`);
      await store.putBatch(fixture.batch('d-1', { expected: 50, targetIds }));
      const batches = await Promise.all(targetIds.map((id) => store.countBatchReport('d-1', 1, 0, id)));
      const counts = batches.map((b) => b.reported).sort((x, y) => x - y);
      expect(counts).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(batches.filter((b) => b.reported === b.expected)).toHaveLength(1);
      await expect(store.getBatch('d-1', 1)).resolves.toMatchObject({ reported: 50 });
    });

    it('records the waiting task token and the dispatch for the current event, keeping the reports', async () => {
      await store.putBatch(fixture.batch('d-1', { eventIndex: 2, taskToken: 'token-old' }));
      // A fast host can report before the step that waits for it has recorded its token.
      await store.countBatchReport('d-1', 1, 2, 'web-1');
      const waiting = fixture.batch('d-1', { eventIndex: 2, taskToken: 'token-2', dispatched: true, reported: 1 });
      await expect(store.updateBatchWait('d-1', 1, 2, { taskToken: 'token-2', dispatched: true })).resolves.toEqual(
        waiting,
      );
      // Without `dispatched` only the token changes.
      const retried = { ...waiting, taskToken: 'token-3' };
      await expect(store.updateBatchWait('d-1', 1, 2, { taskToken: 'token-3' })).resolves.toEqual(retried);
      const stale = store.updateBatchWait('d-1', 1, 1, { taskToken: 'token-late' });
      await expect(stale).rejects.toThrow(ConflictError);
      await expect(stale).rejects.toThrow(/is at event 2, not 1/);
      await expect(store.updateBatchWait('d-1', 9, 2, { taskToken: 'token-9' })).rejects.toThrow(NotFoundError);
      await expect(store.getBatch('d-1', 9)).resolves.toBeUndefined();
      await expect(store.getBatch('d-1', 1)).resolves.toEqual(retried);
    });

    it('loses no report that lands while the wait is recorded', async () => {
      const targetIds = Array.from({ length: 10 }, (_, i) => `host-${i}`);
      await store.putBatch(fixture.batch('d-1', { expected: 10, targetIds }));
      await Promise.all([
        ...targetIds.map((id) => store.countBatchReport('d-1', 1, 0, id)),
        store.updateBatchWait('d-1', 1, 0, { taskToken: 'token-1', dispatched: true }),
      ]);
      await expect(store.getBatch('d-1', 1)).resolves.toMatchObject({ reported: 10, taskToken: 'token-1' });
    });
  });
});
