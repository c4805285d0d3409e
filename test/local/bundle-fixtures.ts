import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { c as createTar } from 'tar';
import { AppSpecError, type FieldProblem } from '../../functions/core/errors';

// Shared fixtures for the bundle tests. Everything that writes files lives on the object useBundleFixtures()
// returns, bound to that test file's own temp directory; nothing here holds state at module level.

export const APPSPEC = `version: 0.0
os: linux
files:
  - source: /web
    destination: /srv/app
hooks:
  AfterInstall:
    - location: scripts/install.sh
      timeout: 60
`;

/** path → [content, mode] */
export type Tree = Record<string, [string, number]>;

export const TREE: Tree = {
  'appspec.yml': [APPSPEC, 0o644],
  'scripts/install.sh': ['#!/bin/sh\necho installed\n', 0o755],
  'web/index.html': ['<h1>hello</h1>\n', 0o644],
  'web/css/site.css': ['h1 { color: red }\n', 0o644],
};

export const EXPECTED_FILES = ['appspec.yml', 'scripts/install.sh', 'web/css/site.css', 'web/index.html'];

export async function writeTree(root: string, tree: Tree): Promise<string> {
  for (const [path, [content, mode]] of Object.entries(tree)) {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
    await chmod(file, mode);
  }
  return root;
}

export function zipOf(tree: Tree, options: { unixModes: boolean; wrap?: string }): Uint8Array {
  const entries: Zippable = {};
  for (const [path, [content, mode]] of Object.entries(tree)) {
    const attributes = options.unixModes ? { os: 3, attrs: mode << 16 } : {};
    entries[`${options.wrap ?? ''}${path}`] = [new TextEncoder().encode(content), attributes];
  }
  return zipSync(entries);
}

export function unzipEntries(zip: Uint8Array, tree: Tree = TREE): Zippable {
  const entries: Zippable = {};
  for (const [path, data] of Object.entries(unzipSync(zip))) {
    entries[path] = [data, { os: 3, attrs: tree[path][1] << 16 }];
  }
  return entries;
}

export async function problemsOf(promise: Promise<unknown>): Promise<readonly FieldProblem[]> {
  const error: unknown = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  if (!(error instanceof AppSpecError)) {
    throw new Error(`expected an AppSpecError, got ${String(error)}`);
  }
  return error.problems;
}

export interface BundleFixtures {
  /** The current test's temp directory; only valid inside a test or hook. */
  workDir(): string;
  writeZip(name: string, tree: Tree, options: { unixModes: boolean; wrap?: string }): Promise<string>;
  writeTarball(name: string, tree: Tree, gzip: boolean): Promise<string>;
  /** Extracts a tar into a fresh directory under workDir() and returns that directory. */
  extract(tarPath: string): string;
  /** A tar whose entries include '../evil'. */
  evilTar(): Promise<string>;
  /** A zip of TREE plus a symbolic link web/link → target. */
  linkedZip(target: string): Promise<string>;
  /** A zip of TREE with its last 30 bytes cut off. */
  truncated(name: string): Promise<string>;
  /** A .tgz of TREE cut to its first 100 bytes. */
  truncatedTgz(): Promise<string>;
}

/**
 * Registers beforeEach/afterEach hooks that give every test a fresh temp directory (removed afterwards), and
 * returns helpers that write into it. Call once at the top level of a test file.
 */
export function useBundleFixtures(): BundleFixtures {
  let work: string | undefined;

  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'cutover-bundle-'));
  });

  afterEach(async () => {
    if (work !== undefined) {
      await rm(work, { recursive: true, force: true });
      work = undefined;
    }
  });

  function workDir(): string {
    if (work === undefined) {
      throw new Error('the bundle fixtures temp directory exists only inside a test');
    }
    return work;
  }

  async function writeZip(name: string, tree: Tree, options: { unixModes: boolean; wrap?: string }): Promise<string> {
    const file = join(workDir(), name);
    await writeFile(file, zipOf(tree, options));
    return file;
  }

  async function writeTarball(name: string, tree: Tree, gzip: boolean): Promise<string> {
    const root = await writeTree(join(workDir(), `${name}-src`), tree);
    const file = join(workDir(), name);
    await createTar({ file, cwd: root, gzip }, ['.']);
    return file;
  }

  function extract(tarPath: string): string {
    const into = join(workDir(), `extracted-${Math.random().toString(36).slice(2)}`);
    execFileSync('mkdir', ['-p', into]);
    execFileSync('tar', ['-xf', tarPath, '-C', into]);
    return into;
  }

  async function evilTar(): Promise<string> {
    const root = await writeTree(join(workDir(), 'tar-src', 'inner'), TREE);
    await writeFile(join(workDir(), 'tar-src', 'evil'), 'x');
    const file = join(workDir(), 'evil.tar');
    // preservePaths lets node-tar write the '..' entry that a hostile archive would carry.
    await createTar({ file, cwd: root, preservePaths: true }, ['.', '../evil']);
    return file;
  }

  async function linkedZip(target: string): Promise<string> {
    const entries = zipOf(TREE, { unixModes: true });
    const withLink: Zippable = { ...unzipEntries(entries), 'web/link': [new TextEncoder().encode(target), { os: 3, attrs: 0o120777 * 0x10000 }] };
    const file = join(workDir(), 'linked.zip');
    await writeFile(file, zipSync(withLink));
    return file;
  }

  async function truncated(name: string): Promise<string> {
    const zip = zipOf(TREE, { unixModes: true });
    const file = join(workDir(), name);
    await writeFile(file, zip.subarray(0, zip.byteLength - 30));
    return file;
  }

  async function truncatedTgz(): Promise<string> {
    const file = await writeTarball('full.tgz', TREE, true);
    const bytes = execFileSync('head', ['-c', '100', file]);
    await writeFile(join(workDir(), 'cut.tgz'), bytes);
    return join(workDir(), 'cut.tgz');
  }

  return { workDir, writeZip, writeTarball, extract, evilTar, linkedZip, truncated, truncatedTgz };
}
