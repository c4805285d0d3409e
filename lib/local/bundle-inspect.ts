// Turns a scanned bundle into the bundle CodeDeploy would deploy: the appspec at its root (stripping one wrapping
// directory, as the agent does), the appspec parsed, and its scripts and sources found among the files.
import { posix } from 'node:path';
import {
  APPSPEC_FILE_NAMES,
  parseAppSpec,
  validateBundleContents,
  type AppSpecFileName,
} from '../../functions/core/appspec';
import { linkProblems, wrappingDirectory } from '../../functions/core/bundle-listing';
import { AppSpecError, type FieldProblem } from '../../functions/core/errors';
import type { AppSpec } from '../../functions/core/types';
import { bundleProblem, type BundleEntry, type BundleScan, type EntryKind } from './bundle-entries';

/** An entry relative to the bundle root; `sourcePath` is where the scan found it, before stripping. */
export interface RootedEntry extends BundleEntry {
  readonly sourcePath: string;
}

export interface InspectedBundle {
  readonly appSpecFileName: AppSpecFileName;
  readonly appSpecText: string;
  readonly appSpec: AppSpec;
  /** Regular files, relative to the bundle root, sorted. */
  readonly files: ReadonlySet<string>;
  readonly entries: readonly RootedEntry[];
}

export type Inspection =
  | { readonly ok: true; readonly bundle: InspectedBundle }
  | { readonly ok: false; readonly problems: FieldProblem[] };

type FoundAppSpec = { ok: true; fileName: AppSpecFileName; text: string } | { ok: false; problem: FieldProblem };

const EXECUTABLE_MODE = 0o755;

export function inspectBundle(scan: BundleScan): Inspection {
  const problems: FieldProblem[] = [...scan.problems];
  const prefix = wrappingDirectory(scan.entries);
  const entries: RootedEntry[] = scan.entries
    .filter((entry) => entry.path.startsWith(prefix))
    .map((entry) => ({ ...entry, sourcePath: entry.path, path: entry.path.slice(prefix.length) }));
  problems.push(...entries.flatMap(linkProblems));
  const found = findAppSpec(scan, entries, prefix);
  if (!found.ok) {
    return { ok: false, problems: [...problems, found.problem] };
  }
  const files = pathsOf(entries, 'file');
  let appSpec: AppSpec;
  try {
    appSpec = parseAppSpec(found.text, found.fileName);
  } catch (error) {
    if (error instanceof AppSpecError) {
      return { ok: false, problems: [...problems, ...error.problems] };
    }
    throw error;
  }
  // Directories and links count too: a files source may name an empty directory, one holding only links, or a link.
  const others = { directories: pathsOf(entries, 'directory'), links: pathsOf(entries, 'symlink') };
  problems.push(...validateBundleContents(appSpec, files, others));
  if (problems.length > 0) {
    return { ok: false, problems };
  }
  const bundle = { appSpecFileName: found.fileName, appSpecText: found.text, appSpec, files };
  return { ok: true, bundle: { ...bundle, entries: withExecutableScripts(entries, appSpec) } };
}

/** The paths of the entries of one kind, sorted. */
function pathsOf(entries: readonly RootedEntry[], kind: EntryKind): Set<string> {
  return new Set(
    entries
      .filter((entry) => entry.kind === kind)
      .map((entry) => entry.path)
      .sort(),
  );
}

function findAppSpec(scan: BundleScan, entries: readonly RootedEntry[], prefix: string): FoundAppSpec {
  for (const fileName of APPSPEC_FILE_NAMES) {
    const entry = entries.find((candidate) => candidate.path === fileName);
    if (entry === undefined) {
      continue;
    }
    const text = scan.appSpecTexts.get(entry.sourcePath);
    if (entry.kind !== 'file' || text === undefined) {
      const problem = bundleProblem(`${fileName} at the bundle root must be a regular file (it is a ${entry.kind})`);
      return { ok: false, problem };
    }
    return { ok: true, fileName, text };
  }
  const elsewhere = entries
    .filter((entry) => (APPSPEC_FILE_NAMES as readonly string[]).includes(posix.basename(entry.path)))
    .map((entry) => `${prefix}${entry.path}`);
  const hint =
    elsewhere.length === 0
      ? ''
      : `; found ${elsewhere.join(', ')}, but the appspec must sit at the root of the bundle ` +
        '(or of its only top-level directory)';
  return { ok: false, problem: bundleProblem(`no ${APPSPEC_FILE_NAMES.join(' or ')} at the bundle root${hint}`) };
}

/** Archives that record no mode (zips from Windows tools) would otherwise give every hook script mode 0644. */
function withExecutableScripts(entries: readonly RootedEntry[], appSpec: AppSpec): RootedEntry[] {
  const scripts = new Set(Object.values(appSpec.hooks).flatMap((list) => list.map((script) => script.location)));
  return entries.map((entry) =>
    entry.kind === 'file' && entry.mode === undefined && scripts.has(entry.path)
      ? { ...entry, mode: EXECUTABLE_MODE }
      : entry,
  );
}
