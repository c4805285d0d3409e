// Parses an ECS appspec as CodeDeploy takes it: YAML or JSON, keys in PascalCase or lower case, one service whose
// replacement task set runs TaskDefinition behind the container and port in LoadBalancerInfo.
import { isSeq, type Node } from 'yaml';
import { readKeys, valueOf, type KeyedEntries } from './case-insensitive-keys';
import { didYouMean } from './suggest';
import {
  DEFAULT_TRAFFIC_APPSPEC_SOURCE,
  parseTrafficAppSpec,
  readWholeNumber,
  type TrafficPlatform,
} from './traffic-appspec';
import { childField, indexField, type YamlReader } from './yaml-reader';

/** The hooks of an ECS deployment, in the order they run. */
export const ECS_HOOK_EVENTS = [
  'BeforeInstall',
  'AfterInstall',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
] as const;
export type EcsHookEvent = (typeof ECS_HOOK_EVENTS)[number];

export const ASSIGN_PUBLIC_IP_VALUES = ['ENABLED', 'DISABLED'] as const;

/** Shaped as ECS's own `NetworkConfiguration`, so it passes straight to CreateTaskSet. */
export interface EcsNetworkConfiguration {
  readonly awsvpcConfiguration: {
    readonly subnets: readonly string[];
    readonly securityGroups: readonly string[];
    readonly assignPublicIp: (typeof ASSIGN_PUBLIC_IP_VALUES)[number];
  };
}

export interface EcsCapacityProviderStrategyItem {
  readonly capacityProvider: string;
  readonly base?: number;
  readonly weight?: number;
}

export interface EcsAppSpec {
  readonly taskDefinition: string;
  readonly containerName: string;
  readonly containerPort: number;
  /** Absent: ECS's default, LATEST. */
  readonly platformVersion?: string;
  /** Absent: the replacement task set reuses the service's current network settings. */
  readonly networkConfiguration?: EcsNetworkConfiguration;
  readonly capacityProviderStrategy?: readonly EcsCapacityProviderStrategyItem[];
  /** Function name or ARN to invoke per hook. */
  readonly hooks: Partial<Record<EcsHookEvent, string>>;
}

type EcsProperties = Omit<EcsAppSpec, 'hooks'>;

const PROPERTY_KEYS = [
  'TaskDefinition',
  'LoadBalancerInfo',
  'PlatformVersion',
  'NetworkConfiguration',
  'CapacityProviderStrategy',
] as const;
const LOAD_BALANCER_KEYS = ['ContainerName', 'ContainerPort'] as const;
const AWSVPC_KEYS = ['Subnets', 'SecurityGroups', 'AssignPublicIp'] as const;
const STRATEGY_KEYS = ['Base', 'CapacityProvider', 'Weight'] as const;

// A fixed revision: without one ECS takes the latest ACTIVE revision, which a rollback could not get back to.
const TASK_DEFINITION_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:[1-9]\d*$/;
const TASK_DEFINITION_EXAMPLE = 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:7';
const CONTAINER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const PLATFORM_VERSION = /^(?:LATEST|\d+\.\d+\.\d+)$/;
// ECS's limits for one awsvpc configuration.
const MAX_SUBNETS = 16;
const MAX_SECURITY_GROUPS = 5;
const SUBNET_ID = /^subnet-[0-9a-f]+$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]+$/;
// ECS's bounds for a capacity provider strategy item.
const MAX_BASE = 100_000;
const MAX_WEIGHT = 1_000;

const ECS: TrafficPlatform<EcsProperties, EcsHookEvent> = {
  label: 'ECS',
  article: 'an',
  noun: 'ECS service',
  resourceType: 'AWS::ECS::Service',
  requiredProperties: 'TaskDefinition and LoadBalancerInfo',
  hookEvents: ECS_HOOK_EVENTS,
  reservedEvents: ['Start', 'Install', 'AllowTestTraffic', 'AllowTraffic', 'End'],
  readProperties,
};

export function parseEcsAppSpec(text: string, source: string = DEFAULT_TRAFFIC_APPSPEC_SOURCE): EcsAppSpec {
  const { properties, hooks } = parseTrafficAppSpec(text, source, ECS);
  return { ...properties, hooks };
}

function readProperties(reader: YamlReader, node: Node | null, field: string): EcsProperties | undefined {
  const keys = readKeys(reader, node, field, PROPERTY_KEYS, `with ${ECS.requiredProperties}`);
  if (keys === undefined) {
    return undefined;
  }
  const taskDefinition = readTaskDefinition(reader, keys, field, node);
  const loadBalancer = readLoadBalancerInfo(reader, keys, field, node);
  const versionField = childField(field, 'PlatformVersion');
  const platformVersion = readPlatformVersion(reader, valueOf(keys, 'PlatformVersion'), versionField);
  const networkNode = valueOf(keys, 'NetworkConfiguration');
  const networkField = childField(field, 'NetworkConfiguration');
  const network = reader.isAbsent(networkNode) ? null : readNetworkConfiguration(reader, networkNode, networkField);
  const strategyNode = valueOf(keys, 'CapacityProviderStrategy');
  const strategyField = childField(field, 'CapacityProviderStrategy');
  const strategy = reader.isAbsent(strategyNode) ? null : readStrategy(reader, strategyNode, strategyField);
  if (
    taskDefinition === undefined ||
    loadBalancer === undefined ||
    platformVersion === null ||
    network === undefined ||
    strategy === undefined
  ) {
    return undefined;
  }
  return {
    taskDefinition,
    ...loadBalancer,
    ...(platformVersion === undefined ? {} : { platformVersion }),
    ...(network === null ? {} : { networkConfiguration: network }),
    ...(strategy === null ? {} : { capacityProviderStrategy: strategy }),
  };
}

