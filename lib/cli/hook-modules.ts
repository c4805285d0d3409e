// Hook functions of `cutover local deploy --platform lambda|ecs`: local JavaScript modules stand in for the deployed
// Lambda functions an appspec's Hooks name (Lambda and ECS deployments invoke their hooks alike). A module's default
// export, or its `handler` export, is the function, in one of two forms:
//   (event, codedeploy) => Promise<void>  reports its own status with codedeploy.putLifecycleEventHookExecutionStatus,
//                                         as a CodeDeploy hook function does (the LocalHookFunction of the runtime);
//   (event) => Promise<unknown>           a handler of one argument, reported for: Succeeded when it returns (or its
//                                         promise resolves), Failed when it throws (or its promise rejects).
// The form is told by the number of parameters the function declares (Function.length).
import * as fs from 'node:fs';
import { functionNameOf } from '../../functions/core/lambda-traffic';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ValidationError } from '../../functions/core/errors';
import type { HookInvocation } from '../../functions/ports';
import type { LocalCodeDeployClient, LocalHookFunction } from '../local/local-runtime';
import { UsageError } from './cli-errors';

export const HOOK_MODULE_EXTENSIONS = ['.js', '.cjs', '.mjs'] as const;
/** Where hook modules are looked up when no --hook flag is given: beside the appspec. */
export const HOOKS_FOLDER = 'hooks';

/** What a Lambda or ECS appspec says of its hooks: the function (name or ARN) each event invokes. */
export interface HookedAppSpec {
  readonly hooks: Readonly<Partial<Record<string, string>>>;
}

/** A hook function the appspec names, and the module that runs it. */
export interface HookModule {
  /** The name or ARN exactly as the appspec gives it: the runtime invokes hooks by it. */
  readonly hookFunction: string;
  readonly file: string;
}

type AnyFunction = (...args: unknown[]) => unknown;

/** The --hook flag in a deploy command's usage: where modules come from and the two forms of their function. */
export const HOOK_FLAG_HELP = `  --hook NAME=PATH         the JavaScript module (.js, .cjs, .mjs; PATH from the current folder) that runs the hook
                           function NAME of the appspec's Hooks. Without --hook, each is looked up beside the appspec
                           as ${HOOKS_FOLDER}/NAME.js (or .cjs, .mjs). The module's default export or its handler export
                           is the function, in one of two forms:
                             async (event, codedeploy) => { … }  reports its own status, as a CodeDeploy hook does:
                               await codedeploy.putLifecycleEventHookExecutionStatus({ deploymentId: event.DeploymentId,
                                 lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId, status: 'Succeeded' })
                             async (event) => { … }              one parameter: Cutover reports for it, Succeeded when
                                                                 it returns, Failed when it throws`;

/** `--hook NAME=PATH` flags: module files by hook function name, resolved from the current folder. */
export function parseHookFlags(flags: readonly string[], cwd: string): Map<string, string> {
  const modules = new Map<string, string>();
  for (const flag of flags) {
    const at = flag.indexOf('=');
    const name = flag.slice(0, at);
    const file = flag.slice(at + 1);
    if (at <= 0 || file.length === 0) throw new UsageError('--hook', `expected NAME=PATH, e.g. pre-traffic=./hooks/pre-traffic.js (got '${flag}')`);
    if (!HOOK_MODULE_EXTENSIONS.some((ext) => file.endsWith(ext))) {
      throw new UsageError('--hook', `${name}=${file}: a hook module is a JavaScript file ending ${HOOK_MODULE_EXTENSIONS.join(', ')}`);
    }
    if (modules.has(name)) throw new UsageError('--hook', `${name} is given twice; give one module per hook function`);
    modules.set(name, path.resolve(cwd, file));
  }
  return modules;
}

/**
 * The module of each hook function the appspec names, in the order of `hookEvents`: from the --hook flags when there
 * are any, else `<appspec folder>/hooks/<NAME>.js` (or .cjs, .mjs). NAME is the function's name, or the appspec's text as written
 * (an ARN, a qualified name) when a --hook flag uses that. A hook with no module, or a --hook the appspec does not
 * use, is refused before anything runs, naming the hook and where Cutover looked.
 */
