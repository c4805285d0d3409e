// The NextToken loop every AWS list call needs, written once.

/** One page of a list call: its items, and the token of the next page if there is one. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextToken?: string;
}

/** Fetches page after page until one comes back without a token (AWS sends none, or an empty one, on the last). */
export async function allPages<T>(fetchPage: (nextToken: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const page = await fetchPage(nextToken);
    items.push(...page.items);
    nextToken = page.nextToken === '' ? undefined : page.nextToken;
  } while (nextToken !== undefined);
  return items;
}
