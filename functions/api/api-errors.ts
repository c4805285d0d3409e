// Every failure becomes `{code, message, field}` with the right status. Codes are CodeDeploy's exception names
// without the `Exception` suffix, so users porting scripts recognise them.
import {
  type AppSpecError,
  ConflictError,
  DeploymentGroupBusyError,
  InvalidRevisionError,
  NotFoundError,
  RevisionMissingError,
  isTransientError,
  ValidationError,
  formatProblem,
} from '../core/errors';
import type { ApiErrorBody } from './api-types';

/** A refusal the API decides itself (a conflict, an operation a resource does not support). */
export class ApiError extends Error {
  public constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A bad appspec is a bad revision to the caller: one 400 InvalidRevision listing every problem found. */
export function invalidAppSpec(error: AppSpecError, what: string, field: string): ApiError {
  return new ApiError(400, 'InvalidRevision', `${what}: ${error.problems.map(formatProblem).join('; ')}`, field);
}

// NotFoundError names the resource in words; the API names the code and the request field.
const MISSING: Readonly<Record<string, { readonly code: string; readonly field: string }>> = {
  Application: { code: 'ApplicationDoesNotExist', field: 'applicationName' },
  'Deployment group': { code: 'DeploymentGroupDoesNotExist', field: 'deploymentGroupName' },
  'Deployment config': { code: 'DeploymentConfigDoesNotExist', field: 'deploymentConfigName' },
  Deployment: { code: 'DeploymentDoesNotExist', field: 'deploymentId' },
  'Deployment target': { code: 'DeploymentTargetDoesNotExist', field: 'targetId' },
};

export interface ErrorOutcome {
  readonly status: number;
  readonly body: ApiErrorBody;
  /** True for failures that are bugs or outages: the handler logs them with the request. */
  readonly unexpected: boolean;
}

export function errorOutcome(error: unknown): ErrorOutcome {
  if (error instanceof ApiError) return expected(error.status, { code: error.code, message: error.message, field: error.field });
  if (error instanceof ValidationError) {
    const [first] = error.problems;
    return expected(400, { code: 'ValidationError', message: error.message, field: first?.field });
  }
  if (error instanceof NotFoundError) {
    const known = MISSING[error.resource];
    return expected(404, { code: known?.code ?? 'ResourceDoesNotExist', message: error.message, field: known?.field });
  }
  if (error instanceof DeploymentGroupBusyError) {
    return expected(409, { code: 'DeploymentLimitExceeded', message: error.message, field: 'deploymentGroupName' });
  }
  if (error instanceof RevisionMissingError) return expected(400, { code: 'RevisionDoesNotExist', message: error.message, field: 'revision' });
  if (error instanceof InvalidRevisionError) return expected(400, { code: 'InvalidRevision', message: error.message, field: 'revision' });
  if (error instanceof ConflictError) return expected(409, { code: 'Conflict', message: error.message });
  if (isTransientError(error)) {
    return { status: 503, body: { code: 'Throttling', message: 'The service is busy; retry the request with backoff' }, unexpected: true };
  }
  return { status: 500, body: { code: 'InternalError', message: 'The request failed inside Cutover; the API log has the details' }, unexpected: true };
}

function expected(status: number, body: ApiErrorBody): ErrorOutcome {
  return { status, body: body.field === undefined ? { code: body.code, message: body.message } : body, unexpected: false };
}
