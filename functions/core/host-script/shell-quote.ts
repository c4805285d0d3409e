// The one place where text from an appspec or a request becomes shell syntax. Everything the renderers put into a
// host script that did not come from Cutover itself passes through here, so auditing quoting means reading ten lines.
import { ValidationError } from '../errors';

/**
 * Quotes `value` as a single POSIX shell word. Inside single quotes the shell interprets nothing ($, `, \, ", newlines
 * all stay literal), so the only character needing care is the single quote itself: close, add an escaped quote, reopen.
 * NUL cannot be carried by any shell word (argv and environment strings end at NUL), so it is refused outright.
 */
export function shellQuote(value: string): string {
  if (value.includes('\0')) {
    throw new ValidationError([{ field: 'value', message: 'must not contain a NUL character' }]);
  }
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
