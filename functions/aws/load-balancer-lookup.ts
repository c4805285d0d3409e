// Finds load balancers (target groups, classic ELBs) by the names a deployment group lists. Both APIs fail a whole
// Describe call when one name is unknown, without saying which, so a failed call is repeated name by name: every
// missing name can then be reported at once, each with its own field.

import { allPages, type Page } from './all-pages';

export interface NameLookup<T> {
  /** One Describe call for these names, from `marker` on (the page's nextToken is the API's NextMarker). */
  readonly describe: (names: readonly string[], marker: string | undefined) => Promise<Page<T>>;
  readonly nameOf: (item: T) => string | undefined;
  /** The SDK error name for an unknown name, e.g. TargetGroupNotFoundException. */
  readonly notFoundError: string;
  readonly namesPerCall: number;
}

/**
 * Every named item, by name. A name the API does not know is absent, and so is one a call accepted but did not answer
 * for: it is as unusable. Other errors propagate.
 */
export async function lookUpNames<T>(names: readonly string[], lookup: NameLookup<T>): Promise<ReadonlyMap<string, T>> {
  const found = new Map<string, T>();
  const keep = (items: readonly T[] | undefined): void => {
    for (const item of items ?? []) {
      const name = lookup.nameOf(item);
      if (name !== undefined) found.set(name, item);
    }
  };
  const unique = [...new Set(names)];
  for (let start = 0; start < unique.length; start += lookup.namesPerCall) {
    const chunk = unique.slice(start, start + lookup.namesPerCall);
    const items = await describeAll(chunk, lookup);
    if (items !== undefined) {
      keep(items);
    } else {
      for (const name of chunk) keep(await describeAll([name], lookup));
    }
  }
  return found;
}

/** Every page for these names; undefined when the API says one of them does not exist. */
async function describeAll<T>(names: readonly string[], lookup: NameLookup<T>): Promise<T[] | undefined> {
  try {
    return await allPages((marker) => lookup.describe(names, marker));
  } catch (error) {
    if (error instanceof Error && error.name === lookup.notFoundError) return undefined;
    throw error;
  }
}
