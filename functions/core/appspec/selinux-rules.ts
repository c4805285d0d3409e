// SELinux MLS ranges in `permissions[].context.range`: s<low>[-s<high>][:c<n>[.c<m>](,c<n>[.c<m>])*].

const MAX_CATEGORY = 1023;

/** Why `range` is not a range the agent accepts, or undefined when it is fine. */
export function selinuxRangeProblem(range: string): string | undefined {
  const match = /^s(\d+)(?:-s(\d+))?(?::(.+))?$/.exec(range);
  if (match === null) {
    return `must be an MLS range such as s0, s0-s2 or s0:c0.c5,c9 (got '${range}')`;
  }
  const [, low, high, categories] = match;
  if (high !== undefined && Number(high) < Number(low)) {
    return `has its high sensitivity below its low one (got '${range}')`;
  }
  return categories === undefined ? undefined : categoriesProblem(categories, range);
}

function categoriesProblem(categories: string, range: string): string | undefined {
  const seen = new Set<number>();
  for (const part of categories.split(',')) {
    const match = /^c(\d+)(?:\.c(\d+))?$/.exec(part);
    if (match === null) {
      return `has an invalid category '${part}'; use c<n> or c<n>.c<m> (got '${range}')`;
    }
    const low = Number(match[1]);
    const high = match[2] === undefined ? low : Number(match[2]);
    if (high > MAX_CATEGORY || high < low) {
      const rule = `categories run from c0 to c${MAX_CATEGORY}, low to high`;
      return `has an invalid category '${part}'; ${rule} (got '${range}')`;
    }
    for (let category = low; category <= high; category += 1) {
      if (seen.has(category)) {
        return `names category c${category} more than once (got '${range}')`;
      }
      seen.add(category);
    }
  }
  return undefined;
}
