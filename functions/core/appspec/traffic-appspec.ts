// What Lambda and ECS appspecs share: YAML or JSON text, `version: 0.0`, exactly one resource under `Resources`,
// and `Hooks` as a list of `- Event: function` items. Each platform module reads its resource's Properties.
import { LineCounter, isMap, isSeq, parseDocument, type Document, type Node, type YAMLError } from 'yaml';
import { AppSpecError, type FieldProblem } from '../errors';
import { readAppSpecVersion } from './appspec-version';
import { sortByLine, yamlSyntaxProblem } from './yaml-problems';
import { canonicalKey, readKeys, valueOf, type KeyedEntries } from './case-insensitive-keys';
import { didYouMean } from './suggest';
import { childField, describe, indexField, YamlReader, type MapEntry, type TextOptions } from './yaml-reader';

/** Lambda and ECS revisions carry a single `appspec.yaml`, or the same text inline in the request. */
export const DEFAULT_TRAFFIC_APPSPEC_SOURCE = 'appspec.yaml';

const TOP_LEVEL_KEYS = ['version', 'Resources', 'Hooks'] as const;
const RESOURCE_KEYS = ['Type', 'Properties'] as const;
const RESOURCE_TYPES: Readonly<Record<string, string>> = {
  'AWS::Lambda::Function': 'a Lambda function',
  'AWS::ECS::Service': 'an ECS service',
};

export interface TrafficPlatform<P, E extends string> {
  /** `Lambda` or `ECS`, as in "a Lambda appspec", with its article. */
  readonly label: string;
  readonly article: 'a' | 'an';
  /** What the one resource is, as in "deploys exactly one Lambda function". */
  readonly noun: string;
  readonly resourceType: string;
  /** The properties a resource needs, for "is required (…)". */
  readonly requiredProperties: string;
  /** Hook events in the order they run. */
  readonly hookEvents: readonly E[];
  /** Events Cutover runs itself, which a hook cannot name. */
  readonly reservedEvents: readonly string[];
  readonly readProperties: (reader: YamlReader, node: Node | null, field: string) => P | undefined;
}

export interface TrafficAppSpec<P, E extends string> {
  readonly properties: P;
  readonly hooks: Partial<Record<E, string>>;
}

export function parseTrafficAppSpec<P, E extends string>(
  text: string,
  source: string,
  platform: TrafficPlatform<P, E>,
): TrafficAppSpec<P, E> {
  const lines = new LineCounter();
  // Duplicate keys are found by the reader, which can name the field; the parser would only give a position.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length > 0) {
    // A document that does not parse cannot be checked further without reporting phantom problems.
    throw new AppSpecError(syntaxProblems(text, doc.errors, source, lines));
  }
  const reader = new YamlReader(doc, lines, source);
  const appSpec = readDocument(reader, doc, platform);
  if (reader.problems.length > 0 || appSpec === undefined) {
    throw new AppSpecError(sortByLine(reader.problems));
  }
  return appSpec;
}

function readDocument<P, E extends string>(
  reader: YamlReader,
  doc: Document.Parsed,
  platform: TrafficPlatform<P, E>,
): TrafficAppSpec<P, E> | undefined {
  const root = reader.deref(doc.contents);
  const needs = `version: 0.0 and Resources naming the ${platform.noun}`;
  if (reader.isAbsent(root)) {
    reader.report(reader.rootField, `is empty; ${appSpecOf(platform)} needs ${needs}`);
    return undefined;
  }
  if (!isMap(root)) {
    reader.report(reader.rootField, `must be a mapping with ${needs} (got ${describe(root)})`, root);
    return undefined;
  }
  const entries = readKeys(reader, root, '', TOP_LEVEL_KEYS, '') ?? new Map<string, MapEntry>();
  const version = readAppSpecVersion(reader, entries.get('version'));
  const properties = readResources(reader, entries.get('Resources'), root, platform);
  const hooks = readHooks(reader, valueOf(entries, 'Hooks'), platform);
  return version === undefined || properties === undefined ? undefined : { properties, hooks };
}

function readResources<P, E extends string>(
  reader: YamlReader,
  entry: MapEntry | undefined,
  root: Node | null,
  platform: TrafficPlatform<P, E>,
): P | undefined {
  const node = entry?.value ?? null;
  if (reader.isAbsent(node)) {
    reader.report('Resources', `is required (the ${platform.noun} to deploy)`, entry?.keyNode ?? root);
    return undefined;
  }
  const example = `such as - my${platform.label}Resource: {Type: ${platform.resourceType}, Properties: …}`;
  const items = reader.readList(node, 'Resources', `with one item ${example}`);
  if (items.length === 0) {
    // readList has reported a value that is not a list; an empty one is left to explain here.
    if (isSeq(node)) {
      reader.report('Resources', `must list the ${platform.noun} to deploy (got an empty list)`, node);
    }
    return undefined;
  }
  items.slice(1).forEach((item, index) => {
    const message =
      `${appSpecOf(platform)} deploys exactly one ${platform.noun}, but Resources lists ${items.length}; ` +
      'deploy the others separately';
    reader.report(indexField('Resources', index + 1), message, item);
  });
  return readResource(reader, items[0], indexField('Resources', 0), platform);
}

