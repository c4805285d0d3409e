// How zod messages show bad input: the value, cut short, and whether it was missing or wrong.

/** Shows the offending input in a message without dumping a huge value. */
export function shown(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    // Bigints and cyclic objects cannot be stringified; their type is still worth showing.
    text = `a ${typeof value}`;
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Message for input of the wrong type, telling a missing field apart from a wrong one. */
export function expected(what: string): (issue: { input?: unknown }) => string {
  return (issue) =>
    issue.input === undefined ? `is required: ${what}` : `must be ${what} (got ${shown(issue.input)})`;
}
