// The zip structures read by range: end records (plain and ZIP64), central directory entries and local headers; and
// the same read from an archive held whole.
import { zipSync } from 'fflate';
import {
  crc32,
  dataStart,
  entryBytes,
  locateDirectory,
  readArchive,
  readDirectory,
  readZip64End,
  ZipFormatError,
} from '../../functions/core/zip-directory';

interface CentralSpec {
  readonly name: string;
  readonly madeBy?: number;
  readonly external?: number;
  readonly sizes?: { size: number; compressedSize: number; localOffset: number };
  readonly zip64?: readonly bigint[];
}

function central(spec: CentralSpec): Buffer {
  const name = Buffer.from(spec.name);
  const extra = spec.zip64 ? Buffer.alloc(4 + spec.zip64.length * 8) : Buffer.alloc(0);
  if (spec.zip64) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(spec.zip64.length * 8, 2);
    spec.zip64.forEach((value, i) => extra.writeBigUInt64LE(value, 4 + i * 8));
  }
  const entry = Buffer.alloc(46);
  entry.writeUInt32LE(0x02014b50, 0);
  entry.writeUInt16LE(((spec.madeBy ?? 3) << 8) | 20, 4);
  entry.writeUInt16LE(8, 10);
  entry.writeUInt32LE(0x12345678, 16);
  entry.writeUInt32LE(spec.sizes?.compressedSize ?? 10, 20);
  entry.writeUInt32LE(spec.sizes?.size ?? 20, 24);
  entry.writeUInt16LE(name.length, 28);
  entry.writeUInt16LE(extra.length, 30);
  entry.writeUInt32LE((spec.external ?? 0) >>> 0, 38);
  entry.writeUInt32LE(spec.sizes?.localOffset ?? 0, 42);
  return Buffer.concat([entry, name, extra]);
}

function endRecord(count: number, size: number, offset: number, comment = ''): Buffer {
  const record = Buffer.alloc(22);
  record.writeUInt32LE(0x06054b50, 0);
  record.writeUInt16LE(count, 8);
  record.writeUInt16LE(count, 10);
  record.writeUInt32LE(size, 12);
  record.writeUInt32LE(offset, 16);
  record.writeUInt16LE(Buffer.byteLength(comment), 20);
  return Buffer.concat([record, Buffer.from(comment)]);
}

const FILE = 0o100644 << 16;
const LINK = 0o120777 << 16;
const DIRECTORY = 0o040755 << 16;

/** An entry announcing all three sizes in ZIP64, whose extra field holds one but claims the 24 bytes of three. */
function overlongZip64(name: string): Buffer {
  const entry = central({ name, external: FILE, sizes: { size: 0xffffffff, compressedSize: 0xffffffff, localOffset: 0xffffffff }, zip64: [6_000_000_000n] });
  entry.writeUInt16LE(24, 46 + Buffer.byteLength(name) + 2);
  return entry;
}

