// PutLifecycleEventHookExecutionStatus: how Lambda and ECS validation hooks report back. Server deployments run their
// hooks as scripts on the hosts, which report through the host callback, so CodeDeploy refuses this for them.
import { z } from 'zod';
import { expected, shown } from '../../core/input-messages';
import { ApiError } from '../api-errors';
import { deploymentId } from '../api-schemas';
import { requireDeployment } from '../deployment-lookup';
import { route } from '../route';

export const hookRoutes = [
  route({
    method: 'POST',
    path: '/deployments/{deploymentId}/lifecycle-hook-executions/{lifecycleEventHookExecutionId}',
    operationId: 'PutLifecycleEventHookExecutionStatus',
    summary: 'Reports the result of a Lambda or ECS lifecycle hook (not used by Server deployments)',
    tag: 'Lifecycle hooks',
    params: z
      .object({
        deploymentId,
        lifecycleEventHookExecutionId: z
          .string({ error: expected('the hook execution id CodeDeploy passed to the hook') })
          .min(1)
          .max(1024, { error: (issue) => `must be at most 1024 characters (got ${String(issue.input).length})` }),
      })
      .strict(),
    body: z
      .object(
        { status: z.enum(['Succeeded', 'Failed'], { error: (issue) => `must be Succeeded or Failed (got ${shown(issue.input)})` }) },
        { error: expected('a JSON object {status}') },
      )
      .strict(),
    response: z.object({ lifecycleEventHookExecutionId: z.string() }),
    successStatus: 200,
    handle: async ({ deps }, { params }) => {
      const deployment = await requireDeployment(deps.store, params.deploymentId);
      throw new ApiError(
        400,
        'UnsupportedActionForDeploymentType',
        `Deployment ${deployment.deploymentId} is a Server deployment: its hooks are scripts on the hosts, which report by themselves; lifecycle hook executions belong to Lambda and ECS deployments`,
        'deploymentId',
      );
    },
  }),
];
