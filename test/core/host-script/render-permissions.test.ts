import { statSync } from 'node:fs';
import { EXIT_CODES, parseHostReport, renderLifecycleScript } from '../../../functions/core/host-script';
import type { PermissionRule } from '../../../functions/core/types';
import { appSpec, modeOf, permission, scriptContext, TmpHost } from './host-fixture';

const context = scriptContext();
const FILES = [{ source: '/', destination: '/srv/app' }];

function install(permissions: readonly PermissionRule[]): string {
  return renderLifecycleScript({
    kind: 'install',
    context,
    appSpec: appSpec({ files: FILES, permissions }),
    fileExistsBehavior: 'DISALLOW',
  });
}

describe('Install script: permissions', () => {
  let host: TmpHost;
  beforeEach(() => {
    host = new TmpHost();
    host.bundleFile(context, 'run.sh', '', 0o644);
    host.bundleFile(context, 'skip.sh', '', 0o644);
    host.bundleFile(context, 'readme.txt', '', 0o644);
    host.bundleFile(context, "-odd 'name\n.sh", '', 0o644);
    host.bundleFile(context, 'bin/deep.sh', '', 0o644);
    host.bundleFile(context, 'bin/sub/deeper.sh', '', 0o644);
  });
  afterEach(() => host.cleanup());

  const mode = (hostPath: string): string => modeOf(host.path(hostPath));

  it('type file: mode on matching files right below the object only, except honoured', async () => {
    const rule = permission({ object: '/srv/app', pattern: '*.sh', except: ['skip.sh'], mode: '750', type: ['file'] });
    const result = await host.run(install([rule]));
    expect(result.exitCode).toBe(0);
    expect(mode('/srv/app/run.sh')).toBe('750');
    expect(mode("/srv/app/-odd 'name\n.sh")).toBe('750');
    expect(mode('/srv/app/skip.sh')).toBe('644');
    expect(mode('/srv/app/readme.txt')).toBe('644');
    expect(mode('/srv/app/bin/deep.sh')).toBe('644');
    expect(mode('/srv/app/bin')).toBe('755');
  });

  it('type directory: mode on every directory below the object, recursively, and on no file', async () => {
    const rule = permission({ object: '/srv/app', mode: '0711', type: ['directory'] });
    expect((await host.run(install([rule]))).exitCode).toBe(0);
    expect(mode('/srv/app/bin')).toBe('711');
    expect(mode('/srv/app/bin/sub')).toBe('711');
    expect(mode('/srv/app')).toBe('755');
    expect(mode('/srv/app/bin/deep.sh')).toBe('644');
  });

  it('type directory honours pattern and except on directory names', async () => {
    host.bundleFile(context, 'cache/x', '');
    const rule = permission({ object: '/srv/app', pattern: '*', except: ['cache'], mode: '700', type: ['directory'] });
    expect((await host.run(install([rule]))).exitCode).toBe(0);
    expect(mode('/srv/app/bin')).toBe('700');
    expect(mode('/srv/app/cache')).toBe('755');
  });

  it('applies a rule whose object is a file to that file', async () => {
    const rule = permission({ object: '/srv/app/readme.txt', mode: '600' });
    expect((await host.run(install([rule]))).exitCode).toBe(0);
    expect(mode('/srv/app/readme.txt')).toBe('600');
  });

  it('applies rules in order, the later one winning', async () => {
    const rules = [
      permission({ object: '/srv/app', mode: '700', type: ['file'] }),
      permission({ object: '/srv/app', pattern: 'run.sh', mode: '755', type: ['file'] }),
    ];
    expect((await host.run(install(rules))).exitCode).toBe(0);
    expect(mode('/srv/app/run.sh')).toBe('755');
    expect(mode('/srv/app/readme.txt')).toBe('700');
  });

  (process.getuid?.() === 0 ? it : it.skip)('sets owner and group before the mode, so setgid survives', async () => {
    const rule = permission({ object: '/srv/app', pattern: 'run.sh', owner: 'nobody', group: 'nogroup', mode: '2750', type: ['file'] });
    expect((await host.run(install([rule]))).exitCode).toBe(0);
    const stat = statSync(host.path('/srv/app/run.sh'));
    expect(stat.uid).toBe(65534);
    expect(mode('/srv/app/run.sh')).toBe('2750');
  });

  it('passes each acl to setfacl -m and the SELinux labels to chcon -u/-t/-l', async () => {
    const fakeBin = host.fakeTools({
      setfacl: 'printf "setfacl %s|" "$@" >>"$CUTOVER_HOST_ROOT/calls"; echo >>"$CUTOVER_HOST_ROOT/calls"',
      chcon: 'printf "chcon %s|" "$@" >>"$CUTOVER_HOST_ROOT/calls"; echo >>"$CUTOVER_HOST_ROOT/calls"',
    });
    const rule = permission({
      object: '/srv/app/readme.txt',
      acls: ['u:bob:rw', 'g:ops:r'],
      context: { user: 'system_u', type: 'httpd_sys_content_t', range: 's0' },
    });
    const result = await host.run(install([rule]), { path: `${fakeBin}:${process.env.PATH}` });
    expect(result.exitCode).toBe(0);
    const target = host.path('/srv/app/readme.txt');
    expect(host.read('calls').split('\n').filter(Boolean)).toEqual([
      `setfacl -m|setfacl u:bob:rw|setfacl --|setfacl ${target}|`,
      `setfacl -m|setfacl g:ops:r|setfacl --|setfacl ${target}|`,
      `chcon -u|chcon system_u|chcon -t|chcon httpd_sys_content_t|chcon -l|chcon s0|chcon --|chcon ${target}|`,
    ]);
  });

  it('fails before touching the host when acls are asked for and setfacl is missing', async () => {
    const path = host.onlyTools(['sh', 'mkdir', 'rm', 'mv', 'find', 'cp', 'sort', 'cat', 'rmdir', 'chmod', 'chown']);
    const result = await host.run(install([permission({ object: '/srv/app', acls: ['u:bob:r'] })]), { path });
    expect(result.exitCode).toBe(EXIT_CODES.UnknownError);
    expect(parseHostReport(result.exitCode, result.output).diagnostics.message).toBe(
      'The appspec permissions need setfacl, which is not installed on this host',
    );
    expect(host.exists('/srv/app')).toBe(false);
  });

  it('skips a rule whose object does not exist, as the agent does', async () => {
    const result = await host.run(install([permission({ object: '/nowhere', mode: '700' })]));
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain('Permissions: /nowhere does not exist; rule skipped');
  });

  it('fails with UnknownError when a permission command fails', async () => {
    const result = await host.run(install([permission({ object: '/srv/app', owner: 'no-such-user-here' })]));
    expect(result.exitCode).toBe(EXIT_CODES.UnknownError);
    expect(parseHostReport(result.exitCode, result.output).diagnostics.message).toBe(
      'The deployment failed because permissions could not be applied to /srv/app or below it',
    );
  });
});
