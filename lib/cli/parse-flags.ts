// Flag parsing on node:util's parseArgs, with errors that name the flag and what it takes.
import { parseArgs, type ParseArgsConfig } from 'node:util';
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
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(flag, `must be a whole number from 1 to ${max} (got ${value})`);
  return n;
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
