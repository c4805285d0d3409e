// What every bundle reader (directory, zip, tar) produces: the entries of the bundle with checked paths, the text
// of files that may be the appspec, and a way to read file contents when the bundle is being normalised.
import {
  bundleProblem,
  decodeAppSpec,
  isAppSpecCandidate,
  type ArchivePath,
  type ListedKind,
} from '../../functions/core/bundle-listing';
import type { FieldProblem } from '../../functions/core/errors';

export { bundleProblem, isAppSpecCandidate };
/** Appspec files are UTF-8; editors on Windows like to start them with a byte-order mark. */
export const decodeText = decodeAppSpec;

export type EntryKind = ListedKind;

export interface BundleEntry {
  /** Relative to the bundle root: posix separators, no leading './', no trailing '/'. */
  readonly path: string;
  readonly kind: EntryKind;
  /** Permission bits, when the source records them (zip archives from Windows tools do not). */
  readonly mode?: number;
  readonly linkTarget?: string;
}

export interface FileContent {
  readonly size: number;
  readonly chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

/** Opens a file of the bundle by its entry path. */
export type ContentReader = (path: string) => Promise<FileContent>;

export interface BundleScan {
  readonly entries: readonly BundleEntry[];
  readonly problems: readonly FieldProblem[];
  /** Text of the files that may be the appspec: APPSPEC_FILE_NAMES at the root or one directory down. */
  readonly appSpecTexts: ReadonlyMap<string, string>;
  /** Set when the scan was asked to keep contents (loadBundle); `cutover validate` never reads them. */
  readonly content?: ContentReader;
}

/**
 * Archive entry names reduced to bundle paths; absolute names and `..` are refused rather than silently fixed.
 * Unlike archivePath (S3 listings), a backslash stays part of a name: it is one in tar archives and in directories
 * on Linux, and the zip reader turns Windows separators into slashes before it gets here.
 */
export function normaliseEntryPath(raw: string): ArchivePath {
  const rejected = (why: string): ArchivePath => ({ kind: 'rejected', problem: bundleProblem(`entry '${raw}' ${why}`) });
  if (raw.startsWith('/') || /^[A-Za-z]:[\\/]/.test(raw)) {
    return rejected('has an absolute path; archive entries must be relative to the bundle root');
  }
  const segments = raw.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) {
    return rejected("contains '..' and would be written outside the bundle");
  }
  if (raw.includes('\0')) {
    return rejected('has a NUL character in its name');
  }
  return segments.length === 0 ? { kind: 'root' } : { kind: 'path', path: segments.join('/') };
}

/**
 * Gathers entries as a reader finds them. A later entry with the same path replaces the earlier one, as extracting
 * the archive would; a path used both as a directory and as a file or link is reported.
 */
export class EntryCollector {
  public readonly problems: FieldProblem[] = [];
  public readonly appSpecTexts = new Map<string, string>();
  private readonly entries = new Map<string, BundleEntry>();

  /** The bundle path for an archive entry name, or undefined (reported if bad) when nothing is to be kept. */
  public add(rawPath: string, kind: EntryKind, mode?: number, linkTarget?: string): string | undefined {
    const normalised = normaliseEntryPath(rawPath);
    if (normalised.kind === 'rejected') {
      this.problems.push(normalised.problem);
      return undefined;
    }
    if (normalised.kind === 'root') {
      return undefined;
    }
    const { path } = normalised;
    this.entries.delete(path);
    const entry: BundleEntry = {
      path,
      kind,
      ...(mode === undefined ? {} : { mode }),
      ...(linkTarget === undefined ? {} : { linkTarget }),
    };
    this.entries.set(path, entry);
    return path;
  }

  public reject(message: string): void {
    this.problems.push(bundleProblem(message));
  }

  public finish(content?: ContentReader): BundleScan {
    const entries = [...this.entries.values()];
    for (const entry of entries) {
      const clash = ancestorsOf(entry.path)
        .map((ancestor) => this.entries.get(ancestor))
        .find((ancestor) => ancestor !== undefined && ancestor.kind !== 'directory');
      if (clash !== undefined) {
        const what = clash.kind === 'file' ? 'a file' : 'a symbolic link';
        this.reject(`entry '${entry.path}' sits below '${clash.path}', which is ${what}`);
      }
    }
    const scan = { entries, problems: this.problems, appSpecTexts: this.appSpecTexts };
    return content === undefined ? scan : { ...scan, content };
  }
}

export function ancestorsOf(path: string): string[] {
  const ancestors: string[] = [];
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
    ancestors.push(path.slice(0, slash));
  }
  return ancestors;
}
