// Property tests of the CLI's flag parsers: whatever the arguments, a parser returns a value within its rules or
// throws a UsageError naming the flag (or `arguments`, `command`) with a message; --help is the one other way out.
import fc from 'fast-check';
import type { CliContext } from '../../lib/cli/cli-context';
import { HelpRequested, UsageError } from '../../lib/cli/cli-errors';
import { DEPLOY_FLAGS, oneOf, parseFlags, positiveNumber, runSubcommand, wholeNumber } from '../../lib/cli/parse-flags';
import { EXTREME_STRINGS, weirdString } from '../support/json-mutations';

const USAGE = 'usage: cutover local deploy <bundle> [flags]';
const NUMBER_TEXTS = ['1', '0', '-1', '1.5', '1e3', '0x10', ' 7 ', 'Infinity', 'NaN', '9007199254740993', '-0', '00', '+3', ''];

/** Runs `parse`; a refusal must be a UsageError with one problem naming `field` (any field when undefined). */
function expectValueOrUsageError<T>(parse: () => T, field?: string): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    expect(error.problems).toHaveLength(1);
    const [problem] = error.problems;
    expect(problem.field.trim()).not.toBe('');
    if (field !== undefined) expect(problem.field).toBe(field);
    expect(problem.message.trim()).not.toBe('');
    return undefined;
  }
}

const numberText = fc.oneof(fc.constantFrom(...NUMBER_TEXTS), weirdString, fc.integer().map(String), fc.double().map(String));

describe('the CLI flag parsers', () => {
  it('parse any arguments into the flags they declare, or refuse them naming the arguments, or show the usage', () => {
    const flag = fc.constantFrom(...Object.keys(DEPLOY_FLAGS), 'unknown', 'help', 'h');
    const arg = fc.oneof(
      flag.map((name) => (name.length === 1 ? `-${name}` : `--${name}`)),
      fc.tuple(flag, weirdString).map(([name, value]) => `--${name}=${value}`),
      fc.constantFrom('--', '-', '---', '--=', '-xyz', ...EXTREME_STRINGS),
      weirdString,
    );
    fc.assert(
      fc.property(fc.array(arg, { maxLength: 8 }), (args) => {
        try {
          const parsed = expectValueOrUsageError(() => parseFlags(args, DEPLOY_FLAGS, USAGE), 'arguments');
          if (parsed === undefined) return;
          for (const [name, value] of Object.entries(parsed.values)) {
            const declared = DEPLOY_FLAGS[name as keyof typeof DEPLOY_FLAGS];
            expect(declared).toBeDefined();
            expect(typeof value).toBe(declared.type);
          }
        } catch (error) {
          if (!(error instanceof HelpRequested)) throw error;
          expect(args.some((a) => a === '--help' || a === '-h')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('read whole numbers within their bounds, or refuse the flag', () => {
    fc.assert(
      fc.property(numberText, fc.integer({ min: -5, max: 5 }), fc.integer({ min: 0, max: 1_000_000 }), (text, min, span) => {
        const n = expectValueOrUsageError(() => wholeNumber('--count', text, min, min + span), '--count');
        if (n !== undefined) {
          expect(Number.isInteger(n)).toBe(true);
          expect(n).toBeGreaterThanOrEqual(min);
          expect(n).toBeLessThanOrEqual(min + span);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('read positive numbers, or refuse the flag', () => {
    fc.assert(
      fc.property(numberText, (text) => {
        const n = expectValueOrUsageError(() => positiveNumber('--time-scale', text, 1), '--time-scale');
        if (n !== undefined) {
          expect(Number.isFinite(n)).toBe(true);
          expect(n).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('take one of the allowed values, or refuse the flag', () => {
    const allowed = ['Server', 'Lambda', 'ECS'] as const;
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...allowed, 'server', 'ecs '), weirdString), (text) => {
        const value = expectValueOrUsageError(() => oneOf('--platform', text, allowed), '--platform');
        if (value !== undefined) expect(allowed).toContain(value);
      }),
      { numRuns: 200 },
    );
  });

  it('run only a subcommand that exists, whatever the name (__proto__ included), or refuse the command', async () => {
    const ran: string[] = [];
    const subcommands = { list: async () => (ran.push('list'), 0), show: async () => (ran.push('show'), 0) };
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom('list', 'show', '__proto__', 'constructor', 'toString', 'hasOwnProperty'), weirdString), async (name) => {
        ran.length = 0;
        if (name === '--help' || name === '-h') {
          expect(() => runSubcommand([name], {} as CliContext, subcommands, USAGE)).toThrow(HelpRequested);
          return;
        }
        const code = await expectValueOrUsageError(() => runSubcommand([name], {} as CliContext, subcommands, USAGE), 'command');
        expect(ran).toEqual(code === undefined ? [] : [name]);
      }),
      { numRuns: 200 },
    );
  });
});
