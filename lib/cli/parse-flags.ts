// Flag parsing on node:util's parseArgs, with errors that name the flag and what it takes; subcommands and
// positionals checked the same way.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliContext } from './cli-context';
import { HelpRequested, UsageError } from './cli-errors';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<O extends Options>(args: readonly string[], options: O, usage: string) {
  if (args.includes('--help') || args.includes('-h')) throw new HelpRequested(usage);
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError('arguments', `${message}\n${usage}`);
  }
}

export function positiveInteger(flag: string, value: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  return wholeNumber(flag, value, 1, max) ?? fallback;
}

/** A whole number from min to max, or undefined when the flag is not given. */
export function wholeNumber(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new UsageError(flag, `must be a whole number from ${min} to ${max} (got ${value})`);
  return n;
}

/** Exactly the positionals `names` stands for, else a usage error that names them and shows what was given. */
export function expectPositionals(positionals: readonly string[], names: readonly string[], command: string, usage: string): string[] {
  if (positionals.length !== names.length) {
    const wanted = names.map((n) => `<${n}>`).join(' ');
    throw new UsageError('arguments', `${command} takes ${wanted} (got ${shownArgs(positionals)})\n${usage}`);
  }
  return [...positionals];
}

export function shownArgs(positionals: readonly string[]): string {
  return positionals.length === 0 ? 'none' : positionals.join(' ');
}

export function positiveNumber(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(flag, `must be a number greater than 0 (got ${value})`);
  return n;
}

export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(flag, `must be one of ${allowed.join(', ')} (got ${value})`);
  return value as T;
}

/** The flags `cutover local deploy` takes for every platform. */
export const DEPLOY_FLAGS = {
  platform: { type: 'string' },
  config: { type: 'string' },
  application: { type: 'string' },
  group: { type: 'string' },
  'auto-rollback': { type: 'boolean' },
  description: { type: 'string' },
  json: { type: 'boolean' },
  'state-dir': { type: 'string' },
  'time-scale': { type: 'string' },
} as const satisfies Options;

export type Subcommand = (args: readonly string[], ctx: CliContext) => Promise<number>;

/** `cutover local lambda|ecs <subcommand> …`: runs the one named, or answers --help or a name it does not know. */
export function runSubcommand(args: readonly string[], ctx: CliContext, subcommands: Readonly<Record<string, Subcommand>>, usage: string): Promise<number> {
  const [name, ...rest] = args;
  if (name === '--help' || name === '-h') throw new HelpRequested(usage);
  const subcommand = name !== undefined && Object.hasOwn(subcommands, name) ? subcommands[name] : undefined;
  if (subcommand === undefined) {
    throw new UsageError('command', `expected one of ${Object.keys(subcommands).join(', ')} (got ${name ?? 'none'})\n${usage}`);
  }
  return subcommand(rest, ctx);
}
