import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, type GetObjectCommandInput, type GetObjectCommandOutput, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { zipSync, type Zippable } from 'fflate';
import { create as createTar } from 'tar';
import { MAX_ZIP_ENTRIES, S3BundleReader } from '../../functions/aws/s3-bundle-reader';
import { AppSpecError, InvalidRevisionError, RevisionMissingError, ValidationError } from '../../functions/core/errors';
import type { AppSpec, RevisionLocation, S3Revision } from '../../functions/core/types';
import type { RevisionSource } from '../../functions/ports';
import { tempDir, writeBundle } from '../support/bundles';

const s3 = mockClient(S3Client);

const APPSPEC = 'version: 0.0\nos: linux\nfiles:\n  - source: site\n    destination: /srv/app\nhooks:\n  ApplicationStart:\n    - location: scripts/start.sh\n      timeout: 60\n';
const PARSED: AppSpec = {
  version: '0.0',
  os: 'linux',
  files: [{ source: 'site', destination: '/srv/app' }],
  permissions: [],
  hooks: { ApplicationStart: [{ location: 'scripts/start.sh', timeout: 60 }] },
};
const HUGE_APPSPEC = `${APPSPEC}#${'x'.repeat(1024 * 1024)}\n`;
const FILES = { 'scripts/start.sh': '#!/bin/sh\nexit 0\n', 'site/index.html': '<h1>v1</h1>\n' };
// Longer than a ustar name field (100 bytes) and prefix split, so node-tar writes it in a PAX header.
const LONG_PATH = `site/${'nested-directory/'.repeat(12)}page.html`;

function requested(bundleType: S3Revision['s3Location']['bundleType']): S3Revision {
  return { revisionType: 'S3', s3Location: { bucket: 'my-bundles', key: `app/v1.${bundleType}`, bundleType } };
}

function pinned(bundleType: S3Revision['s3Location']['bundleType']): S3Revision {
  return { revisionType: 'S3', s3Location: { ...requested(bundleType).s3Location, version: 'v-42', eTag: '0a1b2c', sha256: 'ab'.repeat(32) } };
}

/** A revision source that pins every revision it is asked about, as S3RevisionSource does after HeadObject. */
function pinning(): RevisionSource & { asked: RevisionLocation[] } {
  const asked: RevisionLocation[] = [];
  return {
    asked,
    check: async (revision) => {
      asked.push(revision);
      return revision.revisionType === 'S3' ? pinned(revision.s3Location.bundleType) : revision;
    },
    bundleFetch: async () => Promise.reject(new Error('not used')),
  };
}

function tarOf(files: Readonly<Record<string, string>>, options: { gzip?: boolean; appspec?: string; prefix?: string; links?: Record<string, string> } = {}): Buffer {
  const root = tempDir('s3-tar');
  const bundle = path.join(root, options.prefix ?? 'bundle');
  writeBundle(bundle, { appspec: options.appspec ?? APPSPEC, files });
  for (const [link, target] of Object.entries(options.links ?? {})) fs.symlinkSync(target, path.join(bundle, link));
  const out = path.join(root, 'out.tar');
  const cwd = options.prefix ? root : bundle;
  const entries = options.prefix ? [options.prefix] : fs.readdirSync(bundle);
  createTar({ cwd, file: out, sync: true, gzip: options.gzip ?? false, portable: true }, entries);
  return fs.readFileSync(out);
}

function zipOf(files: Readonly<Record<string, string | Uint8Array>>): Buffer {
  const zippable: Zippable = {};
  // Stored, not deflated: the test can then name the exact byte range of the appspec.
  for (const [name, content] of Object.entries(files)) zippable[name] = [typeof content === 'string' ? new TextEncoder().encode(content) : content, { level: 0 }];
  return Buffer.from(zipSync(zippable));
}

/** A GetObject body that arrives in several chunks, as a real socket delivers it. */
function body(bytes: Uint8Array, chunkSize = 997): GetObjectCommandOutput['Body'] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
  return Readable.from(chunks) as unknown as GetObjectCommandOutput['Body'];
}

/** Answers GetObject from `bytes`, honouring Range as S3 does (a suffix longer than the object is the whole object). */
function serve(bytes: Uint8Array): void {
  s3.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => {
    if (input.Range === undefined) return { Body: body(bytes), ContentLength: bytes.length };
    const suffix = /^bytes=-(\d+)$/.exec(input.Range);
    const span = /^bytes=(\d+)-(\d+)$/.exec(input.Range);
    const start = suffix ? Math.max(0, bytes.length - Number(suffix[1])) : Number(span![1]);
    const end = suffix ? bytes.length - 1 : Math.min(Number(span![2]), bytes.length - 1);
    return { Body: body(bytes.subarray(start, end + 1)), ContentRange: `bytes ${start}-${end}/${bytes.length}` };
  });
}