/** One list item: `- <logical name>: {Type, Properties}`. */
function readResource<P, E extends string>(
  reader: YamlReader,
  node: Node | null,
  field: string,
  platform: TrafficPlatform<P, E>,
): P | undefined {
  const what = `from the ${platform.noun}'s logical name to its Type and Properties`;
  const entries = reader.readMap(node, field, 'any', what);
  if (entries === undefined) {
    return undefined;
  }
  const named = [...entries.values()];
  // The usual slip: Type and Properties written straight under the dash, without the logical name above them.
  if (named.some(({ key }) => canonicalKey(key, RESOURCE_KEYS) !== undefined)) {
    const fix = `write - my${platform.label}Resource: and indent Type and Properties under it`;
    reader.report(field, `lacks the resource's logical name; ${fix}`, node);
    return undefined;
  }
  const [first, ...others] = named;
  if (first === undefined) {
    const example = `- my${platform.label}Resource: {Type: …, Properties: …}`;
    reader.report(field, `must name the ${platform.noun}: ${example}`, node);
    return undefined;
  }
  for (const other of others) {
    const rule = `${appSpecOf(platform)} deploys exactly one ${platform.noun}`;
    const message = `is a second resource in one list item; ${rule}`;
    reader.report(childField(field, other.key), message, other.keyNode);
  }
  const resourceField = childField(field, first.key);
  const keys = readKeys(reader, first.value, resourceField, RESOURCE_KEYS, 'with Type and Properties');
  if (keys === undefined) {
    return undefined;
  }
  const typeMatches = readType(reader, keys, resourceField, first.value, platform);
  const properties = readPropertiesOf(reader, keys, resourceField, first.value, platform);
  return typeMatches ? properties : undefined;
}

function readType<P, E extends string>(
  reader: YamlReader,
  keys: KeyedEntries,
  resourceField: string,
  owner: Node | null,
  platform: TrafficPlatform<P, E>,
): boolean {
  const field = childField(resourceField, 'Type');
  const node = valueOf(keys, 'Type');
  const text = reader.readText(node, field, { required: true, owner, hint: platform.resourceType });
  if (text === undefined || text === platform.resourceType) {
    return text !== undefined;
  }
  const other = RESOURCE_TYPES[text];
  const hint =
    other === undefined
      ? didYouMean(text, [platform.resourceType])
      : `; that is ${other}, but this appspec is read for ${platform.article} ${platform.label} deployment`;
  reader.report(field, `must be ${platform.resourceType} (got '${text}')${hint}`, node);
  return false;
}

function readPropertiesOf<P, E extends string>(
  reader: YamlReader,
  keys: KeyedEntries,
  resourceField: string,
  owner: Node | null,
  platform: TrafficPlatform<P, E>,
): P | undefined {
  const field = childField(resourceField, 'Properties');
  const node = valueOf(keys, 'Properties');
  if (reader.isAbsent(node)) {
    reader.report(field, `is required (${platform.requiredProperties})`, keys.get('Properties')?.keyNode ?? owner);
    return undefined;
  }
  return platform.readProperties(reader, node, field);
}

/**
 * `- Event: function` items. Events run in lifecycle order whatever the order of the list, and each at most once,
 * so an event listed twice is refused rather than one of its functions silently dropped.
 */
function readHooks<P, E extends string>(
  reader: YamlReader,
  node: Node | null,
  platform: TrafficPlatform<P, E>,
): Partial<Record<E, string>> {
  const hooks: Partial<Record<E, string>> = {};
  const seen = new Map<E, Node>();
  const example = `such as - ${platform.hookEvents[platform.hookEvents.length - 1]}: CodeDeployHook_check`;
  reader.readList(node, 'Hooks', `of items ${example}`).forEach((item, index) => {
    const itemField = indexField('Hooks', index);
    const entries = reader.readMap(item, itemField, 'any', 'from a lifecycle event to the function it invokes');
    for (const { key, keyNode, value } of entries?.values() ?? []) {
      const event = readEventName(reader, key, childField(itemField, key), keyNode, platform);
      const field = childField(itemField, event ?? key);
      const target = readFunctionReference(reader, value, field, {
        owner: keyNode,
        qualifierAllowed: true,
        hint: 'the name or ARN of the function to invoke',
      });
      if (event === undefined) {
        continue;
      }
      const first = seen.get(event);
      if (first !== undefined) {
        const message =
          `is listed more than once (first on line ${reader.lineOf(first)}); ` +
          'each hook runs once per deployment, keep one';
        reader.report(field, message, keyNode);
        continue;
      }
      seen.set(event, keyNode);
      if (target !== undefined) {
        hooks[event] = target;
      }
    }
  });
  return hooks;
}