function readTaskDefinition(
  reader: YamlReader,
  keys: KeyedEntries,
  field: string,
  owner: Node | null,
): string | undefined {
  const node = valueOf(keys, 'TaskDefinition');
  const taskField = childField(field, 'TaskDefinition');
  const hint = `the task definition ARN, e.g. ${TASK_DEFINITION_EXAMPLE}`;
  const text = reader.readText(node, taskField, { required: true, owner, hint });
  if (text === undefined) {
    return undefined;
  }
  if (!TASK_DEFINITION_ARN.test(text)) {
    const rule = `a task definition ARN with its revision, such as ${TASK_DEFINITION_EXAMPLE}`;
    reader.report(taskField, `must be ${rule} (got '${text}')`, node);
    return undefined;
  }
  return text;
}

function readLoadBalancerInfo(
  reader: YamlReader,
  keys: KeyedEntries,
  field: string,
  owner: Node | null,
): { containerName: string; containerPort: number } | undefined {
  const node = valueOf(keys, 'LoadBalancerInfo');
  const lbField = childField(field, 'LoadBalancerInfo');
  if (reader.isAbsent(node)) {
    const hint = 'ContainerName and ContainerPort of the container the load balancer sends traffic to';
    reader.report(lbField, `is required (${hint})`, keys.get('LoadBalancerInfo')?.keyNode ?? owner);
    return undefined;
  }
  const entries = readKeys(reader, node, lbField, LOAD_BALANCER_KEYS, 'with ContainerName and ContainerPort');
  if (entries === undefined) {
    return undefined;
  }
  const nameNode = valueOf(entries, 'ContainerName');
  const nameField = childField(lbField, 'ContainerName');
  const hint = 'a container of the task definition';
  const name = reader.readText(nameNode, nameField, { required: true, owner: node, hint });
  const nameValid = name !== undefined && CONTAINER_NAME.test(name);
  if (name !== undefined && !nameValid) {
    const rule = 'a container name: letters, digits, - and _, at most 255';
    reader.report(nameField, `must be ${rule} (got '${name}')`, nameNode);
  }
  const portField = childField(lbField, 'ContainerPort');
  const containerPort = readWholeNumber(reader, valueOf(entries, 'ContainerPort'), portField, {
    required: true,
    owner: node,
    hint: 'the port the container listens on',
    min: 1,
    max: 65_535,
  });
  if (name === undefined || !nameValid || containerPort === undefined) {
    return undefined;
  }
  return { containerName: name, containerPort };
}

/** The version when valid, undefined when absent, null when invalid (already reported). */
function readPlatformVersion(reader: YamlReader, node: Node | null, field: string): string | undefined | null {
  const text = reader.readText(node, field);
  if (text === undefined) {
    return undefined;
  }
  if (!PLATFORM_VERSION.test(text)) {
    const hint = didYouMean(text, ['LATEST']);
    reader.report(field, `must be LATEST or a version such as 1.4.0 (got '${text}')${hint}`, node);
    return null;
  }
  return text;
}

/**
 * CodeDeploy takes the three awsvpc fields together or not at all: a partial set would be merged with the
 * service's current settings in a way the appspec does not show.
 */
function readNetworkConfiguration(
  reader: YamlReader,
  node: Node | null,
  field: string,
): EcsNetworkConfiguration | undefined {
  const keys = readKeys(reader, node, field, ['AwsvpcConfiguration'], 'with AwsvpcConfiguration');
  if (keys === undefined) {
    return undefined;
  }
  const vpcNode = valueOf(keys, 'AwsvpcConfiguration');
  const vpcField = childField(field, 'AwsvpcConfiguration');
  if (reader.isAbsent(vpcNode)) {
    const owner = keys.get('AwsvpcConfiguration')?.keyNode ?? node;
    reader.report(vpcField, 'is required (Subnets, SecurityGroups and AssignPublicIp)', owner);
    return undefined;
  }
  const vpc = readKeys(reader, vpcNode, vpcField, AWSVPC_KEYS, 'with Subnets, SecurityGroups and AssignPublicIp');
  if (vpc === undefined) {
    return undefined;
  }
  const subnets = readIds(reader, vpc, vpcField, vpcNode, {
    key: 'Subnets',
    pattern: SUBNET_ID,
    example: 'subnet-0abc1234',
    max: MAX_SUBNETS,
  });
  const securityGroups = readIds(reader, vpc, vpcField, vpcNode, {
    key: 'SecurityGroups',
    pattern: SECURITY_GROUP_ID,
    example: 'sg-0abc1234',
    max: MAX_SECURITY_GROUPS,
  });
  const ipField = childField(vpcField, 'AssignPublicIp');
  const assignPublicIp = reader.readChoice(valueOf(vpc, 'AssignPublicIp'), ipField, ASSIGN_PUBLIC_IP_VALUES, {
    required: true,
    owner: vpcNode,
    hint: 'ENABLED or DISABLED',
  });
  if (subnets === undefined || securityGroups === undefined || assignPublicIp === undefined) {
    return undefined;
  }
  return { awsvpcConfiguration: { subnets, securityGroups, assignPublicIp } };
}

