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

export interface NamesFound<T> {
  readonly found: ReadonlyMap<string, T>;
  readonly missing: ReadonlySet<string>;
}

/** Every named item; names the API does not know come back in `missing`. Other errors propagate. */
export async function lookUpNames<T>(names: readonly string[], lookup: NameLookup<T>): Promise<NamesFound<T>> {
  const found = new Map<string, T>();
  const missing = new Set<string>();
  const unique = [...new Set(names)];
  for (let start = 0; start < unique.length; start += lookup.namesPerCall) {
    const chunk = unique.slice(start, start + lookup.namesPerCall);
    const items = await describeAll(chunk, lookup);
    const keep = (item: T): void => {
      const name = lookup.nameOf(item);
      if (name !== undefined) found.set(name, item);
    };
    if (items !== undefined) {
      items.forEach(keep);
      continue;
    }
    for (const name of chunk) {
      const alone = await describeAll([name], lookup);
      if (alone === undefined) missing.add(name);
      else alone.forEach(keep);
    }
  }
  // A name the call accepted but did not answer for is as unusable as one it rejected.
  for (const name of unique) if (!found.has(name)) missing.add(name);
  return { found, missing };
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
