// PutLifecycleEventHookExecutionStatus: how Lambda (and ECS) validation hooks report back. The first status of a hook
// execution resumes the deployment waiting on it; a second one is refused. Server deployments run their hooks as
// scripts on the hosts, which report through the host callback, so CodeDeploy refuses this for them.
import { z } from 'zod';
import { ConflictError, NotFoundError, UnsupportedPlatformError } from '../../core/errors';
import { expected, shown } from '../../core/input-messages';
import { reportHookStatus } from '../../steps/traffic/hook-status';
import { ApiError } from '../api-errors';
import { deploymentId } from '../api-schemas';
import { route } from '../route';

const EXECUTION_ID_FIELD = 'lifecycleEventHookExecutionId';

/** The step's errors in CodeDeploy's words; a missing deployment stays DeploymentDoesNotExist (404). */
function hookStatusError(error: unknown, deploymentId: string, executionId: string): unknown {
  if (error instanceof UnsupportedPlatformError) return new ApiError(400, 'UnsupportedActionForDeploymentType', error.message, 'deploymentId');
  if (error instanceof NotFoundError && error.resource === 'Lifecycle hook execution') {
    const message = `Deployment ${deploymentId} handed out no lifecycle hook execution ${shown(executionId)}; report with the LifecycleEventHookExecutionId the hook function received`;
    return new ApiError(400, 'InvalidLifecycleEventHookExecutionId', message, EXECUTION_ID_FIELD);
  }
  if (error instanceof ConflictError) {
    const message = `Lifecycle hook execution ${shown(executionId)} of deployment ${deploymentId} already has a status; a hook reports once`;
    return new ApiError(400, 'LifecycleEventAlreadyCompleted', message, EXECUTION_ID_FIELD);
  }
  return error;
}

export const hookRoutes = [
  route({
    method: 'POST',
    path: '/deployments/{deploymentId}/lifecycle-hook-executions/{lifecycleEventHookExecutionId}',
    operationId: 'PutLifecycleEventHookExecutionStatus',
    summary: 'Reports the result of a Lambda or ECS lifecycle hook, once per hook execution (not used by Server deployments)',
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
    handle: async ({ deps }, { params, body }) => {
      const { lifecycleEventHookExecutionId } = params;
      try {
        await reportHookStatus(deps, { deploymentId: params.deploymentId, lifecycleEventHookExecutionId, status: body.status });
      } catch (error) {
        throw hookStatusError(error, params.deploymentId, lifecycleEventHookExecutionId);
      }
      return { lifecycleEventHookExecutionId };
    },
  }),
];
