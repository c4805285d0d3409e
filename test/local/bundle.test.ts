import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { c as createTar } from 'tar';
import { AppSpecError, type FieldProblem } from '../../functions/core/errors';
import { checkBundle, loadBundle } from '../../lib/local/bundle';

const APPSPEC = `version: 0.0
os: linux
files:
  - source: /web
    destination: /srv/app
hooks:
  AfterInstall:
    - location: scripts/install.sh
      timeout: 60
`;

/** path → [content, mode] */
type Tree = Record<string, [string, number]>;

const TREE: Tree = {
  'appspec.yml': [APPSPEC, 0o644],
  'scripts/install.sh': ['#!/bin/sh\necho installed\n', 0o755],
  'web/index.html': ['<h1>hello</h1>\n', 0o644],
  'web/css/site.css': ['h1 { color: red }\n', 0o644],
};

let work: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-bundle-'));
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function writeTree(root: string, tree: Tree): Promise<string> {
  for (const [path, [content, mode]] of Object.entries(tree)) {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
    await chmod(file, mode);
  }
  return root;
}

function zipOf(tree: Tree, options: { unixModes: boolean; wrap?: string }): Uint8Array {
  const entries: Zippable = {};
  for (const [path, [content, mode]] of Object.entries(tree)) {
    const attributes = options.unixModes ? { os: 3, attrs: mode << 16 } : {};
    entries[`${options.wrap ?? ''}${path}`] = [new TextEncoder().encode(content), attributes];
  }
  return zipSync(entries);
}

async function writeZip(name: string, tree: Tree, options: { unixModes: boolean; wrap?: string }): Promise<string> {
  const file = join(work, name);
  await writeFile(file, zipOf(tree, options));
  return file;
}

async function writeTarball(name: string, tree: Tree, gzip: boolean): Promise<string> {
  const root = await writeTree(join(work, `${name}-src`), tree);
  const file = join(work, name);
  await createTar({ file, cwd: root, gzip }, ['.']);
  return file;
}

async function problemsOf(promise: Promise<unknown>): Promise<readonly FieldProblem[]> {
  const error: unknown = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  if (!(error instanceof AppSpecError)) {
    throw new Error(`expected an AppSpecError, got ${String(error)}`);
  }
  return error.problems;
}

function extract(tarPath: string): string {
  const into = join(work, `extracted-${Math.random().toString(36).slice(2)}`);
  execFileSync('mkdir', ['-p', into]);
  execFileSync('tar', ['-xf', tarPath, '-C', into]);
  return into;
}

const EXPECTED_FILES = ['appspec.yml', 'scripts/install.sh', 'web/css/site.css', 'web/index.html'];

