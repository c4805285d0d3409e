import { aclEntryProblem } from '../../../functions/core/appspec/acl-rules';
import { isAbsoluteHostPath, normaliseBundlePath, type OsName } from '../../../functions/core/appspec/bundle-paths';
import { selinuxRangeProblem } from '../../../functions/core/appspec/selinux-rules';
import { editDistance, suggest } from '../../../functions/core/appspec/suggest';

describe('aclEntryProblem', () => {
  it.each(['u:bob:rw', 'user:bob:r-x', 'g:ops:7', 'group:ops:rwx', 'bob:rw', 'm::rx', 'mask:r', 'd:u::rwx', 'default:o::r', 'd:bob:rw', 'd:g:ops:rx'])(
    'accepts %s',
    (entry) => {
      expect(aclEntryProblem(entry)).toBeUndefined();
    },
  );

  it.each<[string, string]>([
    ['u::rw', 'use mode for the owning user/group'],
    ['g::r', "sets the owning group's entry"],
    ['o::r', "sets the others's entry"],
    ['o:r', 'use mode'],
    ['rw', 'is not an acl entry'],
    ['a:b:c:d:e', 'is not an acl entry'],
    ['x:u:bob:rw', 'only a default: prefix'],
    ['z:bob:rw', "unknown entry type 'z'"],
    ['m:bob:rw', 'gives a name to a mask entry'],
    ['u:bob:rwq', "invalid permissions 'rwq'"],
    ['u:bob:8', "invalid permissions '8'"],
  ])('rejects %s', (entry, fragment) => {
    expect(aclEntryProblem(entry)).toContain(fragment);
  });
});

describe('selinuxRangeProblem', () => {
  it.each(['s0', 's0-s15', 's0:c0', 's0-s1:c0.c1023', 's2:c1,c3.c5,c9'])('accepts %s', (range) => {
    expect(selinuxRangeProblem(range)).toBeUndefined();
  });

  it.each<[string, string]>([
    ['0', 'must be an MLS range'],
    ['s1-s0', 'high sensitivity below its low one'],
    ['s0:c1024', 'categories run from c0 to c1023'],
    ['s0:c5.c1', 'low to high'],
    ['s0:x1', "invalid category 'x1'"],
    ['s0:c1,c0.c2', 'names category c1 more than once'],
  ])('rejects %s', (range, fragment) => {
    expect(selinuxRangeProblem(range)).toContain(fragment);
  });
});

describe('normaliseBundlePath', () => {
  it.each<[string, OsName, string]>([
    ['/', 'linux', ''],
    ['\\', 'linux', ''],
    ['.', 'linux', ''],
    ['/scripts/start.sh', 'linux', 'scripts/start.sh'],
    ['./app/', 'linux', 'app'],
    ['app//bin/../lib', 'linux', 'app/lib'],
    ['back\\slash', 'linux', 'back\\slash'],
    ['\\scripts\\start.ps1', 'windows', 'scripts/start.ps1'],
  ])('%s on %s is %s', (raw, os, path) => {
    expect(normaliseBundlePath(raw, os)).toEqual({ ok: true, path });
  });

  it.each(['..', '../x', 'a/../../x', '/../etc'])('rejects %s, which leaves the bundle', (raw) => {
    expect(normaliseBundlePath(raw, 'linux')).toEqual({ ok: false, reason: expect.stringContaining('inside the bundle') });
  });
});

describe('isAbsoluteHostPath', () => {
  it.each<[string, OsName | undefined, boolean]>([
    ['/var/www', 'linux', true],
    ['var/www', 'linux', false],
    ['C:\\app', 'linux', false],
    ['C:\\app', 'windows', true],
    ['d:/app', 'windows', true],
    ['/app', 'windows', true],
    ['app', 'windows', false],
    ['C:\\app', undefined, true],
  ])('%s on %s is %s', (path, os, absolute) => {
    expect(isAbsoluteHostPath(path, os)).toBe(absolute);
  });
});

describe('suggest', () => {
  const events = ['AfterInstall', 'BeforeInstall', 'ValidateService', 'ApplicationStart'];
  it.each<[string, string | undefined]>([
    ['AfterInstal', 'AfterInstall'],
    ['afterinstall', 'AfterInstall'],
    ['ValidateServices', 'ValidateService'],
    ['BeforeInstal', 'BeforeInstall'],
    ['Deploy', undefined],
    ['Start', undefined],
  ])('%s → %s', (value, expected) => {
    expect(suggest(value, events)).toBe(expected);
  });

  it('keeps short names from matching unrelated keys', () => {
    expect(suggest('foo', ['os', 'files'])).toBeUndefined();
    expect(suggest('hook', ['os', 'hooks'])).toBe('hooks');
  });

  it.each<[string, string, number]>([
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['same', 'same', 0],
  ])('editDistance(%s, %s) is %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });
});
