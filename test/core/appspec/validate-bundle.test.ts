import { validateBundleContents } from '../../../functions/core/appspec';
import type { AppSpec, FileMapping, HookScript } from '../../../functions/core/types';

const bundle = new Set(['appspec.yml', 'scripts/start.sh', 'scripts/lib/common.sh', 'web/index.html', 'web/css/site.css']);

function appSpecWith(files: FileMapping[], hooks: AppSpec['hooks'] = {}): AppSpec {
  return { version: '0.0', os: 'linux', files, permissions: [], hooks };
}

const script = (location: string): HookScript => ({ location, timeout: 3600 });

describe('validateBundleContents', () => {
  it.each<[string, FileMapping]>([
    ['the whole bundle', { source: '/', destination: '/srv' }],
    ['a file', { source: 'web/index.html', destination: '/srv' }],
    ['a directory', { source: 'web', destination: '/srv' }],
    ['a nested directory', { source: 'web/css', destination: '/srv' }],
  ])('accepts a files source naming %s', (_name, mapping) => {
    expect(validateBundleContents(appSpecWith([mapping]), bundle)).toEqual([]);
  });

  it('accepts the whole-bundle source even for an empty bundle', () => {
    expect(validateBundleContents(appSpecWith([{ source: '/', destination: '/srv' }]), new Set())).toEqual([]);
  });

  it.each<[string, string]>([
    ['a missing path', 'assets'],
    ['a prefix that is not a whole directory name', 'we'],
    ['a file name used as a directory', 'web/index.html/x'],
  ])('reports a files source that is %s', (_name, source) => {
    expect(validateBundleContents(appSpecWith([{ source: 'web', destination: '/a' }, { source, destination: '/b' }]), bundle)).toEqual([
      { field: 'files[1].source', message: `'${source}' is not a file or directory in the bundle` },
    ]);
  });

  describe('with the directories and links a reader lists', () => {
    const others = {
      directories: new Set(['web', 'web/css', 'empty', 'deep/empty', 'scripts', 'scripts/lib']),
      links: new Set(['only-links/current']),
    };

    it.each<[string, string]>([
      ['an empty directory', 'empty'],
      ['an empty directory whose parent holds nothing else', 'deep'],
      ['a nested empty directory', 'deep/empty'],
      ['a directory holding only links, listed or not', 'only-links'],
      ['a link', 'only-links/current'],
    ])('accepts a files source naming %s', (_name, source) => {
      expect(validateBundleContents(appSpecWith([{ source, destination: '/srv' }]), bundle, others)).toEqual([]);
    });

    it('still reports a source that is none of them', () => {
      expect(validateBundleContents(appSpecWith([{ source: 'empty/x', destination: '/srv' }]), bundle, others)).toEqual([
        { field: 'files[0].source', message: "'empty/x' is not a file or directory in the bundle" },
      ]);
    });

    it.each<[string, string]>([
      ['empty', "script 'empty' is a directory, not a script"],
      ['only-links/current', "script 'only-links/current' is a symbolic link; hook scripts must be regular files"],
    ])('reports a hook script %s that is not a regular file', (location, message) => {
      const appSpec = appSpecWith([], { ApplicationStart: [script(location)] });
      expect(validateBundleContents(appSpec, bundle, others)).toEqual([{ field: 'hooks.ApplicationStart[0].location', message }]);
    });
  });

  it('accepts scripts that are in the bundle', () => {
    const appSpec = appSpecWith([], { ApplicationStart: [script('scripts/start.sh'), script('scripts/lib/common.sh')] });
    expect(validateBundleContents(appSpec, bundle)).toEqual([]);
  });

  it.each<[string, string, string]>([
    ['missing', 'scripts/stop.sh', "script 'scripts/stop.sh' is not in the bundle"],
    ['a directory', 'scripts/lib', "script 'scripts/lib' is a directory, not a script"],
  ])('reports a script that is %s, naming its hook and index', (_name, location, message) => {
    const appSpec = appSpecWith([], { AfterInstall: [script('scripts/start.sh'), script(location)] });
    expect(validateBundleContents(appSpec, bundle)).toEqual([{ field: 'hooks.AfterInstall[1].location', message }]);
  });

  it('reports every missing script and source together', () => {
    const appSpec = appSpecWith([{ source: 'nope', destination: '/x' }], {
      BeforeInstall: [script('a.sh')],
      ValidateService: [script('b.sh')],
    });
    expect(validateBundleContents(appSpec, bundle).map((problem) => problem.field)).toEqual([
      'hooks.BeforeInstall[0].location',
      'hooks.ValidateService[0].location',
      'files[0].source',
    ]);
  });
});
