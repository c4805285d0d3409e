import type { FieldProblem } from '../../../functions/core/errors';
import { problemsOf as problemsOfParser } from './problems-of';
import { parseAppSpec } from '../../../functions/core/appspec';
import { MAX_ALIAS_READS } from '../../../functions/core/appspec/yaml-reader';
import type { AppSpec } from '../../../functions/core/types';

function problemsOf(text: string, fileName?: string): readonly FieldProblem[] {
  return problemsOfParser(parseAppSpec, text, fileName);
}

const minimal: AppSpec = { version: '0.0', os: 'linux', files: [], permissions: [], hooks: {} };

const full = `version: 0.0
os: linux
files:
  - source: /
    destination: /var/www
  - source: /config/app.conf
    destination: /etc/app
file_exists_behavior: OVERWRITE
permissions:
  - object: /var/www
    pattern: "*.sh"
    except: [skip.sh]
    owner: www-data
    group: www-data
    mode: 755
    acls: ["u:bob:rw", "d:g:ops:rx", "m::rwx"]
    context: {user: unconfined_u, type: httpd_sys_content_t, range: "s0-s1:c0.c5,c9"}
    type: [file, directory]
hooks:
  ApplicationStop:
    - location: scripts/stop.sh
      timeout: 60
  BeforeInstall:
    - location: scripts/before_install.sh
      timeout: 300
      runas: deploy
      sudo: true
  AfterInstall:
    - location: ./scripts/after_install.sh
  ValidateService:
    - location: scripts/validate.sh
      timeout: 1800
    - location: scripts/smoke.sh
      timeout: 1800
`;

describe('parseAppSpec accepts', () => {
  it.each<[string, string, AppSpec]>([
    ['the minimal appspec', 'version: 0.0\nos: linux\n', minimal],
    ['version written as a string', 'version: "0.0"\nos: linux\n', minimal],
    ['empty optional sections', 'version: 0.0\nos: linux\nfiles:\nhooks:\npermissions:\n', minimal],
    [
      'hooks with runas and the default timeout',
      'version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: /start.sh\n      runas: app\n',
      { ...minimal, hooks: { ApplicationStart: [{ location: 'start.sh', timeout: 3600, runas: 'app' }] } },
    ],
    [
      'mode 0644 kept with its leading zero',
      'version: 0.0\nos: linux\npermissions:\n  - object: /srv\n    mode: 0644\n',
      {
        ...minimal,
        permissions: [{ object: '/srv', pattern: '**', except: [], mode: '0644', acls: [], type: ['file', 'directory'] }],
      },
    ],
    [
      'a quoted mode and the context user read from name',
      'version: 0.0\nos: linux\npermissions:\n  - object: /srv\n    mode: "4755"\n    context:\n      name: system_u\n      type: bin_t\n',
      {
        ...minimal,
        permissions: [
          {
            object: '/srv',
            pattern: '**',
            except: [],
            mode: '4755',
            acls: [],
            context: { user: 'system_u', type: 'bin_t' },
            type: ['file', 'directory'],
          },
        ],
      },
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseAppSpec(text)).toEqual(expected);
  });

  it('a full appspec with every field', () => {
    const appSpec = parseAppSpec(full);
    expect(appSpec.files).toEqual([
      { source: '/', destination: '/var/www' },
      { source: 'config/app.conf', destination: '/etc/app' },
    ]);
    expect(appSpec.fileExistsBehavior).toBe('OVERWRITE');
    expect(appSpec.permissions).toEqual([
      {
        object: '/var/www',
        pattern: '*.sh',
        except: ['skip.sh'],
        owner: 'www-data',
        group: 'www-data',
        mode: '755',
        acls: ['u:bob:rw', 'd:g:ops:rx', 'm::rwx'],
        context: { user: 'unconfined_u', type: 'httpd_sys_content_t', range: 's0-s1:c0.c5,c9' },
        type: ['file', 'directory'],
      },
    ]);
    expect(appSpec.hooks).toEqual({
      ApplicationStop: [{ location: 'scripts/stop.sh', timeout: 60 }],
      BeforeInstall: [{ location: 'scripts/before_install.sh', timeout: 300, runas: 'deploy' }],
      AfterInstall: [{ location: 'scripts/after_install.sh', timeout: 3600 }],
      ValidateService: [
        { location: 'scripts/validate.sh', timeout: 1800 },
        { location: 'scripts/smoke.sh', timeout: 1800 },
      ],
    });
  });

  it('two scripts relying on the default timeout (only written timeouts count toward the 3600 s limit)', () => {
    const text = 'version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: a.sh\n    - location: b.sh\n';
    expect(parseAppSpec(text).hooks.AfterInstall).toHaveLength(2);
  });
});

