// Local bundles: a directory or a .zip/.tar/.tgz file checked like CodeDeploy would and normalised to one
// deterministic tar, named by its sha256, for the embedded runtime and hosts to fetch.
import { mkdir, mkdtemp, open, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AppSpecFileName } from '../../functions/core/appspec';
import { AppSpecError, type FieldProblem } from '../../functions/core/errors';
import type { AppSpec } from '../../functions/core/types';
import { bundleProblem, type BundleScan } from './bundle-entries';
import { scanDirectory } from './bundle-directory';
import { inspectBundle } from './bundle-inspect';
import { scanTar } from './bundle-tar-reader';
import { writeDeterministicTar } from './bundle-tar-writer';
import { scanZip } from './bundle-zip';

export interface LoadedBundle {
  appSpecFileName: AppSpecFileName;
  appSpecText: string;
  appSpec: AppSpec;
  /** Every regular file, relative to the bundle root, posix separators. */
  files: ReadonlySet<string>;
  /** The bundle as an uncompressed tar at outDir/<sha256>.tar, contents at the tar root. */
  tarPath: string;
  sha256: string;
}

export type BundleCheck =
  | { ok: true; bundle: Omit<LoadedBundle, 'tarPath' | 'sha256'> }
  | { ok: false; problems: FieldProblem[] };

export interface BundleReadOptions {
  /** Folders left out when the source is a directory: Cutover's state folder may live inside the project. */
  readonly exclude?: readonly string[];
}

/** Checks and normalises `source`; throws AppSpecError listing every problem. Leaves nothing in outDir on failure. */
export async function loadBundle(source: string, outDir: string, options: BundleReadOptions = {}): Promise<LoadedBundle> {
  await mkdir(outDir, { recursive: true });
  const work = await mkdtemp(join(outDir, '.bundle-'));
  try {
    const scratch = join(work, 'contents');
    await mkdir(scratch);
    const scan = await scanSource(source, { scratchDir: scratch, exclude: [outDir, ...(options.exclude ?? [])] });
    const inspection = inspectBundle(scan);
    if (!inspection.ok) {
      throw new AppSpecError(inspection.problems);
    }
    const { bundle } = inspection;
    const content = scan.content;
    if (content === undefined) {
      throw new Error(`the scan of ${source} kept no contents`);
    }
    const partial = join(work, 'bundle.tar');
    const inputs = bundle.entries.map((entry) => ({ ...entry, open: () => content(entry.sourcePath) }));
    const sha256 = await writeDeterministicTar(inputs, partial);
    const tarPath = join(outDir, `${sha256}.tar`);
    // Same name, same bytes: replacing an earlier copy of this bundle is harmless.
    await rename(partial, tarPath);
    const { appSpecFileName, appSpecText, appSpec, files } = bundle;
    return { appSpecFileName, appSpecText, appSpec, files, tarPath, sha256 };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** For `cutover validate`: reports problems instead of throwing for a bad bundle, and writes nothing. */
export async function checkBundle(source: string, options: BundleReadOptions = {}): Promise<BundleCheck> {
  let scan: BundleScan;
  try {
    scan = await scanSource(source, { exclude: options.exclude ?? [] });
  } catch (error) {
    if (error instanceof AppSpecError) {
      return { ok: false, problems: [...error.problems] };
    }
    throw error;
  }
  const inspection = inspectBundle(scan);
  if (!inspection.ok) {
    return inspection;
  }
  const { appSpecFileName, appSpecText, appSpec, files } = inspection.bundle;
  return { ok: true, bundle: { appSpecFileName, appSpecText, appSpec, files } };
}

interface ScanOptions {
  /** Where archive contents go when they are to be kept; omitted when only checking. */
  readonly scratchDir?: string;
  readonly exclude: readonly string[];
}

async function scanSource(source: string, options: ScanOptions): Promise<BundleScan> {
  const info = await stat(source).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') {
      throw new AppSpecError([bundleProblem(`${source} does not exist`)]);
    }
    throw error;
  });
  if (info.isDirectory()) {
    const exclude = options.exclude.map((path) => resolve(path));
    return scanDirectory(source, { exclude, keepContent: options.scratchDir !== undefined });
  }
  const format = info.isFile() ? await archiveFormat(source) : undefined;
  if (format === 'zip') {
    return scanZip(source, options.scratchDir !== undefined);
  }
  if (format === 'tar') {
    return scanTar(source, options.scratchDir);
  }
  throw new AppSpecError([bundleProblem(`${source} must be a directory or a .zip, .tar, .tgz or .tar.gz file`)]);
}

/** By content first, so a mislabelled archive still reads; the name only decides for old tars without magic. */
async function archiveFormat(file: string): Promise<'zip' | 'tar' | undefined> {
  const head = Buffer.alloc(265);
  const handle = await open(file, 'r');
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  if (head.readUInt32LE(0) === 0x04034b50 || head.readUInt32LE(0) === 0x06054b50) {
    return 'zip';
  }
  if ((head[0] === 0x1f && head[1] === 0x8b) || head.toString('latin1', 257, 262) === 'ustar') {
    return 'tar';
  }
  const name = file.toLowerCase();
  if (name.endsWith('.zip')) {
    return 'zip';
  }
  return name.endsWith('.tar') || name.endsWith('.tgz') || name.endsWith('.tar.gz') ? 'tar' : undefined;
}
