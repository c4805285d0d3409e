// The `hooks` section: scripts per lifecycle event, with CodeDeploy's naming and timeout rules.
import type { Node } from 'yaml';
import { LIFECYCLE_EVENT_LIMIT_SECONDS } from '../lifecycle-order';
import { RESERVED_EVENTS, SCRIPTABLE_EVENTS, type HookScript, type ScriptableEvent } from '../types';
import type { OsName } from './bundle-paths';
import { readBundlePath } from './file-rules';
import { didYouMean } from './suggest';
import { childField, indexField, type YamlReader } from './yaml-reader';

export const DEFAULT_SCRIPT_TIMEOUT_SECONDS = 3600;
/** CodeDeploy's limit for one lifecycle event on one host. */
export const MAX_EVENT_SECONDS = LIFECYCLE_EVENT_LIMIT_SECONDS;

const SCRIPT_KEYS = ['location', 'timeout', 'runas', 'sudo'] as const;
// The agent's YAML loader is YAML 1.1, where these words are booleans too.
const BOOLEAN_WORDS = ['true', 'false', 'yes', 'no', 'on', 'off'];

export type Hooks = Partial<Record<ScriptableEvent, readonly HookScript[]>>;

export function readHooks(reader: YamlReader, node: Node | null, os: OsName | undefined): Hooks {
  const hooks: Hooks = {};
  if (reader.isAbsent(node)) {
    return hooks;
  }
  // Event names are checked here rather than by readMap, to explain reserved names and suggest spellings.
  const events = reader.readMap(node, 'hooks', 'any', 'from event names to lists of scripts');
  for (const { key, keyNode, value } of events?.values() ?? []) {
    const field = childField('hooks', key);
    const event = checkEventName(reader, key, field, keyNode);
    const scripts = readScripts(reader, value, field, os);
    if (event === undefined || scripts === undefined) {
      continue;
    }
    const explicitTotal = scripts.explicitTimeouts.reduce((sum, seconds) => sum + seconds, 0);
    if (explicitTotal > MAX_EVENT_SECONDS) {
      reader.report(
        field,
        `the timeouts of its scripts add up to ${explicitTotal} seconds; ` +
          `one lifecycle event may take at most ${MAX_EVENT_SECONDS} seconds`,
        keyNode,
      );
    }
    hooks[event] = scripts.list;
  }
  return hooks;
}

function checkEventName(reader: YamlReader, name: string, field: string, keyNode: Node): ScriptableEvent | undefined {
  const scriptable = SCRIPTABLE_EVENTS.find((event) => event === name);
  if (scriptable !== undefined) {
    return scriptable;
  }
  if ((RESERVED_EVENTS as readonly string[]).includes(name)) {
    reader.report(field, `${name} is run by Cutover itself and cannot have scripts`, keyNode);
    return undefined;
  }
  const allowed = `allowed: ${SCRIPTABLE_EVENTS.join(', ')}${didYouMean(name, SCRIPTABLE_EVENTS)}`;
  reader.report(field, `'${name}' is not a lifecycle event that can have scripts; ${allowed}`, keyNode);
  return undefined;
}

interface ReadScripts {
  readonly list: HookScript[];
  /** Only timeouts written in the file count toward the event limit: two scripts relying on the default are common. */
  readonly explicitTimeouts: number[];
}

function readScripts(
  reader: YamlReader,
  node: Node | null,
  field: string,
  os: OsName | undefined,
): ReadScripts | undefined {
  if (reader.isAbsent(node)) {
    const message = 'must list at least one script (- location: scripts/x.sh); remove the event if it has none';
    reader.report(field, message, node);
    return undefined;
  }
  const result: ReadScripts = { list: [], explicitTimeouts: [] };
  let complete = true;
  reader.readList(node, field, 'of scripts, each with a location').forEach((item, index) => {
    const script = readScript(reader, item, indexField(field, index), os);
    if (script === undefined) {
      complete = false;
      return;
    }
    result.list.push(script.script);
    if (script.explicitTimeout !== undefined) {
      result.explicitTimeouts.push(script.explicitTimeout);
    }
  });
  return complete ? result : undefined;
}

function readScript(
  reader: YamlReader,
  node: Node | null,
  field: string,
  os: OsName | undefined,
): { script: HookScript; explicitTimeout?: number } | undefined {
  const entries = reader.readMap(node, field, SCRIPT_KEYS, 'with a location and optional timeout, runas');
  if (entries === undefined) {
    return undefined;
  }
  const locationNode = entries.get('location')?.value ?? null;
  const location = readLocation(reader, locationNode, childField(field, 'location'), node, os);
  const timeoutNode = entries.get('timeout')?.value ?? null;
  const timeout = readTimeout(reader, timeoutNode, childField(field, 'timeout'));
  const runas = reader.readText(entries.get('runas')?.value ?? null, childField(field, 'runas'));
  checkSudo(reader, entries.get('sudo')?.value ?? null, childField(field, 'sudo'));
  if (location === undefined || timeout === null) {
    return undefined;
  }
  const script: HookScript = {
    location,
    timeout: timeout ?? DEFAULT_SCRIPT_TIMEOUT_SECONDS,
    ...(runas === undefined || runas === '' ? {} : { runas }),
  };
  return timeout === undefined ? { script } : { script, explicitTimeout: timeout };
}

function readLocation(
  reader: YamlReader,
  node: Node | null,
  field: string,
  owner: Node | null,
  os: OsName | undefined,
): string | undefined {
  const hint = 'the script file, relative to the bundle root';
  const location = readBundlePath(reader, { node, field, owner, os, hint });
  if (location === undefined) {
    return undefined;
  }
  if (location === '') {
    reader.report(field, 'must name a script file in the bundle, not the bundle root', node);
    return undefined;
  }
  return location;
}

/** Seconds when valid, undefined when absent, null when invalid (already reported). */
function readTimeout(reader: YamlReader, node: Node | null, field: string): number | undefined | null {
  const text = reader.readText(node, field);
  if (text === undefined) {
    return undefined;
  }
  const seconds = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    reader.report(field, `must be a whole number of seconds greater than 0 (got ${text})`, node);
    return null;
  }
  return seconds;
}

/** `sudo` is read by the agent but Cutover runs scripts as `runas` directly, so it is only checked, then dropped. */
function checkSudo(reader: YamlReader, node: Node | null, field: string): void {
  const text = reader.readText(node, field);
  if (text !== undefined && !BOOLEAN_WORDS.includes(text.toLowerCase())) {
    reader.report(field, `must be true or false (got ${text})`, node);
  }
}
