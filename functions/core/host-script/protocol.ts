// The result protocol between a rendered host script and parseHostReport: an exit status plus a final marker line.
// Both sides import these constants so the script and the parser cannot drift apart.
import type { ScriptErrorCode } from '../types';

export type FailureCode = Exclude<ScriptErrorCode, 'Success'>;

/**
 * Exit statuses for each outcome. They sit above the agent's own diagnostic numbers (1–5, + 100) so they are unlikely
 * to collide with what a shell or a hook returns by itself, and avoid 124–127 (timeout/exec failures) and 194
 * (SSM treats 194 as "reboot the instance").
 */
export const EXIT_CODES: Readonly<Record<FailureCode, number>> = {
  ScriptMissing: 101,
  ScriptNotExecutable: 102,
  ScriptTimedOut: 103,
  ScriptFailed: 104,
  UnknownError: 105,
};

/** CodeDeploy keeps the last ≤4 KB of script output in a lifecycle event's diagnostics (spec §6.3). */
export const LOG_TAIL_BYTES = 4096;

/** Starts the last output line of every rendered script: `@@cutover result=<Code> key=value …`. */
export const MARKER_PREFIX = '@@cutover ';

/** Keys a marker may carry besides `result`; values are percent-encoded so a marker is always one line without spaces. */
export type MarkerKey = 'script' | 'exit' | 'timeout' | 'user' | 'message';

export interface Marker {
  readonly result: string;
  readonly fields: Readonly<Partial<Record<MarkerKey, string>>>;
}

// The shell side (cutover_pct in the install script) keeps exactly this set unencoded; anything else becomes %XX.
const UNRESERVED = /^[A-Za-z0-9._~/-]$/;

/** Percent-encodes the UTF-8 bytes of `value`, leaving readable path characters alone. */
export function encodeMarkerValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Reverses encodeMarkerValue byte-wise; invalid UTF-8 (a Latin-1 file name, say) decodes to U+FFFD, never throws. */
export function decodeMarkerValue(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const hex = value.slice(i + 1, i + 3);
    if (value[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(value[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The marker payload (what follows `result=`) for a render-time known outcome. */
export function markerPayload(result: FailureCode | 'Succeeded', fields: Partial<Record<MarkerKey, string>> = {}): string {
  const parts: string[] = [result];
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) parts.push(`${key}=${encodeMarkerValue(value)}`);
  }
  return parts.join(' ');
}

/** Parses one line as a marker, or returns undefined when it is not one. */
export function parseMarkerLine(line: string): Marker | undefined {
  if (!line.startsWith(MARKER_PREFIX)) return undefined;
  const tokens = line.slice(MARKER_PREFIX.length).trim().split(' ');
  const first = tokens.shift() ?? '';
  if (!first.startsWith('result=')) return undefined;
  const fields: Partial<Record<MarkerKey, string>> = {};
  for (const token of tokens) {
    const eq = token.indexOf('=');
    const key = token.slice(0, eq);
    if (eq > 0 && isMarkerKey(key)) fields[key] = decodeMarkerValue(token.slice(eq + 1));
  }
  return { result: first.slice('result='.length), fields };
}

function isMarkerKey(key: string): key is MarkerKey {
  return key === 'script' || key === 'exit' || key === 'timeout' || key === 'user' || key === 'message';
}
