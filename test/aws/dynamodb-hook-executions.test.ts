// The DynamoDB Store's lifecycle hook executions against real table semantics, on dynalite and DynamoDB Local (see
// dynamodb-store-backends.ts): DynamoDB Local returns the item with a failed condition and dynalite does not, so
// both ways of naming the status a second report lost to run here.
import type { DynamoDbStore } from '../../functions/aws/dynamodb-store';
import { ConflictError, NotFoundError } from '../../functions/core/errors';
import type { HookEventName, HookExecution } from '../../functions/ports';
import { describeStoreOnBackends } from './dynamodb-store-backends';

const STARTED = '2026-11-26T08:00:00.000Z';
const ENDED = '2026-11-26T08:05:00.000Z';

function hookExecution(overrides: Partial<HookExecution> = {}): HookExecution {
  return {
    deploymentId: 'd-1',
    lifecycleEventName: 'BeforeAllowTraffic',
    lifecycleEventHookExecutionId: 'hook-d-1-BeforeAllowTraffic',
    hookFunction: 'arn:aws:lambda:us-east-1:111122223333:function:check-before',
    taskToken: 'token-1',
    status: 'Pending',
    invoked: false,
    startTime: STARTED,
    ...overrides,
  };
}

describeStoreOnBackends('DynamoDbStore hook executions', (subject) => {
  let store: DynamoDbStore;
  beforeEach(() => {
    store = subject.store;
  });

  /** Puts a Pending execution and gives it `status`, as a first report would. */
  async function completed(status: 'Succeeded' | 'Failed', message?: string): Promise<HookExecution> {
    await store.putHookExecution(hookExecution());
    return store.completeHookExecution('d-1', 'BeforeAllowTraffic', status, ENDED, message);
  }

  it('creates an execution under its event and reads it back', async () => {
    const execution = hookExecution();
    await expect(store.putHookExecution(execution)).resolves.toBe(true);
    await expect(store.getHookExecution('d-1', 'BeforeAllowTraffic')).resolves.toEqual(execution);
    expect(await subject.rawItem('DEP#d-1', 'HOOK#BeforeAllowTraffic')).toMatchObject({ taskToken: 'token-1' });
  });

  it.each<[string, string, HookEventName]>([
    ['another event', 'd-1', 'AfterAllowTraffic'],
    ['another deployment', 'd-2', 'BeforeAllowTraffic'],
  ])('reads nothing for %s', async (_case, deploymentId, lifecycleEventName) => {
    await store.putHookExecution(hookExecution());
    await expect(store.getHookExecution(deploymentId, lifecycleEventName)).resolves.toBeUndefined();
  });

  it('renews the token and invoked flag of a Pending execution', async () => {
    await store.putHookExecution(hookExecution());
    const renewed = hookExecution({ taskToken: 'token-2', invoked: true });
    await expect(store.putHookExecution(renewed)).resolves.toBe(true);
    await expect(store.getHookExecution('d-1', 'BeforeAllowTraffic')).resolves.toEqual(renewed);
  });

  it.each(['Succeeded', 'Failed'] as const)('refuses to put over an execution that %s', async (status) => {
    const stored = await completed(status);
    const retried = hookExecution({ taskToken: 'token-2', invoked: true });
    await expect(store.putHookExecution(retried)).resolves.toBe(false);
    await expect(store.getHookExecution('d-1', 'BeforeAllowTraffic')).resolves.toEqual(stored);
  });

  it.each<['Succeeded' | 'Failed', string | undefined]>([
    ['Succeeded', undefined],
    ['Succeeded', 'all checks passed'],
    ['Failed', 'smoke test returned 500'],
  ])('completes a Pending execution as %s with message %j', async (status, message) => {
    await store.putHookExecution(hookExecution({ invoked: true }));
    const returned = await store.completeHookExecution('d-1', 'BeforeAllowTraffic', status, ENDED, message);
    const expected = { ...hookExecution({ invoked: true }), status, endTime: ENDED, ...(message !== undefined && { message }) };
    expect(returned).toStrictEqual(expected);
    await expect(store.getHookExecution('d-1', 'BeforeAllowTraffic')).resolves.toStrictEqual(expected);
  });

  it.each<['Succeeded' | 'Failed', 'Succeeded' | 'Failed']>([
    ['Succeeded', 'Succeeded'],
    ['Succeeded', 'Failed'],
    ['Failed', 'Succeeded'],
    ['Failed', 'Failed'],
  ])('refuses a second report after %s (second: %s), naming the status', async (first, second) => {
    const stored = await completed(first, 'first report');
    const again = store.completeHookExecution('d-1', 'BeforeAllowTraffic', second, '2026-11-26T08:09:00.000Z', 'late');
    await expect(again).rejects.toThrow(ConflictError);
    await expect(again).rejects.toThrow(
      `Lifecycle hook execution 'hook-d-1-BeforeAllowTraffic' of deployment 'd-1' already reported ${first}`,
    );
    await expect(store.getHookExecution('d-1', 'BeforeAllowTraffic')).resolves.toEqual(stored);
  });

  it('refuses to complete an execution that was never put, creating nothing', async () => {
    await store.putHookExecution(hookExecution());
    const missing = store.completeHookExecution('d-1', 'AfterAllowTraffic', 'Succeeded', ENDED);
    await expect(missing).rejects.toThrow(NotFoundError);
    await expect(missing).rejects.toMatchObject({
      resource: 'Lifecycle hook execution',
      id: 'd-1/AfterAllowTraffic',
    });
    expect(await subject.rawItem('DEP#d-1', 'HOOK#AfterAllowTraffic')).toBeUndefined();
  });

  it('accepts exactly one of two concurrent reports; the other learns which status won', async () => {
    // A deployment per round: a completed execution is never Pending again.
    for (const deploymentId of ['d-race-1', 'd-race-2', 'd-race-3', 'd-race-4', 'd-race-5']) {
      await store.putHookExecution(hookExecution({ deploymentId }));
      const outcomes = await Promise.allSettled([
        store.completeHookExecution(deploymentId, 'BeforeAllowTraffic', 'Succeeded', ENDED),
        store.completeHookExecution(deploymentId, 'BeforeAllowTraffic', 'Failed', ENDED, 'timed out'),
      ]);
      const won = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
      const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]).toBeInstanceOf(ConflictError);
      expect((lost[0] as Error).message).toContain(`already reported ${String(won[0]?.status)}`);
      await expect(store.getHookExecution(deploymentId, 'BeforeAllowTraffic')).resolves.toEqual(won[0]);
    }
  });
});
