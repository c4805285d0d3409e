// TarLister on hand-built headers: the tar dialects other tools write (ustar prefix, GNU long names, PAX, v7), fed
// in any chunking.
import { appSpecOfListing, linkProblems, MAX_APPSPEC_BYTES, wrappingDirectory } from '../../functions/core/bundle-listing';
import { MAX_KEPT_APPSPEC_BYTES, TarFormatError, TarLister } from '../../functions/core/tar-listing';

interface HeaderSpec {
  readonly name: string;
  readonly type?: string;
  readonly size?: number;
  readonly linkName?: string;
  readonly prefix?: string;
  readonly ustar?: boolean;
}

function header(spec: HeaderSpec): Buffer {
  const block = Buffer.alloc(512);
  block.write(spec.name, 0, 100, 'utf8');
  block.write('0000644\0', 100, 'latin1');
  block.write(`${(spec.size ?? 0).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  block.write(spec.type ?? '0', 156, 'latin1');
  block.write(spec.linkName ?? '', 157, 100, 'utf8');
  if (spec.ustar !== false) block.write('ustar\x0000', 257, 'latin1');
  block.write(spec.prefix ?? '', 345, 155, 'utf8');
  block.fill(0x20, 148, 156);
  const sum = block.reduce((total, byte) => total + byte, 0);
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

function data(content: string): Buffer {
  const bytes = Buffer.from(content);
  return Buffer.concat([bytes, Buffer.alloc((512 - (bytes.length % 512)) % 512)]);
}

function file(name: string, content: string, extra: Partial<HeaderSpec> = {}): Buffer {
  return Buffer.concat([header({ name, size: Buffer.byteLength(content), ...extra }), data(content)]);
}

/** "<length> <key>=<value>\n", the length in bytes and counting its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (Buffer.byteLength(`${length}${body}`) !== length) length += 1;
  return `${length}${body}`;
}

const END = Buffer.alloc(1024);

function list(archive: Buffer, chunkSize = archive.length) {
  const lister = new TarLister();
  for (let at = 0; at < archive.length; at += chunkSize) lister.push(archive.subarray(at, at + chunkSize));
  return lister.finish();
}

describe('TarLister', () => {
  const archive = Buffer.concat([
    file('appspec.yml', 'version: 0.0\n'),
    header({ name: 'scripts/', type: '5' }),
    file('start.sh', '#!/bin/sh\n', { prefix: 'scripts' }),
    file('././@LongLink', `site/${'long-'.repeat(30)}name.html\0`, { type: 'L', ustar: false }),
    file('site/truncated-name', 'long'),
    file('././@LongLink', `${'target-'.repeat(20)}file\0`, { type: 'K', ustar: false }),
    header({ name: 'site/long-link', type: '2', linkName: 'short' }),
    file('PaxHeader', paxRecord('path', 'site/päx-name.txt') + paxRecord('linkpath', 'index.html'), { type: 'x' }),
    header({ name: 'site/ignored', type: '2', linkName: 'ignored' }),
    header({ name: 'old-dir/', ustar: false }),
    header({ name: 'site/hard', type: '1', linkName: 'site/index.html' }),
    header({ name: 'dev/null', type: '3' }),
    END,
  ]);

  it.each([
    ['whole', archive.length],
    ['a byte at a time', 1],
    ['in odd chunks', 333],
  ])('lists ustar, GNU long-name and PAX entries fed %s', (_case, chunkSize) => {
    const listing = list(archive, chunkSize);

    expect(listing.entries).toEqual([
      { path: 'appspec.yml', kind: 'file' },
      { path: 'scripts', kind: 'directory' },
      { path: 'scripts/start.sh', kind: 'file' },
      { path: `site/${'long-'.repeat(30)}name.html`, kind: 'file' },
      { path: 'site/long-link', kind: 'symlink', linkTarget: `${'target-'.repeat(20)}file` },
      { path: 'site/päx-name.txt', kind: 'symlink', linkTarget: 'index.html' },
      { path: 'old-dir', kind: 'directory' },
    ]);
    expect(listing.appSpecTexts).toEqual(new Map([['appspec.yml', 'version: 0.0\n']]));
    expect(listing.problems).toEqual([
      { field: 'bundle', message: "entry 'site/hard' is a hard link; archive the file itself" },
      { field: 'bundle', message: "entry 'dev/null' is of unsupported type '3'" },
    ]);
  });

  it.each([
    ['an absolute name', '/etc/cron.d/evil', "entry '/etc/cron.d/evil' has an absolute path; archive entries must be relative to the bundle root"],
    ['a name with ..', 'site/../../evil', "entry 'site/../../evil' contains '..' and would be written outside the bundle"],
  ])('reports %s instead of listing it', (_case, name, message) => {
    expect(list(Buffer.concat([file(name, 'x'), END])).problems).toEqual([{ field: 'bundle', message }]);
  });

  it.each([
    ['a header whose checksum is wrong', Buffer.concat([file('appspec.yml', 'v'), Buffer.alloc(512, 1)]), 'the block at byte 1024 is not a tar header'],
    ['an archive that ends inside a file', file('appspec.yml', 'x'.repeat(600)).subarray(0, 900), 'the archive is truncated: it ends inside an entry after 900 bytes'],
    ['an empty stream', Buffer.alloc(0), 'the archive is empty'],
    ['a malformed PAX record', Buffer.concat([file('PaxHeader', '99 path=x\n', { type: 'x' }), END]), 'a PAX extended header is malformed'],
  ])('refuses %s', (_case, bytes, message) => {
    expect(() => list(bytes)).toThrow(TarFormatError);
    expect(() => list(bytes)).toThrow(message);
  });
});

describe('TarLister keeping appspec text', () => {
  const ROOT_APPSPEC = 'version: 0.0\nos: linux\n';
  const KIB_64 = 64 * 1024;
  /** A 64 KiB appspec that would turn the bundle into a Windows one if it were the one read. */
  const decoy = (): string => `version: 0.0\nos: windows\n#${'x'.repeat(KIB_64 - 27)}\n`;

  /** Lists the parts pushed one by one; the most appspec bytes the lister held after any push. */
  function listParts(parts: readonly Buffer[]) {
    const lister = new TarLister();
    let peak = 0;
    for (const part of parts) {
      lister.push(part);
      peak = Math.max(peak, lister.keptAppSpecBytes);
    }
    return { listing: lister.finish(), peak };
  }

  it.each([
    ['before', true],
    ['after', false],
  ])('keeps no appspec of 300 top-level directories, with the root appspec %s them', (_case, rootFirst) => {
    const directories = Array.from({ length: 300 }, (_, n) => file(`d${n}/appspec.yml`, decoy()));
    const root = file('appspec.yml', ROOT_APPSPEC);
    expect(Buffer.byteLength(decoy())).toBe(KIB_64);

    const { listing, peak } = listParts(rootFirst ? [root, ...directories, END] : [...directories, root, END]);

    // Until d1 shows d0 is no wrapping directory, d0's appspec may be the one: never more than one 64 KiB text.
    expect(peak).toBeLessThanOrEqual(rootFirst ? Buffer.byteLength(ROOT_APPSPEC) : KIB_64);
    expect(listing.entries).toHaveLength(301);
    expect(listing.appSpecTexts).toEqual(new Map([['appspec.yml', ROOT_APPSPEC]]));
    expect(appSpecOfListing(listing).os).toBe('linux');
  });

  it('keeps the appspec of the only top-level directory, however many appspecs lie deeper', () => {
    const deeper = Array.from({ length: 300 }, (_, n) => file(`release/d${n}/appspec.yml`, decoy()));

    const { listing, peak } = listParts([header({ name: 'release/', type: '5' }), file('release/appspec.yml', ROOT_APPSPEC), ...deeper, END]);

    expect(peak).toBe(Buffer.byteLength(ROOT_APPSPEC));
    expect(listing.appSpecTexts).toEqual(new Map([['release/appspec.yml', ROOT_APPSPEC]]));
    expect(wrappingDirectory(listing.entries)).toBe('release/');
    expect(appSpecOfListing(listing).os).toBe('linux');
  });

  const oversized = (): string => 'x'.repeat(MAX_APPSPEC_BYTES + 1);

  it('refuses an oversized appspec in the directory that wraps the bundle', () => {
    const listing = list(Buffer.concat([file('release/appspec.yml', oversized()), file('release/site/index.html', 'hi'), END]));

    expect(listing.problems).toEqual([{ field: 'bundle', message: `release/appspec.yml is ${MAX_APPSPEC_BYTES + 1} bytes; an appspec may have at most ${MAX_APPSPEC_BYTES}` }]);
    expect(listing.appSpecTexts.size).toBe(0);
  });

  it('withdraws that refusal once a second top-level name shows the directory wraps nothing', () => {
    const listing = list(Buffer.concat([file('release/appspec.yml', oversized()), file('appspec.yml', ROOT_APPSPEC), END]));

    expect(listing.problems).toEqual([]);
    expect(appSpecOfListing(listing).os).toBe('linux');
  });

  it(`never holds more than ${MAX_KEPT_APPSPEC_BYTES} bytes of appspec text`, () => {
    // The one layout where three places could count: a root file named like the only top-level directory.
    const big = (): string => `version: 0.0\nos: linux\n#${'x'.repeat(MAX_APPSPEC_BYTES - 30)}\n`;
    const { listing, peak } = listParts([
      file('appspec.yml', big()),
      file('appspec.yml/appspec.yml', big()),
      file('appspec.yml/appspec.yaml', big()),
      END,
    ]);

    expect(peak).toBeLessThanOrEqual(MAX_KEPT_APPSPEC_BYTES);
    expect([...listing.appSpecTexts.keys()]).toEqual(['appspec.yml', 'appspec.yml/appspec.yml']);
    expect(listing.problems).toEqual([
      { field: 'bundle', message: `appspec.yml/appspec.yaml would take the appspec files read from this bundle past ${MAX_KEPT_APPSPEC_BYTES} bytes together` },
    ]);
  });
});

