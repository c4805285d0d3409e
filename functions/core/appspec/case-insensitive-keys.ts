// Keys of Lambda and ECS appspecs. CodeDeploy's own pages write them in PascalCase (`Resources`, `TaskDefinition`)
// and in lower case (`resources`, `currentversion`), and CodeDeploy takes either, so a key matches its canonical
// name whatever its letter case. Problems name fields by the canonical spelling, so the path of a field does not
// depend on how one file happened to spell it.
import type { Node } from 'yaml';
import { didYouMean } from './suggest';
import { childField, type MapEntry, type YamlReader } from './yaml-reader';

/** Entries of a mapping under their canonical key. */
export type KeyedEntries = ReadonlyMap<string, MapEntry>;

export function canonicalKey(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  return allowed.find((candidate) => candidate.toLowerCase() === lower);
}

/**
 * Like `YamlReader.readMap`, but matching `allowed` without regard to case. `Resources` next to `resources` is the
 * same key given twice and is reported as such: which one wins would otherwise depend on their order.
 */
export function readKeys(
  reader: YamlReader,
  node: Node | null,
  field: string,
  allowed: readonly string[],
  what: string,
): KeyedEntries | undefined {
  // Exact duplicates and non-scalar keys are reported by readMap; only the case-folding is done here.
  const entries = reader.readMap(node, field, 'any', what);
  if (entries === undefined) {
    return undefined;
  }
  const result = new Map<string, MapEntry>();
  const spelling = new Map<string, string>();
  for (const entry of entries.values()) {
    const canonical = canonicalKey(entry.key, allowed);
    if (canonical === undefined) {
      const where = field === '' ? 'top-level key' : `key in ${field}`;
      const hint = `allowed keys: ${allowed.join(', ')} (in any letter case)${didYouMean(entry.key, allowed)}`;
      reader.report(childField(field, entry.key), `'${entry.key}' is not an allowed ${where}; ${hint}`, entry.keyNode);
      continue;
    }
    const earlier = result.get(canonical);
    if (earlier !== undefined) {
      const first = `as ${spelling.get(canonical) ?? canonical} on line ${reader.lineOf(earlier.keyNode)}`;
      reader.report(
        childField(field, canonical),
        `appears more than once (${first}, again as ${entry.key}); keys match in any letter case, keep only one`,
        entry.keyNode,
      );
    }
    result.set(canonical, { ...entry, key: canonical });
    spelling.set(canonical, entry.key);
  }
  return result;
}

/** The value under a canonical key; null when the key is missing or has no value. */
export function valueOf(entries: KeyedEntries | undefined, key: string): Node | null {
  return entries?.get(key)?.value ?? null;
}