function readEventName<P, E extends string>(
  reader: YamlReader,
  name: string,
  field: string,
  keyNode: Node,
  platform: TrafficPlatform<P, E>,
): E | undefined {
  const event = canonicalKey(name, platform.hookEvents);
  if (event !== undefined) {
    return event as E;
  }
  const allowed = `allowed: ${platform.hookEvents.join(', ')}`;
  const reserved = canonicalKey(name, platform.reservedEvents);
  if (reserved !== undefined) {
    reader.report(field, `${reserved} is run by Cutover itself and cannot have a hook; ${allowed}`, keyNode);
    return undefined;
  }
  const hint = didYouMean(name, platform.hookEvents);
  const kind = `${platform.article} ${platform.label}`;
  reader.report(field, `'${name}' is not ${kind} lifecycle hook; ${allowed}${hint}`, keyNode);
  return undefined;
}

// Lambda's own rules: a name of letters, digits, - and _ (at most 64), or a partial or full ARN, optionally with a
// version or alias qualifier.
const FUNCTION_NAME = '[A-Za-z0-9_-]{1,64}';
const FUNCTION_PREFIX = '(?:arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:function:|\\d{12}:function:)?';
const FUNCTION_QUALIFIER = '(?::(?:\\$LATEST|[A-Za-z0-9_-]{1,128}))?';
const UNQUALIFIED_FUNCTION = new RegExp(`^${FUNCTION_PREFIX}${FUNCTION_NAME}$`);
const QUALIFIED_FUNCTION = new RegExp(`^${FUNCTION_PREFIX}${FUNCTION_NAME}${FUNCTION_QUALIFIER}$`);

export interface FunctionReferenceOptions extends TextOptions {
  /** Hooks may pin a version or alias (`fn:3`); a deployed function gets its alias from `Alias` instead. */
  readonly qualifierAllowed: boolean;
}

/** A Lambda function name or ARN; required. */
export function readFunctionReference(
  reader: YamlReader,
  node: Node | null,
  field: string,
  options: FunctionReferenceOptions,
): string | undefined {
  const text = reader.readText(node, field, { ...options, required: true });
  if (text === undefined) {
    return undefined;
  }
  const pattern = options.qualifierAllowed ? QUALIFIED_FUNCTION : UNQUALIFIED_FUNCTION;
  if (!pattern.test(text)) {
    const qualifier = options.qualifierAllowed ? ', optionally with :version or :alias' : '';
    const rule = `a Lambda function name (letters, digits, - and _, at most 64) or its ARN${qualifier}`;
    reader.report(field, `must be ${rule} (got '${text}')`, node);
    return undefined;
  }
  return text;
}

export interface WholeNumberOptions extends TextOptions {
  readonly min: number;
  readonly max: number;
}

/** A whole number within bounds, written bare or quoted (`80`, `"80"`). */
export function readWholeNumber(
  reader: YamlReader,
  node: Node | null,
  field: string,
  options: WholeNumberOptions,
): number | undefined {
  const text = reader.readText(node, field, options);
  if (text === undefined) {
    return undefined;
  }
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= options.min && value <= options.max)) {
    reader.report(field, `must be a whole number from ${options.min} to ${options.max} (got ${text})`, node);
    return undefined;
  }
  return value;
}

function syntaxProblems(
  text: string,
  errors: readonly YAMLError[],
  source: string,
  lines: LineCounter,
): FieldProblem[] {
  // YAML's account of broken JSON ("Implicit keys need to be on a single line" for a missing comma) misleads;
  // JSON's own parser explains it, and the YAML error still gives a line where JSON's message has no position.
  if (/^\s*[{[]/.test(text)) {
    const problem = jsonProblem(text, source, lines);
    if (problem !== undefined) {
      return [problem.line === undefined ? { ...problem, line: lines.linePos(errors[0].pos[0]).line } : problem];
    }
  }
  return errors.map((error) => yamlSyntaxProblem(error, source, lines));
}

/** JSON.parse's complaint about `text` with the line it points at, if it has one; undefined if the JSON is valid. */
function jsonProblem(text: string, source: string, lines: LineCounter): FieldProblem | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    // Node 20 writes "… in JSON at position 21", later versions add "(line 3 column 3)"; some messages quote the
    // text instead ("Unexpected token '}', "…" is not valid JSON"), which is noise once the line is given.
    const position = / in JSON at position (\d+)(?: \(line \d+ column \d+\))?$/.exec(raw);
    const detail = (position === null ? raw : raw.slice(0, position.index)).replace(/, .*is not valid JSON$/s, '');
    const message = `is not valid JSON: ${detail}`;
    if (position === null) {
      return { field: source, message };
    }
    return { field: source, message, line: lines.linePos(Number(position[1])).line };
  }
}


/** "a Lambda appspec", "an ECS appspec". */
function appSpecOf<P, E extends string>(platform: TrafficPlatform<P, E>): string {
  return `${platform.article} ${platform.label} appspec`;
}
