import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConflictError, CutoverError, NotFoundError, ValidationError } from '../../functions/core/errors';
import type { HookInvocation } from '../../functions/ports';
import { type LocalHook, LocalLambdaFunctions } from '../../lib/local/local-lambda-functions';

const FUNCTION = 'orders-api';
const ALIAS = 'live';
const PAYLOAD: HookInvocation = { DeploymentId: 'd-AB1CDEF23', LifecycleEventHookExecutionId: 'hook-exec-1' };

let stateDir: string;

beforeEach(() => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-lambda-'));
});

afterEach(() => {
  fs.rmSync(stateDir, { recursive: true, force: true });
});

const functionFile = () => path.join(stateDir, 'lambda', `${FUNCTION}.json`);
const readFunctionFile = (): unknown => JSON.parse(fs.readFileSync(functionFile(), 'utf8'));

/** A function with versions 7, 8 and 9 and the alias on 7. */
async function ordersApi(options: { hooks?: Record<string, LocalHook>; onHookFailure?: () => void } = {}): Promise<LocalLambdaFunctions> {
  const functions = new LocalLambdaFunctions({ stateDir, ...options });
  await functions.publishVersions(FUNCTION, ['7', '8', '9']);
  await functions.createAlias(FUNCTION, ALIAS, '7');
  return functions;
}

/** What the call rejects with. */
async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

describe('LocalLambdaFunctions: functions, versions and aliases as files', () => {
  it('keeps a function in <stateDir>/lambda/<function>.json, weights in percent', async () => {
    const functions = await ordersApi();
    await functions.shift(FUNCTION, ALIAS, '7', '8', 10);

    expect(readFunctionFile()).toEqual({
      versions: ['7', '8', '9'],
      aliases: { live: { functionVersion: '7', additionalVersionWeights: { '8': 10 } } },
    });
  });

  it('adds published versions without repeating any, in numeric order', async () => {
    const functions = new LocalLambdaFunctions({ stateDir });
    await functions.publishVersions(FUNCTION, ['2', '10']);
    await functions.publishVersions(FUNCTION, ['10', '9']);

    expect(readFunctionFile()).toEqual({ versions: ['2', '9', '10'], aliases: {} });
  });

  it('reads a file written by hand', async () => {
    fs.mkdirSync(path.join(stateDir, 'lambda'));
    fs.writeFileSync(functionFile(), JSON.stringify({ versions: ['1', '2'], aliases: { live: { functionVersion: '1', additionalVersionWeights: { '2': 25 } } } }));
    const functions = new LocalLambdaFunctions({ stateDir });

    await expect(functions.getAlias(FUNCTION, ALIAS)).resolves.toEqual({ functionVersion: '1', additionalVersionWeights: { '2': 25 } });
    await expect(functions.describe(FUNCTION, ALIAS)).resolves.toEqual({ functionVersion: '1', additionalVersionWeights: { '2': 25 } });
  });

  it.each([
    ['not JSON', '{', /is not a simulated Lambda function: /],
    ['versions that are not version numbers', JSON.stringify({ versions: ['$LATEST'], aliases: {} }), /versions must be a list of version numbers/],
    ['a fraction-style weight over 100', JSON.stringify({ versions: ['1'], aliases: { live: { functionVersion: '1', additionalVersionWeights: { '2': 120 } } } }), /percents \(0–100\)/],
  ])('names the file when it holds %s', async (_case, text, message) => {
    fs.mkdirSync(path.join(stateDir, 'lambda'));
    fs.writeFileSync(functionFile(), text);

    const error = await failure(new LocalLambdaFunctions({ stateDir }).getAlias(FUNCTION, ALIAS));

    expect(error).toBeInstanceOf(CutoverError);
    expect((error as Error).message).toContain(functionFile());
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    ['a version that is not a number', (f: LocalLambdaFunctions) => f.publishVersions(FUNCTION, ['1', '$LATEST']), ValidationError],
    ['a function name that is not a safe file name', (f: LocalLambdaFunctions) => f.publishVersions('../escape', ['1']), ValidationError],
    ['an alias on a function that does not exist', (f: LocalLambdaFunctions) => f.createAlias('billing', ALIAS, '1'), NotFoundError],
    ['an alias on an unpublished version', (f: LocalLambdaFunctions) => f.createAlias(FUNCTION, 'canary', '12'), NotFoundError],
    ['an alias named only with digits', (f: LocalLambdaFunctions) => f.createAlias(FUNCTION, '12', '7'), ValidationError],
    ['an alias that exists', (f: LocalLambdaFunctions) => f.createAlias(FUNCTION, ALIAS, '8'), ConflictError],
  ])('refuses %s', async (_case, call, expected) => {
    const functions = await ordersApi();
    const before = fs.readFileSync(functionFile(), 'utf8');

    await expect(call(functions)).rejects.toBeInstanceOf(expected);
    expect(fs.readFileSync(functionFile(), 'utf8')).toBe(before);
  });
});

