// setfacl entries in `permissions[].acls`, checked the way the agent's AceInfo parses them:
// [d[efault]:][u[ser]|g[roup]|m[ask]|o[ther]:][name]:perms, with perms rwx/- letters or one octal digit.

const QUALIFIERS: Record<string, 'user' | 'group' | 'mask' | 'other'> = {
  u: 'user',
  user: 'user',
  g: 'group',
  group: 'group',
  m: 'mask',
  mask: 'mask',
  o: 'other',
  other: 'other',
};

const OWNER_OF: Record<'user' | 'group' | 'other', string> = {
  user: 'owning user',
  group: 'owning group',
  other: 'others',
};

/** Why `entry` is not an acl entry the agent accepts, or undefined when it is fine. */
export function aclEntryProblem(entry: string): string | undefined {
  const parts = entry.split(':');
  if (parts.length < 2 || parts.length > 4) {
    return `'${entry}' is not an acl entry; use [d:]u|g:name:rwx, m:rwx or d:o:rwx`;
  }
  const perms = parts[parts.length - 1];
  let rest = parts.slice(0, -1);
  let isDefault = false;
  if (rest.length >= 2 && (rest[0] === 'd' || rest[0] === 'default')) {
    isDefault = true;
    rest = rest.slice(1);
  }
  if (rest.length > 2) {
    return `'${entry}' is not an acl entry; only a default: prefix may come before the type`;
  }
  const [type, name] = rest.length === 2 ? [QUALIFIERS[rest[0]], rest[1]] : qualifierOnly(rest[0]);
  if (type === undefined) {
    return `'${entry}' has an unknown entry type '${rest[0]}'; use u, g, m or o`;
  }
  if ((type === 'mask' || type === 'other') && name !== '') {
    return `'${entry}' gives a name to a ${type} entry, which has none`;
  }
  if (!isDefault && type !== 'mask' && name === '') {
    return (
      `'${entry}' sets the ${OWNER_OF[type]}'s entry; ` +
      'use mode for the owning user/group and others, acls only for named users and groups'
    );
  }
  if (!/^([0-7]|[rwx-]+)$/.test(perms)) {
    return `'${entry}' has invalid permissions '${perms}'; use letters from rwx- or one octal digit`;
  }
  return undefined;
}

/** A lone qualifier is a type for m/o and otherwise the name of a user, as setfacl reads it. */
function qualifierOnly(part: string): [type: 'user' | 'group' | 'mask' | 'other' | undefined, name: string] {
  const type = QUALIFIERS[part];
  return type === 'mask' || type === 'other' ? [type, ''] : ['user', part];
}
