// Client tokens (pk APP#<app>, sk TOKEN#<token hash>): each binds a caller's token to the deployment it created,
// with one conditional put, so two requests carrying the same token create one deployment between them. The item
// records when it was claimed, so a claim whose request died before creating anything can be taken over later.
import { ConflictError, ValidationError } from '../core/errors';
import { conditionally, type StoredItem } from './dynamodb-errors';
import { clientTokenItem, clientTokenKey, type KeyedItem } from './dynamodb-items';
import type { Table } from './dynamodb-table';

/**
 * A failed claim names the owner. When the backend does not return it with the failure (dynalite) it is read; if
 * the token was released in between, the claim is simply tried again, a bounded number of times.
 */
const CLAIM_ATTEMPTS = 3;

/** Who holds a token, and since when (absent on claims written before claims recorded their time). */
export interface ClientTokenClaim {
  readonly owner: string;
  readonly claimedAt?: string;
}

/**
 * Returns the claim the token is under: owned by `deploymentId` if this call (or an earlier one for it) bound it,
 * otherwise the earlier owner with the time it claimed the token.
 */
export async function claimClientToken(
  table: Table,
  applicationName: string,
  clientToken: string,
  deploymentId: string,
  now: Date,
): Promise<ClientTokenClaim> {
  requireToken(clientToken);
  const item = claimItem(applicationName, clientToken, deploymentId, now);
  for (let attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt += 1) {
    const outcome = await conditionally(
      table.put({
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    if (outcome.written) return { owner: deploymentId, claimedAt: item.claimedAt };
    const claim = claimOf(await table.failedItem(clientTokenKey(applicationName, clientToken), outcome.current));
    if (claim !== undefined) return claim;
  }
  throw new ConflictError(
    `The client token of application '${applicationName}' kept changing hands; ${CLAIM_ATTEMPTS} attempts failed`,
  );
}

/**
 * Rebinds the token from the claim `from` (as claimClientToken returned it) to `deploymentId`, with one conditional
 * put that holds only while the token still has that owner and claim time. True when the token is now
 * `deploymentId`'s (a retried write that had already landed included); false when the claim changed meanwhile
 * (released, or taken over by another request), and then nothing was written.
 */
export async function takeOverClientToken(
  table: Table,
  applicationName: string,
  clientToken: string,
  from: ClientTokenClaim,
  deploymentId: string,
  now: Date,
): Promise<boolean> {
  requireToken(clientToken);
  const values: Record<string, unknown> = { ':owner': from.owner };
  let condition = 'deploymentId = :owner AND ';
  if (from.claimedAt === undefined) {
    condition += 'attribute_not_exists(claimedAt)';
  } else {
    condition += 'claimedAt = :claimedAt';
    values[':claimedAt'] = from.claimedAt;
  }
  const outcome = await conditionally(
    table.put({
      Item: claimItem(applicationName, clientToken, deploymentId, now),
      ConditionExpression: condition,
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  );
  if (outcome.written) return true;
  // The SDK may have resent a put whose first attempt landed: then the token is already ours.
  return claimOf(await table.failedItem(clientTokenKey(applicationName, clientToken), outcome.current))?.owner === deploymentId;
}

/** Frees the token only while it is bound to `deploymentId`: a token another deployment holds is not ours. */
export async function releaseClientToken(
  table: Table,
  applicationName: string,
  clientToken: string,
  deploymentId: string,
): Promise<void> {
  requireToken(clientToken);
  await conditionally(
    table.delete({
      Key: { ...clientTokenKey(applicationName, clientToken) },
      ConditionExpression: 'deploymentId = :deploymentId',
      ExpressionAttributeValues: { ':deploymentId': deploymentId },
    }),
  );
}

function claimItem(
  applicationName: string,
  clientToken: string,
  deploymentId: string,
  now: Date,
): KeyedItem & { readonly claimedAt: string } {
  return { ...clientTokenItem(applicationName, clientToken, deploymentId), claimedAt: now.toISOString() };
}

function claimOf(item: StoredItem | undefined): ClientTokenClaim | undefined {
  if (typeof item?.deploymentId !== 'string') return undefined;
  return typeof item.claimedAt === 'string'
    ? { owner: item.deploymentId, claimedAt: item.claimedAt }
    : { owner: item.deploymentId };
}

/** An empty token would make every request without one the same request. */
function requireToken(clientToken: string): void {
  if (typeof clientToken !== 'string' || clientToken === '') {
    throw new ValidationError([{ field: 'clientToken', message: 'must be a non-empty string' }]);
  }
}