describe('zip directory', () => {
  it('finds the central directory from the end record, past a comment', () => {
    const tail = Buffer.concat([Buffer.alloc(100), endRecord(3, 250, 4000, 'made by hand')]);

    expect(locateDirectory({ start: 5000, bytes: tail })).toEqual({ entryCount: 3, size: 250, offset: 4000 });
  });

  it('follows a ZIP64 end record locator and reads 64-bit sizes from the extra field', () => {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(70_000n, 32);
    record.writeBigUInt64LE(3_000_000n, 40);
    record.writeBigUInt64LE(5_000_000_000n, 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(5_003_000_000n, 8);
    const tail = Buffer.concat([locator, endRecord(0xffff, 0xffffffff, 0xffffffff)]);

    expect(locateDirectory({ start: 5_003_000_056, bytes: tail })).toEqual({ recordOffset: 5_003_000_000 });
    expect(readZip64End(record)).toEqual({ entryCount: 70_000, size: 3_000_000, offset: 5_000_000_000 });
    const entry = central({ name: 'big.bin', sizes: { size: 0xffffffff, compressedSize: 0xffffffff, localOffset: 0xffffffff }, zip64: [6_000_000_000n, 5_500_000_000n, 4_000_000_000n], external: FILE });
    expect(readDirectory(entry, 1)).toEqual([
      { name: 'big.bin', kind: 'file', method: 8, encrypted: false, crc: 0x12345678, size: 6_000_000_000, compressedSize: 5_500_000_000, localOffset: 4_000_000_000 },
    ]);
  });

  it.each([
    ['a unix file', { name: 'a.txt', external: FILE }, 'file'],
    ['a unix link', { name: 'current', external: LINK }, 'symlink'],
    ['a unix directory', { name: 'site/', external: DIRECTORY }, 'directory'],
    ['a unix device', { name: 'null', external: 0o020666 << 16 }, undefined],
    ['a Windows directory by its attribute', { name: 'site', madeBy: 0, external: 0x10 }, 'directory'],
    ['a Windows directory by its slash', { name: 'site\\', madeBy: 0 }, 'directory'],
    ['a Windows file', { name: 'a.txt', madeBy: 0, external: 0x20 }, 'file'],
    ['a unix entry recording permissions only', { name: 'b.txt', external: 0o644 << 16 }, 'file'],
  ])('tells %s by its attributes', (_case, spec, kind) => {
    expect(readDirectory(central(spec), 1)[0].kind).toBe(kind);
  });

  it('finds where data starts from the local header, whose extra field may differ from the directory', () => {
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(11, 26);
    header.writeUInt16LE(28, 28);
    const [entry] = readDirectory(central({ name: 'appspec.yml', sizes: { size: 20, compressedSize: 10, localOffset: 1000 } }), 1);

    expect(dataStart(entry, header)).toBe(1000 + 30 + 11 + 28);
  });

  it.each([
    ['no end record', () => locateDirectory({ start: 0, bytes: Buffer.alloc(100) }), 'no end of central directory record'],
    ['ZIP64 without its locator', () => locateDirectory({ start: 0, bytes: Buffer.concat([Buffer.alloc(20), endRecord(0xffff, 0, 0)]) }), 'no ZIP64 end record locator'],
    ['a central entry without its signature', () => readDirectory(Buffer.alloc(46), 1), 'has no signature'],
    ['a directory shorter than its count', () => readDirectory(central({ name: 'a' }), 2), 'truncated'],
    ['a local header that is not one', () => dataStart(readDirectory(central({ name: 'a' }), 1)[0], Buffer.alloc(30)), 'no local header'],
    ['a ZIP64 extra field claiming more bytes than the directory holds', () => readDirectory(overlongZip64('big.bin'), 1), 'corrupt ZIP64 extra field'],
    [
      'a ZIP64 extra field running into the next entry',
      () => readDirectory(Buffer.concat([overlongZip64('big.bin'), central({ name: 'next.txt', external: FILE })]), 2),
      'corrupt ZIP64 extra field',
    ],
  ])('refuses %s', (_case, read, message) => {
    expect(read).toThrow(ZipFormatError);
    expect(read).toThrow(message);
  });
});

describe('zip archive held whole', () => {
  const text = (value: string): Uint8Array => new TextEncoder().encode(value);

  it('lists every entry with its kind and the permission bits a unix archiver recorded', () => {
    const zip = zipSync(
      {
        'appspec.yml': [text('version: 0.0\n'), { os: 3, attrs: 0o100644 << 16 }],
        'scripts/start.sh': [text('#!/bin/sh\n'), { os: 3, attrs: 0o755 << 16, level: 0 }],
        'site/': [new Uint8Array(0), { os: 3, attrs: 0o040750 << 16 }],
        'windows.txt': [text('dos'), { os: 0, attrs: 0x20 }],
      },
      { level: 6 },
    );

    const entries = readArchive(zip);

    expect(entries.map(({ name, kind, mode }) => ({ name, kind, mode }))).toEqual([
      { name: 'appspec.yml', kind: 'file', mode: 0o644 },
      { name: 'scripts/start.sh', kind: 'file', mode: 0o755 },
      { name: 'site/', kind: 'directory', mode: 0o750 },
      { name: 'windows.txt', kind: 'file', mode: undefined },
    ]);
    expect('mode' in entries[3]).toBe(false);
    const stored = entries[1];
    expect(stored.method).toBe(0);
    expect(Buffer.from(entryBytes(zip, stored)).toString()).toBe('#!/bin/sh\n');
    expect(crc32(entryBytes(zip, stored))).toBe(stored.crc);
  });

  it('follows a ZIP64 end record within the archive', () => {
    const data = Buffer.from('hello');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(1, 26);
    const entry = central({ name: 'a', external: FILE, sizes: { size: 5, compressedSize: 5, localOffset: 0 } });
    const directoryOffset = local.length + 1 + data.length;
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(1n, 32);
    record.writeBigUInt64LE(BigInt(entry.length), 40);
    record.writeBigUInt64LE(BigInt(directoryOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(directoryOffset + entry.length), 8);
    const zip = Buffer.concat([local, Buffer.from('a'), data, entry, record, locator, endRecord(0xffff, 0xffffffff, 0xffffffff)]);

    const [read] = readArchive(zip);

    expect(read).toMatchObject({ name: 'a', kind: 'file', size: 5, mode: 0o644 });
    expect(Buffer.from(entryBytes(zip, read)).toString()).toBe('hello');
  });

  it.each([
    ['an archive missing its end', () => readArchive(zipSync({ a: text('x') }).subarray(0, -30)), 'no end of central directory record'],
    ['a directory past the end of the archive', () => readArchive(endRecord(1, 46, 1000)), 'the archive is truncated'],
    ['a ZIP64 record past the end of the archive', () => {
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(5000n, 8);
      return readArchive(Buffer.concat([locator, endRecord(0xffff, 0xffffffff, 0xffffffff)]));
    }, 'the archive is truncated'],
    ['entry data past the end of the archive', () => {
      const zip = zipSync({ a: [text('some content'), { level: 0 }] });
      const [entry] = readArchive(zip);
      return entryBytes(zip, { ...entry, compressedSize: zip.length });
    }, 'the archive is truncated'],
    ['a local header past the end of the archive', () => {
      const zip = zipSync({ a: text('x') });
      return entryBytes(zip, { ...readArchive(zip)[0], localOffset: zip.length });
    }, 'the archive is truncated'],
  ])('refuses %s', (_case, read, message) => {
    expect(read).toThrow(ZipFormatError);
    expect(read).toThrow(message);
  });
});
