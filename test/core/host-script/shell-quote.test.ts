import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { ValidationError } from '../../../functions/core/errors';
import { shellQuote } from '../../../functions/core/host-script';

/** What /bin/sh makes of the quoted word: printf %s prints its argument byte for byte. */
function roundTrip(value: string): string {
  return execFileSync('/bin/sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' });
}

const SHELL_SPECIALS = ["'", '"', '$', '`', '\\', '\n', '\t', ' ', '*', '?', '[', ']', '(', ')', ';', '&', '|', '!', '{', '}', '~', '#', '<', '>', '-', '%', '='];

describe('shellQuote', () => {
  it.each([
    ['empty', ''],
    ['single quote', "'"],
    ['quote inside', "it's"],
    ['only quotes', "'''"],
    ['command substitution', '$(touch MARK)'],
    ['backticks', '`touch MARK`'],
    ['variable', '$HOME ${IFS}'],
    ['backslashes', '\\\\n \\'],
    ['double quotes', '"a" "b'],
    ['newlines', 'line 1\nline 2\n'],
    ['glob', '*.sh ?[a]'],
    ['leading dash', '-n'],
    ['printf directive', '%s %d %%'],
    ['unicode', 'héllo ☃ 𝄞'],
    ['command separators', 'a; b && c || d | e & f'],
  ])('keeps %s literal', (_name, value) => {
    expect(roundTrip(value)).toBe(value);
  });

  it('produces one single-quoted word', () => {
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
    expect(shellQuote('')).toBe("''");
  });

  it('rejects NUL with a ValidationError on field value', () => {
    expect(() => shellQuote('a\0b')).toThrow(ValidationError);
    try {
      shellQuote('\0');
    } catch (error) {
      expect((error as ValidationError).problems).toEqual([{ field: 'value', message: expect.stringContaining('NUL') }]);
    }
  });

  it('round-trips any string without NUL through /bin/sh', () => {
    const unit = fc.oneof(fc.constantFrom(...SHELL_SPECIALS), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }).filter((s) => !s.includes('\0')), (value) => {
        expect(roundTrip(value)).toBe(value);
      }),
      { numRuns: 200 },
    );
  });
});
