// The `permissions` section (Linux only): owner, mode, acls and SELinux labels applied after Install.
import type { Node } from 'yaml';
import type { PermissionObjectType, PermissionRule, SelinuxContext } from '../types';
import { aclEntryProblem } from './acl-rules';
import type { OsName } from './bundle-paths';
import { selinuxRangeProblem } from './selinux-rules';
import { childField, indexField, type MapEntry, type YamlReader } from './yaml-reader';

const PERMISSION_KEYS = ['object', 'pattern', 'except', 'owner', 'group', 'mode', 'acls', 'context', 'type'] as const;
const CONTEXT_KEYS = ['name', 'user', 'type', 'range'] as const;
const OBJECT_TYPES: readonly PermissionObjectType[] = ['file', 'directory'];

export function readPermissions(reader: YamlReader, node: Node | null, os: OsName | undefined): PermissionRule[] {
  const items = reader.readList(node, 'permissions', 'of permission rules, each with an object');
  if (os === 'windows' && items.length > 0) {
    reader.report('permissions', 'is only supported when os is linux; Windows hosts take no permissions section', node);
    return [];
  }
  const rules: PermissionRule[] = [];
  items.forEach((item, index) => {
    const rule = readRule(reader, item, indexField('permissions', index));
    if (rule !== undefined) {
      rules.push(rule);
    }
  });
  return rules;
}

function readRule(reader: YamlReader, node: Node | null, field: string): PermissionRule | undefined {
  const entries = reader.readMap(node, field, PERMISSION_KEYS, 'with an object and what to set on it');
  if (entries === undefined) {
    return undefined;
  }
  const value = (key: string): Node | null => entries.get(key)?.value ?? null;
  const at = (key: string): string => childField(field, key);
  const object = readObject(reader, value('object'), at('object'), node);
  const pattern = reader.readText(value('pattern'), at('pattern')) ?? '**';
  const except = readStrings(reader, value('except'), at('except'), 'of file name patterns').map((item) => item.text);
  const owner = reader.readText(value('owner'), at('owner'));
  const group = reader.readText(value('group'), at('group'));
  const mode = readMode(reader, value('mode'), at('mode'));
  const acls = readStrings(reader, value('acls'), at('acls'), 'of acl entries such as u:bob:rw');
  for (const { text, node: aclNode, index } of acls) {
    const problem = aclEntryProblem(text);
    if (problem !== undefined) {
      reader.report(indexField(at('acls'), index), problem, aclNode);
    }
  }
  const context = readContext(reader, entries.get('context'), at('context'));
  const type = readTypes(reader, value('type'), at('type'));
  if (object === undefined) {
    return undefined;
  }
  return {
    object,
    pattern: pattern === '' ? '**' : pattern,
    except,
    ...(owner === undefined ? {} : { owner }),
    ...(group === undefined ? {} : { group }),
    ...(mode === undefined ? {} : { mode }),
    acls: acls.map((item) => item.text),
    ...(context === undefined ? {} : { context }),
    type,
  };
}

function readObject(reader: YamlReader, node: Node | null, field: string, owner: Node | null): string | undefined {
  const hint = 'the absolute path on the host the rule applies to';
  const object = reader.readText(node, field, { required: true, owner, hint });
  if (object !== undefined && !object.startsWith('/')) {
    reader.report(field, `must be an absolute path starting with / (got '${object}')`, node);
    return undefined;
  }
  return object;
}

/** Octal digits exactly as written: `0644` in YAML is the number 644, so the source text is what counts. */
function readMode(reader: YamlReader, node: Node | null, field: string): string | undefined {
  const mode = reader.readText(node, field);
  if (mode === undefined || /^[0-7]{1,4}$/.test(mode)) {
    return mode;
  }
  const symbolic = /[ugoa]*[+=-][rwxXst]*/.test(mode) && /[a-z]/.test(mode);
  const why = symbolic ? '; symbolic modes such as u+x are not supported' : '';
  reader.report(field, `must be 1 to 4 octal digits (0-7), such as 755 or 0644 (got ${mode})${why}`, node);
  return undefined;
}

interface ListedText {
  readonly text: string;
  readonly node: Node | null;
  readonly index: number;
}

function readStrings(reader: YamlReader, node: Node | null, field: string, what: string): ListedText[] {
  const strings: ListedText[] = [];
  reader.readList(node, field, what).forEach((item, index) => {
    const text = reader.readText(item, indexField(field, index), { required: true, owner: node });
    if (text !== undefined) {
      strings.push({ text, node: item, index });
    }
  });
  return strings;
}

function readTypes(reader: YamlReader, node: Node | null, field: string): PermissionObjectType[] {
  if (reader.isAbsent(node)) {
    return [...OBJECT_TYPES];
  }
  const items = reader.readList(node, field, 'of file and/or directory');
  const types: PermissionObjectType[] = [];
  items.forEach((item, index) => {
    const type = reader.readChoice(item, indexField(field, index), OBJECT_TYPES, { required: true, owner: node });
    if (type !== undefined && !types.includes(type)) {
      types.push(type);
    }
  });
  if (items.length === 0) {
    reader.report(field, 'must list file, directory or both', node);
  }
  return types;
}

function readContext(reader: YamlReader, entry: MapEntry | undefined, field: string): SelinuxContext | undefined {
  if (entry === undefined || reader.isAbsent(entry.value)) {
    return undefined;
  }
  const entries = reader.readMap(entry.value, field, CONTEXT_KEYS, 'with the SELinux type and optional name, range');
  if (entries === undefined) {
    return undefined;
  }
  const value = (key: string): Node | null => entries.get(key)?.value ?? null;
  // The agent reads the SELinux user from `name` while the docs say `user`; either is taken.
  const name = reader.readText(value('name'), childField(field, 'name'));
  const user = reader.readText(value('user'), childField(field, 'user'));
  if (name !== undefined && user !== undefined && name !== user) {
    const message = `and name are both given and differ ('${user}' vs '${name}'); give one`;
    reader.report(childField(field, 'user'), message, value('user'));
  }
  const type = reader.readText(value('type'), childField(field, 'type'), {
    required: true,
    owner: entry.value,
    hint: 'the SELinux type, such as httpd_sys_content_t',
  });
  const range = reader.readText(value('range'), childField(field, 'range'));
  const rangeProblem = range === undefined ? undefined : selinuxRangeProblem(range);
  if (rangeProblem !== undefined) {
    reader.report(childField(field, 'range'), rangeProblem, value('range'));
  }
  if (type === undefined) {
    return undefined;
  }
  const selinuxUser = user ?? name;
  return {
    type,
    ...(selinuxUser === undefined ? {} : { user: selinuxUser }),
    ...(range === undefined || rangeProblem !== undefined ? {} : { range }),
  };
}
