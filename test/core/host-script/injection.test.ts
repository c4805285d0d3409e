// Values from an appspec or a request must reach the host as data, never as shell code. fast-check builds appspecs
// and contexts whose every free-text field carries injection attempts, the rendered scripts run for real in a host
// root, and the test checks that nothing ran (no marker file anywhere) and that the values arrived intact.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { EXIT_CODES, parseHostReport, renderLifecycleScript } from '../../../functions/core/host-script';
import type { FileExistsBehavior } from '../../../functions/core/types';
import { appSpec, permission, scriptContext, TmpHost, validationError } from './host-fixture';

const MARK = 'PWNED-7f3a';
const ATTACKS = [
  `$(touch ${MARK})`,
  `\`touch ${MARK}\``,
  `; touch ${MARK}`,
  `'; touch ${MARK}; '`,
  `"; touch ${MARK}; "`,
  `\ntouch ${MARK}\n`,
  `$(touch\${IFS}${MARK})`,
  `| touch ${MARK}`,
  `&& touch ${MARK} #`,
  `' "$(touch ${MARK})" '`,
  `\\'$(touch ${MARK})\\'`,
  '\\', "'", '"', '$', '*', '-rf', ' ', '%s', '%0A', '\\n', '\t', '~', '[', '!',
];

/** A file-name-safe piece of text (no "/", no NUL, not "." or "..") that carries injection attempts. */
const payload = fc
  .array(fc.oneof(fc.constantFrom(...ATTACKS), fc.string({ unit: 'binary', maxLength: 3 })), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.join(''))
  .filter((s) => !s.includes('\0') && !s.includes('/') && s !== '.' && s !== '..' && Buffer.byteLength(s) < 120);

function markers(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((entry) => entry.split('/').pop() === MARK);
}

const FAKE_TOOLS = {
  // Record arguments NUL-separated: whatever the values contain, they come back exactly.
  setfacl: 'printf "%s\\0" "$@" >>"$CUTOVER_HOST_ROOT/../setfacl.calls"',
  chcon: 'printf "%s\\0" "$@" >>"$CUTOVER_HOST_ROOT/../chcon.calls"',
};

describe('injection resistance', () => {
  it('runs install and hook scripts built from hostile values without executing any of them', async () => {
    const scenario = fc.record({
      app: payload,
      group: payload,
      bundleKey: payload,
      sourceDir: payload,
      fileName: payload,
      destination: payload,
      hookName: payload,
      pattern: fc.oneof(fc.constant('**'), payload),
      except: payload,
      acl: payload,
      seUser: payload,
      seType: payload,
      seRange: payload,
      runas: fc.option(payload, { nil: undefined }),
      behavior: fc.constantFrom<FileExistsBehavior>('DISALLOW', 'OVERWRITE', 'RETAIN'),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const host = new TmpHost();
        try {
          const context = scriptContext({
            applicationName: s.app,
            deploymentGroupName: s.group,
            revisionEnv: { BUNDLE_KEY: s.bundleKey },
          });
          host.bundleFile(context, `src-${s.sourceDir}/file-${s.fileName}`, s.fileName);
          const hook = `hooks/${s.hookName}.sh`;
          host.bundleFile(
            context,
            hook,
            '#!/bin/sh\nprintf "%s\\0" "$APPLICATION_NAME" "$DEPLOYMENT_GROUP_NAME" "$BUNDLE_KEY" >"$CUTOVER_HOST_ROOT/../env.seen"\n',
            0o755,
          );
          const destination = `/dst/${s.destination}`;
          const spec = appSpec({
            files: [{ source: `src-${s.sourceDir}`, destination }],
            permissions: [
              permission({
                object: destination,
                pattern: s.pattern,
                except: [s.except],
                mode: '750',
                acls: [s.acl],
                context: { user: s.seUser, type: s.seType, range: s.seRange },
              }),
            ],
          });
          const path = `${host.fakeTools(FAKE_TOOLS)}:${process.env.PATH}`;

          const installed = await host.run(
            renderLifecycleScript({ kind: 'install', context, appSpec: spec, fileExistsBehavior: s.behavior }),
            { path },
          );
          expect(installed.exitCode).toBe(0);
          expect(host.read(`${destination}/file-${s.fileName}`)).toBe(s.fileName);

          const hooked = await host.run(
            renderLifecycleScript({
              kind: 'hooks',
              event: 'AfterInstall',
              context,
              scripts: [{ location: hook, timeout: 10, runas: s.runas }],
              archiveDir: `/opt/cutover/deployment-root/${context.deploymentGroupId}/${context.deploymentId}/deployment-archive`,
            }),
            { path },
          );
          // An empty runas means "no user", like an absent one.
          if (s.runas === undefined || s.runas === '') {
            expect(hooked.exitCode).toBe(0);
            expect(host.read('../env.seen')).toBe(`${s.app}\0${s.group}\0${s.bundleKey}\0`);
          } else {
            // No such user: su refuses, the hook does not run, and the report still names the script exactly.
            expect(hooked.exitCode).toBe(EXIT_CODES.ScriptFailed);
            expect(parseHostReport(hooked.exitCode, hooked.output).diagnostics.scriptName).toBe(hook);
          }
          expect(markers(host.dir)).toEqual([]);
        } finally {
          host.cleanup();
        }
      }),
      { numRuns: 100 },
    );
  });

  it('refuses ids that are not plain path segments instead of quoting them into paths', () => {
    fc.assert(
      fc.property(payload, (id) => {
        const render = (): string =>
          renderLifecycleScript({
            kind: 'hooks',
            event: 'ApplicationStart',
            context: scriptContext({ deploymentId: id }),
            scripts: [],
            archiveDir: '/opt/cutover/deployment-root/g/d/deployment-archive',
          });
        const error = validationError(render);
        expect(error === undefined).toBe(/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id));
      }),
      { numRuns: 200 },
    );
  });

  it('passes acl and SELinux values to the tools as single arguments', async () => {
    const host = new TmpHost();
    try {
      const context = scriptContext();
      host.bundleFile(context, 'a.txt', '');
      const acl = `u:$(touch ${MARK}):rw\n' x`;
      const spec = appSpec({
        files: [{ source: 'a.txt', destination: '/srv' }],
        permissions: [permission({ object: '/srv/a.txt', acls: [acl], context: { type: `t\`touch ${MARK}\`` } })],
      });
      const path = `${host.fakeTools(FAKE_TOOLS)}:${process.env.PATH}`;
      const result = await host.run(renderLifecycleScript({ kind: 'install', context, appSpec: spec, fileExistsBehavior: 'DISALLOW' }), { path });
      expect(result.exitCode).toBe(0);
      const target = host.path('/srv/a.txt');
      expect(host.read('../setfacl.calls')).toBe(['-m', acl, '--', target, ''].join('\0'));
      expect(host.read('../chcon.calls')).toBe(['-t', `t\`touch ${MARK}\``, '--', target, ''].join('\0'));
      expect(markers(join(host.dir))).toEqual([]);
    } finally {
      host.cleanup();
    }
  });
});
