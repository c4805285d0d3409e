// Turns what a host sent back (exit status and combined output of a rendered script) into the lifecycle event's
// status and CodeDeploy-style diagnostics.
import type { EventDiagnostics } from '../types';
import { EXIT_CODES, type FailureCode, LOG_TAIL_BYTES, MARKER_PREFIX, type Marker, markerPayload, parseMarkerLine } from './protocol';

const FAILURE_CODES: readonly FailureCode[] = ['ScriptMissing', 'ScriptNotExecutable', 'ScriptTimedOut', 'ScriptFailed', 'UnknownError'];

export interface ParsedHostReport {
  readonly status: 'Succeeded' | 'Failed';
  readonly diagnostics: EventDiagnostics;
}

/**
 * The exit status decides success: 0 is Succeeded even if the marker got lost (SSM truncates long output). A failure
 * is trusted only when the last line is a marker whose result matches the exit status; anything else (the shell was
 * killed, SSM reported -1, a marker that disagrees) is an UnknownError that names the exit code.
 */
export function parseHostReport(exitCode: number, output: string): ParsedHostReport {
  const { body, marker } = splitMarker(output);
  const logTail = tailBytes(body, LOG_TAIL_BYTES);
  const scriptName = marker?.fields.script ?? '';
  if (exitCode === 0) {
    return { status: 'Succeeded', diagnostics: { errorCode: 'Success', scriptName, message: 'Succeeded', logTail } };
  }
  const code = marker === undefined ? undefined : failureCode(marker.result);
  if (marker === undefined || code === undefined || EXIT_CODES[code] !== exitCode) {
    // One of our own codes without its marker means the output was cut (SSM keeps only the start of stdout).
    const ours = FAILURE_CODES.find((candidate) => EXIT_CODES[candidate] === exitCode);
    const hint = ours === undefined ? '' : ` (the code of ${ours}; the output was probably truncated)`;
    const message = `The host script ended with exit code ${exitCode} without reporting a result${hint}`;
    return { status: 'Failed', diagnostics: { errorCode: 'UnknownError', scriptName, message, logTail } };
  }
  return { status: 'Failed', diagnostics: { errorCode: code, scriptName, message: failureMessage(code, marker), logTail } };
}

/**
 * What a host that was never sent the event "reports": the runner knew it could not reach it (its agent is offline),
 * so it fails at once, through the same parser as a script's own report, instead of staying silent until the timeout.
 */
export function unreachableHostReport(reason: string): { readonly exitCode: number; readonly output: string } {
  return { exitCode: EXIT_CODES.UnknownError, output: `${MARKER_PREFIX}result=${markerPayload('UnknownError', { message: reason })}\n` };
}

function failureMessage(code: FailureCode, marker: Marker): string {
  const { script = '', exit = '?', timeout = '?', user, message } = marker.fields;
  const at = `Script at specified location: ${script}`;
  switch (code) {
    case 'ScriptMissing':
      return `${at} is missing`;
    case 'ScriptNotExecutable':
      return `${at} is not executable and could not be made executable`;
    case 'ScriptTimedOut':
      return `${at} failed to complete in ${timeout} seconds`;
    case 'ScriptFailed':
      return user === undefined ? `${at} failed with exit code ${exit}` : `${at} run as user ${user} failed with exit code ${exit}`;
    case 'UnknownError':
      return message ?? 'The host script failed without a message';
  }
}

function failureCode(result: string): FailureCode | undefined {
  return FAILURE_CODES.find((code) => code === result);
}

/** The marker is the last line; the script printed one newline before it, which belongs to neither part. */
function splitMarker(output: string): { body: string; marker: Marker | undefined } {
  const trimmed = output.replace(/[\r\n]+$/, '');
  const start = trimmed.lastIndexOf('\n') + 1;
  const marker = parseMarkerLine(trimmed.slice(start));
  if (marker === undefined) return { body: output, marker };
  return { body: trimmed.slice(0, Math.max(0, start - 1)), marker };
}

/** The last `limit` bytes of `text` as UTF-8, starting on a character boundary. */
function tailBytes(text: string, limit: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return text;
  let start = bytes.length - limit;
  // Skip continuation bytes (10xxxxxx) so the tail does not open with half a character.
  while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString('utf8');
}