const getInputs = (): unknown[] => s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input);
const pinnedObject = (bundleType: string) => ({ Bucket: 'my-bundles', Key: `app/v1.${bundleType}`, VersionId: 'v-42', IfMatch: '"0a1b2c"' });

beforeEach(() => s3.reset());

describe('S3BundleReader', () => {
  it.each([
    ['a tar', 'tar' as const, tarOf({ ...FILES, [LONG_PATH]: 'deep' })],
    ['a tgz', 'tgz' as const, tarOf(FILES, { gzip: true })],
    ['a gzipped tar declared as tar (hosts extract both alike)', 'tar' as const, tarOf(FILES, { gzip: true })],
    ['a tar whose only top-level directory holds the appspec', 'tar' as const, tarOf(FILES, { prefix: 'release-1.4' })],
  ])('reads the appspec of %s from one GetObject of the pinned object', async (_case, bundleType, archive) => {
    serve(archive);
    const revisions = pinning();

    const opened = await new S3BundleReader({ client: new S3Client({}), revisions }).open(requested(bundleType));

    expect(opened).toStrictEqual({ revision: pinned(bundleType), appSpec: PARSED });
    expect(revisions.asked).toStrictEqual([requested(bundleType)]);
    expect(getInputs()).toStrictEqual([pinnedObject(bundleType)]);
  });

  it('stops reading a tar at its end-of-archive block', async () => {
    const archive = tarOf(FILES);
    let chunksRead = 0;
    async function* withTrailingPadding(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < archive.length; at += 512) {
        chunksRead += 1;
        yield archive.subarray(at, at + 512);
      }
      for (let i = 0; i < 1000; i += 1) {
        chunksRead += 1;
        yield new Uint8Array(512);
      }
    }
    s3.on(GetObjectCommand).resolves({ Body: Readable.from(withTrailingPadding()) as unknown as GetObjectCommandOutput['Body'] });

    const opened = await new S3BundleReader({ client: new S3Client({}), revisions: pinning() }).open(requested('tar'));

    expect(opened.appSpec).toStrictEqual(PARSED);
    expect(chunksRead).toBeLessThan(archive.length / 512 + 10);
  });

  it('reads a small zip in one ranged GetObject: its last 65,557 bytes hold everything', async () => {
    const archive = zipOf({ 'appspec.yml': APPSPEC, ...FILES });
    serve(archive);

    const opened = await new S3BundleReader({ client: new S3Client({}), revisions: pinning() }).open(requested('zip'));

    expect(opened).toStrictEqual({ revision: pinned('zip'), appSpec: PARSED });
    expect(getInputs()).toStrictEqual([{ ...pinnedObject('zip'), Range: 'bytes=-65557' }]);
  });

  it('reads a large zip by range: the end, then only the local header and bytes of the appspec', async () => {
    const filler = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
    const archive = zipOf({ 'appspec.yml': APPSPEC, 'site/big.bin': filler, ...FILES });
    serve(archive);

    const opened = await new S3BundleReader({ client: new S3Client({}), revisions: pinning() }).open(requested('zip'));

    expect(opened.appSpec).toStrictEqual(PARSED);
    // appspec.yml is the first entry: its local header at 0, its stored bytes right after the header and name.
    const dataStart = 30 + 'appspec.yml'.length;
    expect(getInputs()).toStrictEqual([
      { ...pinnedObject('zip'), Range: 'bytes=-65557' },
      { ...pinnedObject('zip'), Range: 'bytes=0-29' },
      { ...pinnedObject('zip'), Range: `bytes=${dataStart}-${dataStart + Buffer.byteLength(APPSPEC) - 1}` },
    ]);
  });

  describe('a zip listing 1,000 appspecs besides the one that counts', () => {
    const filler = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
    const decoys = Object.fromEntries(Array.from({ length: 1000 }, (_, n) => [`d${n}/appspec.yml`, 'version: 0.0\nos: windows\n']));

    it.each([
      ['the root appspec (no directory wraps the bundle)', '', { 'appspec.yml': APPSPEC, 'site/big.bin': filler, ...decoys, ...FILES }],
      [
        'the appspec of the only top-level directory',
        'release/',
        { 'release/appspec.yml': APPSPEC, 'release/site/big.bin': filler, ...Object.fromEntries(Object.entries({ ...decoys, ...FILES }).map(([name, content]) => [`release/${name}`, content])) },
      ],
    ])('reads only %s: the end, the directory, then its local header and bytes', async (_case, prefix, files) => {
      const archive = zipOf(files);
      serve(archive);
      // fflate writes no comment: the end record is the last 22 bytes.
      const directorySize = archive.readUInt32LE(archive.length - 22 + 12);
      const directoryOffset = archive.readUInt32LE(archive.length - 22 + 16);
      const directoryInTail = directoryOffset >= archive.length - 65_557;

      const opened = await new S3BundleReader({ client: new S3Client({}), revisions: pinning() }).open(requested('zip'));

      expect(opened.appSpec).toStrictEqual(PARSED);
      // The appspec is the first entry: its local header at 0, its stored bytes right after the header and name.
      const dataStart = 30 + `${prefix}appspec.yml`.length;
      expect(getInputs()).toStrictEqual([
        { ...pinnedObject('zip'), Range: 'bytes=-65557' },
        ...(directoryInTail ? [] : [{ ...pinnedObject('zip'), Range: `bytes=${directoryOffset}-${directoryOffset + directorySize - 1}` }]),
        { ...pinnedObject('zip'), Range: 'bytes=0-29' },
        { ...pinnedObject('zip'), Range: `bytes=${dataStart}-${dataStart + Buffer.byteLength(APPSPEC) - 1}` },
      ]);
    });
  });

  it(`refuses a zip of more than ${MAX_ZIP_ENTRIES} entries from its end record, reading no entry`, async () => {
    serve(zip64EndOnly(MAX_ZIP_ENTRIES + 1, 200_000));

    const attempt = new S3BundleReader({ client: new S3Client({}), revisions: pinning() }).open(requested('zip'));

    await expect(attempt).rejects.toBeInstanceOf(InvalidRevisionError);
    await expect(attempt).rejects.toThrow(
      `The revision s3://my-bundles/app/v1.zip (version v-42) is a zip of ${MAX_ZIP_ENTRIES + 1} entries; Cutover reads bundles of at most ${MAX_ZIP_ENTRIES} entries`,
    );
    // The end records only: never the directory before them, nor any entry.
    expect(getInputs()).toStrictEqual([{ ...pinnedObject('zip'), Range: 'bytes=-65557' }]);
  });

  it.each([
    ['a tar', 'tar' as const, () => tarOf({ 'scripts/other.sh': '#!/bin/sh\n', 'site/a': 'a' })],
    ['a zip', 'zip' as const, () => zipOf({ 'appspec.yml': APPSPEC, 'scripts/other.sh': '#!/bin/sh\n', 'site/a': 'a' })],
  ])('checks the appspec against the entries of %s: a missing hook script is named', async (_case, bundleType, archive) => {
    serve(archive());

    const attempt = new S3BundleReader({ client: new S3Client({}), revisions: pinning() }).open(requested(bundleType));

    await expect(attempt).rejects.toBeInstanceOf(AppSpecError);
    await expect(attempt).rejects.toMatchObject({
      problems: [{ field: 'hooks.ApplicationStart[0].location', message: "script 'scripts/start.sh' is not in the bundle" }],
    });
  });

  it.each([
    ['no appspec', () => zipOf({ 'README.md': 'hello' }), 'zip' as const, "no appspec.yml or appspec.yaml at the bundle root (or in the archive's only top-level directory)"],
    ['an appspec only two directories down', () => zipOf({ 'a/b/appspec.yml': APPSPEC, 'c.txt': 'c' }), 'zip' as const, "no appspec.yml or appspec.yaml at the bundle root (or in the archive's only top-level directory)"],
    ['an entry that climbs out of the bundle', () => zipOf({ 'appspec.yml': APPSPEC, ...FILES, '../evil.sh': 'x' }), 'zip' as const, "entry '../evil.sh' contains '..' and would be written outside the bundle"],
    ['a link that points outside the bundle', () => tarOf(FILES, { links: { 'site/passwd': '../../etc/passwd' } }), 'tar' as const, "entry 'site/passwd' is a symbolic link to '../../etc/passwd', outside the bundle; links must point inside it"],
    ['an appspec over 1 MiB', () => zipOf({ 'appspec.yml': HUGE_APPSPEC, ...FILES }), 'zip' as const, `entry 'appspec.yml' is ${Buffer.byteLength(HUGE_APPSPEC)} bytes; an appspec may have at most 1048576`],
    ['an appspec over 1 MiB in a tar', () => tarOf(FILES, { appspec: HUGE_APPSPEC }), 'tar' as const, `appspec.yml is ${Buffer.byteLength(HUGE_APPSPEC)} bytes; an appspec may have at most 1048576`],
  ])('refuses a bundle with %s, naming the problem', async (_case, archive, bundleType, message) => {
    serve(archive());

    const attempt = new S3BundleReader({ client: new S3Client({}), revisions: pinning() }).open(requested(bundleType));

    await expect(attempt).rejects.toBeInstanceOf(AppSpecError);
    await expect(attempt).rejects.toMatchObject({ problems: [{ field: 'bundle', message }] });
  });

  it.each([
    ['bytes that are no tar', 'tar' as const, () => Buffer.from('this is not an archive at all, just text'.repeat(20)), /cannot be read as a tar bundle: the block at byte 0 is not a tar header/],
    ['a tar cut short', 'tar' as const, () => tarOf(FILES).subarray(0, 700), /cannot be read as a tar bundle: the archive is truncated/],
    ['a tgz whose gzip stream is corrupt', 'tgz' as const, () => Buffer.concat([gzipSync(tarOf(FILES)).subarray(0, 40), Buffer.alloc(200, 7)]), /cannot be read as a tgz bundle/],
    ['bytes that are no zip', 'zip' as const, () => Buffer.from('PK but not really a zip'.repeat(10)), /cannot be read as a zip bundle: no end of central directory record/],
    ['a zip whose central directory claims 2 GB', 'zip' as const, () => endRecordOnly(0x7fffffff), /zip central directory of 2147483647 bytes; Cutover reads at most 67108864$/],
    ['a zip whose ZIP64 extra field claims more than its entry holds', 'zip' as const, () => overlongZip64Extra(), /cannot be read as a zip bundle: corrupt ZIP64 extra field/],
  ])('refuses %s as an invalid revision', async (_case, bundleType, archive, message) => {
    serve(archive());

    const attempt = new S3BundleReader({ client: new S3Client({}), revisions: pinning() }).open(requested(bundleType));

    await expect(attempt).rejects.toBeInstanceOf(InvalidRevisionError);
    await expect(attempt).rejects.toThrow(message);
  });

  it.each([
    ['412: the object changed since the check', 'PreconditionFailed', 412, InvalidRevisionError, /does not have the expected ETag: expected "0a1b2c".*replaced while Cutover checked it/],
    ['404: the version is gone', 'NoSuchVersion', 404, RevisionMissingError, /does not exist in S3/],
  ])('turns a GetObject %s into a revision error', async (_case, name, status, type, message) => {
    s3.on(GetObjectCommand).rejects(new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name }));

    const attempt = new S3BundleReader({ client: new S3Client({}), revisions: pinning() }).open(requested('tar'));

    await expect(attempt).rejects.toBeInstanceOf(type);
    await expect(attempt).rejects.toThrow(message);
  });

  it('reads nothing when the revision check fails', async () => {
    const revisions: RevisionSource = { check: async () => Promise.reject(new RevisionMissingError('The revision s3://my-bundles/app/v1.tar does not exist in S3')), bundleFetch: async () => Promise.reject(new Error('not used')) };

    await expect(new S3BundleReader({ client: new S3Client({}), revisions }).open(requested('tar'))).rejects.toBeInstanceOf(RevisionMissingError);
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
  });

  it('refuses a Local revision, naming revision.revisionType, without checking it', async () => {
    const revisions = pinning();

    const attempt = new S3BundleReader({ client: new S3Client({}), revisions }).open({ revisionType: 'Local', localLocation: { bundlePath: '/srv/bundle' } });

    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ problems: [{ field: 'revision.revisionType' }] });
    expect(revisions.asked).toEqual([]);
  });
});