describe('loadBundle', () => {
  const sources: [string, () => Promise<string>][] = [
    ['a directory', () => writeTree(join(work, 'dir'), TREE)],
    ['a zip with unix modes', () => writeZip('bundle.zip', TREE, { unixModes: true })],
    ['a zip without modes (hook scripts made executable)', () => writeZip('plain.zip', TREE, { unixModes: false })],
    ['a zip wrapped in one directory', () => writeZip('wrapped.zip', TREE, { unixModes: true, wrap: 'myapp-1.0/' })],
    ['a directory wrapped in one directory', () => writeTree(join(work, 'outer', 'myapp'), TREE).then(() => join(work, 'outer'))],
    ['a .tar', () => writeTarball('bundle.tar', TREE, false)],
    ['a .tgz', () => writeTarball('bundle.tgz', TREE, true)],
    ['a .tar.gz', () => writeTarball('bundle.tar.gz', TREE, true)],
  ];

  it.each(sources)('normalises %s to the same tar as every other form', async (_name, build) => {
    const reference = await loadBundle(await writeTree(join(work, 'reference'), TREE), join(work, 'out-ref'));
    const loaded = await loadBundle(await build(), join(work, 'out'));
    expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.sha256).toBe(reference.sha256);
    expect(loaded.tarPath).toBe(join(work, 'out', `${loaded.sha256}.tar`));
    expect([...loaded.files].sort()).toEqual(EXPECTED_FILES);
    expect(loaded.appSpecFileName).toBe('appspec.yml');
    expect(loaded.appSpecText).toBe(APPSPEC);
    expect(loaded.appSpec.hooks.AfterInstall).toEqual([{ location: 'scripts/install.sh', timeout: 60 }]);
  });

  it('gives the same sha256 for the same contents every time, whatever the file times', async () => {
    const dir = await writeTree(join(work, 'dir'), TREE);
    const first = await loadBundle(dir, join(work, 'out'));
    execFileSync('touch', ['-d', '2001-02-03', join(dir, 'web/index.html')]);
    const second = await loadBundle(dir, join(work, 'out'));
    expect(second.sha256).toBe(first.sha256);
    expect(await readdir(join(work, 'out'))).toEqual([`${first.sha256}.tar`]);
  });

  it('gives a different sha256 when a mode changes', async () => {
    const dir = await writeTree(join(work, 'dir'), TREE);
    const before = await loadBundle(dir, join(work, 'out'));
    await chmod(join(dir, 'web/index.html'), 0o600);
    expect((await loadBundle(dir, join(work, 'out'))).sha256).not.toBe(before.sha256);
  });

  it.each<[string, () => Promise<string>]>([
    ['a directory', () => writeTree(join(work, 'dir'), TREE)],
    ['a zip without modes', () => writeZip('plain.zip', TREE, { unixModes: false })],
    ['a .tgz', () => writeTarball('bundle.tgz', TREE, true)],
  ])('keeps hook scripts executable and data files not, from %s', async (_name, build) => {
    const loaded = await loadBundle(await build(), join(work, 'out'));
    const root = extract(loaded.tarPath);
    expect((await stat(join(root, 'scripts/install.sh'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(root, 'web/index.html'))).mode & 0o777).toBe(0o644);
  });

  it('writes a tar with its contents at the root, mtime 0, owned by uid 0', async () => {
    const loaded = await loadBundle(await writeZip('wrapped.zip', TREE, { unixModes: true, wrap: 'app/' }), join(work, 'out'));
    const listing = execFileSync('tar', ['--numeric-owner', '-tvf', loaded.tarPath], { encoding: 'utf8' }).trim().split('\n');
    expect(listing.map((line) => line.split(/\s+/).slice(-1)[0])).toEqual([
      'appspec.yml',
      'scripts/',
      'scripts/install.sh',
      'web/',
      'web/css/',
      'web/css/site.css',
      'web/index.html',
    ]);
    expect(listing.every((line) => line.includes(' 0/0 ') && line.includes('1970-01-01'))).toBe(true);
  });

  it('keeps paths longer than 100 bytes and links that stay inside the bundle', async () => {
    const deep = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(120)}.txt`;
    const dir = await writeTree(join(work, 'dir'), { ...TREE, [deep]: ['deep\n', 0o644] });
    await symlink('index.html', join(dir, 'web/home.html'));
    const loaded = await loadBundle(dir, join(work, 'out'));
    expect(loaded.files.has(deep)).toBe(true);
    const root = extract(loaded.tarPath);
    expect(execFileSync('cat', [join(root, deep)], { encoding: 'utf8' })).toBe('deep\n');
    expect(execFileSync('readlink', [join(root, 'web/home.html')], { encoding: 'utf8' }).trim()).toBe('index.html');
  });

  it('takes the last copy of a path a tar holds twice, as extracting it would', async () => {
    const dir = await writeTree(join(work, 'dir'), { ...TREE, 'appspec.yml': ['version: 1.0\nos: linux\n', 0o644] });
    const file = join(work, 'appended.tar');
    execFileSync('tar', ['-cf', file, '-C', dir, '.']);
    await writeFile(join(dir, 'appspec.yml'), APPSPEC);
    execFileSync('tar', ['-rf', file, '-C', dir, './appspec.yml']);
    const loaded = await loadBundle(file, join(work, 'out'));
    expect(loaded.appSpecText).toBe(APPSPEC);
    expect(loaded.sha256).toBe((await loadBundle(dir, join(work, 'out'))).sha256);
  });

  it('rejects hard links in a tar, naming the entry', async () => {
    const dir = await writeTree(join(work, 'dir'), TREE);
    execFileSync('ln', [join(dir, 'web/index.html'), join(dir, 'web/copy.html')]);
    const file = join(work, 'linked.tar');
    execFileSync('tar', ['-cf', file, '-C', dir, '.']);
    const problems = await problemsOf(loadBundle(file, join(work, 'out')));
    expect(problems).toEqual([{ field: 'bundle', message: expect.stringMatching(/entry '.*\.html' is a hard link/) }]);
  });

  it('accepts appspec.yaml', async () => {
    const { 'appspec.yml': appspec, ...rest } = TREE;
    const loaded = await loadBundle(await writeTree(join(work, 'dir'), { ...rest, 'appspec.yaml': appspec }), join(work, 'out'));
    expect(loaded.appSpecFileName).toBe('appspec.yaml');
    expect(loaded.files.has('appspec.yaml')).toBe(true);
  });

  it('leaves out the output directory when it lives inside the bundle directory', async () => {
    const dir = await writeTree(join(work, 'dir'), TREE);
    const loaded = await loadBundle(dir, join(dir, '.cutover', 'bundles'));
    expect([...loaded.files].sort()).toEqual(EXPECTED_FILES);
  });

  describe('accepts files sources that hold no regular file, as CodeDeploy does,', () => {
    // 'cache' is an empty directory, 'links' holds only a link, and 'links/current' is a link named directly.
    const appspec = `version: 0.0
os: linux
files:
  - source: web
    destination: /srv/app
  - source: cache
    destination: /var/cache/app
  - source: links
    destination: /srv/links
  - source: links/current
    destination: /srv
`;
    const tree: Tree = { ...TREE, 'appspec.yml': [appspec, 0o644] };

    async function directoryForm(): Promise<string> {
      const dir = await writeTree(join(work, 'dir'), tree);
      await mkdir(join(dir, 'cache'));
      await mkdir(join(dir, 'links'));
      await symlink('../web/index.html', join(dir, 'links/current'));
      return dir;
    }

    it.each<[string, () => Promise<string>]>([
      ['a directory', directoryForm],
      [
        'a zip',
        async () => {
          const entries: Zippable = {
            ...unzipEntries(zipOf(tree, { unixModes: true }), tree),
            'cache/': [new Uint8Array(0), { os: 3, attrs: 0o040755 * 0x10000 }],
            'links/current': [new TextEncoder().encode('../web/index.html'), { os: 3, attrs: 0o120777 * 0x10000 }],
          };
          const file = join(work, 'sources.zip');
          await writeFile(file, zipSync(entries));
          return file;
        },
      ],
      [
        'a tar',
        async () => {
          const file = join(work, 'sources.tar');
          await createTar({ file, cwd: await directoryForm() }, ['.']);
          return file;
        },
      ],
    ])('from %s', async (_name, build) => {
      const source = await build();
      const check = await checkBundle(source);
      expect(check.ok ? [] : check.problems).toEqual([]);
      const loaded = await loadBundle(source, join(work, 'out'));
      const listing = execFileSync('tar', ['-tvf', loaded.tarPath], { encoding: 'utf8' });
      expect(listing).toMatch(/^d.* cache\/$/m);
      expect(listing).toMatch(/^l.* links\/current -> \.\.\/web\/index\.html$/m);
    });
  });

  describe('rejects, leaving nothing in outDir,', () => {
    const { 'appspec.yml': _appspec, ...withoutAppSpec } = TREE;
    const { 'scripts/install.sh': _script, ...withoutScript } = TREE;
    it.each<[string, () => Promise<string>, string, string]>([
      ['a bundle without appspec', () => writeTree(join(work, 'dir'), withoutAppSpec), 'bundle', 'no appspec.yml or appspec.yaml at the bundle root'],
      [
        'an appspec two directories down',
        () => writeZip('deep.zip', TREE, { unixModes: true, wrap: 'a/b/' }),
        'bundle',
        'found a/b/appspec.yml, but the appspec must sit at the root',
      ],
      ['a missing hook script', () => writeTree(join(work, 'dir'), withoutScript), 'hooks.AfterInstall[0].location', "'scripts/install.sh' is not in the bundle"],
      ['a missing files source', () => writeZip('nosrc.zip', { 'appspec.yml': TREE['appspec.yml'], 'scripts/install.sh': TREE['scripts/install.sh'] }, { unixModes: true }), 'files[0].source', "'web' is not a file or directory"],
      ['an invalid appspec', () => writeTree(join(work, 'dir'), { ...TREE, 'appspec.yml': ['version: 1.0\nos: linux\n', 0o644] }), 'version', 'must be 0.0 (got 1.0)'],
      ['an appspec for windows hosts', () => writeTree(join(work, 'dir'), { ...TREE, 'appspec.yml': [APPSPEC.replace('os: linux', 'os: windows'), 0o644] }), 'os', 'windows hosts are not supported'],
      ['an appspec with tabs', () => writeTree(join(work, 'dir'), { ...TREE, 'appspec.yml': ['version: 0.0\nos: linux\nhooks:\n\tX: 1\n', 0o644] }), 'appspec.yml', 'tabs are not allowed'],
      ['a zip entry climbing out with ..', () => writeZip('evil.zip', { ...TREE, '../evil': ['x', 0o644] }, { unixModes: true }), 'bundle', "entry '../evil' contains '..'"],
      ['an absolute zip entry', () => writeZip('abs.zip', { ...TREE, '/etc/cron.d/evil': ['x', 0o644] }, { unixModes: true }), 'bundle', "entry '/etc/cron.d/evil' has an absolute path"],
      ['a tar entry climbing out with ..', () => evilTar(), 'bundle', "entry '../evil' contains '..'"],
      ['a link pointing outside', () => linkedZip('../../etc/passwd'), 'bundle', "symbolic link to '../../etc/passwd', outside the bundle"],
      ['an absolute link', () => linkedZip('/etc/passwd'), 'bundle', "symbolic link to '/etc/passwd'"],
      ['a file that is not an archive', () => writeFile(join(work, 'notes.txt'), 'hello').then(() => join(work, 'notes.txt')), 'bundle', 'must be a directory or a .zip, .tar, .tgz or .tar.gz file'],
      ['a truncated zip', () => truncated('bundle.zip'), 'bundle', 'cannot read'],
      ['a truncated tgz', () => truncatedTgz(), 'bundle', 'cannot read'],
      ['a source that does not exist', async () => join(work, 'missing.zip'), 'bundle', 'does not exist'],
    ])('%s', async (_name, build, field, fragment) => {
      const outDir = join(work, 'out');
      const problems = await problemsOf(loadBundle(await build(), outDir));
      expect(problems).toContainEqual(expect.objectContaining({ field, message: expect.stringContaining(fragment) }));
      expect(await readdir(outDir).catch(() => [])).toEqual([]);
    });
  });

  it('reports every problem of a bundle at once', async () => {
    const zip = await writeZip('many.zip', { ...TREE, 'appspec.yml': [`${APPSPEC}  BeforeInstall:\n    - location: nope.sh\n`, 0o644], '../evil': ['x', 0o644] }, { unixModes: true });
    const problems = await problemsOf(loadBundle(zip, join(work, 'out')));
    expect(problems.map((problem) => problem.field)).toEqual(['bundle', 'hooks.BeforeInstall[0].location']);
  });
});

describe('checkBundle', () => {
  it('returns the parsed bundle for a good one, without writing anything', async () => {
    const zip = await writeZip('bundle.zip', TREE, { unixModes: true, wrap: 'app/' });
    const before = await readdir(work);
    const result = await checkBundle(zip);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect([...result.bundle.files].sort()).toEqual(EXPECTED_FILES);
      expect(result.bundle.appSpec.files).toEqual([{ source: 'web', destination: '/srv/app' }]);
      expect(result.bundle).not.toHaveProperty('tarPath');
    }
    expect(await readdir(work)).toEqual(before);
  });

  it.each<[string, () => Promise<string>, string]>([
    ['a missing source', async () => join(work, 'nope'), 'bundle'],
    ['an unreadable archive', () => writeFile(join(work, 'x.zip'), 'PK\u0003\u0004garbage').then(() => join(work, 'x.zip')), 'bundle'],
    ['a tar with a bad appspec', () => writeTarball('bad.tar', { ...TREE, 'appspec.yml': ['version: 0.0\nos: plan9\n', 0o644] }, false), 'os'],
    ['a tgz missing a script', () => writeTarball('bad.tgz', { 'appspec.yml': TREE['appspec.yml'], 'web/index.html': TREE['web/index.html'] }, true), 'hooks.AfterInstall[0].location'],
  ])('returns problems instead of throwing for %s', async (_name, build, field) => {
    const result = await checkBundle(await build());
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.map((problem) => problem.field)).toContain(field);
  });
});

async function evilTar(): Promise<string> {
  const root = await writeTree(join(work, 'tar-src', 'inner'), TREE);
  await writeFile(join(work, 'tar-src', 'evil'), 'x');
  const file = join(work, 'evil.tar');
  // preservePaths lets node-tar write the '..' entry that a hostile archive would carry.
  await createTar({ file, cwd: root, preservePaths: true }, ['.', '../evil']);
  return file;
}

async function linkedZip(target: string): Promise<string> {
  const entries = zipOf(TREE, { unixModes: true });
  const withLink: Zippable = { ...unzipEntries(entries), 'web/link': [new TextEncoder().encode(target), { os: 3, attrs: 0o120777 * 0x10000 }] };
  const file = join(work, 'linked.zip');
  await writeFile(file, zipSync(withLink));
  return file;
}

function unzipEntries(zip: Uint8Array, tree: Tree = TREE): Zippable {
  const entries: Zippable = {};
  for (const [path, data] of Object.entries(unzipSync(zip))) {
    entries[path] = [data, { os: 3, attrs: tree[path][1] << 16 }];
  }
  return entries;
}

async function truncated(name: string): Promise<string> {
  const zip = zipOf(TREE, { unixModes: true });
  const file = join(work, name);
  await writeFile(file, zip.subarray(0, zip.byteLength - 30));
  return file;
}

async function truncatedTgz(): Promise<string> {
  const file = await writeTarball('full.tgz', TREE, true);
  const bytes = execFileSync('head', ['-c', '100', file]);
  await writeFile(join(work, 'cut.tgz'), bytes);
  return join(work, 'cut.tgz');
}
