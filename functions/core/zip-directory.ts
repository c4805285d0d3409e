// The zip structures a reader needs to list a bundle and read one small entry without holding the archive: the end
// record (where the central directory is), the central directory (every entry's name, kind, sizes and offset) and a
// local header (where an entry's data starts). Offsets are absolute; callers fetch the byte ranges they name.
// readArchive and entryBytes do the same for an archive held whole in memory (local bundles).
// Layouts follow PKWARE's APPNOTE.TXT.
import type { ListedKind } from './bundle-listing';

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const EOCD64_LOCATOR_SIGNATURE = 0x07064b50;
const EOCD64_SIGNATURE = 0x06064b50;
const EOCD64_SIZE = 56;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
export const LOCAL_HEADER_SIZE = 30;
const ZIP64_EXTRA_ID = 0x0001;
const MAX_COMMENT = 0xffff;
/** How many bytes from the end of a zip hold its end record, whatever its comment. */
export const ZIP_TAIL_BYTES = EOCD_SIZE + MAX_COMMENT;
/** Host systems in "version made by" whose external attributes carry a unix mode: Unix and OS X. */
const UNIX_HOSTS = new Set([3, 19]);
const TYPE_MASK = 0o170000;
const UNIX_KINDS: Readonly<Record<number, ListedKind>> = { 0o100000: 'file', 0o040000: 'directory', 0o120000: 'symlink' };

export class ZipFormatError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

/** Where the central directory is. */
export interface ZipDirectoryLocation {
  readonly entryCount: number;
  readonly offset: number;
  readonly size: number;
}

/** The end record says the archive is ZIP64: its real directory location is in the record at `recordOffset`. */
export interface Zip64Pointer {
  readonly recordOffset: number;
}

export interface ZipEntry {
  readonly name: string;
  /** Undefined for devices, sockets and pipes. */
  readonly kind: ListedKind | undefined;
  readonly method: number;
  readonly encrypted: boolean;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

/** An entry of an archive held whole, with the permission bits (st_mode & 0o7777) a unix archiver recorded. */
export interface ZipFileEntry extends ZipEntry {
  /** Undefined for archives from Windows tools, which record no mode. */
  readonly mode?: number;
}

/** Bytes of the archive starting at an absolute offset. */
export interface ZipBytes {
  readonly start: number;
  readonly bytes: Uint8Array;
}

/** Finds the end record in the archive's last bytes (`tail`, at least ZIP_TAIL_BYTES of them unless the zip is smaller). */
export function locateDirectory(tail: ZipBytes): ZipDirectoryLocation | Zip64Pointer {
  const view = viewOf(tail.bytes);
  const eocd = findEndRecord(view);
  const entryCount = view.getUint16(eocd + 10, true);
  const size = view.getUint32(eocd + 12, true);
  const offset = view.getUint32(eocd + 16, true);
  if (entryCount !== 0xffff && size !== 0xffffffff && offset !== 0xffffffff) return { entryCount, offset, size };
  const locator = eocd - 20;
  if (locator < 0 || view.getUint32(locator, true) !== EOCD64_LOCATOR_SIGNATURE) {
    throw new ZipFormatError('the archive announces ZIP64 but has no ZIP64 end record locator');
  }
  return { recordOffset: safeNumber(view.getBigUint64(locator + 8, true)) };
}

/** How many bytes the ZIP64 end record takes. */
export const ZIP64_END_RECORD_SIZE = EOCD64_SIZE;

export function readZip64End(record: Uint8Array): ZipDirectoryLocation {
  const view = viewOf(record);
  need(view, 0, EOCD64_SIZE);
  if (view.getUint32(0, true) !== EOCD64_SIGNATURE) throw new ZipFormatError('the ZIP64 end record is not where its locator says');
  return {
    entryCount: safeNumber(view.getBigUint64(32, true)),
    size: safeNumber(view.getBigUint64(40, true)),
    offset: safeNumber(view.getBigUint64(48, true)),
  };
}

export function readDirectory(directory: Uint8Array, entryCount: number): ZipEntry[] {
  return parseDirectory(directory, entryCount, (entry) => entry);
}

/** Every entry of an archive held whole in memory, with the permission bits unix archivers record. */
export function readArchive(zip: Uint8Array): ZipFileEntry[] {
  let location = locateDirectory({ start: 0, bytes: zip });
  if ('recordOffset' in location) location = readZip64End(range(zip, location.recordOffset, ZIP64_END_RECORD_SIZE));
  return parseDirectory(range(zip, location.offset, location.size), location.entryCount, (entry, mode) =>
    mode === undefined ? entry : { ...entry, mode },
  );
}

/** The stored (possibly compressed) bytes of an entry of an archive held whole. */
export function entryBytes(zip: Uint8Array, entry: ZipEntry): Uint8Array {
  return range(zip, dataStart(entry, range(zip, entry.localOffset, LOCAL_HEADER_SIZE)), entry.compressedSize);
}

/** Reads `entryCount` central entries; `make` also gets the permission bits when a unix archiver recorded a mode. */
function parseDirectory<T>(directory: Uint8Array, entryCount: number, make: (entry: ZipEntry, mode: number | undefined) => T): T[] {
  const view = viewOf(directory);
  const entries: T[] = [];
  let at = 0;
  for (let index = 0; index < entryCount; index += 1) {
    need(view, at, 46);
    if (view.getUint32(at, true) !== CENTRAL_SIGNATURE) throw new ZipFormatError('a central directory entry has no signature: the archive is corrupt');
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    need(view, at + 46, nameLength + extraLength);
    const name = new TextDecoder('utf-8').decode(directory.subarray(at + 46, at + 46 + nameLength));
    const sizes = zip64Sizes(view, at + 46 + nameLength, extraLength, {
      size: view.getUint32(at + 24, true),
      compressedSize: view.getUint32(at + 20, true),
      localOffset: view.getUint32(at + 42, true),
    });
    const madeBy = view.getUint16(at + 4, true) >> 8;
    const external = view.getUint32(at + 38, true);
    const entry: ZipEntry = {
      name,
      kind: kindOf(madeBy, external, name),
      method: view.getUint16(at + 10, true),
      encrypted: (view.getUint16(at + 8, true) & 1) === 1,
      crc: view.getUint32(at + 16, true),
      ...sizes,
    };
    const mode = external >>> 16;
    entries.push(make(entry, UNIX_HOSTS.has(madeBy) && mode !== 0 ? mode & 0o7777 : undefined));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Where an entry's data starts, from its local header (whose name and extra lengths may differ from the directory's). */
export function dataStart(entry: ZipEntry, localHeader: Uint8Array): number {
  const view = viewOf(localHeader);
  need(view, 0, LOCAL_HEADER_SIZE);
  if (view.getUint32(0, true) !== LOCAL_SIGNATURE) throw new ZipFormatError(`entry '${entry.name}' has no local header where the central directory says`);
  return entry.localOffset + LOCAL_HEADER_SIZE + view.getUint16(26, true) + view.getUint16(28, true);
}

/** CRC-32 as zip stores it. */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, byte) => {
  let crc = byte;
  for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  return crc >>> 0;
});

