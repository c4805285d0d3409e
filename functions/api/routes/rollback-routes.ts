// A manual rollback (steps/manual-rollback.ts): a new deployment of the revision an earlier successful deployment of
// the group deployed, linked to the deployment it rolls back by rollbackInfo on both.
import { z } from 'zod';
import { expected } from '../../core/input-messages';
import { createManualRollback, RollbackRefusedError, RollbackTargetMissingError } from '../../steps/manual-rollback';
import { ApiError } from '../api-errors';
import { deploymentId } from '../api-schemas';
import { route } from '../route';

const rollbackBody = z
  .object(
    {
      targetDeploymentId: deploymentId
        .optional()
        .describe("A Succeeded deployment of the same group, created before the one rolled back, whose revision is deployed again; absent: the group's latest such"),
      description: z
        .string({ error: expected('a string of at most 256 characters') })
        .max(256, { error: (issue) => `must be at most 256 characters (got ${String(issue.input).length})` })
        .optional()
        .describe('The new deployment\'s description; absent: "Manual rollback of d-X to the revision of d-Y"'),
    },
    { error: expected('a JSON object {targetDeploymentId?, description?} ({} for the defaults)') },
  )
  .strict();

export const rollbackRoutes = [
  route({
    method: 'POST',
    path: '/deployments/{deploymentId}/rollback',
    operationId: 'RollbackDeployment',
    summary:
      "Rolls a deployment that has ended back to an earlier successful revision of its group: a new deployment (creator user) of that deployment's revision and appspec (Lambda: from the version the alias serves now), admitted by the group's concurrency policy like any; rollbackInfo links the two. A deployment still running is refused: stop it first",
    tag: 'Deployments',
    params: z.object({ deploymentId }).strict(),
    body: rollbackBody,
    response: z.object({ deploymentId: z.string().describe('The rollback deployment') }),
    successStatus: 201,
    handle: async ({ deps }, { params, body }) => {
      try {
        const rollback = await createManualRollback(deps, { deploymentId: params.deploymentId, ...body });
        return { deploymentId: rollback.deploymentId };
      } catch (error) {
        if (error instanceof RollbackRefusedError) throw new ApiError(409, error.code, error.message, error.field);
        if (error instanceof RollbackTargetMissingError) throw new ApiError(404, 'DeploymentDoesNotExist', `Deployment '${error.id}' does not exist`, 'targetDeploymentId');
        throw error;
      }
    },
  }),
];
