import { execFileSync } from 'node:child_process';
import { chmod, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadBundle } from '../../lib/local/bundle';
import { APPSPEC, EXPECTED_FILES, TREE, problemsOf, useBundleFixtures, writeTree } from './bundle-fixtures';

// Rejections, files sources without regular files and checkBundle are in bundle-validation.test.ts.

const { workDir, writeZip, writeTarball, extract } = useBundleFixtures();

describe('loadBundle', () => {
  const sources: [string, () => Promise<string>][] = [
    ['a directory', () => writeTree(join(workDir(), 'dir'), TREE)],
    ['a zip with unix modes', () => writeZip('bundle.zip', TREE, { unixModes: true })],
    ['a zip without modes (hook scripts made executable)', () => writeZip('plain.zip', TREE, { unixModes: false })],
    ['a zip wrapped in one directory', () => writeZip('wrapped.zip', TREE, { unixModes: true, wrap: 'myapp-1.0/' })],
    ['a directory wrapped in one directory', () => writeTree(join(workDir(), 'outer', 'myapp'), TREE).then(() => join(workDir(), 'outer'))],
    ['a .tar', () => writeTarball('bundle.tar', TREE, false)],
    ['a .tgz', () => writeTarball('bundle.tgz', TREE, true)],
    ['a .tar.gz', () => writeTarball('bundle.tar.gz', TREE, true)],
  ];

  it.each(sources)('normalises %s to the same tar as every other form', async (_name, build) => {
    const reference = await loadBundle(await writeTree(join(workDir(), 'reference'), TREE), join(workDir(), 'out-ref'));
    const loaded = await loadBundle(await build(), join(workDir(), 'out'));
    expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.sha256).toBe(reference.sha256);
    expect(loaded.tarPath).toBe(join(workDir(), 'out', `${loaded.sha256}.tar`));
    expect([...loaded.files].sort()).toEqual(EXPECTED_FILES);
    expect(loaded.appSpecFileName).toBe('appspec.yml');
    expect(loaded.appSpecText).toBe(APPSPEC);
    expect(loaded.appSpec.hooks.AfterInstall).toEqual([{ location: 'scripts/install.sh', timeout: 60 }]);
  });

  it('gives the same sha256 for the same contents every time, whatever the file times', async () => {
    const dir = await writeTree(join(workDir(), 'dir'), TREE);
    const first = await loadBundle(dir, join(workDir(), 'out'));
    execFileSync('touch', ['-d', '2001-02-03', join(dir, 'web/index.html')]);
    const second = await loadBundle(dir, join(workDir(), 'out'));
    expect(second.sha256).toBe(first.sha256);
    expect(await readdir(join(workDir(), 'out'))).toEqual([`${first.sha256}.tar`]);
  });

  it('gives a different sha256 when a mode changes', async () => {
    const dir = await writeTree(join(workDir(), 'dir'), TREE);
    const before = await loadBundle(dir, join(workDir(), 'out'));
    await chmod(join(dir, 'web/index.html'), 0o600);
    expect((await loadBundle(dir, join(workDir(), 'out'))).sha256).not.toBe(before.sha256);
  });

  it.each<[string, () => Promise<string>]>([
    ['a directory', () => writeTree(join(workDir(), 'dir'), TREE)],
    ['a zip without modes', () => writeZip('plain.zip', TREE, { unixModes: false })],
    ['a .tgz', () => writeTarball('bundle.tgz', TREE, true)],
  ])('keeps hook scripts executable and data files not, from %s', async (_name, build) => {
    const loaded = await loadBundle(await build(), join(workDir(), 'out'));
    const root = extract(loaded.tarPath);
    expect((await stat(join(root, 'scripts/install.sh'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(root, 'web/index.html'))).mode & 0o777).toBe(0o644);
  });

  it('writes a tar with its contents at the root, mtime 0, owned by uid 0', async () => {
    const loaded = await loadBundle(await writeZip('wrapped.zip', TREE, { unixModes: true, wrap: 'app/' }), join(workDir(), 'out'));
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
    const dir = await writeTree(join(workDir(), 'dir'), { ...TREE, [deep]: ['deep\n', 0o644] });
    await symlink('index.html', join(dir, 'web/home.html'));
    const loaded = await loadBundle(dir, join(workDir(), 'out'));
    expect(loaded.files.has(deep)).toBe(true);
    const root = extract(loaded.tarPath);
    expect(execFileSync('cat', [join(root, deep)], { encoding: 'utf8' })).toBe('deep\n');
    expect(execFileSync('readlink', [join(root, 'web/home.html')], { encoding: 'utf8' }).trim()).toBe('index.html');
  });

  it('takes the last copy of a path a tar holds twice, as extracting it would', async () => {
    const dir = await writeTree(join(workDir(), 'dir'), { ...TREE, 'appspec.yml': ['version: 1.0\nos: linux\n', 0o644] });
    const file = join(workDir(), 'appended.tar');
    execFileSync('tar', ['-cf', file, '-C', dir, '.']);
    await writeFile(join(dir, 'appspec.yml'), APPSPEC);
    execFileSync('tar', ['-rf', file, '-C', dir, './appspec.yml']);
    const loaded = await loadBundle(file, join(workDir(), 'out'));
    expect(loaded.appSpecText).toBe(APPSPEC);
    expect(loaded.sha256).toBe((await loadBundle(dir, join(workDir(), 'out'))).sha256);
  });

  it('rejects hard links in a tar, naming the entry', async () => {
    const dir = await writeTree(join(workDir(), 'dir'), TREE);
    execFileSync('ln', [join(dir, 'web/index.html'), join(dir, 'web/copy.html')]);
    const file = join(workDir(), 'linked.tar');
    execFileSync('tar', ['-cf', file, '-C', dir, '.']);
    const problems = await problemsOf(loadBundle(file, join(workDir(), 'out')));
    expect(problems).toEqual([{ field: 'bundle', message: expect.stringMatching(/entry '.*\.html' is a hard link/) }]);
  });

  it('accepts appspec.yaml', async () => {
    const { 'appspec.yml': appspec, ...rest } = TREE;
    const loaded = await loadBundle(await writeTree(join(workDir(), 'dir'), { ...rest, 'appspec.yaml': appspec }), join(workDir(), 'out'));
    expect(loaded.appSpecFileName).toBe('appspec.yaml');
    expect(loaded.files.has('appspec.yaml')).toBe(true);
  });

  it('leaves out the output directory when it lives inside the bundle directory', async () => {
    const dir = await writeTree(join(workDir(), 'dir'), TREE);
    const loaded = await loadBundle(dir, join(dir, '.cutover', 'bundles'));
    expect([...loaded.files].sort()).toEqual(EXPECTED_FILES);
  });
});
