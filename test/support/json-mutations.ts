// fast-check arbitraries that break valid JSON documents one field at a time (delete it, give it another type, an
// extreme string or number, a list for an object…), for property tests that feed parsers and the API bad input.
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Number literals JSON.stringify cannot write but a JSON text can hold: JSON.parse reads 1e999 as Infinity. */
export class RawNumber {
  public constructor(public readonly text: string) {}
}

/** A document as a generator builds it: JSON, with raw number literals where a mutation put them. */
export type Mutable = Json | RawNumber | Mutable[] | { [key: string]: Mutable };

export const EXTREME_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  '\uFFFF',
  '\uD800',
  '💥🚀',
  'e\u0301',
  'a'.repeat(5000),
  '../../etc/passwd',
  '%00',
  '%E0%A4%A',
  '__proto__',
  'constructor',
  '${HOME}',
  '$(id)',
  '<script>',
  'null',
  'true',
  '0',
  '-1',
  'NaN',
  'd-AAAAAAAAA',
  'arn:aws:iam::123456789012:role/x',
  ' padded ',
  'CodeDeployDefault.AllAtOnce',
  'line\nbreak',
];

export const EXTREME_NUMBERS: readonly number[] = [0, -1, -0.5, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, Number.MIN_SAFE_INTEGER - 2, 2 ** 31, 5e-324];

export const RAW_NUMBERS: readonly string[] = ['1e999', '-1e999', '-0', '123456789012345678901234567890', '0.00000000000000000000001', '1E+2'];

/** A string nothing should choke on: any code points (lone surrogates too), or one of the usual troublemakers. */
export const weirdString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...EXTREME_STRINGS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

/** Any value of another kind than a field expects. */
export const weirdValue: fc.Arbitrary<Mutable> = fc.oneof(
  fc.constantFrom<Mutable>(null, true, false, [], {}, [[[]]], { '': null }, JSON.parse('{"__proto__": {"polluted": true}}') as Mutable),
  weirdString,
  fc.constantFrom(...EXTREME_NUMBERS),
  fc.constantFrom(...RAW_NUMBERS).map((text) => new RawNumber(text)),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Mutable>,
);

type Path = readonly (string | number)[];

/** Every path in `doc`, the root's ([]) first. */
export function pathsOf(doc: Mutable, at: Path = []): Path[] {
  if (Array.isArray(doc)) return [at, ...doc.flatMap((item, i) => pathsOf(item, [...at, i]))];
  if (doc !== null && typeof doc === 'object' && !(doc instanceof RawNumber)) {
    return [at, ...Object.entries(doc).flatMap(([key, value]) => pathsOf(value, [...at, key]))];
  }
  return [at];
}

function valueAt(doc: Mutable, path: Path): Mutable {
  return path.reduce<Mutable>((node, key) => (node as Record<string | number, Mutable>)[key], doc);
}

/** `doc` with the value at `path` replaced by `change(old)`, or removed when it answers undefined. */
function withChange(doc: Mutable, path: Path, change: (old: Mutable) => Mutable | undefined): Mutable | undefined {
  if (path.length === 0) return change(doc);
  const copy = structuredClone(doc) as Record<string | number, Mutable>;
  const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, Mutable> | Mutable[];
  const key = path[path.length - 1];
  const next = change((parent as Record<string | number, Mutable>)[key]);
  if (next !== undefined) (parent as Record<string | number, Mutable>)[key] = next;
  else if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete (parent as Record<string, Mutable>)[key as string];
  return copy;
}

/** The same value as another type: a number as text, text as a number, an object as a list and so on. */
function retyped(value: Mutable): Mutable {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return Number(value) || value.length;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return Object.fromEntries(value.map((item, i) => [String(i), item]));
  if (value !== null && typeof value === 'object' && !(value instanceof RawNumber)) return Object.values(value);
  return 0;
}

/** The value taken too far: text repeated past any limit or padded with odd characters, lists past their counts. */
function stretched(value: Mutable, how: number): Mutable {
  if (typeof value === 'string') return [value.repeat(300), `${value}💥`, value.toUpperCase(), value.slice(1), ` ${value}`, `${value}\u0000`][how % 6];
  if (typeof value === 'number') return [-value, value * 1e6, value + 0.5, -1][how % 4];
  if (Array.isArray(value)) return how % 2 === 0 ? Array.from({ length: 20 }, () => value).flat() : [...value, ...value];
  return value;
}

export interface Mutation {
  /** What was done where, for the counterexample fast-check prints. */
  readonly change: string;
  /** Undefined when the mutation removed the whole document. */
  readonly doc: Mutable | undefined;
}

/** One mutation of `base` at one of its paths. */
export function mutationOf(base: Mutable): fc.Arbitrary<Mutation> {
  const paths = pathsOf(base);
  const at = (path: Path) => (path.length === 0 ? '(root)' : path.join('.'));
  return fc.oneof(
    fc.constantFrom(...paths).map((path) => ({ change: `delete ${at(path)}`, doc: withChange(base, path, () => undefined) })),
    fc.tuple(fc.constantFrom(...paths), weirdValue).map(([path, value]) => ({ change: `replace ${at(path)}`, doc: withChange(base, path, () => value) })),
    fc.constantFrom(...paths).map((path) => ({ change: `retype ${at(path)}`, doc: withChange(base, path, retyped) })),
    fc.tuple(fc.constantFrom(...paths), fc.nat()).map(([path, how]) => ({ change: `stretch ${at(path)}`, doc: withChange(base, path, (old) => stretched(old, how)) })),
    fc.tuple(fc.constantFrom(...paths), fc.boolean()).map(([path, list]) => ({
      change: `wrap ${at(path)}`,
      doc: withChange(base, path, (old) => (list ? [old] : { value: old })),
    })),
    fc.tuple(fc.constantFrom(...paths.filter((path) => isObject(valueAt(base, path)))), fc.oneof(weirdString, fc.constantFrom('__proto__', 'constructor')), weirdValue).map(
      ([path, key, value]) => ({ change: `add ${JSON.stringify(key)} to ${at(path)}`, doc: withChange(base, path, (old) => withOwnKey(old, key, value)) }),
    ),
  );
}

function isObject(value: Mutable): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof RawNumber);
}

/** Defines the key as an own property even when it is `__proto__`, as JSON.parse would. */
function withOwnKey(object: Mutable, key: string, value: Mutable): Mutable {
  const copy = { ...(object as Record<string, Mutable>) };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** JSON text of `doc`, raw number literals written as they are. */
export function jsonText(doc: Mutable): string {
  const raws: string[] = [];
  const text = JSON.stringify(doc, (_key, value: unknown) => {
    if (!(value instanceof RawNumber)) return value;
    raws.push(value.text);
    return `\u0001raw${raws.length - 1}\u0001`;
  });
  return text.replace(/"\\u0001raw(\d+)\\u0001"/g, (_match, index: string) => raws[Number(index)]);
}