function findEndRecord(view: DataView): number {
  const lowest = Math.max(0, view.byteLength - ZIP_TAIL_BYTES);
  for (let at = view.byteLength - EOCD_SIZE; at >= lowest; at -= 1) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE) return at;
  }
  throw new ZipFormatError('no end of central directory record: the bundle is not a zip archive, or is truncated');
}

/** Unix tools record the kind in the mode's type bits (some record permissions only); Windows tools in the name. */
function kindOf(madeBy: number, external: number, name: string): ListedKind | undefined {
  const mode = external >>> 16;
  const type = mode & TYPE_MASK;
  if (UNIX_HOSTS.has(madeBy) && type !== 0) return UNIX_KINDS[type];
  return name.endsWith('/') || name.endsWith('\\') || (external & 0x10) !== 0 ? 'directory' : 'file';
}

type Sizes = { size: number; compressedSize: number; localOffset: number };

/** ZIP64 keeps the real values in an extra field, in this order, for each 32-bit field set to 0xffffffff. */
function zip64Sizes(view: DataView, extraStart: number, extraLength: number, sizes: Sizes): Sizes {
  const wanted = (['size', 'compressedSize', 'localOffset'] as const).filter((field) => sizes[field] === 0xffffffff);
  if (wanted.length === 0) return sizes;
  const extraEnd = extraStart + extraLength;
  for (let at = extraStart; at + 4 <= extraEnd; ) {
    const id = view.getUint16(at, true);
    const length = view.getUint16(at + 2, true);
    if (id === ZIP64_EXTRA_ID) {
      // Claiming more bytes than the extra data holds would read the sizes from the comment or entry that follows, or
      // past the directory.
      if (at + 4 + length > extraEnd) throw new ZipFormatError('corrupt ZIP64 extra field: it claims more bytes than its entry\'s extra data holds');
      if (length < wanted.length * 8) throw new ZipFormatError('a ZIP64 extra field is too short for the sizes it should hold');
      const result = { ...sizes };
      wanted.forEach((field, index) => {
        result[field] = safeNumber(view.getBigUint64(at + 4 + index * 8, true));
      });
      return result;
    }
    at += 4 + length;
  }
  throw new ZipFormatError('ZIP64 sizes are announced but the extra field holding them is missing');
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function need(bytes: { readonly byteLength: number }, offset: number, length: number): void {
  if (offset < 0 || offset + length > bytes.byteLength) throw new ZipFormatError('the archive is truncated');
}

/** `length` bytes at `offset` of an archive held whole; ZipFormatError when it ends first. */
function range(zip: Uint8Array, offset: number, length: number): Uint8Array {
  need(zip, offset, length);
  return zip.subarray(offset, offset + length);
}

function safeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('the archive declares sizes too large to handle');
  return Number(value);
}