export function locateHookModules(
  appSpec: HookedAppSpec,
  hookEvents: readonly string[],
  appSpecDir: string,
  flags: ReadonlyMap<string, string>,
  cwd: string,
): HookModule[] {
  const named = hookEvents.flatMap((event) => {
    const hookFunction = appSpec.hooks[event];
    return hookFunction === undefined ? [] : [{ event, hookFunction, name: functionNameOf(hookFunction) }];
  });
  for (const flagName of flags.keys()) {
    if (!named.some((hook) => hook.hookFunction === flagName || hook.name === flagName)) {
      const uses = named.length === 0 ? 'names no hook function' : `names ${listed(named.map((hook) => hook.hookFunction))}`;
      throw new UsageError('--hook', `the appspec has no hook function '${flagName}' (it ${uses})`);
    }
  }
  const shown = (file: string): string => path.relative(cwd, file) || '.';
  return named.map(({ event, hookFunction, name }) => {
    const where = `appspec Hooks.${event}`;
    if (flags.size > 0) {
      const file = flags.get(hookFunction) ?? flags.get(name);
      if (file === undefined) {
        throw new ValidationError([{ field: where, message: `hook function '${hookFunction}' has no module: give --hook ${name}=PATH (with --hook flags, only the modules they name are used)` }]);
      }
      if (!fs.existsSync(file)) throw new ValidationError([{ field: '--hook', message: `${name}: ${shown(file)} does not exist` }]);
      return { hookFunction, file };
    }
    const candidates = HOOK_MODULE_EXTENSIONS.map((ext) => path.join(appSpecDir, HOOKS_FOLDER, `${name}${ext}`));
    const file = candidates.find((candidate) => fs.existsSync(candidate));
    if (file === undefined) {
      const looked = candidates.map(shown).join(', ');
      throw new ValidationError([{ field: where, message: `hook function '${hookFunction}' has no module: looked for ${looked}; write one there or give --hook ${name}=PATH` }]);
    }
    return { hookFunction, file };
  });
}

/** Loads each module and wraps its function as the runtime's hook; `warn` tells the user what a hook did wrong. */
export async function loadHookFunctions(
  modules: readonly HookModule[],
  warn: (line: string) => void,
  cwd: string,
): Promise<Record<string, LocalHookFunction>> {
  const hooks: Record<string, LocalHookFunction> = {};
  for (const { hookFunction, file } of modules) {
    const where = `hook function '${hookFunction}' (${path.relative(cwd, file)})`;
    let loaded: unknown;
    try {
      loaded = await import(pathToFileURL(file).href);
    } catch (error) {
      throw new ValidationError([{ field: 'hook module', message: `${where} could not be loaded: ${describeError(error)}` }]);
    }
    const fn = exportedFunction(loaded);
    if (fn === undefined) {
      throw new ValidationError([{ field: 'hook module', message: `${where} exports no function: export it as the default (module.exports = …) or as handler` }]);
    }
    hooks[hookFunction] = fn.length >= 2 ? reportingHook(fn, where, warn) : reportedForHook(fn, where, warn);
  }
  return hooks;
}

/** The default export (CommonJS module.exports, ESM default) or the `handler` export, whichever is a function. */
function exportedFunction(loaded: unknown): AnyFunction | undefined {
  const namespace = loaded as { default?: { handler?: unknown; default?: unknown }; handler?: unknown };
  const candidates = [namespace.default, namespace.handler, namespace.default?.handler, namespace.default?.default];
  return candidates.find((candidate): candidate is AnyFunction => typeof candidate === 'function');
}

/** (event, codedeploy): the hook reports, as on AWS; if it does not, the user hears why the deployment waits. */
function reportingHook(fn: AnyFunction, where: string, warn: (line: string) => void): LocalHookFunction {
  // Executions already warned about: the runtime runs a hook that throws up to 3 times, as Lambda does.
  const warned = new Set<string>();
  return async (event, codedeploy) => {
    let reported = false;
    const client: LocalCodeDeployClient = {
      putLifecycleEventHookExecutionStatus: (input) => {
        reported = true;
        return codedeploy.putLifecycleEventHookExecutionStatus(input);
      },
    };
    const waits = "the deployment waits for a status until the hook's one-hour timeout";
    try {
      await fn(event, client);
    } catch (error) {
      if (!reported && !warned.has(event.LifecycleEventHookExecutionId)) {
        warned.add(event.LifecycleEventHookExecutionId);
        warn(`${where} threw before reporting a status: ${describeError(error)}. Like Lambda, Cutover runs it up to 3 times; if none reports, ${waits}`);
      }
      throw error;
    }
    if (!reported) {
      warn(`${where} returned without calling codedeploy.putLifecycleEventHookExecutionStatus: unless it reports later, ${waits} (a handler of one argument is reported for instead)`);
    }
  };
}

/** (event): a handler that returns or throws; its outcome is reported for it, once, with no retries. */
function reportedForHook(fn: AnyFunction, where: string, warn: (line: string) => void): LocalHookFunction {
  return async (event: HookInvocation, codedeploy) => {
    let status: 'Succeeded' | 'Failed' = 'Succeeded';
    try {
      await fn(event);
    } catch (error) {
      status = 'Failed';
      warn(`${where} threw: ${describeError(error)}; reporting Failed for it`);
    }
    await codedeploy.putLifecycleEventHookExecutionStatus({
      deploymentId: event.DeploymentId,
      lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
      status,
    });
  };
}

/** `a`, `a and b`, `a, b and c`. */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
