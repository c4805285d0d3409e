import { errorInformationFromFailure } from '../../functions/core/failure-codes';

describe('errorInformationFromFailure', () => {
  it.each([
    ['NotFoundError', "Deployment group 'app/web' does not exist", 'DEPLOYMENT_GROUP_MISSING', "Deployment group 'app/web' does not exist"],
    ['NotFoundError', "Application 'app' does not exist", 'APPLICATION_MISSING', "Application 'app' does not exist"],
    ['NotFoundError', "Deployment config 'X' does not exist", 'INTERNAL_ERROR', "Deployment config 'X' does not exist"],
    ['States.Timeout', 'Task timed out', 'TIMEOUT', 'Task timed out'],
    ['TransientStoreError', 'DynamoDB UpdateItem failed: ThrottlingException', 'THROTTLED', 'DynamoDB UpdateItem failed: ThrottlingException'],
    ['TransientAwsError', 'RequestLimitExceeded: Request limit exceeded.', 'THROTTLED', 'RequestLimitExceeded: Request limit exceeded.'],
    ['RevisionMissingError', 's3://b/k does not exist', 'REVISION_MISSING', 's3://b/k does not exist'],
    ['InvalidRevisionError', 'ETag mismatch', 'INVALID_REVISION', 'ETag mismatch'],
    ['HookFailedError', 'pre reported Failed', 'HOOK_EXECUTION_FAILURE', 'pre reported Failed'],
    ['AlarmActiveError', 'Alarm errors is in ALARM', 'ALARM_ACTIVE', 'Alarm errors is in ALARM'],
    ['DeploymentStoppedError', 'stopped on request', 'MANUAL_STOP', 'stopped on request'],
    ['LambdaConfigurationError', 'Alias fn:live serves version 3', 'INVALID_LAMBDA_CONFIGURATION', 'Alias fn:live serves version 3'],
    ['NotFoundError', "Lambda alias 'fn:live' does not exist", 'INVALID_LAMBDA_FUNCTION', "Lambda alias 'fn:live' does not exist"],
    ['EcsServiceError', 'Service c/s uses the ECS deployment controller', 'INVALID_ECS_SERVICE', 'Service c/s uses the ECS deployment controller'],
    ['EcsUpdateError', 'did not reach a steady state', 'ECS_UPDATE_ERROR', 'did not reach a steady state'],
    ['ExecutionAbandoned', 'its execution x is no longer running', 'INTERNAL_ERROR', 'its execution x is no longer running'],
    ['ValidationError', 'autoScalingGroups[0]: no such group', 'INTERNAL_ERROR', 'autoScalingGroups[0]: no such group'],
    [
      'NotFoundError',
      JSON.stringify({ errorType: 'NotFoundError', errorMessage: "Deployment group 'a/b' does not exist", stackTrace: ['at x (y.js:1)'] }),
      'DEPLOYMENT_GROUP_MISSING',
      "Deployment group 'a/b' does not exist",
    ],
    ['Error', undefined, 'INTERNAL_ERROR', 'no cause given'],
  ])('%s with cause %j → %s', (error, cause, code, message) => {
    expect(errorInformationFromFailure(error, cause)).toEqual({ code, message });
  });

  it('never passes a stack trace through and caps the message', () => {
    const info = errorInformationFromFailure('Error', JSON.stringify({ errorMessage: 'x'.repeat(5000), stackTrace: ['secret frame'] }));
    expect(info.message).toHaveLength(1024);
    expect(info.message).not.toContain('secret frame');
  });
});
