import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  NoSuchKey,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { zipSync } from 'fflate';
import { CutoverError, InvalidRevisionError, RevisionMissingError, ValidationError } from '../../functions/core/errors';
import type { RevisionLocation, S3Revision } from '../../functions/core/types';
import { S3RevisionSource } from '../../functions/aws/s3-revision-source';

const s3 = mockClient(S3Client);
// Presigning is local: it signs with these credentials and never calls S3 (nor the mocked send).
const source = new S3RevisionSource(
  new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } }),
);

// sha256("hello"), as S3 reports it (Base64) and as hosts check it (hex).
const HELLO_BASE64 = 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=';
const HELLO_HEX = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';

const ZIP = Buffer.from(zipSync({ 'appspec.yml': new TextEncoder().encode('version: 0.0\nos: linux\n') }));
const TAR = (() => {
  const tar = Buffer.alloc(2048);
  tar.write('appspec.yml', 0, 'latin1');
  tar.write('ustar', 257, 'latin1');
  return tar;
})();
const TGZ = gzipSync(TAR);

function s3Revision(location: Partial<S3Revision['s3Location']> = {}): RevisionLocation {
  return { revisionType: 'S3', s3Location: { bucket: 'my-bundles', key: 'app/v2.zip', bundleType: 'zip', ...location } };
}

/** A GetObject body that arrives in several chunks, as a real socket delivers it. */
function body(bytes: Buffer, chunkSize = 7): GetObjectCommandOutput['Body'] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
  return Readable.from(chunks) as unknown as GetObjectCommandOutput['Body'];
}

const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** HeadObject errors come without a body: the SDK names them "NotFound" (404) or "Unknown", with the status. */
function headError(status: number): S3ServiceException {
  const name = status === 404 ? 'NotFound' : 'Unknown';
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: 'UnknownError' });
}

/** GetObject errors carry S3's error code in their body. */
function getError(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: `${name} from S3` });
}

const headInputs = (): unknown[] => s3.commandCalls(HeadObjectCommand).map((call) => call.args[0].input);
const getInputs = (): unknown[] => s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input);

beforeEach(() => s3.reset());

