import {
  type GetAliasCommandOutput,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  PreconditionFailedException,
  ResourceConflictException,
  ResourceNotFoundException,
  TooManyRequestsException,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { LambdaAliasTraffic } from '../../functions/aws/lambda-alias-traffic';
import { CutoverError, NotFoundError, TransientAwsError, ValidationError } from '../../functions/core/errors';

const lambda = mockClient(LambdaClient);
const traffic = new LambdaAliasTraffic({ client: new LambdaClient({}) });

const FUNCTION = 'orders-api';
const ALIAS = 'live';
const HOOK = 'orders-api-before-allow-traffic';

/** GetAlias's answer for an alias on `version`, optionally split, at revision `revisionId`. */
const aliasOn = (version: string, weights?: Record<string, number>, revisionId = 'rev-1'): Partial<GetAliasCommandOutput> => ({
  AliasArn: `arn:aws:lambda:us-east-1:111122223333:function:${FUNCTION}:${ALIAS}`,
  Name: ALIAS,
  FunctionVersion: version,
  ...(weights === undefined ? {} : { RoutingConfig: { AdditionalVersionWeights: weights } }),
  RevisionId: revisionId,
});

const notFound = (message: string) => new ResourceNotFoundException({ message, $metadata: { httpStatusCode: 404 } });
const preconditionFailed = () =>
  new PreconditionFailedException({ message: 'The RevisionId provided does not match the latest RevisionId for the Lambda function or alias.', $metadata: { httpStatusCode: 412 } });
const throttled = () =>
  new TooManyRequestsException({ message: 'Rate exceeded', Reason: 'CallerRateLimitExceeded', $metadata: { httpStatusCode: 429 } });

/** Every command the mock received, in order, as [command name, exact input]. */
function sent(): [string, unknown][] {
  return lambda.calls().map((call) => {
    const command = call.args[0] as unknown as { constructor: { name: string }; input: unknown };
    return [command.constructor.name, command.input];
  });
}

const getAlias = ['GetAliasCommand', { FunctionName: FUNCTION, Name: ALIAS }] as const;
const updateAlias = (FunctionVersion: string, AdditionalVersionWeights: Record<string, number>, RevisionId: string) =>
  ['UpdateAliasCommand', { FunctionName: FUNCTION, Name: ALIAS, FunctionVersion, RoutingConfig: { AdditionalVersionWeights }, RevisionId }] as const;

/** What the call rejects with. */
async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

beforeEach(() => lambda.reset());

describe('LambdaAliasTraffic.describe', () => {
  it.each([
    ['an unsplit alias', aliasOn('7'), { functionVersion: '7', additionalVersionWeights: {}, revisionId: 'rev-1' }],
    ['a 10 % split, as a percent', aliasOn('7', { '8': 0.1 }), { functionVersion: '7', additionalVersionWeights: { '8': 10 }, revisionId: 'rev-1' }],
    ['a weight whose product is noisy in floats', aliasOn('7', { '8': 0.07 }), { functionVersion: '7', additionalVersionWeights: { '8': 7 }, revisionId: 'rev-1' }],
    ['a finer weight set by hand, without losing digits', aliasOn('7', { '8': 0.123456 }), { functionVersion: '7', additionalVersionWeights: { '8': 12.3456 }, revisionId: 'rev-1' }],
  ])('reads %s with one GetAlias', async (_case, output, expected) => {
    lambda.on(GetAliasCommand).resolves(output);

    await expect(traffic.describe(FUNCTION, ALIAS)).resolves.toEqual(expected);
    expect(sent()).toEqual([getAlias]);
  });

  it('names the missing alias in a NotFoundError', async () => {
    lambda.on(GetAliasCommand).rejects(notFound(`Alias not found: arn:aws:lambda:us-east-1:111122223333:function:${FUNCTION}:${ALIAS}`));

    const error = await failure(traffic.describe(FUNCTION, ALIAS));

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ resource: 'Lambda alias', id: 'orders-api:live' });
  });

  it('hands throttling that outlasted the SDK retries to the state machine as TransientAwsError', async () => {
    lambda.on(GetAliasCommand).rejects(throttled());

    const error = await failure(traffic.describe(FUNCTION, ALIAS));

    expect(error).toBeInstanceOf(TransientAwsError);
    expect((error as Error).message).toBe('TooManyRequestsException: Rate exceeded');
  });
});

