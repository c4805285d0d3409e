// Turns an error caught by the state machine ({Error, Cause}) into CodeDeploy's errorInformation. Step Functions
// gives a Lambda error's Cause as a JSON string ({errorMessage, errorType, stackTrace}); the local runtime gives
// the plain message. Either way users see a message, never a stack trace.
import type { ErrorInformation } from './types';

const MAX_MESSAGE = 1024;

/**
 * The error lock recovery finishes a deployment with when the execution that held its group's lock ended without
 * finishing it (crashed, timed out, stopped from the console, or its finish step failed for good).
 */
export const EXECUTION_ABANDONED = 'ExecutionAbandoned';

export function errorInformationFromFailure(error: string, cause: string | undefined): ErrorInformation {
  const message = causeMessage(cause);
  return { code: codeFor(error, message), message: `${message}`.slice(0, MAX_MESSAGE) };
}

function codeFor(error: string, message: string): ErrorInformation['code'] {
  if (error === 'States.Timeout' || error === 'States.HeartbeatTimeout') return 'TIMEOUT';
  // Still failing after the SDK's and the state machine's retries: AWS kept throttling or faulting.
  if (error === 'TransientAwsError' || error === 'TransientStoreError') return 'THROTTLED';
  if (error === 'RevisionMissingError') return 'REVISION_MISSING';
  if (error === 'InvalidRevisionError') return 'INVALID_REVISION';
  if (error === 'HookFailedError') return 'HOOK_EXECUTION_FAILURE';
  if (error === 'AlarmActiveError') return 'ALARM_ACTIVE';
  if (error === 'DeploymentStoppedError') return 'MANUAL_STOP';
  if (error === 'LambdaConfigurationError') return 'INVALID_LAMBDA_CONFIGURATION';
  if (error === 'EcsServiceError') return 'INVALID_ECS_SERVICE';
  if (error === 'EcsUpdateError') return 'ECS_UPDATE_ERROR';
  // Not the user's timeout, nor anything their revision did: the engine stopped running the deployment.
  if (error === EXECUTION_ABANDONED) return 'INTERNAL_ERROR';
  if (error === 'NotFoundError') {
    if (message.startsWith('Deployment group ')) return 'DEPLOYMENT_GROUP_MISSING';
    if (message.startsWith('Application ')) return 'APPLICATION_MISSING';
    if (message.startsWith('Lambda ')) return 'INVALID_LAMBDA_FUNCTION';
  }
  return 'INTERNAL_ERROR';
}

function causeMessage(cause: string | undefined): string {
  if (!cause) return 'no cause given';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // Not JSON: the local runtime passes the message itself.
  }
  return cause;
}
