// The parts of the zip format fflate's unzip does not expose: the central directory, where each entry's unix mode
// lives (external attributes), plus ZIP64 sizes and offsets. Layouts follow PKWARE's APPNOTE.TXT.

const EOCD_SIGNATURE = 0x06054b50;
const EOCD64_LOCATOR_SIGNATURE = 0x07064b50;
const EOCD64_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const ZIP64_EXTRA_ID = 0x0001;
const MAX_COMMENT = 0xffff;
/** Host systems in "version made by" whose external attributes carry a unix mode: Unix and OS X. */
const UNIX_HOSTS = new Set([3, 19]);

export interface CentralEntry {
  readonly name: string;
  readonly method: number;
  readonly encrypted: boolean;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
  /** st_mode (type and permission bits) when the archiver was a unix tool and recorded one. */
  readonly unixMode?: number;
  /** The MS-DOS directory attribute, for archives from Windows tools. */
  readonly dosDirectory: boolean;
}

export class ZipFormatError extends Error {}

export function readCentralDirectory(zip: Uint8Array): CentralEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  let count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || offset === 0xffffffff) {
    ({ count, offset } = readZip64End(view, eocd));
  }
  const entries: CentralEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    const { entry, next } = readCentralEntry(zip, view, offset);
    entries.push(entry);
    offset = next;
  }
  return entries;
}

/** Where an entry's data starts: after its local header, whose name and extra field lengths may differ. */
export function dataOffset(zip: Uint8Array, entry: CentralEntry): number {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  need(view, entry.localOffset, 30);
  if (view.getUint32(entry.localOffset, true) !== LOCAL_SIGNATURE) {
    throw new ZipFormatError(`entry '${entry.name}' has no local header where the central directory says`);
  }
  const nameLength = view.getUint16(entry.localOffset + 26, true);
  const extraLength = view.getUint16(entry.localOffset + 28, true);
  const start = entry.localOffset + 30 + nameLength + extraLength;
  need(view, start, entry.compressedSize);
  return start;
}

function findEndOfCentralDirectory(view: DataView): number {
  const lowest = Math.max(0, view.byteLength - 22 - MAX_COMMENT);
  for (let position = view.byteLength - 22; position >= lowest; position -= 1) {
    if (view.getUint32(position, true) === EOCD_SIGNATURE) {
      return position;
    }
  }
  throw new ZipFormatError('no end of central directory record: the file is not a zip archive or is truncated');
}

function readZip64End(view: DataView, eocd: number): { count: number; offset: number } {
  const locator = eocd - 20;
  if (locator < 0 || view.getUint32(locator, true) !== EOCD64_LOCATOR_SIGNATURE) {
    throw new ZipFormatError('ZIP64 archive without its end of central directory locator');
  }
  const end = safeNumber(view.getBigUint64(locator + 8, true));
  need(view, end, 56);
  if (view.getUint32(end, true) !== EOCD64_SIGNATURE) {
    throw new ZipFormatError('ZIP64 end of central directory record not found');
  }
  return {
    count: safeNumber(view.getBigUint64(end + 32, true)),
    offset: safeNumber(view.getBigUint64(end + 48, true)),
  };
}

function readCentralEntry(zip: Uint8Array, view: DataView, offset: number): { entry: CentralEntry; next: number } {
  need(view, offset, 46);
  if (view.getUint32(offset, true) !== CENTRAL_SIGNATURE) {
    throw new ZipFormatError('central directory entry signature missing: the archive is corrupt');
  }
  const madeBy = view.getUint16(offset + 4, true) >> 8;
  const flags = view.getUint16(offset + 8, true);
  const nameLength = view.getUint16(offset + 28, true);
  const extraLength = view.getUint16(offset + 30, true);
  const commentLength = view.getUint16(offset + 32, true);
  const external = view.getUint32(offset + 38, true);
  need(view, offset + 46, nameLength + extraLength);
  const name = new TextDecoder('utf-8').decode(zip.subarray(offset + 46, offset + 46 + nameLength));
  const sizes = zip64Sizes(view, offset + 46 + nameLength, extraLength, {
    size: view.getUint32(offset + 24, true),
    compressedSize: view.getUint32(offset + 20, true),
    localOffset: view.getUint32(offset + 42, true),
  });
  const mode = external >>> 16;
  const entry: CentralEntry = {
    name,
    method: view.getUint16(offset + 10, true),
    encrypted: (flags & 1) === 1,
    crc: view.getUint32(offset + 16, true),
    ...sizes,
    ...(UNIX_HOSTS.has(madeBy) && mode !== 0 ? { unixMode: mode } : {}),
    dosDirectory: (external & 0x10) !== 0,
  };
  return { entry, next: offset + 46 + nameLength + extraLength + commentLength };
}

type Sizes = { size: number; compressedSize: number; localOffset: number };

/** ZIP64 keeps the real values in an extra field, in this order, for each 32-bit field set to 0xffffffff. */
function zip64Sizes(view: DataView, extraStart: number, extraLength: number, sizes: Sizes): Sizes {
  const fields: (keyof Sizes)[] = ['size', 'compressedSize', 'localOffset'];
  const wanted = fields.filter((field) => sizes[field] === 0xffffffff);
  if (wanted.length === 0) {
    return sizes;
  }
  for (let position = extraStart; position + 4 <= extraStart + extraLength; ) {
    const id = view.getUint16(position, true);
    const length = view.getUint16(position + 2, true);
    if (id === ZIP64_EXTRA_ID) {
      if (length < wanted.length * 8) {
        throw new ZipFormatError('ZIP64 extra field too short for the sizes it should hold');
      }
      const result = { ...sizes };
      wanted.forEach((field, index) => {
        result[field] = safeNumber(view.getBigUint64(position + 4 + index * 8, true));
      });
      return result;
    }
    position += 4 + length;
  }
  throw new ZipFormatError('ZIP64 sizes announced but the extra field is missing');
}

function need(view: DataView, offset: number, length: number): void {
  if (offset < 0 || offset + length > view.byteLength) {
    throw new ZipFormatError('the archive is truncated');
  }
}

function safeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ZipFormatError('the archive declares sizes too large to handle');
  }
  return Number(value);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, byte) => {
  let crc = byte;
  for (let bit = 0; bit < 8; bit += 1) {
    crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return crc >>> 0;
});

/** CRC-32 as zip stores it; fflate computes one but does not export it. */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}
