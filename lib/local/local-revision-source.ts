// Local revisions are tar files in the state folder; a local host copies the bundle straight from there.
import { CutoverError } from '../../functions/core/errors';
import type { LocalRevision, RevisionLocation } from '../../functions/core/types';
import type { BundleFetch, RevisionSource } from '../../functions/ports';

export class LocalRevisionSource implements RevisionSource {
  /** A local revision was checked and pinned (tar, sha256) when its bundle was added to the store. */
  public async check(revision: RevisionLocation): Promise<RevisionLocation> {
    this.localLocation(revision);
    return revision;
  }

  public async bundleFetch(revision: RevisionLocation): Promise<BundleFetch> {
    const { bundlePath, sha256 } = this.localLocation(revision);
    return { kind: 'file', path: bundlePath, sha256 };
  }

  private localLocation(revision: RevisionLocation): LocalRevision['localLocation'] {
    if (revision.revisionType !== 'Local') {
      throw new CutoverError(`The embedded runtime deploys local bundles only; got a ${revision.revisionType} revision`);
    }
    return revision.localLocation;
  }
}