describe('LambdaAliasTraffic.versionExists', () => {
  it('asks GetFunctionConfiguration for the version as Qualifier', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ FunctionName: FUNCTION, Version: '8', State: 'Active' });

    await expect(traffic.versionExists(FUNCTION, '8')).resolves.toBe(true);
    expect(sent()).toEqual([['GetFunctionConfigurationCommand', { FunctionName: FUNCTION, Qualifier: '8' }]]);
  });

  it('answers false when Lambda knows no such version (or function)', async () => {
    lambda.on(GetFunctionConfigurationCommand).rejects(notFound(`Function not found: arn:aws:lambda:us-east-1:111122223333:function:${FUNCTION}:9`));

    await expect(traffic.versionExists(FUNCTION, '9')).resolves.toBe(false);
    expect(sent()).toEqual([['GetFunctionConfigurationCommand', { FunctionName: FUNCTION, Qualifier: '9' }]]);
  });

  it.each([['$LATEST'], ['live'], ['']])('answers false for %j without asking: GetFunctionConfiguration would accept it', async (qualifier) => {
    await expect(traffic.versionExists(FUNCTION, qualifier)).resolves.toBe(false);
    expect(sent()).toEqual([]);
  });

  it('hands throttling on as TransientAwsError rather than answering false', async () => {
    lambda.on(GetFunctionConfigurationCommand).rejects(throttled());

    await expect(traffic.versionExists(FUNCTION, '8')).rejects.toBeInstanceOf(TransientAwsError);
  });
});

describe('LambdaAliasTraffic.shift', () => {
  it.each([
    ['0 %: back wholly on the current version, weights cleared', aliasOn('7', { '8': 0.1 }), 0, updateAlias('7', {}, 'rev-1')],
    ['10 %: current version with the target at 0.1', aliasOn('7'), 10, updateAlias('7', { '8': 0.1 }, 'rev-1')],
    ['33 % from 10 %: the next step of a schedule', aliasOn('7', { '8': 0.1 }), 33, updateAlias('7', { '8': 0.33 }, 'rev-1')],
    ['57.1 %: 0.571, not the 0.5710000000000001 that 57.1 / 100 gives', aliasOn('7'), 57.1, updateAlias('7', { '8': 0.571 }, 'rev-1')],
    ['12.345 %: rounded to 4 decimals of a fraction', aliasOn('7'), 12.345, updateAlias('7', { '8': 0.1235 }, 'rev-1')],
    ['0.001 %: kept a split at the smallest step', aliasOn('7'), 0.001, updateAlias('7', { '8': 0.0001 }, 'rev-1')],
    ['99.999 %: kept a split at the largest step', aliasOn('7'), 99.999, updateAlias('7', { '8': 0.9999 }, 'rev-1')],
    ['100 %: the alias moves to the target, weights cleared', aliasOn('7', { '8': 0.9 }), 100, updateAlias('8', {}, 'rev-1')],
    ['100 % again: repeated absolutely, nothing else', aliasOn('8'), 100, updateAlias('8', {}, 'rev-1')],
  ])('%s', async (_case, before, percent, expectedUpdate) => {
    lambda.on(GetAliasCommand).resolves(before);
    lambda.on(UpdateAliasCommand).resolves({});

    await traffic.shift(FUNCTION, ALIAS, '7', '8', percent);

    expect(sent()).toEqual([getAlias, expectedUpdate]);
  });

  it('re-reads the alias once after a RevisionId mismatch and writes against the new revision', async () => {
    lambda.on(GetAliasCommand).resolvesOnce(aliasOn('7', undefined, 'rev-1')).resolves(aliasOn('7', { '8': 0.05 }, 'rev-2'));
    lambda.on(UpdateAliasCommand).rejectsOnce(preconditionFailed()).resolves({});

    await traffic.shift(FUNCTION, ALIAS, '7', '8', 10);

    expect(sent()).toEqual([getAlias, updateAlias('7', { '8': 0.1 }, 'rev-1'), getAlias, updateAlias('7', { '8': 0.1 }, 'rev-2')]);
  });

  it('gives up with a CutoverError when the revision changes again', async () => {
    lambda.on(GetAliasCommand).resolvesOnce(aliasOn('7', undefined, 'rev-1')).resolves(aliasOn('7', undefined, 'rev-2'));
    lambda.on(UpdateAliasCommand).rejects(preconditionFailed());

    const error = await failure(traffic.shift(FUNCTION, ALIAS, '7', '8', 10));

    expect(error).toBeInstanceOf(CutoverError);
    expect(error).not.toBeInstanceOf(TransientAwsError);
    expect((error as Error).message).toBe(
      "Lambda alias 'orders-api:live' kept changing while Cutover shifted it to version 7 with 10 % on version 8 " +
        '(RevisionId mismatch twice): something else is updating it at the same time',
    );
    expect(sent()).toEqual([getAlias, updateAlias('7', { '8': 0.1 }, 'rev-1'), getAlias, updateAlias('7', { '8': 0.1 }, 'rev-2')]);
  });

  it('does not overwrite an alias that the concurrent change moved to a third version', async () => {
    lambda.on(GetAliasCommand).resolvesOnce(aliasOn('7', undefined, 'rev-1')).resolves(aliasOn('9', undefined, 'rev-2'));
    lambda.on(UpdateAliasCommand).rejects(preconditionFailed());

    const error = await failure(traffic.shift(FUNCTION, ALIAS, '7', '8', 10));

    expect(error).toBeInstanceOf(CutoverError);
    expect((error as Error).message).toMatch(/^Lambda alias 'orders-api:live' serves version 9, neither CurrentVersion 7 nor TargetVersion 8/);
    expect(sent()).toEqual([getAlias, updateAlias('7', { '8': 0.1 }, 'rev-1'), getAlias]);
  });

  it.each([
    ['on a third version', aliasOn('6'), '6'],
    ['split towards a third version', aliasOn('7', { '6': 0.2 }), '6'],
  ])('refuses an alias %s before writing anything', async (_case, before, other) => {
    lambda.on(GetAliasCommand).resolves(before);

    const error = await failure(traffic.shift(FUNCTION, ALIAS, '7', '8', 10));

    expect((error as Error).message).toContain(`serves version ${other}, neither CurrentVersion 7 nor TargetVersion 8`);
    expect(sent()).toEqual([getAlias]);
  });

  it('reports a missing alias as NotFoundError without writing', async () => {
    lambda.on(GetAliasCommand).rejects(notFound('Alias not found'));

    const error = await failure(traffic.shift(FUNCTION, ALIAS, '7', '8', 10));

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ resource: 'Lambda alias', id: 'orders-api:live' });
    expect(sent()).toEqual([getAlias]);
  });

  it('hands throttling of UpdateAlias to the state machine as TransientAwsError', async () => {
    lambda.on(GetAliasCommand).resolves(aliasOn('7'));
    lambda.on(UpdateAliasCommand).rejects(throttled());

    await expect(traffic.shift(FUNCTION, ALIAS, '7', '8', 10)).rejects.toBeInstanceOf(TransientAwsError);
  });

  it('passes other Lambda refusals on unchanged (a 409 concurrent operation is not a RevisionId mismatch)', async () => {
    const conflict = new ResourceConflictException({ message: 'An update is in progress', $metadata: { httpStatusCode: 409 } });
    lambda.on(GetAliasCommand).resolves(aliasOn('7'));
    lambda.on(UpdateAliasCommand).rejects(conflict);

    await expect(traffic.shift(FUNCTION, ALIAS, '7', '8', 10)).rejects.toBe(conflict);
    expect(sent()).toEqual([getAlias, updateAlias('7', { '8': 0.1 }, 'rev-1')]);
  });

  it.each([
    ['$LATEST as target', '7', '$LATEST', 10, 'targetVersion'],
    ['an alias as current', 'live', '8', 10, 'currentVersion'],
    ['a percent over 100', '7', '8', 101, 'targetPercent'],
    ['a negative percent', '7', '8', -1, 'targetPercent'],
    ['NaN', '7', '8', Number.NaN, 'targetPercent'],
    ['a split between a version and itself', '7', '7', 50, 'targetVersion'],
  ])('refuses %s without calling Lambda', async (_case, current, target, percent, field) => {
    const error = await failure(traffic.shift(FUNCTION, ALIAS, current, target, percent));

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((problem) => problem.field)).toEqual([field]);
    expect(sent()).toEqual([]);
  });
});

