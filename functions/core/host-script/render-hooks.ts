// Renders a scriptable lifecycle event: the appspec's hook scripts for it, run in order, each under its own timeout.
import { ValidationError } from '../errors';
import { SCRIPTABLE_EVENTS, type HookScript, type ScriptableEvent } from '../types';
import { absoluteHostPath, bundleRelativePath, hostPaths } from './host-paths';
import { renderPrelude, type ScriptContext } from './prelude';
import { EXIT_CODES, encodeMarkerValue, LOG_TAIL_BYTES, markerPayload } from './protocol';
import { shellQuote } from './shell-quote';

export interface HooksInput {
  readonly kind: 'hooks';
  readonly event: ScriptableEvent;
  readonly context: ScriptContext;
  readonly scripts: readonly HookScript[];
  /** Host path of the revision whose scripts run (the last successful install's for ApplicationStop/…BlockTraffic). */
  readonly archiveDir: string;
}

const { ScriptMissing, ScriptNotExecutable, ScriptTimedOut, ScriptFailed, UnknownError } = EXIT_CODES;

/*
 * cutover_hook LOCATION LOCATION_PCT PATH TIMEOUT RUNAS RUNAS_PCT
 * Output goes to the log file, not through a pipe: a daemon a hook leaves running (holding stdout) then cannot hang
 * the event (spec §10.8), and the hook's exit status is not lost in a pipeline (POSIX sh has no pipefail). The price is
 * combined stdout/stderr without the agent's [stdout]/[stderr] prefixes; the new part of the log is echoed afterwards,
 * trimmed to its last LOG_TAIL_BYTES: SSM returns only the first 24,000 characters of stdout, and the marker that
 * follows must survive. The whole output stays in the log file on the host.
 * GNU timeout runs the hook in its own process group and signals the whole group, so background children die with it.
 * A hook that exits 124/137 on its own before its deadline is a failure, not a timeout, hence the elapsed-time check.
 * su's extra argument becomes $0 of the user's shell, which keeps the host path out of the -c command text.
 */
const HOOK_RUNNER = `cutover_note() {
  m="$(date '+%Y-%m-%d %H:%M:%S') $1"; printf '%s\\n' "$m" >>"$log"; printf '%s\\n' "$m"
}
cutover_hook() {
  cutover_note "Script - $1"
  h=$ROOT$3
  [ -e "$h" ] || cutover_end ${ScriptMissing} "ScriptMissing script=$2"
  [ -x "$h" ] || chmod +x "$h"
  [ -x "$h" ] || cutover_end ${ScriptNotExecutable} "ScriptNotExecutable script=$2"
  n=$(wc -c <"$log") t0=$(date +%s)
  if [ -z "$5" ] || [ "$5" = "$(id -un)" ]; then
    timeout -k 5 "$4" "$h" </dev/null >>"$log" 2>&1
  else
    timeout -k 5 "$4" su -s /bin/sh -c 'exec "$0"' -- "$5" "$h" </dev/null >>"$log" 2>&1
  fi
  rc=$?
  [ $(($(wc -c <"$log") - n)) -le ${LOG_TAIL_BYTES} ] ||
    printf '[cutover] output trimmed to its last ${LOG_TAIL_BYTES} bytes; all of it is in %s\\n' "$log"
  tail -c "+$((n + 1))" "$log" | tail -c ${LOG_TAIL_BYTES}
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    [ $(($(date +%s) - t0)) -lt "$4" ] || cutover_end ${ScriptTimedOut} "ScriptTimedOut script=$2 timeout=$4"
  fi
  [ "$rc" -eq 0 ] || cutover_end ${ScriptFailed} "ScriptFailed script=$2 exit=$rc\${6:+ user=$6}"
}`;

export function renderHooks(input: HooksInput): string {
  const { event, context, scripts } = input;
  if (!(SCRIPTABLE_EVENTS as readonly string[]).includes(event)) {
    throw new ValidationError([{ field: 'event', message: `${String(event)} is not a scriptable lifecycle event` }]);
  }
  const paths = hostPaths(context.deploymentGroupId, context.deploymentId);
  const archiveDir = absoluteHostPath('archiveDir', input.archiveDir);
  const prelude = renderPrelude(event, context);
  const succeed = `cutover_end 0 ${shellQuote(markerPayload('Succeeded'))}`;
  if (scripts.length === 0) return `${prelude}\n${succeed}\n`;

  const logDirFailure = markerPayload('UnknownError', { message: `Could not create the script log directory` });
  const calls = scripts.map((script, index) => renderHookCall(event, index, script, archiveDir));
  return [
    prelude,
    `log="$ROOT"${shellQuote(paths.logFile)}`,
    `mkdir -p "\${log%/*}" || cutover_end ${UnknownError} ${shellQuote(logDirFailure)}`,
    HOOK_RUNNER,
    `cutover_note ${shellQuote(`LifecycleEvent - ${event}`)}`,
    ...calls,
    succeed,
    '',
  ].join('\n');
}

function renderHookCall(event: ScriptableEvent, index: number, script: HookScript, archiveDir: string): string {
  const field = `hooks.${event}[${index}]`;
  const location = bundleRelativePath(`${field}.location`, script.location);
  if (location === '') throw new ValidationError([{ field: `${field}.location`, message: 'must name a file' }]);
  if (!Number.isInteger(script.timeout) || script.timeout <= 0) {
    throw new ValidationError([{ field: `${field}.timeout`, message: 'must be a positive whole number of seconds' }]);
  }
  const runas = script.runas ?? '';
  return [
    'cutover_hook',
    shellQuote(script.location),
    shellQuote(encodeMarkerValue(script.location)),
    shellQuote(`${archiveDir}/${location}`),
    shellQuote(String(script.timeout)),
    shellQuote(runas),
    shellQuote(runas === '' ? '' : encodeMarkerValue(runas)),
  ].join(' ');
}
