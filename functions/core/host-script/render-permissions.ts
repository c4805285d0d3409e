// Renders the appspec `permissions` section: which objects each rule selects, and the commands applied to them.
import type { PermissionRule } from '../types';
import { absoluteHostPath } from './host-paths';
import { shellQuote } from './shell-quote';

/** Tools a permissions section needs beyond coreutils, checked before Install changes anything on the host. */
export function permissionTools(rules: readonly PermissionRule[]): string[] {
  const tools: string[] = [];
  if (rules.some((rule) => rule.acls.length > 0)) tools.push('setfacl');
  if (rules.some((rule) => rule.context !== undefined)) tools.push('chcon');
  return tools;
}

/**
 * One block per rule, in appspec order. A file object gets the rule directly (when its type includes file, as the
 * agent does); a directory object gets it on regular files right below it (type file) and on every directory beneath
 * it (type directory), filtered by -name pattern / ! -name except. find passes names as arguments and every path it
 * yields starts with "/", so no name can be read as shell text or as an option. A missing object is skipped with a
 * note, as the agent does.
 * The object and the directories above it must pass the link rule (install-lib.ts) first. find -P never follows a
 * link below the object, and -type f / -type d never select one; "$obj/." starts find inside an object that is a
 * link the rule allows (a host's own link, in the cloud), which -P alone would not enter.
 */
export function renderPermissions(rules: readonly PermissionRule[]): string[] {
  return rules.flatMap((rule, index) => renderRule(rule, index));
}

function renderRule(rule: PermissionRule, index: number): string[] {
  const object = absoluteHostPath(`permissions[${index}].object`, rule.object) || '/';
  const commands = ruleCommands(rule);
  if (commands.length === 0) return [];
  const fail = `cutover_fail ${shellQuote(`The deployment failed because permissions could not be applied to ${object} or below it`)}`;
  const filters = [
    ...(rule.pattern === '**' ? [] : ['-name', shellQuote(rule.pattern)]),
    ...rule.except.flatMap((name) => ['!', '-name', shellQuote(name)]),
  ].join(' ');
  const selections: string[] = [];
  if (rule.type.includes('file')) selections.push(['-maxdepth 1 -type f', filters].filter(Boolean).join(' '));
  if (rule.type.includes('directory')) selections.push(['-type d', filters].filter(Boolean).join(' '));
  const underObject = selections.flatMap((selection) =>
    commands.map((command) => `  find -P "$obj/." -mindepth 1 ${selection} -exec ${command} {} + || ${fail}`),
  );
  const onObject = rule.type.includes('file') ? commands.map((command) => `  ${command} "$obj" || ${fail}`) : ['  :'];
  return [
    `obj="$ROOT"${shellQuote(object)}`,
    'cutover_safe "$obj" || cutover_failp',
    'if [ -d "$obj" ]; then',
    ...underObject,
    'elif [ -e "$obj" ]; then',
    ...onObject,
    'else',
    `  printf '%s\\n' ${shellQuote(`Permissions: ${object} does not exist; rule skipped`)}`,
    'fi',
  ];
}

/**
 * The commands, each ending in `--` so the object paths that follow are never options. Ownership goes first because
 * chown clears setuid/setgid bits the mode may set; the mode goes before ACLs because chmod rewrites the ACL mask.
 */
function ruleCommands(rule: PermissionRule): string[] {
  const commands: string[] = [];
  if (rule.owner !== undefined) {
    const owner = rule.group === undefined ? rule.owner : `${rule.owner}:${rule.group}`;
    commands.push(`chown -- ${shellQuote(owner)}`);
  } else if (rule.group !== undefined) {
    commands.push(`chgrp -- ${shellQuote(rule.group)}`);
  }
  if (rule.mode !== undefined) commands.push(`chmod -- ${shellQuote(rule.mode)}`);
  for (const acl of rule.acls) commands.push(`setfacl -m ${shellQuote(acl)} --`);
  if (rule.context !== undefined) {
    const { user, type, range } = rule.context;
    // chcon's -l sets the MLS range (its -r is the role, which the agent refuses to support).
    const flags = [
      ...(user === undefined ? [] : ['-u', shellQuote(user)]),
      '-t',
      shellQuote(type),
      ...(range === undefined ? [] : ['-l', shellQuote(range)]),
    ];
    commands.push(`chcon ${flags.join(' ')} --`);
  }
  return commands;
}