describe('S3RevisionSource.check', () => {
  it("pins a versioned object from HeadObject alone when S3 holds the whole object's SHA-256", async () => {
    s3.on(HeadObjectCommand).resolves({
      VersionId: 'v-42',
      ETag: '"0a1b2c"',
      ChecksumSHA256: HELLO_BASE64,
      ChecksumType: 'FULL_OBJECT',
      ContentLength: 5,
    });

    const pinned = await source.check(s3Revision());

    expect(pinned).toStrictEqual(
      s3Revision({ version: 'v-42', eTag: '0a1b2c', sha256: HELLO_HEX }),
    );
    expect(headInputs()).toStrictEqual([{ Bucket: 'my-bundles', Key: 'app/v2.zip', ChecksumMode: 'ENABLED' }]);
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
  });

  it.each([
    ['reports no version', {}],
    ['reports version "null"', { VersionId: 'null' }],
  ])('pins no version when an unversioned bucket %s', async (_case, version) => {
    s3.on(HeadObjectCommand).resolves({ ...version, ETag: '"0a1b2c"', ChecksumSHA256: HELLO_BASE64 });

    expect(await source.check(s3Revision())).toStrictEqual(s3Revision({ eTag: '0a1b2c', sha256: HELLO_HEX }));
  });

  it.each([
    ['a bare ETag', '0a1b2c'],
    ['an ETag in the quotes S3 shows', '"0a1b2c"'],
  ])('asks for the requested version and %s, quoted as S3 expects', async (_case, eTag) => {
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v-42', ETag: '"0a1b2c"', ChecksumSHA256: HELLO_BASE64 });

    const pinned = await source.check(s3Revision({ version: 'v-42', eTag }));

    expect(headInputs()).toStrictEqual([
      { Bucket: 'my-bundles', Key: 'app/v2.zip', VersionId: 'v-42', IfMatch: '"0a1b2c"', ChecksumMode: 'ENABLED' },
    ]);
    expect(pinned).toStrictEqual(s3Revision({ version: 'v-42', eTag: '0a1b2c', sha256: HELLO_HEX }));
  });

  it.each([
    ['a composite (multipart) checksum', { ChecksumSHA256: `${HELLO_BASE64}-3`, ChecksumType: 'COMPOSITE' as const }],
    ['a multipart checksum without its type', { ChecksumSHA256: `${HELLO_BASE64}-3` }],
    ['no SHA-256 checksum at all', { ChecksumCRC32: 'AAAAAA==', ChecksumType: 'FULL_OBJECT' as const }],
  ])('hashes the streamed object, pinned by version and ETag, when S3 has %s', async (_case, checksum) => {
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v-7', ETag: '"5d41-3"', ContentLength: ZIP.length, ...checksum });
    s3.on(GetObjectCommand).resolves({ Body: body(ZIP) });

    const pinned = await source.check(s3Revision());

    expect(pinned).toStrictEqual(s3Revision({ version: 'v-7', eTag: '5d41-3', sha256: sha256Hex(ZIP) }));
    expect(getInputs()).toStrictEqual([{ Bucket: 'my-bundles', Key: 'app/v2.zip', VersionId: 'v-7', IfMatch: '"5d41-3"' }]);
  });

  it('hashes an unversioned object by key and ETag', async () => {
    s3.on(HeadObjectCommand).resolves({ ETag: '"e1"', ContentLength: TGZ.length });
    s3.on(GetObjectCommand).resolves({ Body: body(TGZ, 1000) });

    const pinned = await source.check(s3Revision({ key: 'app/v2.tgz', bundleType: 'tgz' }));

    expect(pinned).toStrictEqual(s3Revision({ key: 'app/v2.tgz', bundleType: 'tgz', eTag: 'e1', sha256: sha256Hex(TGZ) }));
    expect(getInputs()).toStrictEqual([{ Bucket: 'my-bundles', Key: 'app/v2.tgz', IfMatch: '"e1"' }]);
  });

  describe('maps S3 errors to revision errors', () => {
    const at = 's3://my-bundles/app/v2.zip (version v-42)';
    const cases: [string, Error, typeof CutoverError, RegExp][] = [
      ['HeadObject 404', headError(404), RevisionMissingError, /^The revision s3:\/\/my-bundles\/app\/v2\.zip \(version v-42\) does not exist in S3$/],
      ['HeadObject 403', headError(403), RevisionMissingError, /^Cutover may not read the revision s3:\/\/my-bundles\/app\/v2\.zip \(version v-42\).*revisionBuckets.*cutover:revisionBuckets=my-bundles.*bucket policy/],
      ['HeadObject 405 (a delete marker)', headError(405), RevisionMissingError, /is a delete marker/],
      ['HeadObject 400', headError(400), InvalidRevisionError, /version id is not one of this object's.*SSE-C/],
      ['GetObject NoSuchKey', new NoSuchKey({ message: 'gone', $metadata: { httpStatusCode: 404 } }), RevisionMissingError, /does not exist in S3/],
      ['GetObject NoSuchVersion', getError('NoSuchVersion', 404), RevisionMissingError, /does not exist in S3/],
      ['GetObject AccessDenied', getError('AccessDenied', 403), RevisionMissingError, /Cutover may not read/],
      ['GetObject MethodNotAllowed', getError('MethodNotAllowed', 405), RevisionMissingError, /is a delete marker/],
      ['an error named NoSuchKey without a status', Object.assign(new Error('x'), { name: 'NoSuchKey' }), RevisionMissingError, /does not exist/],
      ['an error named AccessDenied without a status', Object.assign(new Error('x'), { name: 'AccessDenied' }), RevisionMissingError, /Cutover may not read/],
    ];

    it.each(cases)('%s', async (_case, error, type, message) => {
      s3.on(HeadObjectCommand).rejects(error);

      const attempt = source.check(s3Revision({ version: 'v-42' }));

      await expect(attempt).rejects.toBeInstanceOf(type);
      await expect(attempt).rejects.toThrow(message);
      await expect(attempt).rejects.toMatchObject({ cause: error });
      await expect(attempt).rejects.toThrow(at);
    });

    it('names the expected and the actual ETag when IfMatch fails (412), looking the actual one up', async () => {
      s3.on(HeadObjectCommand).rejectsOnce(headError(412)).resolves({ VersionId: 'v-42', ETag: '"ffff"' });

      const attempt = source.check(s3Revision({ version: 'v-42', eTag: '0a1b2c' }));

      await expect(attempt).rejects.toBeInstanceOf(InvalidRevisionError);
      await expect(attempt).rejects.toThrow(
        `The revision ${at} does not have the expected ETag: expected "0a1b2c", found "ffff"`,
      );
      expect(headInputs()).toStrictEqual([
        { Bucket: 'my-bundles', Key: 'app/v2.zip', VersionId: 'v-42', IfMatch: '"0a1b2c"', ChecksumMode: 'ENABLED' },
        { Bucket: 'my-bundles', Key: 'app/v2.zip', VersionId: 'v-42' },
      ]);
    });

    it('still reports the mismatch when the actual ETag cannot be looked up', async () => {
      s3.on(HeadObjectCommand).rejectsOnce(headError(412)).rejects(headError(403));

      await expect(source.check(s3Revision({ eTag: '0a1b2c' }))).rejects.toThrow(
        'does not have the expected ETag: expected "0a1b2c", found another one (S3 did not say which)',
      );
    });

    it('reports an object replaced between HeadObject and GetObject as such', async () => {
      s3.on(HeadObjectCommand).resolvesOnce({ ETag: '"old"' }).resolves({ ETag: '"new"' });
      s3.on(GetObjectCommand).rejects(getError('PreconditionFailed', 412));

      const attempt = source.check(s3Revision());

      await expect(attempt).rejects.toBeInstanceOf(InvalidRevisionError);
      await expect(attempt).rejects.toThrow(
        'The revision s3://my-bundles/app/v2.zip does not have the expected ETag: expected "old", found "new": it was replaced while Cutover checked it; try again',
      );
    });

    it('maps a GetObject failure the same way', async () => {
      s3.on(HeadObjectCommand).resolves({ VersionId: 'v-42', ETag: '"e"' });
      s3.on(GetObjectCommand).rejects(getError('NoSuchVersion', 404));

      await expect(source.check(s3Revision())).rejects.toThrow(`The revision ${at} does not exist in S3`);
    });

    it.each([
      ['throttling', 'SlowDown', 503],
      ['a timed-out request, sent with 400', 'RequestTimeout', 400],
      ['expired credentials, sent with 400', 'ExpiredToken', 400],
      ['a bad signature, sent with 403', 'SignatureDoesNotMatch', 403],
    ])('rethrows what says nothing about the revision (%s) unchanged', async (_case, name, status) => {
      const failure = getError(name, status);
      s3.on(HeadObjectCommand).rejects(failure);

      await expect(source.check(s3Revision())).rejects.toBe(failure);
    });
  });

  it.each([
    ['missing', undefined, 'revision.s3Location.bundleType is missing; it must be one of tar, tgz, zip'],
    ['not a known type', 'rar', 'revision.s3Location.bundleType is "rar"; it must be one of tar, tgz, zip'],
  ])('refuses a bundle type that is %s before calling S3', async (_case, bundleType, message) => {
    const attempt = source.check(s3Revision({ bundleType: bundleType as 'zip' }));

    await expect(attempt).rejects.toBeInstanceOf(InvalidRevisionError);
    await expect(attempt).rejects.toThrow(message);
    expect(s3.calls()).toHaveLength(0);
  });

  it.each([
    ['zip', 'tgz', TGZ, 'is a gzip-compressed (tgz) archive, not a zip: set bundleType to tgz'],
    ['zip', 'tar', TAR, 'is a tar archive, not a zip: set bundleType to tar'],
    ['tar', 'zip', ZIP, 'is a zip archive, not a tar: set bundleType to zip'],
    ['tgz', 'zip', ZIP, 'is a zip archive, not a tgz: set bundleType to zip'],
  ] as const)('refuses bundleType %s for an object whose first bytes say %s', async (bundleType, _actual, bytes, message) => {
    s3.on(HeadObjectCommand).resolves({ ETag: '"e"' });
    s3.on(GetObjectCommand).resolves({ Body: body(bytes) });

    const attempt = source.check(s3Revision({ bundleType }));

    await expect(attempt).rejects.toBeInstanceOf(InvalidRevisionError);
    await expect(attempt).rejects.toThrow(`The revision s3://my-bundles/app/v2.zip ${message}`);
  });

  it.each([
    ['tgz', TAR],
    ['tar', TGZ],
  ] as const)('accepts bundleType %s for the other tar format: GNU tar on the host tells them apart', async (bundleType, bytes) => {
    s3.on(HeadObjectCommand).resolves({ ETag: '"e"' });
    s3.on(GetObjectCommand).resolves({ Body: body(bytes) });

    expect(await source.check(s3Revision({ bundleType }))).toMatchObject({ s3Location: { sha256: sha256Hex(bytes) } });
  });

  it('refuses an answer for another version than the one requested', async () => {
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v-43', ETag: '"e"', ChecksumSHA256: HELLO_BASE64 });

    const attempt = source.check(s3Revision({ version: 'v-42' }));

    await expect(attempt).rejects.toBeInstanceOf(InvalidRevisionError);
    await expect(attempt).rejects.toThrow('S3 returned version v-43 of s3://my-bundles/app/v2.zip (version v-42)');
  });

  it('refuses a hash over fewer bytes than HeadObject reported', async () => {
    s3.on(HeadObjectCommand).resolves({ ETag: '"e"', ContentLength: ZIP.length + 10 });
    s3.on(GetObjectCommand).resolves({ Body: body(ZIP) });

    await expect(source.check(s3Revision())).rejects.toThrow(
      `Read ${ZIP.length} bytes of s3://my-bundles/app/v2.zip but S3 reported ${ZIP.length + 10}`,
    );
  });

  it('refuses an object whose SHA-256 is not the one the request names', async () => {
    s3.on(HeadObjectCommand).resolves({ ETag: '"e"', ChecksumSHA256: HELLO_BASE64 });

    const attempt = source.check(s3Revision({ sha256: 'ab'.repeat(32) }));

    await expect(attempt).rejects.toBeInstanceOf(InvalidRevisionError);
    await expect(attempt).rejects.toThrow(`has SHA-256 ${HELLO_HEX}, not the requested ${'ab'.repeat(32)}`);
  });

  it('refuses a Local revision as bundleFetch does', async () => {
    const attempt = source.check({
      revisionType: 'Local',
      localLocation: { bundlePath: '/tmp/bundle.tar', bundleType: 'tar', sha256: 'ab'.repeat(32) },
    });

    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(/^revision\.revisionType: 'Local' revisions exist only in the embedded runtime/);
  });
});

describe('S3RevisionSource.bundleFetch', () => {
  it('presigns a one-hour GetObject URL for the pinned version, with the SHA-256 and format hosts need', async () => {
    const fetch = await source.bundleFetch(
      s3Revision({ key: 'app/v2.tar.gz', bundleType: 'tgz', version: 'v-42', eTag: 'e', sha256: HELLO_HEX }),
    );

    expect(fetch).toMatchObject({ kind: 'url', sha256: HELLO_HEX, format: 'tgz' });
    const url = new URL(fetch.kind === 'url' ? fetch.url : '');
    expect(url.hostname).toBe('my-bundles.s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/app/v2.tar.gz');
    expect(url.searchParams.get('versionId')).toBe('v-42');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('3600');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\//);
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(s3.calls()).toHaveLength(0);
  });

  it('leaves the version out for an unversioned object, whose SHA-256 the host must check instead', async () => {
    const fetch = await source.bundleFetch(s3Revision({ key: 'app/latest.zip', sha256: HELLO_HEX }));

    expect(fetch).toMatchObject({ kind: 'url', sha256: HELLO_HEX, format: 'zip' });
    const url = new URL(fetch.kind === 'url' ? fetch.url : '');
    expect(url.searchParams.has('versionId')).toBe(false);
  });

  it('refuses a Local revision with a message that says what to use instead', async () => {
    const attempt = source.bundleFetch({
      revisionType: 'Local',
      localLocation: { bundlePath: '/tmp/bundle.tar', bundleType: 'tar', sha256: 'ab'.repeat(32) },
    });

    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(
      "revision.revisionType: 'Local' revisions exist only in the embedded runtime; on AWS, deploy an S3 revision",
    );
  });
});

describe('S3RevisionSource.check on malformed revisions', () => {
  const source = new S3RevisionSource(new S3Client({ region: 'us-east-1' }));

  it.each([
    ['no s3Location', { revisionType: 'S3' }, 'revision.s3Location: is required: {bucket, key, bundleType, version?, eTag?}'],
    [
      'a numeric eTag',
      { revisionType: 'S3', s3Location: { bucket: 'b', key: 'k', bundleType: 'tar', eTag: 42 } },
      'revision.s3Location.eTag: must be a non-empty string when given (got 42)',
    ],
    [
      'an empty version and a sha256 that is not a string',
      { revisionType: 'S3', s3Location: { bucket: 'b', key: 'k', bundleType: 'tar', version: '', sha256: [1] } },
      'revision.s3Location.version: must be a non-empty string when given (got "")\nrevision.s3Location.sha256: must be a non-empty string when given (got [1])',
    ],
  ])('refuses %s with a ValidationError naming the field, before calling S3', async (_case, revision, message) => {
    const attempt = source.check(revision as never);

    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(attempt).rejects.toThrow(message);
    expect(s3.calls()).toHaveLength(0);
  });
});
