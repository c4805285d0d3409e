// Cross-checks a parsed appspec against the entries of its bundle: scripts and file sources must exist.
import type { FieldProblem } from '../errors';
import type { AppSpec, HookScript, ScriptableEvent } from '../types';

/** The bundle's entries other than regular files, for readers that know them. */
export interface OtherEntries {
  /** Directories, including empty ones and ones holding only links (which no file path reveals). */
  readonly directories?: ReadonlySet<string>;
  /** Symbolic links. A files source may name one (Install copies it as a link); a hook script may not. */
  readonly links?: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * `files` holds every regular file of the bundle, relative to its root with posix separators; `others` the
 * directories and links, in the same form. A `files[].source` may name a file, a link or a directory (any entry below
 * it, or one the reader listed); '/' is the whole bundle and always exists. Callers that pass files only still get
 * every directory that holds an entry; they just cannot see empty ones.
 */
export function validateBundleContents(
  appSpec: AppSpec,
  files: ReadonlySet<string>,
  others: OtherEntries = {},
): FieldProblem[] {
  const links = others.links ?? NONE;
  const directories = directoriesOf(others.directories ?? NONE, [files, links]);
  const problems: FieldProblem[] = [];
  for (const [event, scripts] of Object.entries(appSpec.hooks) as [ScriptableEvent, readonly HookScript[]][]) {
    scripts.forEach((script, index) => {
      if (files.has(script.location)) {
        return;
      }
      const why = directories.has(script.location)
        ? 'is a directory, not a script'
        : links.has(script.location)
          ? 'is a symbolic link; hook scripts must be regular files'
          : 'is not in the bundle';
      problems.push({ field: `hooks.${event}[${index}].location`, message: `script '${script.location}' ${why}` });
    });
  }
  appSpec.files.forEach((mapping, index) => {
    const { source } = mapping;
    if (source !== '/' && !files.has(source) && !links.has(source) && !directories.has(source)) {
      problems.push({
        field: `files[${index}].source`,
        message: `'${source}' is not a file or directory in the bundle`,
      });
    }
  });
  return problems;
}

/** The `listed` directories, and every directory above one of them or above an entry of `entries`. */
function directoriesOf(listed: ReadonlySet<string>, entries: readonly ReadonlySet<string>[]): Set<string> {
  const directories = new Set(listed);
  for (const set of [listed, ...entries]) {
    for (const path of set) {
      for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
        directories.add(path.slice(0, slash));
      }
    }
  }
  return directories;
}
