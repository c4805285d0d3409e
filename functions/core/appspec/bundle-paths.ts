// Paths inside a bundle as the appspec writes them (`/scripts/start.sh`, `scripts\start.bat`, `./app/`) reduced to
// one form: relative to the bundle root, posix separators, no leading or trailing slash; '' is the root itself.
import { posix } from 'node:path';

export type OsName = 'linux' | 'windows';

export type BundlePath = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

export function normaliseBundlePath(raw: string, os: OsName | undefined): BundlePath {
  // Windows appspecs use backslashes; on Linux a backslash is an ordinary file-name character.
  const slashed = os === 'windows' ? raw.replace(/\\/g, '/') : raw;
  // The agent joins the value onto the archive root, so a leading '/' still means "from the bundle root".
  const trimmed = slashed.replace(/^\/+/, '');
  if (trimmed === '' || trimmed === '\\') {
    return { ok: true, path: '' };
  }
  const normalised = posix.normalize(trimmed).replace(/\/+$/, '');
  if (normalised === '..' || normalised.startsWith('../')) {
    return { ok: false, reason: 'must stay inside the bundle (no leading ..)' };
  }
  return { ok: true, path: normalised === '.' ? '' : normalised };
}

/** An absolute destination on the host: `/…` everywhere, and `C:\…` or `C:/…` on Windows. */
export function isAbsoluteHostPath(path: string, os: OsName | undefined): boolean {
  if (path.startsWith('/')) {
    return true;
  }
  const windowsDrive = /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');
  return os !== 'linux' && windowsDrive;
}
