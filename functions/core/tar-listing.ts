// Lists a tar archive as its bytes stream past: headers are read, file contents skipped, except the text of the
// appspecs that can count (at the root, or in the only top-level directory). Memory stays at one header block plus at
// most MAX_KEPT_APPSPEC_BYTES of appspec text, however large the bundle. Reads ustar, GNU long names and PAX extended
// headers (the formats GNU tar, bsdtar and node-tar write); gzip is undone before the bytes get here.
import {
  archivePath,
  bundleProblem,
  decodeAppSpec,
  isAppSpecCandidate,
  MAX_APPSPEC_BYTES,
  type BundleListing,
  type ListedEntry,
  type ListedKind,
} from './bundle-listing';
import type { FieldProblem } from './errors';

const BLOCK = 512;
/** PAX and GNU long-name records hold a name or two; anything bigger is not a bundle Cutover wrote or can trust. */
const MAX_META_BYTES = 1024 * 1024;
const KINDS: Readonly<Record<string, ListedKind>> = { '0': 'file', '7': 'file', '5': 'directory', '2': 'symlink' };
/**
 * Appspec text kept at once: the two file names of one place (the root, or the only top-level directory), each at most
 * MAX_APPSPEC_BYTES. A bundle with an appspec in each of many top-level directories keeps none of theirs.
 */
export const MAX_KEPT_APPSPEC_BYTES = 2 * MAX_APPSPEC_BYTES;

/** The bytes are not a tar archive, or it is cut short. */
export class TarFormatError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'TarFormatError';
  }
}

interface Header {
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly linkName: string;
}

/** The data after a header: kept (`keep`) or passed over, then padded to a whole block. */
interface Body {
  readonly size: number;
  readonly padded: number;
  consumed: number;
  readonly keep?: Uint8Array[];
}

/** What to do with a kept body once it is whole. */
type BodyDone = (data: Uint8Array) => void;

export class TarLister {
  private header = new Uint8Array(BLOCK);
  private headerFill = 0;
  private body: Body | undefined;
  private bodyDone: BodyDone | undefined;
  private atEnd = false;
  private offset = 0;
  /** Overrides for the next entry, from a PAX extended header or GNU long-name records. */
  private next: { path?: string; linkPath?: string; size?: number } = {};
  private readonly entries: ListedEntry[] = [];
  private readonly texts = new Map<string, string>();
  /** Bytes of each kept (or being read) appspec, and their sum. */
  private readonly textBytes = new Map<string, number>();
  private keptBytes = 0;
  /**
   * The top-level name of the first entry, while every entry since shares it: the only name that can be a wrapping
   * directory. Undefined before the first entry; null once a second name is seen (there is no wrapping directory).
   */
  private soleTopLevel: string | null | undefined;
  /** Problems of appspecs in soleTopLevel: withdrawn if it turns out not to wrap the bundle. */
  private readonly wrappedProblems = new Set<FieldProblem>();
  private problems: FieldProblem[] = [];

  /** True once the end-of-archive block was read: what follows is padding. */
  public get ended(): boolean {
    return this.atEnd;
  }

  /** Bytes of appspec text held now, counting one being read; never more than MAX_KEPT_APPSPEC_BYTES. */
  public get keptAppSpecBytes(): number {
    return this.keptBytes;
  }

