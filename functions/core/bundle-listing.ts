// What an archive reader that never extracts anything (the S3 bundle reader) can tell about a bundle: its entries and
// the text of the files that may be its appspec. From that, the appspec is found as the agent finds it (at the root,
// or under the archive's only top-level directory), parsed, and checked against the entries.
import { APPSPEC_FILE_NAMES, parseAppSpec, validateBundleContents } from './appspec';
import { AppSpecError, type FieldProblem } from './errors';
import type { AppSpec } from './types';

export type ListedKind = 'file' | 'directory' | 'symlink';

export interface ListedEntry {
  /** Relative to the archive root: posix separators, no leading './', no trailing '/'. */
  readonly path: string;
  readonly kind: ListedKind;
  /** A link's target, when the reader read it. */
  readonly linkTarget?: string;
}

export interface BundleListing {
  /** In archive order; a later entry with the same path replaces an earlier one, as extracting would. */
  readonly entries: readonly ListedEntry[];
  /**
   * By entry path: at least the text of the appspec that counts (at the root, or in the only top-level directory).
   * Readers keep no other candidate's text: a bundle could hold one per top-level directory.
   */
  readonly appSpecTexts: ReadonlyMap<string, string>;
  /** What the reader refused on the way (bad names, unsupported entry types). */
  readonly problems: readonly FieldProblem[];
}

/** Appspecs above this size are refused unread: the largest real ones are a few kilobytes. */
export const MAX_APPSPEC_BYTES = 1024 * 1024;

export type ArchivePath = { readonly kind: 'path'; readonly path: string } | { readonly kind: 'root' } | { readonly kind: 'rejected'; readonly problem: FieldProblem };

export function bundleProblem(message: string): FieldProblem {
  return { field: 'bundle', message };
}

/** Archive entry names reduced to bundle paths; absolute names and `..` are refused rather than silently fixed. */
export function archivePath(raw: string): ArchivePath {
  const rejected = (why: string): ArchivePath => ({ kind: 'rejected', problem: bundleProblem(`entry '${raw}' ${why}`) });
  const name = raw.replace(/\\/g, '/');
  if (name.startsWith('/') || /^[A-Za-z]:\//.test(name)) return rejected('has an absolute path; archive entries must be relative to the bundle root');
  if (name.includes('\0')) return rejected('has a NUL character in its name');
  const segments = name.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return rejected("contains '..' and would be written outside the bundle");
  return segments.length === 0 ? { kind: 'root' } : { kind: 'path', path: segments.join('/') };
}

/** An appspec file name at the root or one directory down (the only places the agent looks). */
export function isAppSpecCandidate(path: string): boolean {
  const segments = path.split('/');
  return segments.length <= 2 && (APPSPEC_FILE_NAMES as readonly string[]).includes(segments[segments.length - 1]);
}

/** Appspec files are UTF-8; editors on Windows like to start them with a byte-order mark. */
export function decodeAppSpec(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

type FoundAppSpec = { readonly fileName: string; readonly text: string } | { readonly problem: FieldProblem | undefined };

/** The bundle's parsed appspec; AppSpecError listing every problem of the listing, the appspec and the entries. */
export function appSpecOfListing(listing: BundleListing): AppSpec {
  const problems: FieldProblem[] = [...listing.problems];
  const latest = new Map(listing.entries.map((entry) => [entry.path, entry]));
  const prefix = wrappingDirectory([...latest.values()]);
  const rooted = [...latest.values()].filter((entry) => entry.path.startsWith(prefix)).map((entry) => ({ ...entry, path: entry.path.slice(prefix.length) }));
  problems.push(...rooted.flatMap(linkProblems));

  const found = findAppSpec(listing, latest, prefix);
  if ('problem' in found) throw new AppSpecError(found.problem ? [...problems, found.problem] : problems);
  let appSpec: AppSpec;
  try {
    appSpec = parseAppSpec(found.text, found.fileName);
  } catch (error) {
    if (error instanceof AppSpecError) throw new AppSpecError([...problems, ...error.problems]);
    throw error;
  }
  const pathsOf = (kind: ListedKind): Set<string> => new Set(rooted.filter((entry) => entry.kind === kind).map((entry) => entry.path));
  problems.push(...validateBundleContents(appSpec, pathsOf('file'), { directories: pathsOf('directory'), links: pathsOf('symlink') }));
  if (problems.length > 0) throw new AppSpecError(problems);
  return appSpec;
}

/**
 * The path of the appspec appSpecOfListing will parse, when it is a file: readers that can read any entry (zip) list
 * first and read only this one. Undefined when there is none, or the one that counts is not a file (reported then).
 */
export function appSpecPathOf(entries: readonly ListedEntry[]): string | undefined {
  const latest = new Map(entries.map((entry) => [entry.path, entry]));
  const prefix = wrappingDirectory([...latest.values()]);
  for (const fileName of APPSPEC_FILE_NAMES) {
    const entry = latest.get(`${prefix}${fileName}`);
    if (entry !== undefined) return entry.kind === 'file' ? entry.path : undefined;
  }
  return undefined;
}

/** 'name/' when the root holds exactly one directory and it has the appspec, else ''. */
export function wrappingDirectory(entries: readonly ListedEntry[]): string {
  const topLevel = new Set(entries.map((entry) => entry.path.split('/')[0]));
  if (topLevel.size !== 1) return '';
  const [name] = topLevel;
  return entries.some((entry) => entry.kind === 'file' && APPSPEC_FILE_NAMES.some((file) => entry.path === `${name}/${file}`)) ? `${name}/` : '';
}

function findAppSpec(listing: BundleListing, entries: ReadonlyMap<string, ListedEntry>, prefix: string): FoundAppSpec {
  for (const fileName of APPSPEC_FILE_NAMES) {
    const path = `${prefix}${fileName}`;
    const entry = entries.get(path);
    if (entry === undefined) continue;
    if (entry.kind !== 'file') return { problem: bundleProblem(`${fileName} at the bundle root must be a regular file (it is a ${entry.kind})`) };
    const text = listing.appSpecTexts.get(path);
    if (text !== undefined) return { fileName, text };
    // A reader keeps no text only for a reason it reported (too large, unreadable): saying so again adds nothing.
    return { problem: listing.problems.length > 0 ? undefined : bundleProblem(`${path} could not be read`) };
  }
  return { problem: bundleProblem(`no ${APPSPEC_FILE_NAMES.join(' or ')} at the bundle root (or in the archive's only top-level directory)`) };
}

/** Links must stay inside the bundle, or a host extracting it could be made to read or write elsewhere. */
export function linkProblems(entry: ListedEntry): FieldProblem[] {
  // A zip read through S3 ranges lists its links without their targets (each would cost a request): hosts'
  // installs refuse links that leave the host root anyway.
  if (entry.kind !== 'symlink' || entry.linkTarget === undefined) return [];
  const target = entry.linkTarget;
  const segments: string[] = entry.path.split('/').slice(0, -1);
  for (const segment of target.split('/')) {
    if (segment === '..') {
      if (segments.pop() === undefined) return [outsideLink(entry.path, target)];
    } else if (segment !== '' && segment !== '.') {
      segments.push(segment);
    }
  }
  return target === '' || target.startsWith('/') ? [outsideLink(entry.path, target)] : [];
}

function outsideLink(path: string, target: string): FieldProblem {
  return bundleProblem(`entry '${path}' is a symbolic link to '${target}', outside the bundle; links must point inside it`);
}
