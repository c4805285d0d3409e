// The fixed start of every host script: shell options, the host root, the result helper and the hook environment.
// It is sent with every SSM command, so it stays a handful of lines.
import { ValidationError, type FieldProblem } from '../errors';
import type { ServerLifecycleEventName } from '../types';
import { MARKER_PREFIX } from './protocol';
import { shellQuote } from './shell-quote';

export interface ScriptContext {
  readonly deploymentId: string;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly deploymentGroupId: string;
  /** BUNDLE_BUCKET/KEY/VERSION/ETAG or BUNDLE_COMMIT when they apply. */
  readonly revisionEnv: Readonly<Record<string, string>>;
}

const ENV_KEY = /^[A-Z_][A-Z0-9_]*$/;
// Names the script itself sets or relies on, and names that change how a shell or its children behave: a revision
// variable with one of these names would silently rewire the script instead of informing the hooks.
const RESERVED_ENV = new Set([
  'LIFECYCLE_EVENT', 'DEPLOYMENT_ID', 'APPLICATION_NAME', 'DEPLOYMENT_GROUP_NAME', 'DEPLOYMENT_GROUP_ID',
  'ROOT', 'PATH', 'IFS', 'HOME', 'ENV', 'SHELL', 'USER', 'LOGNAME', 'PWD', 'OLDPWD', 'OPTIND', 'OPTARG',
  'PS1', 'PS2', 'PS4', 'LANG', 'LC_ALL', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'BASH_ENV',
]);

/**
 * `cutover_end STATUS PAYLOAD` prints the marker as the last line and exits; the leading newline keeps the marker on
 * its own line even when a hook's output did not end with one (parseHostReport drops exactly that newline).
 * `cutover_at_end` is a hook point the install script redefines to commit its cleanup list on every exit path.
 * `exec 2>&1` puts everything on stdout: SSM returns stdout and stderr separately, and the marker must come last.
 */
export function renderPrelude(event: ServerLifecycleEventName, context: ScriptContext): string {
  return [
    '#!/bin/sh',
    'set -u',
    'exec 2>&1',
    'ROOT="${CUTOVER_HOST_ROOT:-}"',
    'ROOT=${ROOT%/}',
    'cutover_at_end() { :; }',
    `cutover_end() { cutover_at_end; printf '\\n${MARKER_PREFIX}result=%s\\n' "$2"; exit "$1"; }`,
    renderHookEnvironment(event, context),
  ].join('\n');
}

function renderHookEnvironment(event: ServerLifecycleEventName, context: ScriptContext): string {
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(context.revisionEnv)) {
    if (!ENV_KEY.test(key)) {
      problems.push({ field: `context.revisionEnv.${key}`, message: 'must match ^[A-Z_][A-Z0-9_]*$' });
    } else if (RESERVED_ENV.has(key) || key.startsWith('CUTOVER_')) {
      problems.push({ field: `context.revisionEnv.${key}`, message: 'is reserved' });
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
  const variables: [string, string][] = [
    ['LIFECYCLE_EVENT', event],
    ['DEPLOYMENT_ID', context.deploymentId],
    ['APPLICATION_NAME', context.applicationName],
    ['DEPLOYMENT_GROUP_NAME', context.deploymentGroupName],
    ['DEPLOYMENT_GROUP_ID', context.deploymentGroupId],
    ...Object.entries(context.revisionEnv),
  ];
  return `export ${variables.map(([key, value]) => `${key}=${shellQuote(value)}`).join(' ')}`;
}
