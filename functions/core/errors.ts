// Typed errors. Each `name` is stable: Step Functions matches it in Retry/Catch `ErrorEquals`, and the CLI maps
// it to an exit code. A test checks that every ErrorEquals in statemachines/*.asl.json names one of these.

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `hooks.BeforeInstall[0].timeout`. */
  readonly field: string;
  readonly message: string;
  /** 1-based line in the source file, where known. */
  readonly line?: number;
}

/** Base of every error Cutover raises on purpose. */
export class CutoverError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CutoverError';
  }
}

/** Bad input from a user: a request, a flag, an appspec, a bundle. Carries every problem found, not just the first. */
export class ValidationError extends CutoverError {
  public readonly problems: readonly FieldProblem[];

  public constructor(problems: readonly FieldProblem[], options?: ErrorOptions) {
    super(problems.map(formatProblem).join('\n'), options);
    this.name = 'ValidationError';
    this.problems = problems;
  }
}

export function formatProblem(problem: FieldProblem): string {
  const where = problem.line === undefined ? problem.field : `${problem.field} (line ${problem.line})`;
  return `${where}: ${problem.message}`;
}

/** The appspec or bundle is invalid; raised by `cutover validate` and at deployment creation. */
export class AppSpecError extends ValidationError {
  public constructor(problems: readonly FieldProblem[], options?: ErrorOptions) {
    super(problems, options);
    this.name = 'AppSpecError';
  }
}

/** A named resource does not exist. */
export class NotFoundError extends CutoverError {
  public readonly resource: string;
  public readonly id: string;

  public constructor(resource: string, id: string, options?: ErrorOptions) {
    super(`${resource} '${id}' does not exist`, options);
    this.name = 'NotFoundError';
    this.resource = resource;
    this.id = id;
  }
}

/** CodeDeploy's DeploymentLimitExceededException: the group already runs a deployment. */
export class DeploymentGroupBusyError extends CutoverError {
  public readonly deploymentGroupName: string;
  public readonly activeDeploymentId: string;

  public constructor(deploymentGroupName: string, activeDeploymentId: string, options?: ErrorOptions) {
    super(`The Deployment Group '${deploymentGroupName}' already has an active Deployment '${activeDeploymentId}'`, options);
    this.name = 'DeploymentGroupBusyError';
    this.deploymentGroupName = deploymentGroupName;
    this.activeDeploymentId = activeDeploymentId;
  }
}

/** A conditional write lost a race or found the item in another state; the caller decides whether that matters. */
export class ConflictError extends CutoverError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConflictError';
  }
}

/** The store could not be reached or throttled us; safe to retry. */
export class TransientStoreError extends CutoverError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TransientStoreError';
  }
}

/** An AWS call was throttled or hit a server fault even after the SDK's retries; the state machine retries later. */
export class TransientAwsError extends CutoverError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TransientAwsError';
  }
}

/** CodeDeploy's RevisionDoesNotExistException: the bundle is not there, or Cutover may not read it. */
export class RevisionMissingError extends CutoverError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RevisionMissingError';
  }
}

/** The revision exists but is not what the request says (version, ETag, bundle type). */
export class InvalidRevisionError extends CutoverError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidRevisionError';
  }
}

/** A deployment reached a step or an action made for another compute platform (e.g. a host report for a Lambda one). */
export class UnsupportedPlatformError extends CutoverError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnsupportedPlatformError';
  }
}

/** A lifecycle hook function reported Failed: the deployment fails with HOOK_EXECUTION_FAILURE. */
export class HookFailedError extends CutoverError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HookFailedError';
  }
}

/** An alarm of the deployment group is in ALARM: the deployment stops (ALARM_ACTIVE). */
export class AlarmActiveError extends CutoverError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AlarmActiveError';
  }
}

/** StopDeployment ended a wait: the deployment ends Stopped (MANUAL_STOP). */
export class DeploymentStoppedError extends CutoverError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DeploymentStoppedError';
  }
}

/** The alias or versions are not as the appspec says (INVALID_LAMBDA_CONFIGURATION). */
export class LambdaConfigurationError extends CutoverError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LambdaConfigurationError';
  }
}

/** The ECS service is not one a blue/green deployment can run on (INVALID_ECS_SERVICE). */
export class EcsServiceError extends CutoverError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EcsServiceError';
  }
}

/** The replacement task set did not become stable, or its targets healthy, in time (ECS_UPDATE_ERROR). */
export class EcsUpdateError extends CutoverError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EcsUpdateError';
  }
}

/** Names Step Functions may catch; pinned by a test against the ASL files. */
export const ERROR_NAMES = [
  'CutoverError',
  'ValidationError',
  'AppSpecError',
  'NotFoundError',
  'DeploymentGroupBusyError',
  'ConflictError',
  'TransientStoreError',
  'TransientAwsError',
  'RevisionMissingError',
  'InvalidRevisionError',
  'UnsupportedPlatformError',
  'HookFailedError',
  'AlarmActiveError',
  'DeploymentStoppedError',
  'LambdaConfigurationError',
  'EcsServiceError',
  'EcsUpdateError',
] as const;

/** Errors the state machines retry with backoff (throttling, a store or service briefly unavailable). */
export function isTransientError(error: unknown): error is TransientAwsError | TransientStoreError {
  return error instanceof TransientAwsError || error instanceof TransientStoreError;
}
