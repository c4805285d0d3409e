// The embedded runtime's BundleReader: a bundle named by its path on this machine (a folder, .zip, .tar or .tgz) is
// checked and registered exactly as `cutover local deploy` registers one: normalised to a tar in the state folder,
// named by its sha256, which is what hosts then copy.
import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { InvalidRevisionError, RevisionMissingError, ValidationError } from '../../functions/core/errors';
import { shown } from '../../functions/core/input-messages';
import type { BundleReader, OpenedBundle, RevisionRequest } from '../../functions/ports';
import { loadBundle } from './bundle';

export interface LocalBundleReaderOptions {
  /** Where registered bundles go: the runtime's revisions folder. */
  readonly revisionsDir: string;
  /** Folders left out of a bundle folder: the runtime's state folder may sit inside the project. */
  readonly exclude?: readonly string[];
}

export class LocalBundleReader implements BundleReader {
  public constructor(private readonly options: LocalBundleReaderOptions) {}

  public async open(request: RevisionRequest): Promise<OpenedBundle> {
    if (request.revisionType !== 'Local') {
      throw new ValidationError([
        { field: 'revision.revisionType', message: `'${request.revisionType}' revisions need AWS; the embedded runtime deploys Local bundles ({revisionType: 'Local', localLocation: {bundlePath}})` },
      ]);
    }
    const { bundlePath, sha256 } = request.localLocation;
    // The server's working folder means nothing to a client, so a relative path would resolve somewhere unexpected.
    if (!isAbsolute(bundlePath)) {
      throw new ValidationError([{ field: 'revision.localLocation.bundlePath', message: `must be an absolute path on the machine running Cutover (got ${shown(bundlePath)})` }]);
    }
    if (bundlePath.includes('\0') || bundlePath.length > MAX_PATH_LENGTH) {
      throw new ValidationError([
        { field: 'revision.localLocation.bundlePath', message: `must be a file system path without NUL characters, at most ${MAX_PATH_LENGTH} long (got ${shown(bundlePath)})` },
      ]);
    }
    await stat(bundlePath).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw new RevisionMissingError(`The bundle ${bundlePath} does not exist`, { cause: error });
      throw unreadable(bundlePath, error);
    });
    const bundle = await loadBundle(bundlePath, this.options.revisionsDir, { exclude: this.options.exclude }).catch((error: unknown) => {
      throw isFileSystemError(error) ? unreadable(bundlePath, error) : error;
    });
    if (sha256 !== undefined && sha256.toLowerCase() !== bundle.sha256) {
      throw new InvalidRevisionError(`The bundle ${bundlePath} has SHA-256 ${bundle.sha256}, not the requested ${sha256}`);
    }
    return {
      revision: { revisionType: 'Local', localLocation: { bundlePath: bundle.tarPath, bundleType: 'tar', sha256: bundle.sha256 } },
      appSpec: bundle.appSpec,
    };
  }
}

/** Linux's PATH_MAX: a longer path cannot name a file anyway. */
const MAX_PATH_LENGTH = 4096;

/** A file system failure (permissions, a file vanishing while the bundle is read) is the request's bundle at fault. */
function unreadable(bundlePath: string, error: NodeJS.ErrnoException): InvalidRevisionError {
  return new InvalidRevisionError(`Cutover could not read the bundle ${bundlePath}: ${error.code ?? 'error'} ${error.message}`, { cause: error });
}

function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}
