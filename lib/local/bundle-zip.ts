// Reads a .zip bundle in memory: the central directory (each entry's kind and mode) with the zip reader the S3
// bundle reader uses, contents inflated with fflate.
import { readFile } from 'node:fs/promises';
import { inflateSync } from 'fflate';
import { crc32, entryBytes, readArchive, ZipFormatError, type ZipFileEntry } from '../../functions/core/zip-directory';
import { EntryCollector, decodeText, isAppSpecCandidate, type BundleScan } from './bundle-entries';

const STORED = 0;
const DEFLATED = 8;

export async function scanZip(file: string, keepContent: boolean): Promise<BundleScan> {
  const zip = new Uint8Array(await readFile(file));
  const collector = new EntryCollector();
  let central: ZipFileEntry[];
  try {
    central = readArchive(zip);
  } catch (error) {
    if (error instanceof ZipFormatError) {
      collector.reject(`cannot read ${file} as a zip archive: ${error.message}`);
      return collector.finish();
    }
    throw error;
  }
  const contents = new Map<string, Uint8Array>();
  for (const entry of central) {
    addEntry(zip, entry, collector, keepContent ? contents : undefined);
  }
  return collector.finish(
    keepContent
      ? async (path) => {
          const data = contents.get(path);
          if (data === undefined) {
            throw new Error(`'${path}' is not a file of ${file}`);
          }
          return { size: data.byteLength, chunks: [data] };
        }
      : undefined,
  );
}

function addEntry(
  zip: Uint8Array,
  entry: ZipFileEntry,
  collector: EntryCollector,
  contents: Map<string, Uint8Array> | undefined,
): void {
  // Zips written by Windows tools may separate directories with backslashes.
  const name = entry.name.replace(/\\/g, '/');
  const { kind, mode } = entry;
  if (kind === undefined) {
    collector.reject(`entry '${entry.name}' is a device, socket or pipe; bundles hold files, directories and links`);
    return;
  }
  if (kind === 'directory') {
    collector.add(name, kind, mode);
    return;
  }
  const data = inflate(zip, entry, collector);
  if (data === undefined) {
    return;
  }
  if (kind === 'symlink') {
    // A unix zip stores a link as an entry whose content is the target path.
    collector.add(name, kind, mode, decodeText(data));
    return;
  }
  const path = collector.add(name, kind, mode);
  if (path !== undefined && isAppSpecCandidate(path)) {
    collector.appSpecTexts.set(path, decodeText(data));
  }
  if (path !== undefined && contents !== undefined) {
    contents.set(path, data);
  }
}

function inflate(zip: Uint8Array, entry: ZipFileEntry, collector: EntryCollector): Uint8Array | undefined {
  if (entry.encrypted) {
    collector.reject(`entry '${entry.name}' is encrypted; bundles must not be password-protected`);
    return undefined;
  }
  if (entry.method !== STORED && entry.method !== DEFLATED) {
    const why = `uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`;
    collector.reject(`entry '${entry.name}' ${why}`);
    return undefined;
  }
  try {
    const raw = entryBytes(zip, entry);
    const data = entry.method === STORED ? raw : inflateSync(raw, { out: new Uint8Array(entry.size) });
    if (data.byteLength !== entry.size || crc32(data) !== entry.crc) {
      collector.reject(`entry '${entry.name}' is corrupt: its size or checksum does not match`);
      return undefined;
    }
    return data;
  } catch (error) {
    // fflate and the format reader throw plain errors for damaged data: report them as a bad bundle.
    if (error instanceof Error) {
      collector.reject(`entry '${entry.name}' cannot be read: ${error.message}`);
      return undefined;
    }
    throw error;
  }
}
