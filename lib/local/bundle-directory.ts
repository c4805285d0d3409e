// Reads a bundle that is a plain directory, such as a project checkout.
import { createReadStream } from 'node:fs';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EntryCollector, decodeText, isAppSpecCandidate, type BundleScan, type ContentReader } from './bundle-entries';

export interface DirectoryScanOptions {
  /** Paths left out of the bundle, such as Cutover's own state directory when it lives inside the project. */
  readonly exclude: readonly string[];
  readonly keepContent: boolean;
}

export async function scanDirectory(root: string, options: DirectoryScanOptions): Promise<BundleScan> {
  const collector = new EntryCollector();
  const excluded = new Set(options.exclude.map((path) => resolve(path)));
  await walk(resolve(root), '', collector, excluded);
  return collector.finish(options.keepContent ? directoryContent(root) : undefined);
}

async function walk(
  root: string,
  relativeDir: string,
  collector: EntryCollector,
  excluded: ReadonlySet<string>,
): Promise<void> {
  const names = (await readdir(join(root, relativeDir))).sort();
  for (const name of names) {
    const path = relativeDir === '' ? name : `${relativeDir}/${name}`;
    const absolute = join(root, path);
    if (excluded.has(absolute)) {
      continue;
    }
    const info = await lstat(absolute);
    if (info.isDirectory()) {
      collector.add(path, 'directory', info.mode & 0o7777);
      await walk(root, path, collector, excluded);
    } else if (info.isFile()) {
      collector.add(path, 'file', info.mode & 0o7777);
      if (isAppSpecCandidate(path)) {
        collector.appSpecTexts.set(path, decodeText(await readFile(absolute)));
      }
    } else if (info.isSymbolicLink()) {
      collector.add(path, 'symlink', 0o777, await readlink(absolute));
    } else {
      collector.reject(`'${path}' is neither a file, a directory nor a symbolic link`);
    }
  }
}

function directoryContent(root: string): ContentReader {
  return async (path) => {
    const absolute = join(root, ...path.split('/'));
    const info = await lstat(absolute);
    if (!info.isFile()) {
      throw new Error(`'${path}' in ${root} stopped being a regular file while the bundle was read`);
    }
    return { size: info.size, chunks: createReadStream(absolute) };
  };
}