describe('bundle listing checks on listed entries', () => {
  it.each([
    ['one directory holding the appspec', ['app/', 'app/appspec.yml', 'app/site/'], 'app/'],
    ['the appspec at the root (none)', ['appspec.yml', 'site/'], ''],
    ['one directory without an appspec at its root (none)', ['app/', 'app/site/appspec.yml'], ''],
    ['two top-level directories (none)', ['app/appspec.yml', 'other/'], ''],
  ])('finds the wrapping directory with %s', (_case, names, prefix) => {
    const archive = Buffer.concat([...names.map((name) => (name.endsWith('/') ? header({ name, type: '5' }) : file(name, 'version: 0.0\n'))), END]);

    expect(wrappingDirectory(list(archive).entries)).toBe(prefix);
  });

  it.each([
    ['a sibling', 'site/current', 'releases/1', []],
    ['a parent that stays inside', 'site/a/current', '../b/./c', []],
    ['a parent past the root', 'site/current', '../../etc/passwd', ["entry 'site/current' is a symbolic link to '../../etc/passwd', outside the bundle; links must point inside it"]],
    ['a detour past the root', 'current', 'x/../../current', ["entry 'current' is a symbolic link to 'x/../../current', outside the bundle; links must point inside it"]],
    ['an absolute path', 'current', '/etc', ["entry 'current' is a symbolic link to '/etc', outside the bundle; links must point inside it"]],
    ['nothing', 'current', '', ["entry 'current' is a symbolic link to '', outside the bundle; links must point inside it"]],
  ])('checks a link to %s', (_case, name, linkName, messages) => {
    const [entry] = list(Buffer.concat([header({ name, type: '2', linkName }), END])).entries;

    expect(linkProblems(entry)).toEqual(messages.map((message) => ({ field: 'bundle', message })));
  });
});
