// Simulated Lambda functions for the embedded runtime: each function is a JSON file under <stateDir>/lambda listing
// its published versions and its aliases, so users (and tests) can watch an alias move while a deployment shifts it:
//
//   { "versions": ["1", "2"], "aliases": { "live": { "functionVersion": "1", "additionalVersionWeights": { "2": 10 } } } }
//
// Weights are percents, as the AliasTraffic port speaks them (Lambda's fractions exist only in the AWS adapter).
// Hooks are local modules registered by name instead of deployed functions.
import * as path from 'node:path';
import { PUBLISHED_VERSION, checkAliasServesOnly, routingFor } from '../../functions/core/alias-routing';
import { ConflictError, CutoverError, NotFoundError, ValidationError } from '../../functions/core/errors';
import { functionNameOf } from '../../functions/core/lambda-traffic';
import type { AliasRouting, AliasTraffic, HookInvocation } from '../../functions/ports';
import { readStateFile, writeStateFile } from './json-state-file';

export type LocalHook = (payload: HookInvocation) => Promise<void>;

export interface LocalLambdaFunctionsOptions {
  /** The runtime's state folder; functions live in its `lambda` subfolder. */
  readonly stateDir: string;
  /** Hook "functions" by the name an appspec gives them. */
  readonly hooks?: Readonly<Record<string, LocalHook>>;
  /** Told of a hook that failed every attempt (Lambda would drop the event or send it to a DLQ); default: stderr. */
  readonly onHookFailure?: (hookFunction: string, payload: HookInvocation, error: unknown) => void;
}

/** One alias as its file stores it. */
export interface LocalAlias {
  readonly functionVersion: string;
  readonly additionalVersionWeights: Readonly<Record<string, number>>;
}

/** One function as its file stores it. */
export interface LocalFunction {
  readonly versions: readonly string[];
  readonly aliases: Readonly<Record<string, LocalAlias>>;
}

/** Lambda runs a failed asynchronous invocation up to two more times. */
const ASYNC_ATTEMPTS = 3;

// Lambda's own name rules; they also keep a function name a safe file name.
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const ALIAS_NAME = /^(?![0-9]+$)[A-Za-z0-9_-]{1,128}$/;

export class LocalLambdaFunctions implements AliasTraffic {
  private readonly dir: string;
  private readonly hooks: Readonly<Record<string, LocalHook>>;
  private readonly onHookFailure: (hookFunction: string, payload: HookInvocation, error: unknown) => void;
  private readonly running = new Set<Promise<void>>();

  public constructor(options: LocalLambdaFunctionsOptions) {
    this.dir = path.join(options.stateDir, 'lambda');
    this.hooks = options.hooks ?? {};
    this.onHookFailure =
      options.onHookFailure ??
      ((hookFunction, payload, error) =>
        process.stderr.write(`hook function '${hookFunction}' failed ${ASYNC_ATTEMPTS} times for ${payload.LifecycleEventHookExecutionId}: ${String(error)}\n`));
  }

  /** Adds published versions to a function, creating it if needed. */
  public async publishVersions(functionName: string, versions: readonly string[]): Promise<void> {
    const problems = versions.filter((version) => !PUBLISHED_VERSION.test(version));
    if (problems.length > 0) {
      throw new ValidationError(problems.map((version) => ({ field: 'versions', message: `'${version}' is not a version number` })));
    }
    const existing = this.readFile(functionName) ?? { versions: [], aliases: {} };
    const merged = [...new Set([...existing.versions, ...versions])].sort((a, b) => Number(a) - Number(b));
    this.writeFile(functionName, { ...existing, versions: merged });
  }

  /** Creates an alias wholly on one published version; ConflictError if it exists, as Lambda's CreateAlias. */
  public async createAlias(functionName: string, alias: string, version: string): Promise<void> {
    checkAliasName(alias);
    const file = this.existingFile(functionName);
    if (!file.versions.includes(version)) throw new NotFoundError('Lambda function version', `${functionName}:${version}`);
    if (Object.hasOwn(file.aliases, alias)) throw new ConflictError(`Lambda alias '${functionName}:${alias}' already exists`);
    this.writeFile(functionName, { ...file, aliases: { ...file.aliases, [alias]: { functionVersion: version, additionalVersionWeights: {} } } });
  }

  /** The function's versions and aliases as stored, or undefined when it has no file yet. */
  public async describeFunction(functionName: string): Promise<LocalFunction | undefined> {
    return this.readFile(functionName);
  }

  /** The alias as stored, for `cutover local lambda get-alias`. */
  public async getAlias(functionName: string, alias: string): Promise<LocalAlias> {
    return this.aliasOf(functionName, alias);
  }

  public async describe(functionName: string, alias: string): Promise<AliasRouting> {
    return this.aliasOf(functionName, alias);
  }

  public async versionExists(functionName: string, version: string): Promise<boolean> {
    checkFunctionName(functionNameOf(functionName));
    return PUBLISHED_VERSION.test(version) && (this.readFile(functionName)?.versions.includes(version) ?? false);
  }

