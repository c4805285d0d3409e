// Cross-checks a parsed appspec against the files of its bundle: scripts and file sources must exist.
import type { FieldProblem } from '../errors';
import type { AppSpec, HookScript, ScriptableEvent } from '../types';

/**
 * `files` holds every regular file of the bundle, relative to its root with posix separators. A `files[].source`
 * may name a file or a directory (any file below it); '/' is the whole bundle and always exists.
 */
export function validateBundleContents(appSpec: AppSpec, files: ReadonlySet<string>): FieldProblem[] {
  const directories = directoriesOf(files);
  const problems: FieldProblem[] = [];
  for (const [event, scripts] of Object.entries(appSpec.hooks) as [ScriptableEvent, readonly HookScript[]][]) {
    scripts.forEach((script, index) => {
      if (files.has(script.location)) {
        return;
      }
      const why = directories.has(script.location) ? 'is a directory, not a script' : 'is not in the bundle';
      problems.push({ field: `hooks.${event}[${index}].location`, message: `script '${script.location}' ${why}` });
    });
  }
  appSpec.files.forEach((mapping, index) => {
    if (mapping.source !== '/' && !files.has(mapping.source) && !directories.has(mapping.source)) {
      problems.push({
        field: `files[${index}].source`,
        message: `'${mapping.source}' is not a file or directory in the bundle`,
      });
    }
  });
  return problems;
}

/** Every directory that holds at least one file, at any depth. */
function directoriesOf(files: ReadonlySet<string>): Set<string> {
  const directories = new Set<string>();
  for (const file of files) {
    for (let slash = file.indexOf('/'); slash !== -1; slash = file.indexOf('/', slash + 1)) {
      directories.add(file.slice(0, slash));
    }
  }
  return directories;
}
