// "Did you mean …?" hints for misspelt keys, hook names and enum values.

/** Levenshtein distance; the inputs are short names, so the quadratic table is fine. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The candidate `value` most likely stands for: one equal but for case, else the nearest within edit distance 3.
 * Short names get a smaller allowance so that `foo` does not "mean" `os`.
 */
export function suggest(value: string, candidates: readonly string[]): string | undefined {
  const lower = value.toLowerCase();
  const sameButCase = candidates.find((candidate) => candidate.toLowerCase() === lower);
  if (sameButCase !== undefined) {
    return sameButCase;
  }
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    const allowance = Math.min(3, Math.ceil(Math.max(candidate.length, value.length) / 4));
    if (distance <= allowance && (best === undefined || distance < best.distance)) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}

/** `" (did you mean X?)"` or nothing, ready to append to a message. */
export function didYouMean(value: string, candidates: readonly string[]): string {
  const hint = suggest(value, candidates);
  return hint === undefined ? '' : `; did you mean ${hint}?`;
}

/** `'a', 'b' or 'c'` for messages that list what is allowed. */
export function listAllowed(values: readonly string[]): string {
  if (values.length <= 1) {
    return values.join('');
  }
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}
