// Reads a .tar, .tgz or .tar.gz bundle with the tar package (which detects gzip itself). File contents, when kept,
// go to numbered files in a scratch directory rather than to their archive paths, so no entry name can steer a
// write, and symbolic links are recorded but never created.
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { t as listTar, type ReadEntry } from 'tar';
import {
  EntryCollector,
  decodeText,
  isAppSpecCandidate,
  type BundleScan,
  type ContentReader,
  type EntryKind,
} from './bundle-entries';

const KINDS: Partial<Record<ReadEntry['type'], EntryKind>> = {
  File: 'file',
  OldFile: 'file',
  ContiguousFile: 'file',
  Directory: 'directory',
  SymbolicLink: 'symlink',
};

/** `scratchDir` (an existing, empty directory) receives file contents for loadBundle; omit it to only look. */
export async function scanTar(file: string, scratchDir?: string): Promise<BundleScan> {
  const collector = new EntryCollector();
  const stored = new Map<string, string>();
  const pending: Promise<void>[] = [];
  const failures: unknown[] = [];
  let written = 0;
  const track = (work: Promise<void>): void => {
    pending.push(work.catch((error: unknown) => void failures.push(error)));
  };
  // Each entry gets exactly one consumer: the parser may already have buffered some of its data, which a second
  // consumer attached later would miss.
  const onReadEntry = (entry: ReadEntry): void => {
    const path = addEntry(entry, collector);
    if (path !== undefined && KINDS[entry.type] === 'file' && scratchDir !== undefined) {
      // A counter, not the path count: a repeated path gets a new file rather than a second writer on the old one.
      const target = join(scratchDir, String(written++));
      stored.set(path, target);
      track(finished(entry.pipe(createWriteStream(target))));
    } else if (path !== undefined && KINDS[entry.type] === 'file' && isAppSpecCandidate(path)) {
      track(entry.concat().then((data) => void collector.appSpecTexts.set(path, decodeText(data))));
    } else {
      entry.resume();
    }
  };
  try {
    // noResume: each entry is consumed above, and a file's data must not flow before its pipe is attached.
    await listTar({ file, strict: true, noResume: true, onReadEntry });
  } catch (error) {
    await Promise.all(pending);
    if (error instanceof Error && isArchiveError(error)) {
      collector.reject(`cannot read ${file} as a tar archive: ${error.message}`);
      return collector.finish();
    }
    throw error;
  }
  await Promise.all(pending);
  if (failures.length > 0) {
    throw failures[0];
  }
  for (const [path, target] of stored) {
    if (isAppSpecCandidate(path)) {
      collector.appSpecTexts.set(path, decodeText(await readFile(target)));
    }
  }
  return collector.finish(scratchDir === undefined ? undefined : storedContent(stored, file));
}

function storedContent(stored: ReadonlyMap<string, string>, file: string): ContentReader {
  return async (path) => {
    const target = stored.get(path);
    if (target === undefined) {
      throw new Error(`'${path}' is not a file of ${file}`);
    }
    return { size: (await stat(target)).size, chunks: createReadStream(target) };
  };
}

function addEntry(entry: ReadEntry, collector: EntryCollector): string | undefined {
  const kind = KINDS[entry.type];
  if (kind === undefined) {
    const why = entry.type === 'Link' ? 'a hard link; archive the file itself' : `of unsupported type ${entry.type}`;
    collector.reject(`entry '${entry.path}' is ${why}`);
    return undefined;
  }
  const mode = entry.mode === undefined ? undefined : entry.mode & 0o7777;
  return collector.add(entry.path, kind, mode, kind === 'symlink' ? (entry.linkpath ?? '') : undefined);
}

/** Errors that mean "this file is not a readable tar", as opposed to failures of our own IO. */
function isArchiveError(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('TAR_') || code.startsWith('Z_'));
}
