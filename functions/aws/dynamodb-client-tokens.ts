// Client tokens (pk APP#<app>, sk TOKEN#<token hash>): each binds a caller's token to the deployment it created,
// with one conditional put, so two requests carrying the same token create one deployment between them.
import { ConflictError, ValidationError } from '../core/errors';
import { conditionally } from './dynamodb-errors';
import { clientTokenItem, clientTokenKey } from './dynamodb-items';
import type { Table } from './dynamodb-table';

/**
 * A failed claim names the owner. When the backend does not return it with the failure (dynalite) it is read; if
 * the token was released in between, the claim is simply tried again, a bounded number of times.
 */
const CLAIM_ATTEMPTS = 3;

/** Returns the deployment the token is bound to: `deploymentId` if this call (or an earlier one for it) bound it. */
export async function claimClientToken(
  table: Table,
  applicationName: string,
  clientToken: string,
  deploymentId: string,
): Promise<string> {
  requireToken(clientToken);
  for (let attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt += 1) {
    const outcome = await conditionally(
      table.put({
        Item: clientTokenItem(applicationName, clientToken, deploymentId),
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    if (outcome.written) return deploymentId;
    const owner = outcome.current ?? (await table.get(clientTokenKey(applicationName, clientToken)));
    if (typeof owner?.deploymentId === 'string') return owner.deploymentId;
  }
  throw new ConflictError(
    `The client token of application '${applicationName}' kept changing hands; ${CLAIM_ATTEMPTS} attempts failed`,
  );
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

/** An empty token would make every request without one the same request. */
function requireToken(clientToken: string): void {
  if (typeof clientToken !== 'string' || clientToken === '') {
    throw new ValidationError([{ field: 'clientToken', message: 'must be a non-empty string' }]);
  }
}
