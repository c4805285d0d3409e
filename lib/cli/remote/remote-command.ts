// What one API command is: its `aws deploy` name, its flags, and what it does with a client. Commands print
// through `print`, so --output applies the same way to all of them.
import type { CliContext } from '../cli-context';
import type { ApiCall, ApiClient } from './api-client';
import type { GlobalOptions } from './global-options';
import type { FlagSpecs, ParsedFlags } from './remote-flags';
import { renderTables } from './table';

export interface RemoteRun {
  readonly flags: ParsedFlags;
  readonly api: ApiClient;
  readonly globals: GlobalOptions;
  readonly ctx: CliContext;
  readonly env: NodeJS.ProcessEnv;
  /** Prints an answer as JSON or tables, per --output; nothing for undefined (204). */
  print(value: unknown): void;
}

export interface RemoteCommand {
  readonly name: string;
  readonly summary: string;
  readonly flags: FlagSpecs;
  run(run: RemoteRun): Promise<number>;
}

export function printer(out: NodeJS.WritableStream, output: GlobalOptions['output']): (value: unknown) => void {
  return (value) => {
    if (value === undefined) return;
    out.write(output === 'json' ? `${JSON.stringify(value, null, 4)}\n` : `${renderTables(value)}\n`);
  };
}

/** Flags every list command takes. */
export const PAGING_FLAGS: FlagSpecs = {
  'next-token': { kind: 'string', help: 'start at this nextToken of an earlier answer', placeholder: 'TOKEN' },
  paginate: { kind: 'boolean', help: 'follow nextToken through every page (the default); --no-paginate prints one page with its nextToken' },
};

/**
 * A list over every page, its items merged under `itemsKey` (as aws does by default), or one page with
 * --no-paginate. The first page's other fields (e.g. applicationName) are kept.
 */
export async function listPages(run: RemoteRun, call: ApiCall, itemsKey: string): Promise<Record<string, unknown>> {
  let token = run.flags.string('next-token');
  const onePage = run.flags.boolean('paginate') === false;
  let merged: Record<string, unknown> | undefined;
  for (;;) {
    const page = await run.api.call<Record<string, unknown>>({ ...call, query: { ...call.query, nextToken: token } });
    const items = Array.isArray(page[itemsKey]) ? (page[itemsKey] as unknown[]) : [];
    merged = merged === undefined ? { ...page } : { ...merged, [itemsKey]: [...(merged[itemsKey] as unknown[]), ...items] };
    token = typeof page.nextToken === 'string' ? page.nextToken : undefined;
    if (onePage) return merged;
    if (token === undefined) {
      delete merged.nextToken;
      return merged;
    }
  }
}

/** The body fields of the given flags, named by the flag in camelCase (`--ec2-tag-filters` → `ec2TagFilters`). */
export function bodyOf(run: RemoteRun, flags: readonly string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const flag of flags) {
    if (run.flags.has(flag)) body[camel(flag)] = run.flags.value(flag);
  }
  return body;
}

function camel(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
