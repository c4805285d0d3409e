// Flags the way `aws deploy` takes them: a list flag takes every value up to the next flag
// (`--instance-names a b c`), structured flags take shorthand or JSON (or `file://path`), booleans have a
// `--no-` form. Built on node:util's parseArgs tokens, so `--flag=value` and its errors behave as elsewhere.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HelpRequested, UsageError } from '../cli-errors';
import { parseShorthand, parseStructured } from './shorthand';
import { coerce, type Shape } from './value-shapes';

export type FlagKind = 'string' | 'boolean' | 'list' | 'structure' | 'structure-list';

export interface FlagSpec {
  readonly kind: FlagKind;
  readonly help: string;
  readonly required?: boolean;
  /** Of the value (structure) or of each item (structure-list). */
  readonly shape?: Shape;
  readonly choices?: readonly string[];
  /** Shown in the usage line, e.g. `NAME`. */
  readonly placeholder?: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export class ParsedFlags {
  public constructor(private readonly values: ReadonlyMap<string, unknown>) {}

  public has(name: string): boolean {
    return this.values.has(name);
  }

  public string(name: string): string | undefined {
    return this.values.get(name) as string | undefined;
  }

  /** For flags the spec marks required: parsing already refused their absence. */
  public required(name: string): string {
    const value = this.string(name);
    if (value === undefined) throw new UsageError(`--${name}`, 'is required');
    return value;
  }

  public boolean(name: string): boolean | undefined {
    return this.values.get(name) as boolean | undefined;
  }

  public list(name: string): string[] | undefined {
    return this.values.get(name) as string[] | undefined;
  }

  /** A structure or structure-list value, typed by its shape. */
  public value(name: string): unknown {
    return this.values.get(name);
  }
}

/** Parses `args` by `specs`; `cwd` resolves `file://` values. */
export function parseRemoteFlags(args: readonly string[], specs: FlagSpecs, usage: string, cwd: string): ParsedFlags {
  if (args.includes('--help') || args.includes('-h')) throw new HelpRequested(usage);
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = { type: spec.kind === 'boolean' ? 'boolean' : 'string', multiple: true };
    if (spec.kind === 'boolean') options[`no-${name}`] = { type: 'boolean', multiple: true };
  }
  let tokens;
  try {
    tokens = parseArgs({ args: [...args], options, allowPositionals: true, strict: true, tokens: true }).tokens;
  } catch (error) {
    throw new UsageError('arguments', `${error instanceof Error ? error.message : String(error)}\n${usage}`);
  }

  const raw = new Map<string, string[] | boolean>();
  let open: string | undefined;
  for (const token of tokens) {
    if (token.kind === 'option-terminator') throw new UsageError('arguments', `'--' is not used by this command\n${usage}`);
    if (token.kind === 'positional') {
      // aws's list flags take every value up to the next flag.
      if (open === undefined) throw new UsageError('arguments', `unexpected argument '${token.value}'\n${usage}`);
      (raw.get(open) as string[]).push(token.value);
      continue;
    }
    const negated = specs[token.name] === undefined;
    const name = negated ? token.name.slice('no-'.length) : token.name;
    const spec = specs[name];
    if (spec.kind === 'boolean') {
      if (raw.has(name)) throw new UsageError(`--${name}`, 'is given more than once');
      raw.set(name, !negated);
      open = undefined;
      continue;
    }
    const many = spec.kind === 'list' || spec.kind === 'structure-list';
    const previous = raw.get(name) as string[] | undefined;
    if (previous && !many) throw new UsageError(`--${name}`, 'is given more than once');
    raw.set(name, [...(previous ?? []), token.value as string]);
    open = many ? name : undefined;
  }

  const values = new Map<string, unknown>();
  for (const [name, spec] of Object.entries(specs)) {
    const given = raw.get(name);
    if (given === undefined) {
      if (spec.required) throw new UsageError(`--${name}`, `is required\n${usage}`);
      continue;
    }
    values.set(name, typed(name, spec, given, cwd));
  }
  return new ParsedFlags(values);
}