interface IdRule {
  readonly key: 'Subnets' | 'SecurityGroups';
  readonly pattern: RegExp;
  readonly example: string;
  readonly max: number;
}

/** A required, non-empty list of IDs such as `subnet-…`. */
function readIds(
  reader: YamlReader,
  keys: KeyedEntries,
  field: string,
  owner: Node | null,
  rule: IdRule,
): string[] | undefined {
  const node = valueOf(keys, rule.key);
  const listField = childField(field, rule.key);
  if (reader.isAbsent(node)) {
    const where = keys.get(rule.key)?.keyNode ?? owner;
    reader.report(listField, `is required (a list of IDs such as ${rule.example})`, where);
    return undefined;
  }
  const items = reader.readList(node, listField, `of IDs such as [${rule.example}]`);
  if (items.length === 0) {
    if (isSeq(node)) {
      reader.report(listField, `must name at least one ID such as ${rule.example} (got an empty list)`, node);
    }
    return undefined;
  }
  if (items.length > rule.max) {
    reader.report(listField, `may name at most ${rule.max} (got ${items.length})`, node);
  }
  const ids = items.map((item, index) => {
    const itemField = indexField(listField, index);
    const id = reader.readText(item, itemField, { required: true, owner: node });
    if (id !== undefined && !rule.pattern.test(id)) {
      reader.report(itemField, `must be an ID such as ${rule.example} (got '${id}')`, item);
      return undefined;
    }
    return id;
  });
  const valid = ids.filter((id): id is string => id !== undefined);
  return valid.length === ids.length && items.length <= rule.max ? valid : undefined;
}

function readStrategy(
  reader: YamlReader,
  node: Node | null,
  field: string,
): EcsCapacityProviderStrategyItem[] | undefined {
  const items = reader.readList(node, field, 'of items such as {CapacityProvider: FARGATE_SPOT, Weight: 1}');
  if (items.length === 0) {
    if (isSeq(node)) {
      const message =
        "must name at least one capacity provider (got an empty list); leave it out to keep the service's";
      reader.report(field, message, node);
    }
    return undefined;
  }
  let complete = true;
  let baseOwner: { field: string; node: Node | null } | undefined;
  const strategy: EcsCapacityProviderStrategyItem[] = [];
  items.forEach((item, index) => {
    const itemField = indexField(field, index);
    const keys = readKeys(reader, item, itemField, STRATEGY_KEYS, 'with CapacityProvider and optional Base and Weight');
    if (keys === undefined) {
      complete = false;
      return;
    }
    const providerField = childField(itemField, 'CapacityProvider');
    const capacityProvider = reader.readText(valueOf(keys, 'CapacityProvider'), providerField, {
      required: true,
      owner: item,
      hint: 'e.g. FARGATE or FARGATE_SPOT',
    });
    const baseNode = valueOf(keys, 'Base');
    const baseField = childField(itemField, 'Base');
    const base = readWholeNumber(reader, baseNode, baseField, { min: 0, max: MAX_BASE });
    const weightNode = valueOf(keys, 'Weight');
    const weight = readWholeNumber(reader, weightNode, childField(itemField, 'Weight'), { min: 0, max: MAX_WEIGHT });
    // ECS places Base tasks on one provider only.
    if (base !== undefined && base > 0) {
      if (baseOwner !== undefined) {
        const holder = `${baseOwner.field} (line ${reader.lineOf(baseOwner.node)})`;
        const message = `only one capacity provider may have a Base above 0; ${holder} has one`;
        reader.report(baseField, message, baseNode);
        complete = false;
      }
      baseOwner ??= { field: baseField, node: baseNode };
    }
    const baseInvalid = !reader.isAbsent(baseNode) && base === undefined;
    const weightInvalid = !reader.isAbsent(weightNode) && weight === undefined;
    if (capacityProvider === undefined || baseInvalid || weightInvalid) {
      complete = false;
      return;
    }
    strategy.push({
      capacityProvider,
      ...(base === undefined ? {} : { base }),
      ...(weight === undefined ? {} : { weight }),
    });
  });
  return complete ? strategy : undefined;
}
