// Walks a parsed YAML document for the appspec rules: every read reports problems with a field path and the line
// of the node, so one pass finds every mistake instead of stopping at the first.
import { type Alias, isAlias, isMap, isScalar, isSeq, visit, type Document, type LineCounter, type Node } from 'yaml';
import { AppSpecError, type FieldProblem } from '../errors';
import { didYouMean, listAllowed } from './suggest';

/**
 * How many times one document may be read through an alias (`*name`). An appspec has little use for aliases; the limit
 * keeps a document made of them (thousands of one anchor, or aliases of aliases: a "billion laughs") from multiplying
 * the reader's work, as YAML's own `maxAliasCount` (also 100) does for documents converted to JavaScript, which this
 * reader does not do. An inline appspec may be 512 KB: room for over 100,000 aliases.
 */
export const MAX_ALIAS_READS = 100;

export interface MapEntry {
  readonly key: string;
  readonly keyNode: Node;
  /** Null when the key has no value at all (`key:`). */
  readonly value: Node | null;
}

export interface TextOptions {
  readonly required?: boolean;
  /** The mapping the value belongs to: gives the line when the value is missing. */
  readonly owner?: Node | null;
  /** What the value is for, added to "is required". */
  readonly hint?: string;
}

/** The path of `key` under `parent`; a blank key (`"": x`) is shown quoted, so the path still names it. */
export function childField(parent: string, key: string): string {
  const name = key.trim() === '' ? JSON.stringify(key) : key;
  return parent === '' ? name : `${parent}.${name}`;
}

