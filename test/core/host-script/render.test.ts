import { execFileSync } from 'node:child_process';
import { renderLifecycleScript, type RenderInput } from '../../../functions/core/host-script';
import type { AppSpec, ScriptableEvent } from '../../../functions/core/types';
import { appSpec, archiveOf, permission, scriptContext, validationError } from './host-fixture';

const context = scriptContext({ revisionEnv: { BUNDLE_BUCKET: 'b', BUNDLE_ETAG: '"abc"' } });
const hooks = (overrides: Partial<Extract<RenderInput, { kind: 'hooks' }>> = {}): RenderInput => ({
  kind: 'hooks',
  event: 'BeforeInstall',
  context,
  scripts: [{ location: 'scripts/a.sh', timeout: 60 }],
  archiveDir: archiveOf(context),
  ...overrides,
});
const install = (spec: Partial<AppSpec>): RenderInput => ({
  kind: 'install',
  context,
  appSpec: appSpec(spec),
  fileExistsBehavior: 'DISALLOW',
});
const download: RenderInput = { kind: 'download', context, bundle: { kind: 'file', path: '/b.tar', sha256: 'a'.repeat(64) } };

describe('renderLifecycleScript', () => {
  it.each([
    ['hooks', hooks(), 'BeforeInstall'],
    ['download', download, 'DownloadBundle'],
    [
      'install',
      install({ files: [{ source: '/', destination: '/srv' }], permissions: [permission({ object: '/srv', mode: '755' })] }),
      'Install',
    ],
  ])('renders %s as a script /bin/sh parses, with the prelude and hook environment', (_kind, input, event) => {
    const script = renderLifecycleScript(input);
    expect(script.split('\n').slice(0, 4)).toEqual(['#!/bin/sh', 'set -u', 'exec 2>&1', 'ROOT="${CUTOVER_HOST_ROOT:-}"']);
    expect(script).toContain(
      `export LIFECYCLE_EVENT='${event}' DEPLOYMENT_ID='d-AAAAAAAAA' APPLICATION_NAME='shop' DEPLOYMENT_GROUP_NAME='web' ` +
        `DEPLOYMENT_GROUP_ID='${context.deploymentGroupId}' BUNDLE_BUCKET='b' BUNDLE_ETAG='"abc"'`,
    );
    expect(() => execFileSync('/bin/sh', ['-n', '-c', script])).not.toThrow();
  });

  it('keeps a hooks script small enough for an SSM command parameter', () => {
    expect(Buffer.byteLength(renderLifecycleScript(hooks()))).toBeLessThan(2500);
  });

  it.each([
    ['context.revisionEnv.bundle_bucket', { bundle_bucket: 'x' }],
    ['context.revisionEnv.1ABC', { '1ABC': 'x' }],
    ['context.revisionEnv.A-B', { 'A-B': 'x' }],
    ['context.revisionEnv.PATH', { PATH: '/tmp' }],
    ['context.revisionEnv.ROOT', { ROOT: '/' }],
    ['context.revisionEnv.LIFECYCLE_EVENT', { LIFECYCLE_EVENT: 'x' }],
    ['context.revisionEnv.CUTOVER_HOST_ROOT', { CUTOVER_HOST_ROOT: '/' }],
  ])('rejects revision variable %s', (field, revisionEnv) => {
    const input = hooks({ context: { ...context, revisionEnv } });
    expect(validationError(() => renderLifecycleScript(input))?.problems[0]?.field).toBe(field);
  });

  it.each<[string, RenderInput]>([
    ['event', hooks({ event: 'Install' as ScriptableEvent })],
    ['archiveDir', hooks({ archiveDir: 'relative/archive' })],
    ['archiveDir', hooks({ archiveDir: '/opt/../../etc' })],
    ['hooks.BeforeInstall[0].location', hooks({ scripts: [{ location: '../../bin/sh', timeout: 5 }] })],
    ['hooks.BeforeInstall[0].location', hooks({ scripts: [{ location: '/', timeout: 5 }] })],
    ['hooks.BeforeInstall[0].timeout', hooks({ scripts: [{ location: 'a.sh', timeout: 0 }] })],
    ['hooks.BeforeInstall[0].timeout', hooks({ scripts: [{ location: 'a.sh', timeout: 1.5 }] })],
    ['value', hooks({ scripts: [{ location: 'a\0.sh', timeout: 5 }] })],
    ['deploymentId', hooks({ context: { ...context, deploymentId: 'd-1/../../x' } })],
    ['files[0].destination', install({ files: [{ source: '/', destination: 'var/www' }] })],
    ['files[0].destination', install({ files: [{ source: '/', destination: '/var/../../etc' }] })],
    ['files[0].source', install({ files: [{ source: '../outside', destination: '/srv' }] })],
    ['permissions[0].object', install({ permissions: [permission({ object: 'srv' })] })],
    ['os', install({ os: 'windows' })],
    ['fileExistsBehavior', { kind: 'install', context, appSpec: appSpec(), fileExistsBehavior: 'MERGE' as 'RETAIN' }],
  ])('refuses an unsafe or invalid %s', (field, input) => {
    expect(validationError(() => renderLifecycleScript(input))?.problems[0]?.field).toBe(field);
  });
});
