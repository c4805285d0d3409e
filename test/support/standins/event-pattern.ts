// EventBridge event-pattern matching, the part Cutover's rules use: exact values, arrays of alternatives, nested
// objects. Content filters (prefix, anything-but, numeric, exists, …) are refused when a rule is added, so a rule
// that starts using one fails loudly here instead of matching differently from EventBridge.

export type EventPattern = { readonly [field: string]: EventPattern | readonly PatternValue[] };
type PatternValue = string | number | boolean | null;

/** Throws, naming the field, for anything this matcher would not match the way EventBridge does. */
export function checkEventPattern(pattern: unknown, at = ''): asserts pattern is EventPattern {
  if (!isObject(pattern)) throw new Error(`event pattern${at ? ` at ${at}` : ''} must be an object`);
  for (const [field, value] of Object.entries(pattern)) {
    const path = at ? `${at}.${field}` : field;
    if (Array.isArray(value)) {
      for (const alternative of value) {
        if (isObject(alternative) || Array.isArray(alternative)) {
          throw new Error(`event pattern at ${path}: content filter ${JSON.stringify(alternative)} is not supported by the stand-in`);
        }
      }
    } else if (isObject(value)) {
      checkEventPattern(value, path);
    } else {
      throw new Error(`event pattern at ${path} must be an array of values or an object`);
    }
  }
}

/** Every field of the pattern must match; a field missing from the event never matches. */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  if (!isObject(event)) return false;
  return Object.entries(pattern).every(([field, expected]) => {
    if (!Object.prototype.hasOwnProperty.call(event, field)) return false;
    const actual = event[field];
    // An array in the event matches when any of its elements does.
    const values: unknown[] = Array.isArray(actual) ? actual : [actual];
    if (!Array.isArray(expected)) return values.some((value) => matchesEventPattern(expected as EventPattern, value));
    return values.some((value) => (expected as readonly PatternValue[]).some((alternative) => alternative === value));
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
