// `--output table`: any API answer as plain-text tables. A list of objects is one table with a column per field,
// a list of names one column, an object two columns of dotted keys and values. Nothing is dropped: a nested value
// becomes its dotted keys, or compact JSON in a cell.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function renderTables(value: unknown): string {
  const data = value as Json;
  if (data === undefined || data === null) return '';
  if (!isObject(data)) return section(undefined, data);
  const parts: string[] = [];
  const scalars: [string, Json][] = [];
  for (const [key, item] of Object.entries(data)) {
    if (isObject(item) || Array.isArray(item)) parts.push(section(key, item));
    else scalars.push([key, item]);
  }
  // Scalars of the answer itself (nextToken, applicationName) first, as one small table.
  if (scalars.length > 0) parts.unshift(grid(['field', 'value'], scalars.map(([k, v]) => [k, cell(v)])));
  return parts.filter((p) => p !== '').join('\n\n');
}

function section(title: string | undefined, value: Json): string {
  const heading = title === undefined ? '' : `${title}\n`;
  if (Array.isArray(value)) {
    if (value.length === 0) return `${heading}(none)`;
    if (value.every(isObject)) {
      const rows = value.map((item) => flatten(item as { [key: string]: Json }));
      const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
      return heading + grid(columns, rows.map((row) => columns.map((c) => (c in row ? cell(row[c]) : ''))));
    }
    // A list of names: the column header names it already.
    return grid([title ?? 'value'], value.map((item) => [cell(item)]));
  }
  if (isObject(value)) {
    return heading + grid(['field', 'value'], Object.entries(flatten(value)).map(([k, v]) => [k, cell(v)]));
  }
  return heading + cell(value);
}

/** `{a: {b: 1}, c: [{…}]}` → `{'a.b': 1, c: [{…}]}`: objects open up, lists stay whole. */
function flatten(value: { [key: string]: Json }, prefix = ''): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [key, item] of Object.entries(value)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (isObject(item) && Object.keys(item).length > 0) Object.assign(out, flatten(item, name));
    else out[name] = item;
  }
  return out;
}

function cell(value: Json): string {
  if (value === null) return '';
  if (typeof value === 'string') return value.replace(/\s+/g, ' ');
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return value.map(String).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function grid(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function isObject(value: Json): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
