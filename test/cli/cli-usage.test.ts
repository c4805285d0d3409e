// The CLI's answers to help requests and bad input: usage on stdout with exit 0, problems on stderr with exit 2.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../support/bundles';
import { runCli } from './run-cli';

describe('cutover usage and bad input', () => {
  it.each([
    [['--help'], /cutover local deploy/],
    [['local', 'deploy', '--help'], /usage: cutover local deploy <bundle-dir/],
    [['local', 'get', '--help'], /usage: cutover local get <deployment-id>/],
    [['validate', '-h'], /usage: cutover validate/],
    [['local', 'deploy', '--platform', 'lambda', '--help'], /usage: cutover local deploy --platform lambda <appspec\.yaml[^]*async \(event\) =>/],
    [['local', 'lambda', '--help'], /usage: cutover local lambda get-alias <function> <alias>/],
    [['local', 'deploy', '--platform', 'ecs', '-h'], /usage: cutover local deploy --platform ecs <appspec\.yaml[^]*--test-listener[^]*async \(event\) =>/],
    [['local', 'ecs', '--help'], /usage: cutover local ecs describe-service <service>/],
    [['local', 'alarm', 'set', '--help'], /sees the change within a fraction of a second/],
  ])('%j prints its usage and exits 0', async (args, usage) => {
    const run = await runCli(args, tempDir('cli-help'));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(usage);
  });

  it.each([
    [['local', 'get', 'd-AAAAAAAAA'], /Deployment 'd-AAAAAAAAA' does not exist/],
    [['local', 'get', 'not-an-id'], /deployment-id: give one deployment id like d-AB1CDEF23 \(got not-an-id\)/],
    [['local', 'frobnicate'], /unknown command 'local frobnicate'/],
    [['local', 'deploy', 'x', '--hosts', '2', '--host', 'a'], /--hosts: use either --hosts N or --host NAME/],
    [['local', 'deploy', 'x', '--host', '../etc'], /--host: '\.\.\/etc' is not a usable host name/],
    [['local', 'deploy', 'x', '--file-exists-behavior', 'SOMETIMES'], /--file-exists-behavior: must be one of DISALLOW, OVERWRITE, RETAIN \(got SOMETIMES\)/],
    [['local', 'deploy', '--platform', 'ecs', 'x'], /appspec: x does not exist/],
    [['local', 'deploy', '--platform', 'k8s', 'x'], /--platform: must be one of server, lambda, ecs \(got k8s\)/],
    [['local', 'deploy', '--platform', 'lambda', 'x.yaml', '--time-scale', 'fast'], /--time-scale: must be a number greater than 0 \(got fast\)/],
    [['local', 'deploy', '--platform', 'lambda', 'x.yaml', '--hook', 'pre'], /--hook: expected NAME=PATH, e\.g\. .* \(got 'pre'\)/],
    [['local', 'deploy', '--platform', 'lambda', 'x.yaml', '--hook', 'pre=pre.ts'], /--hook: pre=pre\.ts: a hook module is a JavaScript file ending \.js, \.cjs, \.mjs/],
    [['local', 'deploy', '--platform', 'lambda', 'x.yaml', '--hosts', '3'], /Unknown option '--hosts'/],
    [['local', 'deploy', '--platform', 'lambda', 'x.yaml'], /appspec: x\.yaml does not exist/],
    [['local', 'deploy', '--platform', 'lambda', '.'], /appspec: \. holds no appspec\.yaml, appspec\.yml, appspec\.json/],
    [['local', 'alarm', 'set', 'errors', 'RED'], /state: must be one of OK, ALARM, INSUFFICIENT_DATA \(got RED\)/],
    [['local', 'alarm', 'clear', 'errors'], /command: expected set \(got clear\)/],
  ])('%j exits 2 and names the problem', async (args, message) => {
    const run = await runCli(args, tempDir('cli-bad'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('refuses to run the demo in a folder it did not make, leaving the folder alone', async () => {
    const dir = tempDir('cli-demo-foreign');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const run = await runCli(['local', 'demo', '--state-dir', '.'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--state-dir: .* holds files the demo did not make/);
    expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });
});
