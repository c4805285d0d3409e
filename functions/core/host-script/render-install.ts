// Renders Install: remove what the group's previous install created, copy the revision's files, apply permissions.
import { ValidationError } from '../errors';
import type { AppSpec, FileExistsBehavior, FileMapping } from '../types';
import { absoluteHostPath, bundleRelativePath, hostPaths, pathAndAncestors } from './host-paths';
import { INSTALL_FUNCTIONS } from './install-lib';
import { renderPrelude, type ScriptContext } from './prelude';
import { markerPayload } from './protocol';
import { permissionTools, renderPermissions } from './render-permissions';
import { shellQuote } from './shell-quote';

export interface InstallInput {
  readonly kind: 'install';
  readonly context: ScriptContext;
  readonly appSpec: AppSpec;
  readonly fileExistsBehavior: FileExistsBehavior;
}

const BEHAVIORS: readonly FileExistsBehavior[] = ['DISALLOW', 'OVERWRITE', 'RETAIN'];

/** The appspec's file_exists_behavior wins over the request's (spec §3.1); DISALLOW when neither says. */
export function resolveFileExistsBehavior(appSpec: AppSpec, requested: FileExistsBehavior | undefined): FileExistsBehavior {
  return appSpec.fileExistsBehavior ?? requested ?? 'DISALLOW';
}

export function renderInstall(input: InstallInput): string {
  const { context, appSpec } = input;
  if (appSpec.os !== 'linux') {
    throw new ValidationError([{ field: 'os', message: 'Cutover hosts run POSIX shell scripts; only os: linux is supported' }]);
  }
  const behavior = resolveFileExistsBehavior(appSpec, input.fileExistsBehavior);
  if (!BEHAVIORS.includes(behavior)) {
    throw new ValidationError([{ field: 'fileExistsBehavior', message: 'must be DISALLOW, OVERWRITE or RETAIN' }]);
  }
  const paths = hostPaths(context.deploymentGroupId, context.deploymentId);
  const mappings = appSpec.files.map((mapping, index) => checkedMapping(mapping, index));
  return [
    renderPrelude('Install', context),
    // Byte semantics for globbing, escaping and sort, whatever locale the host runs in.
    'LC_ALL=C; export LC_ALL',
    `a="$ROOT"${shellQuote(paths.archiveDir)}`,
    `w="$ROOT"${shellQuote(paths.deploymentDir)}`,
    `c="$ROOT"${shellQuote(paths.cleanupFile)}`,
    `st="$ROOT"${shellQuote(paths.stateDir)}`,
    'n="$c.new"',
    'p="$w/install-problem"',
    `b=${shellQuote(behavior)}`,
    INSTALL_FUNCTIONS,
    ...permissionTools(appSpec.permissions).map(
      (tool) =>
        `command -v ${tool} >/dev/null 2>&1 || cutover_fail ${shellQuote(`The appspec permissions need ${tool}, which is not installed on this host`)}`,
    ),
    ...renderCleanup(),
    // Every conflict is found before the first file is copied, as the agent does, so DISALLOW changes nothing.
    ...mappings.map(({ source, destination }) => `cutover_map check ${source} ${destination}`),
    ...mappings.flatMap(({ source, destination, directories }) => [
      ...(directories.length > 0 ? [`cutover_mkdirs ${directories.join(' ')}`] : []),
      `cutover_map copy ${source} ${destination}`,
    ]),
    ...renderPermissions(appSpec.permissions),
    `cutover_end 0 ${shellQuote(markerPayload('Succeeded'))}`,
    '',
  ].join('\n');
}

/*
 * Removes what the previous install listed, plus a list a killed install left half written, then starts the new list
 * next to the old one. The list is committed by rename on every exit path (cutover_at_end), failures included, so the
 * next install also removes what a failed one managed to copy.
 */
function renderCleanup(): string[] {
  return [
    `mkdir -p "\${c%/*}" "$w" || cutover_fail 'The deployment failed because the deployment-instructions directory could not be created'`,
    'rm -f "$p"',
    'for l in "$c" "$n"; do [ ! -f "$l" ] || cutover_unlist "$l"; done',
    `: >"$c" && : >"$n" || cutover_fail 'The deployment failed because the cleanup file could not be written'`,
    'cutover_at_end() { mv -f "$n" "$c"; }',
  ];
}

interface RenderedMapping {
  readonly source: string;
  readonly destination: string;
  readonly directories: readonly string[];
}

function checkedMapping(mapping: FileMapping, index: number): RenderedMapping {
  const source = bundleRelativePath(`files[${index}].source`, mapping.source);
  const destination = absoluteHostPath(`files[${index}].destination`, mapping.destination);
  return {
    source: source === '' ? '"$a"' : `"$a"/${shellQuote(source)}`,
    destination: `"$ROOT"${shellQuote(destination)}`,
    directories: pathAndAncestors(destination).map(shellQuote),
  };
}
