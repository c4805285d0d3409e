// Writes the normalised bundle as a plain ustar archive that depends only on the bundle's contents: entries sorted,
// parent directories present, mtime 0, uid/gid 0, no user names. Returns the archive's sha256.
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { EntryKind, FileContent } from './bundle-entries';

export interface TarInput {
  readonly path: string;
  readonly kind: EntryKind;
  /** Permission bits of a file; directories are always 0755 and links 0777. */
  readonly mode?: number;
  readonly linkTarget?: string;
  readonly open?: () => Promise<FileContent>;
}

const BLOCK = 512;
const DEFAULT_FILE_MODE = 0o644;
const FLUSH_BYTES = 1 << 20;
const TYPE_FLAGS: Record<EntryKind, string> = { file: '0', directory: '5', symlink: '2' };
const MAX_OCTAL_SIZE = 0o77777777777;

export async function writeDeterministicTar(inputs: readonly TarInput[], outPath: string): Promise<string> {
  const handle = await open(outPath, 'wx');
  const sink = new HashingSink(handle);
  try {
    for (const entry of withParentDirectories(inputs)) {
      await writeEntry(sink, entry);
    }
    sink.push(new Uint8Array(BLOCK * 2));
    await sink.flush();
  } finally {
    await handle.close();
  }
  return sink.digest();
}

/** Sorted by path, with an entry for every directory so extraction never invents modes of its own. */
function withParentDirectories(inputs: readonly TarInput[]): TarInput[] {
  const byPath = new Map(inputs.map((input) => [input.path, input]));
  for (const input of inputs) {
    const parts = input.path.split('/');
    for (let depth = 1; depth < parts.length; depth += 1) {
      const parent = parts.slice(0, depth).join('/');
      if (!byPath.has(parent)) {
        byPath.set(parent, { path: parent, kind: 'directory' });
      }
    }
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function writeEntry(sink: HashingSink, entry: TarInput): Promise<void> {
  const name = entry.kind === 'directory' ? `${entry.path}/` : entry.path;
  const content = entry.kind === 'file' ? await openContent(entry) : undefined;
  const size = content?.size ?? 0;
  const mode = entryMode(entry);
  const linkName = entry.linkTarget ?? '';
  const split = splitName(name);
  const pax: [string, string][] = [];
  if (split === undefined) {
    pax.push(['path', name]);
  }
  if (Buffer.byteLength(linkName) > 100) {
    pax.push(['linkpath', linkName]);
  }
  if (size > MAX_OCTAL_SIZE) {
    pax.push(['size', String(size)]);
  }
  if (pax.length > 0) {
    const body = paxBody(pax);
    sink.push(header({ name: 'PaxHeader', prefix: '', mode: 0o644, size: body.byteLength, type: 'x', linkName: '' }));
    pushPadded(sink, body);
  }
  sink.push(
    header({
      // With a pax path record the ustar fields only hold a truncated fallback; Buffer.write cuts them to size.
      name: split?.name ?? name,
      prefix: split?.prefix ?? '',
      mode,
      size: size > MAX_OCTAL_SIZE ? 0 : size,
      type: TYPE_FLAGS[entry.kind],
      linkName,
    }),
  );
  if (content !== undefined) {
    await copyContent(sink, entry.path, content);
  }
}

/**
 * Directories and links get fixed modes so that a bundle does not change with the umask of whoever unpacked it;
 * files keep their permission bits but not setuid/setgid/sticky, which only the permissions section should grant.
 */
function entryMode(entry: TarInput): number {
  if (entry.kind === 'directory') {
    return 0o755;
  }
  return entry.kind === 'symlink' ? 0o777 : (entry.mode ?? DEFAULT_FILE_MODE) & 0o777;
}

async function openContent(entry: TarInput): Promise<FileContent> {
  if (entry.open === undefined) {
    throw new Error(`no content for bundle file '${entry.path}'`);
  }
  return entry.open();
}

async function copyContent(sink: HashingSink, path: string, content: FileContent): Promise<void> {
  let written = 0;
  for await (const chunk of content.chunks) {
    written += chunk.byteLength;
    sink.push(chunk);
    await sink.flushIfFull();
  }
  if (written !== content.size) {
    throw new Error(`bundle file '${path}' changed while it was being read (${content.size} → ${written} bytes)`);
  }
  sink.push(new Uint8Array((BLOCK - (written % BLOCK)) % BLOCK));
}

/** ustar keeps up to 155 bytes of directories in `prefix` and 100 in `name`; longer paths need a pax record. */
function splitName(name: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(name) <= 100) {
    return { name, prefix: '' };
  }
  for (let slash = name.indexOf('/'); slash !== -1 && slash < name.length - 1; slash = name.indexOf('/', slash + 1)) {
    const prefix = name.slice(0, slash);
    const rest = name.slice(slash + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100) {
      return { name: rest, prefix };
    }
  }
  return undefined;
}

/** Each record is "<length> <key>=<value>\n", where length counts the whole record, its own digits included. */
function paxBody(records: readonly [string, string][]): Buffer {
  const lines = records.map(([key, value]) => {
    const rest = ` ${key}=${value}\n`;
    let length = Buffer.byteLength(rest) + 1;
    while (String(length).length + Buffer.byteLength(rest) !== length) {
      length += 1;
    }
    return `${length}${rest}`;
  });
  return Buffer.from(lines.join(''));
}

interface HeaderFields {
  readonly name: string;
  readonly prefix: string;
  readonly mode: number;
  readonly size: number;
  readonly type: string;
  readonly linkName: string;
}

function header(fields: HeaderFields): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(fields.name, 0, 100, 'utf8');
  writeOctal(block, 100, 8, fields.mode);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, fields.size);
  writeOctal(block, 136, 12, 0);
  block.write(fields.type, 156, 1, 'ascii');
  block.write(fields.linkName, 157, 100, 'utf8');
  block.write('ustar\u000000', 257, 8, 'latin1');
  writeOctal(block, 329, 8, 0);
  writeOctal(block, 337, 8, 0);
  block.write(fields.prefix, 345, 155, 'utf8');
  // The checksum is computed with its own field read as eight spaces.
  block.fill(0x20, 148, 156);
  const sum = block.reduce((total, byte) => total + byte, 0);
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return block;
}

function writeOctal(block: Buffer, offset: number, width: number, value: number): void {
  block.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, offset, width, 'latin1');
}

function pushPadded(sink: HashingSink, body: Uint8Array): void {
  sink.push(body);
  sink.push(new Uint8Array((BLOCK - (body.byteLength % BLOCK)) % BLOCK));
}

/** Buffers writes into large chunks and hashes exactly the bytes that reach the file. */
class HashingSink {
  private readonly hash: Hash = createHash('sha256');
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  public constructor(private readonly handle: FileHandle) {}

  public push(bytes: Uint8Array): void {
    if (bytes.byteLength > 0) {
      this.hash.update(bytes);
      this.pending.push(bytes);
      this.pendingBytes += bytes.byteLength;
    }
  }

  public async flushIfFull(): Promise<void> {
    if (this.pendingBytes >= FLUSH_BYTES) {
      await this.flush();
    }
  }

  public async flush(): Promise<void> {
    const bytes = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    for (let offset = 0; offset < bytes.byteLength; ) {
      const { bytesWritten } = await this.handle.write(bytes, offset);
      offset += bytesWritten;
    }
  }

  public digest(): string {
    return this.hash.digest('hex');
  }
}
