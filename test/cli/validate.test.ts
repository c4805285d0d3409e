// `cutover validate`: exit 0 for a valid bundle, 1 with the problem named for an invalid one.
import * as path from 'node:path';
import { tempDir, writeBundle } from '../support/bundles';
import { runCli } from './run-cli';

const GOOD_APPSPEC = 'version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: scripts/after.sh\n';
const SCRIPT = { 'scripts/after.sh': '#!/bin/sh\nexit 0\n' };

describe('cutover validate', () => {
  const dir = tempDir('validate');

  it('accepts the demo bundle', async () => {
    const run = await runCli(['validate', path.resolve(__dirname, '../../examples/demo-app/v1')], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('valid');
  });

  it.each([
    ['a misspelled hook name', 'version: 0.0\nos: linux\nhooks:\n  AfterInstal:\n    - location: scripts/after.sh\n', SCRIPT, /AfterInstal[\s\S]*AfterInstall/],
    ['a missing script', 'version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: scripts/missing.sh\n', SCRIPT, /scripts\/missing\.sh/],
    ['a tab-indented appspec', 'version: 0.0\nos: linux\nhooks:\n\tAfterInstall:\n\t\t- location: scripts/after.sh\n', SCRIPT, /tab/i],
    ['version: 1.0', 'version: 1.0\nos: linux\n', SCRIPT, /version[\s\S]*0\.0/],
  ])('rejects %s with exit 1 and names the problem', async (_case, appspec, files, message) => {
    const bundle = writeBundle(path.join(dir, _case.replace(/\W+/g, '-')), { appspec, files });
    const run = await runCli(['validate', bundle], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(message);
  });

  it('prints the problems as JSON with --json', async () => {
    const bundle = writeBundle(path.join(dir, 'json'), { appspec: 'version: 1.0\nos: linux\n', files: {} });
    const run = await runCli(['validate', bundle, '--json'], dir);
    expect(run.code).toBe(1);
    const body = JSON.parse(run.stdout) as { valid: boolean; problems: { field: string }[] };
    expect(body.valid).toBe(false);
    expect(body.problems.map((p) => p.field)).toContain('version');
  });

  it('exits 2 for a usage error', async () => {
    const bundle = writeBundle(path.join(dir, 'usage'), { appspec: GOOD_APPSPEC, files: SCRIPT });
    const run = await runCli(['validate', bundle, '--bogus'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bogus/);
  });
});
