// The public entry: one lifecycle event for one host, as the POSIX sh script SSM Run Command or a local host runs.
import type { DownloadInput } from './render-download';
import { renderDownload } from './render-download';
import type { HooksInput } from './render-hooks';
import { renderHooks } from './render-hooks';
import type { InstallInput } from './render-install';
import { renderInstall } from './render-install';

export type RenderInput = HooksInput | DownloadInput | InstallInput;

/**
 * Renders the script for `input`. Throws ValidationError when a value cannot be placed safely (a NUL byte, an id that
 * is not a path segment, a relative destination, a ".." segment, a reserved or malformed revision variable name).
 */
export function renderLifecycleScript(input: RenderInput): string {
  switch (input.kind) {
    case 'hooks':
      return renderHooks(input);
    case 'download':
      return renderDownload(input);
    case 'install':
      return renderInstall(input);
  }
}
