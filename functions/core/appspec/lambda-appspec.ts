// Parses a Lambda appspec as CodeDeploy takes it: YAML or JSON, keys in PascalCase or lower case, one function
// whose alias moves from CurrentVersion to TargetVersion, and at most the two traffic hooks.
import type { Node } from 'yaml';
import { readKeys, valueOf, type KeyedEntries } from './case-insensitive-keys';
import {
  DEFAULT_TRAFFIC_APPSPEC_SOURCE,
  parseTrafficAppSpec,
  readFunctionReference,
  type TrafficPlatform,
} from './traffic-appspec';
import { childField, type YamlReader } from './yaml-reader';

/** The hooks of a Lambda deployment, in the order they run around AllowTraffic. */
export const LAMBDA_HOOK_EVENTS = ['BeforeAllowTraffic', 'AfterAllowTraffic'] as const;
export type LambdaHookEvent = (typeof LAMBDA_HOOK_EVENTS)[number];

export interface LambdaAppSpec {
  readonly functionName: string;
  readonly alias: string;
  /** Published version numbers as text (`"3"`), however the file wrote them. */
  readonly currentVersion: string;
  readonly targetVersion: string;
  /** Function name or ARN to invoke per hook. */
  readonly hooks: Partial<Record<LambdaHookEvent, string>>;
}

const PROPERTY_KEYS = ['Name', 'Alias', 'CurrentVersion', 'TargetVersion'] as const;
const VERSION_NUMBER = /^[1-9]\d*$/;
// Lambda's alias rule; an all-digit name would be read as a version, so Lambda refuses it.
const ALIAS_NAME = /^(?!\d+$)[A-Za-z0-9_-]{1,128}$/;

type LambdaProperties = Omit<LambdaAppSpec, 'hooks'>;

const LAMBDA: TrafficPlatform<LambdaProperties, LambdaHookEvent> = {
  label: 'Lambda',
  article: 'a',
  noun: 'Lambda function',
  resourceType: 'AWS::Lambda::Function',
  requiredProperties: 'Name, Alias, CurrentVersion and TargetVersion',
  hookEvents: LAMBDA_HOOK_EVENTS,
  reservedEvents: ['Start', 'AllowTraffic', 'End'],
  readProperties,
};

export function parseLambdaAppSpec(text: string, source: string = DEFAULT_TRAFFIC_APPSPEC_SOURCE): LambdaAppSpec {
  const { properties, hooks } = parseTrafficAppSpec(text, source, LAMBDA);
  return { ...properties, hooks };
}

function readProperties(reader: YamlReader, node: Node | null, field: string): LambdaProperties | undefined {
  const keys = readKeys(reader, node, field, PROPERTY_KEYS, `with ${LAMBDA.requiredProperties}`);
  if (keys === undefined) {
    return undefined;
  }
  const functionName = readFunctionReference(reader, valueOf(keys, 'Name'), childField(field, 'Name'), {
    owner: node,
    qualifierAllowed: false,
    hint: 'the function whose alias shifts traffic',
  });
  const alias = readAlias(reader, keys, field, node);
  const currentVersion = readVersionNumber(reader, keys, field, 'CurrentVersion', node);
  const targetVersion = readVersionNumber(reader, keys, field, 'TargetVersion', node);
  if (currentVersion !== undefined && currentVersion === targetVersion) {
    const message = `must differ from CurrentVersion (both are ${targetVersion}); there would be no traffic to shift`;
    reader.report(childField(field, 'TargetVersion'), message, valueOf(keys, 'TargetVersion'));
    return undefined;
  }
  if (functionName === undefined || alias === undefined || currentVersion === undefined) {
    return undefined;
  }
  return targetVersion === undefined ? undefined : { functionName, alias, currentVersion, targetVersion };
}

function readAlias(reader: YamlReader, keys: KeyedEntries, field: string, owner: Node | null): string | undefined {
  const node = valueOf(keys, 'Alias');
  const aliasField = childField(field, 'Alias');
  const text = reader.readText(node, aliasField, { required: true, owner, hint: 'the alias whose traffic shifts' });
  if (text === undefined) {
    return undefined;
  }
  if (!ALIAS_NAME.test(text)) {
    const rule = 'an alias name: letters, digits, - and _, at most 128, and not only digits';
    reader.report(aliasField, `must be ${rule} (got '${text}')`, node);
    return undefined;
  }
  return text;
}

/**
 * A published version, as text whether YAML read a number or a string. `$LATEST` is refused: it changes under the
 * alias as code is pushed, so neither a rollback to it nor a shift away from it would be repeatable.
 */
function readVersionNumber(
  reader: YamlReader,
  keys: KeyedEntries,
  field: string,
  key: 'CurrentVersion' | 'TargetVersion',
  owner: Node | null,
): string | undefined {
  const node = valueOf(keys, key);
  const versionField = childField(field, key);
  const hint = key === 'CurrentVersion' ? 'the version the alias points to now' : 'the version to shift traffic to';
  const text = reader.readText(node, versionField, { required: true, owner, hint });
  if (text === undefined) {
    return undefined;
  }
  if (text.toUpperCase() === '$LATEST') {
    reader.report(versionField, `must be a published version number such as 3, not ${text}`, node);
    return undefined;
  }
  if (!VERSION_NUMBER.test(text)) {
    reader.report(versionField, `must be a published version number: a whole number from 1 (got ${text})`, node);
    return undefined;
  }
  return text;
}