describe('LambdaAliasTraffic.invokeHook', () => {
  const payload = { DeploymentId: 'd-AB1CDEF23', LifecycleEventHookExecutionId: 'hook-exec-1' };

  it('queues an Event invocation with the payload as JSON bytes', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });

    await traffic.invokeHook(HOOK, payload);

    expect(sent()).toEqual([
      [
        'InvokeCommand',
        {
          FunctionName: HOOK,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode('{"DeploymentId":"d-AB1CDEF23","LifecycleEventHookExecutionId":"hook-exec-1"}'),
        },
      ],
    ]);
  });

  it('fails when Lambda answers anything but 202 Accepted: the hook was not queued', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200 });

    const error = await failure(traffic.invokeHook(HOOK, payload));

    expect(error).toBeInstanceOf(CutoverError);
    expect((error as Error).message).toBe(`Lambda did not queue hook function '${HOOK}' (status 200, expected 202)`);
  });

  it.each([
    ['throttling', throttled(), TransientAwsError],
    ['a missing hook function', notFound(`Function not found: arn:aws:lambda:us-east-1:111122223333:function:${HOOK}`), ResourceNotFoundException],
  ])('passes %s on as the state machine expects', async (_case, rejection, expected) => {
    lambda.on(InvokeCommand).rejects(rejection);

    await expect(traffic.invokeHook(HOOK, payload)).rejects.toBeInstanceOf(expected);
  });
});