describe('parseAppSpec rejects', () => {
  const base = 'version: 0.0\nos: linux\n';
  it.each<[string, string, string, string, number | undefined]>([
    ['a misspelt hook', `${base}hooks:\n  AfterInstal:\n    - location: a.sh\n`, 'hooks.AfterInstal', 'did you mean AfterInstall?', 4],
    ['a hook name in the wrong case', `${base}hooks:\n  afterinstall:\n    - location: a.sh\n`, 'hooks.afterinstall', 'did you mean AfterInstall?', 4],
    ['a plural hook name', `${base}hooks:\n  ValidateServices:\n    - location: a.sh\n`, 'hooks.ValidateServices', 'did you mean ValidateService?', 4],
    ['a reserved hook', `${base}hooks:\n  Install:\n    - location: a.sh\n`, 'hooks.Install', 'is run by Cutover itself and cannot have scripts', 4],
    ['an unknown hook far from any name', `${base}hooks:\n  Deploy:\n    - location: a.sh\n`, 'hooks.Deploy', 'allowed: ApplicationStop, BeforeInstall', 4],
    ['a tab-indented file', 'version: 0.0\nos: linux\nhooks:\n\tAfterInstall:\n', 'appspec.yml', 'tabs are not allowed for indentation; use spaces', 4],
    ['version 1.0', 'version: 1.0\nos: linux\n', 'version', 'must be 0.0 (got 1.0)', 1],
    ['version 0', 'version: 0\nos: linux\n', 'version', 'must be 0.0 (got 0)', 1],
    ['version 00.0', 'version: 00.0\nos: linux\n', 'version', 'must be 0.0 (got 00.0)', 1],
    ['a missing version', 'os: linux\n', 'version', 'is required', undefined],
    ['a bad os', 'version: 0.0\nos: macos\n', 'os', "must be linux (got 'macos')", 2],
    ['an os in the wrong case', 'version: 0.0\nos: Linux\n', 'os', "must be linux (got 'Linux'); did you mean linux?", 2],
    ['a missing os', 'version: 0.0\n', 'os', 'is required (linux)', undefined],
    ['a relative destination', `${base}files:\n  - source: app\n    destination: var/www\n`, 'files[0].destination', "must be an absolute path starting with / (got 'var/www')", 5],
    ['a drive letter on linux', `${base}files:\n  - source: app\n    destination: C:\\app\n`, 'files[0].destination', 'absolute path starting with /', 5],
    ['a missing destination', `${base}files:\n  - source: app\n`, 'files[0].destination', 'is required', 4],
    ['a source leaving the bundle', `${base}files:\n  - source: ../etc\n    destination: /etc\n`, 'files[0].source', 'must stay inside the bundle', 4],
    ['a bad file_exists_behavior', `${base}file_exists_behavior: overwrite\n`, 'file_exists_behavior', 'must be DISALLOW, OVERWRITE or RETAIN (got \'overwrite\'); did you mean OVERWRITE?', 3],
    ['a duplicate file_exists_behavior', `${base}file_exists_behavior: RETAIN\nfile_exists_behavior: OVERWRITE\n`, 'file_exists_behavior', 'appears more than once (first on line 3)', 4],
    ['permissions on windows', 'version: 0.0\nos: windows\npermissions:\n  - object: C:\\app\n', 'permissions', 'only supported when os is linux', 4],
    ['a permission without object', `${base}permissions:\n  - mode: 644\n`, 'permissions[0].object', 'is required', 4],
    ['a relative permission object', `${base}permissions:\n  - object: srv\n`, 'permissions[0].object', 'absolute path', 4],
    ['mode 8', `${base}permissions:\n  - object: /srv\n    mode: 8\n`, 'permissions[0].mode', 'must be 1 to 4 octal digits (0-7)', 5],
    ['mode 0o755', `${base}permissions:\n  - object: /srv\n    mode: 0o755\n`, 'permissions[0].mode', 'got 0o755', 5],
    ['mode 75555', `${base}permissions:\n  - object: /srv\n    mode: 75555\n`, 'permissions[0].mode', 'must be 1 to 4 octal digits', 5],
    ['a symbolic mode', `${base}permissions:\n  - object: /srv\n    mode: u+x\n`, 'permissions[0].mode', 'symbolic modes such as u+x are not supported', 5],
    ['an unnamed user acl', `${base}permissions:\n  - object: /srv\n    acls:\n      - u::rw\n`, 'permissions[0].acls[0]', 'use mode for the owning user/group', 6],
    ['an unnamed group acl', `${base}permissions:\n  - object: /srv\n    acls: ["u:bob:r", "g::r"]\n`, 'permissions[0].acls[1]', 'use mode for the owning user/group', 5],
    ['acl permissions out of range', `${base}permissions:\n  - object: /srv\n    acls: ["u:bob:rwz"]\n`, 'permissions[0].acls[0]', "invalid permissions 'rwz'", 5],
    ['a context without type', `${base}permissions:\n  - object: /srv\n    context:\n      user: u\n`, 'permissions[0].context.type', 'is required', 6],
    ['a bad selinux range', `${base}permissions:\n  - object: /srv\n    context: {type: t, range: s2-s1}\n`, 'permissions[0].context.range', 'high sensitivity below its low one', 5],
    ['an unknown object type', `${base}permissions:\n  - object: /srv\n    type: [files]\n`, 'permissions[0].type[0]', "must be file or directory (got 'files'); did you mean file?", 5],
    ['timeout 0', `${base}hooks:\n  AfterInstall:\n    - location: a.sh\n      timeout: 0\n`, 'hooks.AfterInstall[0].timeout', 'greater than 0 (got 0)', 6],
    ['a negative timeout', `${base}hooks:\n  AfterInstall:\n    - location: a.sh\n      timeout: -5\n`, 'hooks.AfterInstall[0].timeout', 'got -5', 6],
    ['a fractional timeout', `${base}hooks:\n  AfterInstall:\n    - location: a.sh\n      timeout: 1.5\n`, 'hooks.AfterInstall[0].timeout', 'whole number of seconds', 6],
    [
      'timeouts summing to 3601',
      `${base}hooks:\n  BeforeInstall:\n    - location: a.sh\n      timeout: 1800\n    - location: b.sh\n      timeout: 1801\n`,
      'hooks.BeforeInstall',
      'add up to 3601 seconds; one lifecycle event may take at most 3600 seconds',
      4,
    ],
    ['a script without location', `${base}hooks:\n  AfterInstall:\n    - timeout: 10\n`, 'hooks.AfterInstall[0].location', 'is required', 5],
    ['an event without scripts', `${base}hooks:\n  AfterInstall:\n`, 'hooks.AfterInstall', 'must list at least one script', 4],
    ['a misspelt script key', `${base}hooks:\n  AfterInstall:\n    - location: a.sh\n      timout: 10\n`, 'hooks.AfterInstall[0].timout', 'did you mean timeout?', 6],
    ['a non-boolean sudo', `${base}hooks:\n  AfterInstall:\n    - location: a.sh\n      sudo: always\n`, 'hooks.AfterInstall[0].sudo', 'must be true or false', 6],
    ['an unknown top-level key', `${base}hook:\n  AfterInstall: []\n`, 'hook', 'allowed keys: version, os, files, permissions, hooks, file_exists_behavior; did you mean hooks?', 3],
    ['an empty top-level key', `${base}"": 1\n`, '""', "'' is not an allowed top-level key", 3],
    ['a blank hook name', `${base}hooks:\n  " ":\n    - location: a.sh\n`, 'hooks." "', "' ' is not a lifecycle event that can have scripts", 4],
    ['an empty document', '# nothing here\n', 'appspec.yml', 'is empty', undefined],
    ['a list instead of a mapping', '- version: 0.0\n', 'appspec.yml', 'must be a mapping', 1],
    ['files that are not a list', `${base}files: /var/www\n`, 'files', 'must be a list', 3],
    ['two YAML documents', `${base}---\nos: linux\n`, 'appspec.yml', "more than one YAML document", 3],
    ['an unclosed quote', `${base}hooks: 'open\n`, 'appspec.yml', 'is not valid YAML', 4],
  ])('%s', (_name, text, field, fragment, line) => {
    const problem = problemsOf(text).find((candidate) => candidate.field === field);
    expect(problem).toBeDefined();
    expect(problem?.message).toContain(fragment);
    expect(problem?.line).toBe(line);
  });

  it('reports every problem at once, in file order', () => {
    const text = 'version: 1.0\nos: solaris\nfiles:\n  - source: a\n    destination: b\nhooks:\n  Start:\n    - location: s.sh\n';
    expect(problemsOf(text).map((problem) => [problem.field, problem.line])).toEqual([
      ['version', 1],
      ['os', 2],
      ['files[0].destination', 5],
      ['hooks.Start', 7],
    ]);
  });

  it('windows, which CodeDeploy takes but POSIX host scripts cannot run, as the only problem of a windows appspec', () => {
    // Windows paths are still read by Windows rules, so the os is all that is reported.
    const text =
      'version: 0.0\nos: windows\nfiles:\n  - source: \\\n    destination: C:\\inetpub\\app\n  - source: \\bin\\app.dll\n    destination: D:/app\n';
    expect(problemsOf(text)).toEqual([
      {
        field: 'os',
        line: 2,
        message: "windows hosts are not supported by Cutover's host scripts, which are POSIX shell; os must be linux",
      },
    ]);
  });

  it('names the file it was given in document-level problems', () => {
    expect(problemsOf('', 'appspec.yaml')).toEqual([
      { field: 'appspec.yaml', message: expect.stringContaining('is empty') },
    ]);
  });

  it('throws an AppSpecError whose message lists each problem with its line', () => {
    expect(() => parseAppSpec('version: 1.0\nos: linux\n')).toThrow('version (line 1): must be 0.0 (got 1.0)');
  });

  it('reads anchors and aliases as the values they point to', () => {
    const text = 'version: 0.0\nos: linux\nhooks:\n  AfterInstall: &scripts\n    - location: a.sh\n  ApplicationStart: *scripts\n';
    expect(parseAppSpec(text).hooks.ApplicationStart).toEqual([{ location: 'a.sh', timeout: 3600 }]);
  });

  it('reads an alias as the latest node anchored with its name before it, as YAML does', () => {
    const text = 'version: 0.0\nos: linux\nhooks:\n  AfterInstall: &s\n    - location: a.sh\n  BeforeInstall: &s\n    - location: b.sh\n  ApplicationStart: *s\n';
    expect(parseAppSpec(text).hooks.ApplicationStart).toEqual([{ location: 'b.sh', timeout: 3600 }]);
  });

  it(`refuses a document read through aliases more than ${MAX_ALIAS_READS} times as a whole, naming the file`, () => {
    const aliases = Array.from({ length: MAX_ALIAS_READS + 1 }, () => '*f').join(', ');
    const text = `version: 0.0\nos: linux\nfiles: [&f {source: /, destination: /srv}, ${aliases}]\n`;

    expect(problemsOf(text)).toEqual([{ field: 'appspec.yml', line: 3, message: `reads aliases (*f and others) more than ${MAX_ALIAS_READS} times; write the values out instead of repeating anchors` }]);
  });

  it('refuses aliases of aliases (a billion laughs) without expanding them', () => {
    const levels = ['x0: &l0 [a, a, a, a, a, a, a, a, a, a]'];
    for (let i = 1; i < 10; i += 1) levels.push(`x${i}: &l${i} [${Array.from({ length: 10 }, () => `*l${i - 1}`).join(', ')}]`);
    const text = `version: 0.0\nos: linux\nhooks:\n  ${levels.join('\n  ')}\n  BeforeInstall: *l9\n`;

    expect(problemsOf(text)).toEqual([expect.objectContaining({ field: 'appspec.yml', message: expect.stringContaining(`more than ${MAX_ALIAS_READS} times`) })]);
  });

  it('refuses nesting too deep for the YAML parser, naming the file', () => {
    expect(problemsOf(`${'['.repeat(5000)}${']'.repeat(5000)}`)).toEqual([
      { field: 'appspec.yml', line: 1, message: 'nests lists or mappings too deeply for the YAML parser; an appspec needs only a few levels' },
    ]);
  });
});
