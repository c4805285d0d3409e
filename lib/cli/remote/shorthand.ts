// `aws`'s shorthand for structured flag values: `Key=Env,Value=prod`, `enabled=true,events=A,B`, nested `[…]` and
// `{…}`. A value that starts with `[` or `{` is JSON instead, as `aws` reads it. Both give a plain tree that
// value-shapes.ts then types.
import { UsageError } from '../cli-errors';

export type Shorthand = string | Shorthand[] | { [key: string]: Shorthand };

/** Parses one flag value: JSON when it starts with `[` or `{`, shorthand `key=value,…` otherwise. */
export function parseStructured(flag: string, text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch (error) {
      throw new UsageError(flag, `is not valid JSON: ${error instanceof Error ? error.message : String(error)} (got ${text})`);
    }
  }
  return parseShorthand(flag, text);
}

/** `key=value,key=value` at the top level; a bare item after a key's value extends it into a list (`events=A,B`). */
export function parseShorthand(flag: string, text: string): { [key: string]: Shorthand } {
  const parser = new ShorthandParser(flag, text);
  const result = parser.struct(undefined);
  parser.expectEnd();
  return result;
}

class ShorthandParser {
  private at = 0;

  public constructor(
    private readonly flag: string,
    private readonly text: string,
  ) {}

  public expectEnd(): void {
    if (this.at < this.text.length) this.fail(`unexpected '${this.text[this.at]}'`);
  }

  /** Pairs until `close` (or the end at the top level). */
  public struct(close: '}' | undefined): { [key: string]: Shorthand } {
    const result: { [key: string]: Shorthand } = {};
    let lastKey: string | undefined;
    while (this.at < this.text.length && this.peek() !== close) {
      const start = this.at;
      const word = this.scalar();
      if (this.peek() === '=') {
        this.at += 1;
        if (word === '') this.fail('a key is missing before =');
        if (word in result) this.fail(`'${word}' is given twice`);
        result[word] = this.value();
        lastKey = word;
      } else if (lastKey !== undefined && word !== '') {
        // `events=A,B`: aws reads the bare B as the next item of the list A started.
        const previous = result[lastKey];
        result[lastKey] = Array.isArray(previous) ? [...previous, word] : [previous, word];
      } else {
        this.at = start;
        this.fail('expected key=value');
      }
      if (this.peek() === ',') this.at += 1;
      else if (close !== undefined && this.at >= this.text.length) this.fail("a '{' is never closed");
      else if (this.peek() !== close) this.fail(`expected ',' ${close === undefined ? 'or the end' : `or '${close}'`}`);
    }
    return result;
  }

  private value(): Shorthand {
    const c = this.peek();
    if (c === '[') {
      this.at += 1;
      const items: Shorthand[] = [];
      while (this.peek() !== ']') {
        if (this.at >= this.text.length) this.fail("a '[' is never closed");
        items.push(this.value());
        if (this.peek() === ',') this.at += 1;
        else if (this.at >= this.text.length) this.fail("a '[' is never closed");
        else if (this.peek() !== ']') this.fail("expected ',' or ']'");
      }
      this.at += 1;
      return items;
    }
    if (c === '{') {
      this.at += 1;
      const inner = this.struct('}');
      if (this.peek() !== '}') this.fail("a '{' is never closed");
      this.at += 1;
      return inner;
    }
    return this.scalar();
  }

  /** Text up to a delimiter; quotes keep delimiters, a backslash escapes the next character. */
  private scalar(): string {
    let out = '';
    while (this.at < this.text.length) {
      const c = this.text[this.at];
      if (c === '"' || c === "'") {
        const end = this.text.indexOf(c, this.at + 1);
        if (end < 0) this.fail(`a ${c} is never closed`);
        out += this.text.slice(this.at + 1, end);
        this.at = end + 1;
      } else if (c === '\\' && this.at + 1 < this.text.length) {
        out += this.text[this.at + 1];
        this.at += 2;
      } else if (c === ',' || c === '=' || c === ']' || c === '}' || c === '[' || c === '{') {
        break;
      } else {
        out += c;
        this.at += 1;
      }
    }
    return out.trim();
  }

  private peek(): string | undefined {
    return this.text[this.at];
  }

  private fail(why: string): never {
    throw new UsageError(this.flag, `cannot read shorthand at character ${this.at + 1}: ${why} (got ${this.text})`);
  }
}