  public async shift(
    functionName: string,
    alias: string,
    currentVersion: string,
    targetVersion: string,
    targetPercent: number,
  ): Promise<void> {
    const routing = routingFor(functionName, alias, currentVersion, targetVersion, targetPercent);
    const file = this.existingFile(functionName);
    const before = this.aliasIn(file, functionName, alias);
    checkAliasServesOnly(functionName, alias, before, currentVersion, targetVersion);
    // Lambda refuses to route to a version that was never published; so does the simulation.
    for (const version of [routing.functionVersion, ...Object.keys(routing.additionalVersionWeights)]) {
      if (!file.versions.includes(version)) throw new NotFoundError('Lambda function version', `${functionName}:${version}`);
    }
    this.writeFile(functionName, { ...file, aliases: { ...file.aliases, [alias]: routing } });
  }

  /**
   * Resolves at once, like an Event invocation that Lambda accepted: the hook runs on a later turn of the event loop
   * and reports through the API. A name no hook is registered under fails now, as Invoke does for a missing function.
   */
  public async invokeHook(hookFunction: string, payload: HookInvocation): Promise<void> {
    const hook = Object.hasOwn(this.hooks, hookFunction) ? this.hooks[hookFunction] : undefined;
    if (hook === undefined) throw new NotFoundError('Lambda function', hookFunction);
    // A copy through JSON, as Lambda delivers it: the hook cannot see or change the caller's object.
    const event = JSON.parse(JSON.stringify(payload)) as HookInvocation;
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.runHook(hookFunction, hook, event))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Resolves once every hook invoked so far has finished, its retries included (for tests and shutdown). */
  public async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  private async runHook(hookFunction: string, hook: LocalHook, event: HookInvocation): Promise<void> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= ASYNC_ATTEMPTS; attempt += 1) {
      try {
        await hook(event);
        return;
      } catch (error) {
        lastError = error;
      }
    }
    this.onHookFailure(hookFunction, event, lastError);
  }

  private aliasOf(functionName: string, alias: string): LocalAlias {
    const file = this.readFile(functionName);
    if (file === undefined) throw new NotFoundError('Lambda alias', `${functionName}:${alias}`);
    return this.aliasIn(file, functionName, alias);
  }

  private aliasIn(file: LocalFunction, functionName: string, alias: string): LocalAlias {
    const found = Object.hasOwn(file.aliases, alias) ? file.aliases[alias] : undefined;
    if (found === undefined) throw new NotFoundError('Lambda alias', `${functionName}:${alias}`);
    return found;
  }

  private existingFile(functionName: string): LocalFunction {
    const file = this.readFile(functionName);
    if (file === undefined) throw new NotFoundError('Lambda function', functionName);
    return file;
  }

  private readFile(functionName: string): LocalFunction | undefined {
    const file = this.file(functionName);
    const text = readStateFile(file);
    return text === undefined ? undefined : parseFunctionFile(file, text);
  }

  private writeFile(functionName: string, body: LocalFunction): void {
    writeStateFile(this.file(functionName), body);
  }

  /** A function named by ARN (as an appspec may) is the simulated function of that name. */
  private file(functionName: string): string {
    const name = functionNameOf(functionName);
    checkFunctionName(name);
    return path.join(this.dir, `${name}.json`);
  }
}

function checkFunctionName(functionName: string): void {
  if (!FUNCTION_NAME.test(functionName)) {
    throw new ValidationError([{ field: 'functionName', message: `'${functionName}' is not a Lambda function name: letters, digits, '-' and '_', up to 64` }]);
  }
}

function checkAliasName(alias: string): void {
  if (!ALIAS_NAME.test(alias)) {
    throw new ValidationError([{ field: 'alias', message: `'${alias}' is not a Lambda alias name: letters, digits, '-' and '_', up to 128, not only digits` }]);
  }
}

/** The files may be edited by hand: a malformed one is reported with its path rather than half-read. */
function parseFunctionFile(file: string, text: string): LocalFunction {
  const bad = (why: string): never => {
    throw new CutoverError(`${file} is not a simulated Lambda function: ${why}`);
  };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return bad((error as Error).message);
  }
  if (typeof body !== 'object' || body === null) return bad('expected an object');
  const { versions, aliases } = body as { versions?: unknown; aliases?: unknown };
  if (!Array.isArray(versions) || !versions.every((version) => typeof version === 'string' && PUBLISHED_VERSION.test(version))) {
    return bad('versions must be a list of version numbers as strings');
  }
  if (aliases !== undefined && (typeof aliases !== 'object' || aliases === null || Array.isArray(aliases))) {
    return bad('aliases must be an object');
  }
  const parsed: Record<string, LocalAlias> = {};
  for (const [name, value] of Object.entries((aliases ?? {}) as Record<string, unknown>)) {
    const { functionVersion, additionalVersionWeights = {} } = (value ?? {}) as { functionVersion?: unknown; additionalVersionWeights?: unknown };
    if (typeof functionVersion !== 'string') return bad(`aliases.${name}.functionVersion must be a string`);
    const weights = additionalVersionWeights as Record<string, unknown>;
    if (
      typeof weights !== 'object' ||
      weights === null ||
      !Object.values(weights).every((weight) => typeof weight === 'number' && weight >= 0 && weight <= 100)
    ) {
      return bad(`aliases.${name}.additionalVersionWeights must map versions to percents (0–100)`);
    }
    parsed[name] = { functionVersion, additionalVersionWeights: weights as Record<string, number> };
  }
  return { versions: versions as string[], aliases: parsed };
}
