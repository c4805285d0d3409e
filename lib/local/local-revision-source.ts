// Local revisions are tar files in the state folder; a local host copies the bundle straight from there.
import { CutoverError } from '../../functions/core/errors';
import type { RevisionLocation } from '../../functions/core/types';
import type { BundleFetch, RevisionSource } from '../../functions/ports';

export class LocalRevisionSource implements RevisionSource {
  public async bundleFetch(revision: RevisionLocation): Promise<BundleFetch> {
    if (revision.revisionType !== 'Local') {
      throw new CutoverError(`The embedded runtime deploys local bundles only; got a ${revision.revisionType} revision`);
    }
    return { kind: 'file', path: revision.localLocation.bundlePath, sha256: revision.localLocation.sha256 };
  }
}
