// Query parameters that carry several values, comma-separated (`?includeOnlyStatuses=Failed,Stopped`), checked
// against what is allowed so a misspelt value is named instead of silently matching nothing.
import { z } from 'zod';
import { expected, shown } from '../core/input-messages';

export function commaList<T extends string>(allowed: readonly T[], noun: string) {
  return z.string({ error: expected(`a comma-separated list of ${allowed.join(', ')}`) }).transform((text, ctx) => {
    const values = text.split(',').map((part) => part.trim());
    const unknown = values.filter((value) => !(allowed as readonly string[]).includes(value));
    if (unknown.length > 0) {
      const which = unknown.length === 1 ? `is not a ${noun}` : `are not ${noun}es`;
      ctx.addIssue({ code: 'custom', input: text, message: `has ${unknown.map((value) => shown(value)).join(', ')}, which ${which}; allowed: ${allowed.join(', ')}` });
      return z.NEVER;
    }
    return values as T[];
  });
}
