// Reads a paged Store list to its end, keeping the pages apart so tests can check how the list was cut.
import type { Page, PageRequest } from '../../functions/ports';

/** More pages than this means a list that never ends: a token that does not move forward. */
const MAX_PAGES = 100;

export async function pagesOf<T>(list: (page: PageRequest) => Promise<Page<T>>, limit?: number): Promise<T[][]> {
  const pages: T[][] = [];
  let nextToken: string | undefined;
  do {
    const page = await list({ ...(limit !== undefined && { limit }), ...(nextToken !== undefined && { nextToken }) });
    pages.push(page.items);
    nextToken = page.nextToken;
    if (pages.length > MAX_PAGES) throw new Error(`still a nextToken after ${MAX_PAGES} pages`);
  } while (nextToken !== undefined);
  return pages;
}