  public push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length && !this.atEnd) {
      const taken = this.body ? this.feedBody(chunk, at) : this.feedHeader(chunk, at);
      at += taken;
      this.offset += taken;
    }
  }

  /** The listing; TarFormatError when the archive stopped inside an entry or held nothing at all. */
  public finish(): BundleListing {
    if (!this.atEnd && (this.body !== undefined || this.headerFill > 0)) {
      throw new TarFormatError(`the archive is truncated: it ends inside an entry after ${this.offset} bytes`);
    }
    if (!this.atEnd && this.offset === 0) throw new TarFormatError('the archive is empty');
    return { entries: this.entries, appSpecTexts: this.texts, problems: this.problems };
  }

  private feedHeader(chunk: Uint8Array, at: number): number {
    const take = Math.min(BLOCK - this.headerFill, chunk.length - at);
    this.header.set(chunk.subarray(at, at + take), this.headerFill);
    this.headerFill += take;
    if (this.headerFill === BLOCK) {
      this.headerFill = 0;
      this.onHeader(this.header, this.offset + take - BLOCK);
      this.header = new Uint8Array(BLOCK);
    }
    return take;
  }

  private feedBody(chunk: Uint8Array, at: number): number {
    const body = this.body as Body;
    const take = Math.min(body.padded - body.consumed, chunk.length - at);
    const dataEnd = Math.max(0, Math.min(take, body.size - body.consumed));
    if (body.keep && dataEnd > 0) body.keep.push(chunk.slice(at, at + dataEnd));
    body.consumed += take;
    if (body.consumed === body.padded) {
      const done = this.bodyDone;
      this.body = undefined;
      this.bodyDone = undefined;
      if (done) done(concat(body.keep ?? []));
    }
    return take;
  }

  private onHeader(block: Uint8Array, at: number): void {
    if (block.every((byte) => byte === 0)) {
      this.atEnd = true;
      return;
    }
    const header = readHeader(block, at);
    const size = this.next.size ?? header.size;
    switch (header.type) {
      case 'x':
        this.expectMeta(size, (data) => (this.next = { ...this.next, ...paxOverrides(data) }));
        return;
      case 'g':
        this.skip(size);
        return;
      case 'L':
        this.expectMeta(size, (data) => (this.next = { ...this.next, path: cString(data) }));
        return;
      case 'K':
        this.expectMeta(size, (data) => (this.next = { ...this.next, linkPath: cString(data) }));
        return;
    }
    const name = this.next.path ?? header.name;
    const linkName = this.next.linkPath ?? header.linkName;
    this.next = {};
    this.onEntry(name, header.type, size, linkName);
  }

  private onEntry(name: string, type: string, size: number, linkName: string): void {
    // Old (v7) tars mark a directory only by the slash ending its name.
    const kind = type === '0' && name.endsWith('/') ? 'directory' : KINDS[type];
    const path = archivePath(name);
    if (kind === undefined) {
      const why = type === '1' ? 'a hard link; archive the file itself' : `of unsupported type '${type}'`;
      this.problems.push(bundleProblem(`entry '${name}' is ${why}`));
    } else if (path.kind === 'rejected') {
      this.problems.push(path.problem);
    } else if (path.kind === 'path') {
      this.entries.push({ path: path.path, kind, ...(kind === 'symlink' ? { linkTarget: linkName } : {}) });
      this.noteTopLevel(path.path);
      // A later entry replaces an earlier one of the same path, as extracting would: its text no longer counts.
      this.forget(path.path);
      if (kind === 'file' && this.canCount(path.path)) {
        this.captureAppSpec(path.path, size);
        return;
      }
    }
    this.skip(kind === 'directory' || kind === 'symlink' ? 0 : size);
  }

  /** A second top-level name means no directory wraps the bundle: the first one's appspecs cannot count. */
  private noteTopLevel(path: string): void {
    const [name] = path.split('/');
    if (this.soleTopLevel === undefined) {
      this.soleTopLevel = name;
    } else if (this.soleTopLevel !== null && name !== this.soleTopLevel) {
      const wrapped = `${this.soleTopLevel}/`;
      this.soleTopLevel = null;
      for (const kept of [...this.textBytes.keys()]) if (kept.startsWith(wrapped)) this.forget(kept);
      this.problems = this.problems.filter((problem) => !this.wrappedProblems.has(problem));
      this.wrappedProblems.clear();
    }
  }

  /** An appspec at the root, or in the only top-level directory so far: the only ones appSpecOfListing may use. */
  private canCount(path: string): boolean {
    if (!isAppSpecCandidate(path)) return false;
    return !path.includes('/') || (this.soleTopLevel !== null && path.startsWith(`${this.soleTopLevel}/`));
  }

  private captureAppSpec(path: string, size: number): void {
    const refuse = (message: string): void => {
      const problem = bundleProblem(message);
      this.problems.push(problem);
      if (path.includes('/')) this.wrappedProblems.add(problem);
      this.skip(size);
    };
    if (size > MAX_APPSPEC_BYTES) {
      refuse(`${path} is ${size} bytes; an appspec may have at most ${MAX_APPSPEC_BYTES}`);
      return;
    }
    if (this.keptBytes + size > MAX_KEPT_APPSPEC_BYTES) {
      refuse(`${path} would take the appspec files read from this bundle past ${MAX_KEPT_APPSPEC_BYTES} bytes together`);
      return;
    }
    this.textBytes.set(path, size);
    this.keptBytes += size;
    this.expect(size, (data) => void this.texts.set(path, decodeAppSpec(data)));
  }

  private forget(path: string): void {
    const bytes = this.textBytes.get(path);
    if (bytes === undefined) return;
    this.textBytes.delete(path);
    this.texts.delete(path);
    this.keptBytes -= bytes;
  }

  private expectMeta(size: number, done: BodyDone): void {
    if (size > MAX_META_BYTES) throw new TarFormatError(`an extended header announces ${size} bytes, more than the ${MAX_META_BYTES} a name record may take`);
    this.expect(size, done);
  }

  private expect(size: number, done: BodyDone): void {
    if (size === 0) {
      done(new Uint8Array(0));
      return;
    }
    this.body = { size, padded: padded(size), consumed: 0, keep: [] };
    this.bodyDone = done;
  }

  private skip(size: number): void {
    if (size > 0) {
      this.body = { size, padded: padded(size), consumed: 0 };
      this.bodyDone = undefined;
    }
  }
}

