import { execFileSync } from 'node:child_process';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { c as createTar } from 'tar';
import { checkBundle, loadBundle } from '../../lib/local/bundle';
import { APPSPEC, EXPECTED_FILES, TREE, type Tree, problemsOf, unzipEntries, useBundleFixtures, writeTree, zipOf } from './bundle-fixtures';

// The normalisation and layout tests for loadBundle are in bundle.test.ts.

const { workDir, writeZip, writeTarball, evilTar, linkedZip, truncated, truncatedTgz } = useBundleFixtures();

describe('loadBundle', () => {
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
      const dir = await writeTree(join(workDir(), 'dir'), tree);
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
          const file = join(workDir(), 'sources.zip');
          await writeFile(file, zipSync(entries));
          return file;
        },
      ],
      [
        'a tar',
        async () => {
          const file = join(workDir(), 'sources.tar');
          await createTar({ file, cwd: await directoryForm() }, ['.']);
          return file;
        },
      ],
    ])('from %s', async (_name, build) => {
      const source = await build();
      const check = await checkBundle(source);
      expect(check.ok ? [] : check.problems).toEqual([]);
      const loaded = await loadBundle(source, join(workDir(), 'out'));
      const listing = execFileSync('tar', ['-tvf', loaded.tarPath], { encoding: 'utf8' });
      expect(listing).toMatch(/^d.* cache\/$/m);
      expect(listing).toMatch(/^l.* links\/current -> \.\.\/web\/index\.html$/m);
    });
  });

  describe('rejects, leaving nothing in outDir,', () => {
    const { 'appspec.yml': _appspec, ...withoutAppSpec } = TREE;
    const { 'scripts/install.sh': _script, ...withoutScript } = TREE;
    it.each<[string, () => Promise<string>, string, string]>([
      ['a bundle without appspec', () => writeTree(join(workDir(), 'dir'), withoutAppSpec), 'bundle', 'no appspec.yml or appspec.yaml at the bundle root'],
      [
        'an appspec two directories down',
        () => writeZip('deep.zip', TREE, { unixModes: true, wrap: 'a/b/' }),
        'bundle',
        'found a/b/appspec.yml, but the appspec must sit at the root',
      ],
      ['a missing hook script', () => writeTree(join(workDir(), 'dir'), withoutScript), 'hooks.AfterInstall[0].location', "'scripts/install.sh' is not in the bundle"],
      ['a missing files source', () => writeZip('nosrc.zip', { 'appspec.yml': TREE['appspec.yml'], 'scripts/install.sh': TREE['scripts/install.sh'] }, { unixModes: true }), 'files[0].source', "'web' is not a file or directory"],
      ['an invalid appspec', () => writeTree(join(workDir(), 'dir'), { ...TREE, 'appspec.yml': ['version: 1.0\nos: linux\n', 0o644] }), 'version', 'must be 0.0 (got 1.0)'],
      ['an appspec for windows hosts', () => writeTree(join(workDir(), 'dir'), { ...TREE, 'appspec.yml': [APPSPEC.replace('os: linux', 'os: windows'), 0o644] }), 'os', 'windows hosts are not supported'],
      ['an appspec with tabs', () => writeTree(join(workDir(), 'dir'), { ...TREE, 'appspec.yml': ['version: 0.0\nos: linux\nhooks:\n\tX: 1\n', 0o644] }), 'appspec.yml', 'tabs are not allowed'],
      ['a zip entry climbing out with ..', () => writeZip('evil.zip', { ...TREE, '../evil': ['x', 0o644] }, { unixModes: true }), 'bundle', "entry '../evil' contains '..'"],
      ['an absolute zip entry', () => writeZip('abs.zip', { ...TREE, '/etc/cron.d/evil': ['x', 0o644] }, { unixModes: true }), 'bundle', "entry '/etc/cron.d/evil' has an absolute path"],
      ['a tar entry climbing out with ..', () => evilTar(), 'bundle', "entry '../evil' contains '..'"],
      ['a link pointing outside', () => linkedZip('../../etc/passwd'), 'bundle', "symbolic link to '../../etc/passwd', outside the bundle"],
      ['an absolute link', () => linkedZip('/etc/passwd'), 'bundle', "symbolic link to '/etc/passwd'"],
      ['a file that is not an archive', () => writeFile(join(workDir(), 'notes.txt'), 'hello').then(() => join(workDir(), 'notes.txt')), 'bundle', 'must be a directory or a .zip, .tar, .tgz or .tar.gz file'],
      ['a truncated zip', () => truncated('bundle.zip'), 'bundle', 'cannot read'],
      ['a truncated tgz', () => truncatedTgz(), 'bundle', 'cannot read'],
      ['a source that does not exist', async () => join(workDir(), 'missing.zip'), 'bundle', 'does not exist'],
    ])('%s', async (_name, build, field, fragment) => {
      const outDir = join(workDir(), 'out');
      const problems = await problemsOf(loadBundle(await build(), outDir));
      expect(problems).toContainEqual(expect.objectContaining({ field, message: expect.stringContaining(fragment) }));
      expect(await readdir(outDir).catch(() => [])).toEqual([]);
    });
  });

  it('reports every problem of a bundle at once', async () => {
    const zip = await writeZip('many.zip', { ...TREE, 'appspec.yml': [`${APPSPEC}  BeforeInstall:\n    - location: nope.sh\n`, 0o644], '../evil': ['x', 0o644] }, { unixModes: true });
    const problems = await problemsOf(loadBundle(zip, join(workDir(), 'out')));
    expect(problems.map((problem) => problem.field)).toEqual(['bundle', 'hooks.BeforeInstall[0].location']);
  });
});

describe('checkBundle', () => {
  it('returns the parsed bundle for a good one, without writing anything', async () => {
    const zip = await writeZip('bundle.zip', TREE, { unixModes: true, wrap: 'app/' });
    const before = await readdir(workDir());
    const result = await checkBundle(zip);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect([...result.bundle.files].sort()).toEqual(EXPECTED_FILES);
      expect(result.bundle.appSpec.files).toEqual([{ source: 'web', destination: '/srv/app' }]);
      expect(result.bundle).not.toHaveProperty('tarPath');
    }
    expect(await readdir(workDir())).toEqual(before);
  });

  it.each<[string, () => Promise<string>, string]>([
    ['a missing source', async () => join(workDir(), 'nope'), 'bundle'],
    ['an unreadable archive', () => writeFile(join(workDir(), 'x.zip'), 'PK\u0003\u0004garbage').then(() => join(workDir(), 'x.zip')), 'bundle'],
    ['a tar with a bad appspec', () => writeTarball('bad.tar', { ...TREE, 'appspec.yml': ['version: 0.0\nos: plan9\n', 0o644] }, false), 'os'],
    ['a tgz missing a script', () => writeTarball('bad.tgz', { 'appspec.yml': TREE['appspec.yml'], 'web/index.html': TREE['web/index.html'] }, true), 'hooks.AfterInstall[0].location'],
  ])('returns problems instead of throwing for %s', async (_name, build, field) => {
    const result = await checkBundle(await build());
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.map((problem) => problem.field)).toContain(field);
  });
});
