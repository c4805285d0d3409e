// The embedded runtime's bundle reader: a bundle path becomes the registered tar hosts copy, with its appspec.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppSpecError, InvalidRevisionError, RevisionMissingError, ValidationError } from '../../functions/core/errors';
import type { LocalRevision } from '../../functions/core/types';
import type { RevisionRequest } from '../../functions/ports';
import { LocalBundleReader } from '../../lib/local/local-bundle-reader';
import { loggingBundle, tempDir, writeBundle } from '../support/bundles';

describe('LocalBundleReader', () => {
  const dir = tempDir('bundle-reader');
  const revisionsDir = path.join(dir, 'revisions');
  const reader = new LocalBundleReader({ revisionsDir });
  const bundle = loggingBundle(path.join(dir, 'v1'), 'v1');
  const local = (bundlePath: string, sha256?: string): RevisionRequest => ({ revisionType: 'Local', localLocation: { bundlePath, ...(sha256 ? { sha256 } : {}) } });

  it('registers a bundle folder as a tar named by its sha256, and opens that tar to the same revision', async () => {
    const opened = await reader.open(local(bundle));

    const { localLocation } = opened.revision as LocalRevision;
    expect(localLocation).toEqual({ bundlePath: path.join(revisionsDir, `${localLocation.sha256}.tar`), bundleType: 'tar', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(fs.existsSync(localLocation.bundlePath)).toBe(true);
    expect(opened.appSpec.hooks.ValidateService).toEqual([{ location: 'scripts/hook.sh', timeout: 30 }]);
    expect(await reader.open(local(localLocation.bundlePath, localLocation.sha256))).toEqual(opened);
  });

  it.each([
    ['an S3 revision', { revisionType: 'S3', s3Location: { bucket: 'b', key: 'k', bundleType: 'zip' } } as RevisionRequest, ValidationError, /revision.revisionType: 'S3' revisions need AWS/],
    ['a relative path', local('v1'), ValidationError, /revision.localLocation.bundlePath: must be an absolute path/],
    ['a path that is not there', local(path.join(dir, 'nowhere')), RevisionMissingError, /does not exist/],
    ['a sha256 the bundle does not have', local(bundle, 'f'.repeat(64)), InvalidRevisionError, /not the requested f{64}/],
    ['a path with a NUL character', local('/tmp/bundle\u0000x'), ValidationError, /revision.localLocation.bundlePath: must be a file system path without NUL characters/],
    ['a path longer than any file system allows', local(`/${'a'.repeat(5000)}`), ValidationError, /at most 4096 long/],
    ['a path the file system refuses', local(`/tmp/${'a'.repeat(300)}`), InvalidRevisionError, /Cutover could not read the bundle \/tmp\/a+: ENAMETOOLONG/],
    ['a bundle whose appspec is broken', local(writeBundle(path.join(dir, 'broken'), { appspec: 'version: 0.0\n', files: {} })), AppSpecError, /os: is required/],
  ])('refuses %s', async (_case, request, type, message) => {
    const attempt = reader.open(request);

    await expect(attempt).rejects.toBeInstanceOf(type);
    await expect(attempt).rejects.toThrow(message);
  });
});