/** Just an end of central directory record announcing a directory of `size` bytes. */
function endRecordOnly(size: number): Buffer {
  const record = Buffer.alloc(22);
  record.writeUInt32LE(0x06054b50, 0);
  record.writeUInt16LE(1, 8);
  record.writeUInt16LE(1, 10);
  record.writeUInt32LE(size, 12);
  record.writeUInt32LE(0, 16);
  return record;
}

/** `directorySize` bytes of zeros standing for a directory of `entryCount` entries, then ZIP64 end records saying so. */
function zip64EndOnly(entryCount: number, directorySize: number): Buffer {
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(BigInt(entryCount), 32);
  record.writeBigUInt64LE(BigInt(directorySize), 40);
  record.writeBigUInt64LE(0n, 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(directorySize), 8);
  const end = endRecordOnly(0xffffffff);
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  end.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([Buffer.alloc(directorySize), record, locator, end]);
}

/** A zip whose last central entry announces ZIP64 sizes and claims 24 bytes of extra field where the directory holds 8. */
function overlongZip64Extra(): Buffer {
  const name = Buffer.from('appspec.yml');
  const entry = Buffer.alloc(46);
  entry.writeUInt32LE(0x02014b50, 0);
  entry.writeUInt32LE(0xffffffff, 20);
  entry.writeUInt32LE(0xffffffff, 24);
  entry.writeUInt16LE(name.length, 28);
  entry.writeUInt16LE(12, 30);
  entry.writeUInt32LE(0xffffffff, 42);
  const extra = Buffer.alloc(12);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(24, 2);
  const directory = Buffer.concat([entry, name, extra]);
  const end = endRecordOnly(directory.length);
  return Buffer.concat([directory, end]);
}
