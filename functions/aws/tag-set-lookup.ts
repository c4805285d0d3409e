// Evaluates a tag set with one lookup per filter: OR within a group, AND across groups (functions/core).
import { combineTagSet, unionOfIds } from '../core/target-selection';
import type { TagFilter } from '../core/types';

/**
 * The instances `groups` select, `instancesMatching` giving those one filter matches. Groups are looked up one after
 * the other, and once a group matches nothing the rest are not looked up: the AND is empty whatever they hold.
 */
export async function instancesSelectedByTagSet(
  groups: readonly (readonly TagFilter[])[],
  instancesMatching: (filter: TagFilter) => Promise<readonly string[]>,
): Promise<string[]> {
  const matched: (readonly string[])[][] = [];
  for (const group of groups) {
    const perFilter: (readonly string[])[] = [];
    for (const filter of group) {
      perFilter.push(await instancesMatching(filter));
    }
    matched.push(perFilter);
    if (unionOfIds(perFilter).length === 0) return [];
  }
  return combineTagSet(matched);
}