function typed(name: string, spec: FlagSpec, given: string[] | boolean, cwd: string): unknown {
  const flag = `--${name}`;
  if (typeof given === 'boolean') return given;
  switch (spec.kind) {
    case 'string': {
      const [value] = given;
      if (spec.choices && !spec.choices.includes(value)) throw new UsageError(flag, `must be one of ${spec.choices.join(', ')} (got ${value})`);
      return value;
    }
    case 'list':
      if (given.length === 0 || given.some((v) => v === '')) throw new UsageError(flag, 'needs one or more values');
      return given;
    case 'structure':
      return coerceIfShaped(flag, spec, parseStructured(flag, readValue(flag, given[0], cwd)));
    case 'structure-list': {
      const texts = given.map((v) => readValue(flag, v, cwd));
      // One JSON array, or one shorthand structure per value: `Key=A,Type=KEY_ONLY Key=B,Type=KEY_ONLY`.
      const items = texts.length === 1 && texts[0].trim().startsWith('[') ? parseStructured(flag, texts[0]) : texts.map((t) => parseItem(flag, t));
      if (!Array.isArray(items)) throw new UsageError(flag, `expected a JSON array or shorthand values (got ${texts.join(' ')})`);
      return spec.shape ? coerce(flag, { list: spec.shape }, items) : items;
    }
    default:
      throw new UsageError(flag, `has no value kind ${spec.kind as string}`);
  }
}

function parseItem(flag: string, text: string): unknown {
  return text.trim().startsWith('{') ? parseStructured(flag, text) : parseShorthand(flag, text);
}

function coerceIfShaped(flag: string, spec: FlagSpec, value: unknown): unknown {
  return spec.shape ? coerce(flag, spec.shape, value) : value;
}

/** `file://tags.json` reads the value from a file, as aws does; any other value is returned as it is. */
export function readValue(flag: string, value: string, cwd: string): string {
  if (!value.startsWith('file://')) return value;
  const file = path.resolve(cwd, value.slice('file://'.length));
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(flag, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** `usage: cutover <name> --a A [--b B] …` and one line per flag. */
export function usageOf(name: string, summary: string, specs: FlagSpecs): string {
  const synopsis = Object.entries(specs)
    .map(([flag, spec]) => {
      const text = spec.kind === 'boolean' ? `--${flag}` : `--${flag} ${spec.placeholder ?? placeholderOf(spec)}`;
      return spec.required ? text : `[${text}]`;
    })
    .join(' ');
  const width = Math.max(...Object.keys(specs).map((f) => f.length + 2), 0);
  const lines = Object.entries(specs).map(([flag, spec]) => {
    const choices = spec.choices ? ` (${spec.choices.join(', ')})` : '';
    const negation = spec.kind === 'boolean' ? ` (--no-${flag} to turn off)` : '';
    return `  ${`--${flag}`.padEnd(width)}  ${spec.help}${choices}${negation}`;
  });
  return `usage: cutover [global flags] ${name} ${synopsis}\n\n${summary}\n\n${lines.join('\n')}\n\n${GLOBAL_FLAGS_HELP}`;
}

function placeholderOf(spec: FlagSpec): string {
  switch (spec.kind) {
    case 'list':
      return 'VALUE [VALUE ...]';
    case 'structure':
      return 'key=value,...|JSON';
    case 'structure-list':
      return 'key=value,... [...]|JSON';
    default:
      return spec.choices ? spec.choices.join('|') : 'VALUE';
  }
}

const GLOBAL_FLAGS_HELP = `global flags (before or after the command):
  --endpoint URL         the Cutover API (env CUTOVER_ENDPOINT; default http://127.0.0.1:8642, \`cutover local serve\`)
  --region REGION        for SigV4 signing off loopback (default: the endpoint's *.execute-api.<region>.amazonaws.com, then AWS_REGION)
  --profile NAME         AWS credentials profile for SigV4 signing (default: the SDK's credential chain)
  --output json|table    json (the API's JSON, the default, as aws) or table`;