function readHeader(block: Uint8Array, offset: number): Header {
  const stored = octal(block, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i += 1) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  if (stored === undefined || stored !== sum) {
    throw new TarFormatError(`the block at byte ${offset} is not a tar header (its checksum does not match): the bundle is not a tar archive, or is corrupt`);
  }
  const name = cString(block.subarray(0, 100));
  const ustar = latin1(block.subarray(257, 262)) === 'ustar';
  const prefix = ustar ? cString(block.subarray(345, 500)) : '';
  const type = block[156] === 0 ? '0' : String.fromCharCode(block[156]);
  return { name: prefix === '' ? name : `${prefix}/${name}`, type, size: sizeOf(block, offset), linkName: cString(block.subarray(157, 257)) };
}

/** Octal digits, or GNU's base-256 (high bit set) for sizes of 8 GiB and more. */
function sizeOf(block: Uint8Array, offset: number): number {
  if ((block[124] & 0x80) !== 0) {
    let value = 0;
    for (let i = 125; i < 136; i += 1) value = value * 256 + block[i];
    return value;
  }
  const size = octal(block, 124, 12);
  if (size === undefined) throw new TarFormatError(`the header at byte ${offset} has no readable size`);
  return size;
}

function octal(block: Uint8Array, start: number, length: number): number | undefined {
  const text = latin1(block.subarray(start, start + length)).replace(/[\0 ]+$/, '').trim();
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : text === '' ? 0 : undefined;
}

/** PAX records are "<length> <key>=<value>\n"; only the keys that change what the listing says are kept. */
function paxOverrides(data: Uint8Array): { path?: string; linkPath?: string; size?: number } {
  const result: { path?: string; linkPath?: string; size?: number } = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = space === -1 ? NaN : parseInt(latin1(data.subarray(at, space)), 10);
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length) throw new TarFormatError('a PAX extended header is malformed');
    const record = new TextDecoder('utf-8').decode(data.subarray(space + 1, at + length - 1));
    const equals = record.indexOf('=');
    const key = record.slice(0, equals);
    const value = record.slice(equals + 1);
    if (key === 'path') result.path = value;
    if (key === 'linkpath') result.linkPath = value;
    if (key === 'size' && /^\d+$/.test(value)) result.size = Number(value);
    at += length;
  }
  return result;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder('utf-8').decode(end === -1 ? bytes : bytes.subarray(0, end));
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