export function indexField(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

export class YamlReader {
  public readonly problems: FieldProblem[] = [];
  private aliasTargets: ReadonlyMap<Alias, Node> | undefined;
  private aliasReads = 0;

  public constructor(
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    /** Names the document itself in problems about it, e.g. `appspec.yml`. */
    public readonly rootField: string,
  ) {}

  public lineOf(node: Node | null | undefined): number | undefined {
    const start = node?.range?.[0];
    return start === undefined ? undefined : this.lines.linePos(start).line;
  }

  public report(field: string, message: string, node?: Node | null): void {
    const line = this.lineOf(node);
    this.problems.push(line === undefined ? { field, message } : { field, message, line });
  }

  /**
   * Anchored values (`*name`) are read as the node they point to. Past MAX_ALIAS_READS the document is refused as a
   * whole, at once: the problems found so far could be any part of a document built to exhaust the reader.
   */
  public deref(node: unknown): Node | null {
    if (isAlias(node)) {
      this.aliasReads += 1;
      if (this.aliasReads > MAX_ALIAS_READS) {
        const message = `reads aliases (*${node.source} and others) more than ${MAX_ALIAS_READS} times; write the values out instead of repeating anchors`;
        const line = this.lineOf(node);
        throw new AppSpecError([line === undefined ? { field: this.rootField, message } : { field: this.rootField, message, line }]);
      }
      this.aliasTargets ??= aliasTargetsOf(this.doc);
      return this.deref(this.aliasTargets.get(node) ?? null);
    }
    return isMap(node) || isSeq(node) || isScalar(node) ? node : null;
  }

  /** True for a missing value: no node, or an empty/`null`/`~` scalar. */
  public isAbsent(node: Node | null): boolean {
    return node === null || (isScalar(node) && node.value === null);
  }

  /**
   * The entries of a mapping by key. Reports a duplicate key (the last one wins, as in the agent's YAML loader) and
   * keys outside `allowed`; returns undefined, after reporting, when the node is not a mapping.
   */
  public readMap(
    node: Node | null,
    field: string,
    allowed: readonly string[] | 'any',
    what: string,
  ): Map<string, MapEntry> | undefined {
    if (!isMap(node)) {
      this.report(field, `must be a mapping ${what} (got ${describe(node)})`, node);
      return undefined;
    }
    const entries = new Map<string, MapEntry>();
    const firstKeys = new Map<string, Node>();
    for (const pair of node.items) {
      const keyNode = this.deref(pair.key);
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        this.report(field === '' ? this.rootField : field, 'has a key that is not a plain name', keyNode ?? node);
        continue;
      }
      const key = String(keyNode.value);
      const keyPath = childField(field, key);
      const first = firstKeys.get(key);
      firstKeys.set(key, first ?? keyNode);
      if (allowed !== 'any' && !allowed.includes(key)) {
        if (first === undefined) {
          const where = field === '' ? 'top-level key' : `key in ${field}`;
          const hint = `allowed keys: ${allowed.join(', ')}${didYouMean(key, allowed)}`;
          this.report(keyPath, `'${key}' is not an allowed ${where}; ${hint}`, keyNode);
        }
        continue;
      }
      if (first !== undefined) {
        this.report(keyPath, `appears more than once (first on line ${this.lineOf(first)}); keep only one`, keyNode);
      }
      entries.set(key, { key, keyNode, value: this.deref(pair.value) });
    }
    return entries;
  }

  /** The items of a list; an absent value is an empty list. Reports anything else. */
  public readList(node: Node | null, field: string, what: string): (Node | null)[] {
    if (this.isAbsent(node)) {
      return [];
    }
    if (!isSeq(node)) {
      this.report(field, `must be a list ${what} (got ${describe(node)})`, node);
      return [];
    }
    return node.items.map((item) => this.deref(item));
  }

  /**
   * A scalar as the user wrote it, trimmed. Plain scalars use their source text, so `0644` stays `0644` and `1.0`
   * stays `1.0` where YAML would read the numbers 644 and 1. A missing required value is reported on the line of
   * `options.owner` (the mapping that lacks it) with `options.hint` saying what belongs there.
   */
  public readText(node: Node | null, field: string, options: TextOptions = {}): string | undefined {
    if (this.isAbsent(node)) {
      if (options.required === true) {
        const hint = options.hint === undefined ? '' : ` (${options.hint})`;
        this.report(field, `is required${hint}`, node ?? options.owner);
      }
      return undefined;
    }
    if (!isScalar(node)) {
      this.report(field, `must be a single value (got ${describe(node)})`, node);
      return undefined;
    }
    const text = (node.type === 'PLAIN' && node.source !== undefined ? node.source : String(node.value)).trim();
    if (text === '' && options.required === true) {
      this.report(field, 'must not be empty', node);
      return undefined;
    }
    return text;
  }

  /** A value that must be one of `allowed`, matched exactly. */
  public readChoice<T extends string>(
    node: Node | null,
    field: string,
    allowed: readonly T[],
    options: TextOptions = {},
  ): T | undefined {
    const text = this.readText(node, field, options);
    if (text === undefined) {
      return undefined;
    }
    const choice = allowed.find((value) => value === text);
    if (choice === undefined) {
      this.report(field, `must be ${listAllowed(allowed)} (got '${text}')${didYouMean(text, allowed)}`, node);
    }
    return choice;
  }
}

/**
 * The node each alias stands for, found in one pass: as YAML resolves them, the last node anchored with its name
 * before the alias. (`Alias.resolve` walks the whole document for every alias, which is quadratic in aliases.)
 */
function aliasTargetsOf(doc: Document.Parsed): ReadonlyMap<Alias, Node> {
  const anchored = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) {
        const target = anchored.get(node.source);
        if (target !== undefined) targets.set(node, target);
      } else if (node.anchor !== undefined) {
        anchored.set(node.anchor, node);
      }
    },
  });
  return targets;
}

export function describe(node: Node | null): string {
  if (isMap(node)) {
    return 'a mapping';
  }
  if (isSeq(node)) {
    return 'a list';
  }
  if (node === null || (isScalar(node) && node.value === null)) {
    return 'nothing';
  }
  return `'${String(isScalar(node) ? node.value : node)}'`;
}