describe('LocalLambdaFunctions as AliasTraffic', () => {
  it('reads a function an appspec names by ARN (qualified or not) as the simulated function of that name', async () => {
    const functions = await ordersApi();
    const byName = await functions.describe(FUNCTION, ALIAS);

    for (const arn of [`arn:aws:lambda:us-east-1:123456789012:function:${FUNCTION}`, `arn:aws:lambda:us-east-1:123456789012:function:${FUNCTION}:${ALIAS}`]) {
      expect(await functions.describe(arn, ALIAS)).toEqual(byName);
    }
  });

  it.each([
    ['an alias', 'billing', ALIAS],
    ['a function', FUNCTION, 'canary'],
  ])('throws NotFoundError naming the alias when %s is missing', async (_case, functionName, alias) => {
    const functions = await ordersApi();

    const error = await failure(functions.describe(functionName, alias));

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ resource: 'Lambda alias', id: `${functionName}:${alias}` });
  });

  it.each([
    ['8', FUNCTION, true],
    ['12', FUNCTION, false],
    ['$LATEST', FUNCTION, false],
    [ALIAS, FUNCTION, false],
    ['8', 'billing', false],
  ])('versionExists(%j) on %s is %s', async (version, functionName, expected) => {
    const functions = await ordersApi();

    await expect(functions.versionExists(functionName, version)).resolves.toBe(expected);
  });

  it.each([
    [0, { functionVersion: '7', additionalVersionWeights: {} }],
    [10, { functionVersion: '7', additionalVersionWeights: { '8': 10 } }],
    [57.1, { functionVersion: '7', additionalVersionWeights: { '8': 57.1 } }],
    [12.345, { functionVersion: '7', additionalVersionWeights: { '8': 12.35 } }],
    [0.001, { functionVersion: '7', additionalVersionWeights: { '8': 0.01 } }],
    [100, { functionVersion: '8', additionalVersionWeights: {} }],
  ])('shifting %s %% to the target leaves the alias at %j, as Lambda would', async (percent, expected) => {
    const functions = await ordersApi();

    await functions.shift(FUNCTION, ALIAS, '7', '8', percent);

    await expect(functions.describe(FUNCTION, ALIAS)).resolves.toEqual(expected);
  });

  it('walks a whole canary and rolls back from 100 %', async () => {
    const functions = await ordersApi();
    const seen: unknown[] = [];
    for (const percent of [10, 100, 0]) {
      await functions.shift(FUNCTION, ALIAS, '7', '8', percent);
      seen.push(await functions.getAlias(FUNCTION, ALIAS));
    }

    expect(seen).toEqual([
      { functionVersion: '7', additionalVersionWeights: { '8': 10 } },
      { functionVersion: '8', additionalVersionWeights: {} },
      { functionVersion: '7', additionalVersionWeights: {} },
    ]);
  });

  it.each([
    ['an unpublished target', '7', '12', 10, NotFoundError],
    ['$LATEST as target', '7', '$LATEST', 10, ValidationError],
    ['a percent over 100', '7', '8', 150, ValidationError],
    ['an alias on a version outside the shift', '8', '9', 10, CutoverError],
  ])('refuses %s and leaves the file alone', async (_case, current, target, percent, expected) => {
    const functions = await ordersApi();
    const before = fs.readFileSync(functionFile(), 'utf8');

    await expect(functions.shift(FUNCTION, ALIAS, current, target, percent)).rejects.toBeInstanceOf(expected);
    expect(fs.readFileSync(functionFile(), 'utf8')).toBe(before);
  });

  it('refuses to shift a missing alias with NotFoundError', async () => {
    const functions = await ordersApi();

    await expect(functions.shift(FUNCTION, 'canary', '7', '8', 10)).rejects.toMatchObject({ name: 'NotFoundError', resource: 'Lambda alias', id: 'orders-api:canary' });
  });
});

describe('LocalLambdaFunctions.invokeHook', () => {
  it('returns before the hook runs, then runs it with a copy of the payload', async () => {
    const received: HookInvocation[] = [];
    const payload = { ...PAYLOAD };
    const functions = await ordersApi({
      hooks: {
        'orders-api-before-allow-traffic': async (event) => {
          received.push(event);
        },
      },
    });

    await functions.invokeHook('orders-api-before-allow-traffic', payload);
    expect(received).toEqual([]);

    await functions.idle();
    expect(received).toEqual([PAYLOAD]);
    expect(received[0]).not.toBe(payload);
  });

  it('does not wait for a hook that never finishes', async () => {
    let started = false;
    const functions = await ordersApi({
      hooks: {
        stuck: () => {
          started = true;
          return new Promise<void>(() => undefined);
        },
      },
    });

    await functions.invokeHook('stuck', PAYLOAD);
    await new Promise((resolve) => setImmediate(resolve));

    expect(started).toBe(true);
  });

  it('runs a failing hook three times in all, as Lambda retries an asynchronous event twice, then reports it', async () => {
    let attempts = 0;
    const failures: [string, HookInvocation, unknown][] = [];
    const functions = new LocalLambdaFunctions({
      stateDir,
      hooks: {
        flaky: async () => {
          attempts += 1;
          throw new Error(`attempt ${attempts}`);
        },
      },
      onHookFailure: (hookFunction, payload, error) => failures.push([hookFunction, payload, error]),
    });

    await functions.invokeHook('flaky', PAYLOAD);
    await functions.idle();

    expect(attempts).toBe(3);
    expect(failures).toEqual([['flaky', PAYLOAD, new Error('attempt 3')]]);
  });

  it('stops retrying once an attempt succeeds', async () => {
    let attempts = 0;
    const failures: unknown[] = [];
    const functions = new LocalLambdaFunctions({
      stateDir,
      hooks: {
        flaky: async () => {
          attempts += 1;
          if (attempts === 1) throw new Error('cold start');
        },
      },
      onHookFailure: (...failure) => failures.push(failure),
    });

    await functions.invokeHook('flaky', PAYLOAD);
    await functions.idle();

    expect({ attempts, failures }).toEqual({ attempts: 2, failures: [] });
  });

  it.each([['missing'], ['toString']])('refuses %j, which no hook is registered under, at once', async (name) => {
    const functions = new LocalLambdaFunctions({ stateDir, hooks: {} });

    await expect(functions.invokeHook(name, PAYLOAD)).rejects.toMatchObject({ name: 'NotFoundError', resource: 'Lambda function', id: name });
  });
});
