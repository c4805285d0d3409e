// The deployment-group lock: one item (pk DG#<groupId>, sk LOCK) changed only by single-item conditional writes,
// so it behaves the same on DynamoDB, DynamoDB Local and dynalite (no transactions).
import { ConflictError, DeploymentGroupBusyError } from '../core/errors';
import type { GroupLock } from '../ports';
import { conditionally, type StoredItem } from './dynamodb-errors';
import { fromItem, groupLockItem, groupLockKey } from './dynamodb-items';
import type { Table } from './dynamodb-table';

/**
 * A failed acquire names the holder. When the backend does not return it with the failure (dynalite) we read it;
 * if the lock was freed in between, the acquire is simply tried again, a bounded number of times.
 */
const ACQUIRE_ATTEMPTS = 3;

// Lock timeline (one item per deployment group):
//
//   (no item) ──acquire(A)──▶ held by A ──release(A)──▶ (no item) ──acquire(B)──▶ held by B …
//                  │  acquire(A) again    → allowed, and the lock stays as it is (its executionArn with it)
//                  │  acquire(B)          → ConditionalCheckFailed → DeploymentGroupBusyError(holder A)
//                  │  release(B)          → ConditionalCheckFailed → ignored, A keeps the lock
//                  │  setExecution(A,arn) → held by A, owned by execution arn
//                  └─ transfer(A→R)       → held by R (a rollback), never free in between
//
// Taking a lock the deployment already holds never writes: a late call that takes it again (a queue start racing the
// one that launched the deployment) must not erase the executionArn the launch recorded, or lock recovery would judge
// the running deployment by its acquiredAt alone and, after the start grace, finish it on its behalf.
const ACQUIRE_CONDITION = 'attribute_not_exists(pk)';

export async function acquireGroupLock(table: Table, lock: GroupLock, deploymentGroupName: string): Promise<void> {
  for (let attempt = 1; attempt <= ACQUIRE_ATTEMPTS; attempt += 1) {
    const outcome = await conditionally(
      table.put({
        Item: groupLockItem(lock),
        ConditionExpression: ACQUIRE_CONDITION,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    if (outcome.written) return;
    const holder = await lockAfterFailure(table, lock.deploymentGroupId, outcome.current);
    // The holder may be us: taken before (a retried step), or by a concurrent call for the same deployment.
    if (holder?.deploymentId === lock.deploymentId) return;
    if (holder !== undefined) throw new DeploymentGroupBusyError(deploymentGroupName, holder.deploymentId);
  }
  throw new ConflictError(
    `The lock of deployment group '${deploymentGroupName}' kept changing hands; ${ACQUIRE_ATTEMPTS} attempts failed`,
  );
}

export async function transferGroupLock(
  table: Table,
  deploymentGroupId: string,
  fromDeploymentId: string,
  toDeploymentId: string,
): Promise<void> {
  // acquiredAt and executionArn stay: the execution that transfers stays responsible for the lock until the
  // rollback's execution records itself with setGroupLockExecution.
  const outcome = await conditionally(
    table.update({
      Key: { ...groupLockKey(deploymentGroupId) },
      UpdateExpression: 'SET deploymentId = :to',
      ConditionExpression: 'deploymentId = :from',
      ExpressionAttributeValues: { ':from': fromDeploymentId, ':to': toDeploymentId },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  );
  if (!outcome.written) {
    const current = await lockAfterFailure(table, deploymentGroupId, outcome.current);
    // A retried transfer whose first attempt landed finds the lock already with the rollback: nothing to do.
    if (current?.deploymentId === toDeploymentId) return;
    const holder = describeHolder(current);
    throw new ConflictError(
      `Cannot hand the lock of deployment group '${deploymentGroupId}' ` +
        `from '${fromDeploymentId}' to '${toDeploymentId}': ${holder}`,
    );
  }
}

/**
 * Frees the lock only for its holder. A failed condition is not an error: release runs in cleanup paths that
 * Step Functions and Lambda may repeat, and after a transfer (or a recovery that freed a dead owner's lock) the
 * old deployment must not free a lock that another deployment now holds. Either way there is nothing of ours
 * to free. With `onlyIfExecution` (an ARN, or null for "no execution recorded") the lock is freed only if it
 * still names that execution: lock recovery checked that execution was dead, and a lock that moved on to a new
 * execution in the meantime is alive. Returns whether the lock was freed.
 */
export async function releaseGroupLock(
  table: Table,
  deploymentGroupId: string,
  deploymentId: string,
  onlyIfExecution?: string | null,
): Promise<boolean> {
  const execution =
    onlyIfExecution === undefined ? '' : onlyIfExecution === null ? ' AND attribute_not_exists(executionArn)' : ' AND executionArn = :arn';
  const outcome = await conditionally(
    table.delete({
      Key: { ...groupLockKey(deploymentGroupId) },
      ConditionExpression: `deploymentId = :id${execution}`,
      ExpressionAttributeValues: { ':id': deploymentId, ...(typeof onlyIfExecution === 'string' ? { ':arn': onlyIfExecution } : {}) },
    }),
  );
  return outcome.written;
}

export async function getGroupLock(table: Table, deploymentGroupId: string): Promise<GroupLock | undefined> {
  return fromItem<GroupLock>(await table.get(groupLockKey(deploymentGroupId)));
}

export async function setGroupLockExecution(
  table: Table,
  deploymentGroupId: string,
  deploymentId: string,
  executionArn: string,
): Promise<void> {
  const outcome = await conditionally(
    table.update({
      Key: { ...groupLockKey(deploymentGroupId) },
      UpdateExpression: 'SET executionArn = :arn',
      ConditionExpression: 'deploymentId = :id',
      ExpressionAttributeValues: { ':id': deploymentId, ':arn': executionArn },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  );
  if (!outcome.written) {
    const holder = describeHolder(await lockAfterFailure(table, deploymentGroupId, outcome.current));
    throw new ConflictError(
      `Cannot record execution for deployment '${deploymentId}' ` +
        `on the lock of deployment group '${deploymentGroupId}': ${holder}`,
    );
  }
}

function describeHolder(lock: GroupLock | undefined): string {
  return lock === undefined ? 'the lock is free' : `deployment '${lock.deploymentId}' holds it`;
}

/** The lock that failed a condition: from the error when the backend returned it (ALL_OLD), else read now. */
async function lockAfterFailure(
  table: Table,
  deploymentGroupId: string,
  returned: StoredItem | undefined,
): Promise<GroupLock | undefined> {
  return fromItem<GroupLock>(await table.failedItem(groupLockKey(deploymentGroupId), returned));
}
