// `cutover local serve` as a real process: HTTP in and out of the router, the state folder's lock, and a clean
// stop that lets a running deployment finish.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { apiRequestOf } from '../../lib/cli/remote/http-server';
import { tempDir, writeBundle } from '../support/bundles';
import { CLI, runCli } from './run-cli';

interface Served {
  readonly child: ChildProcessWithoutNullStreams;
  readonly stateDir: string;
  readonly exit: Promise<number | null>;
  endpoint: string;
  stdout: string;
  stderr: string;
}

/** Starts the server and resolves once its first line says where it listens. */
async function serve(dir: string, stateDir = path.join(dir, 'state')): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'local', 'serve', '--port', '0', '--state-dir', stateDir, '--time-scale', '100'], { cwd: dir });
  const served: Served = { child, stateDir, exit: new Promise((resolve) => child.once('exit', resolve)), endpoint: '', stdout: '', stderr: '' };
  child.stderr.on('data', (c: Buffer) => (served.stderr += c.toString()));
  served.endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      served.stdout += c.toString();
      const ready = /^Cutover API on (\S+) /.exec(served.stdout);
      if (ready) resolve(ready[1]);
    });
    void served.exit.then((code) => reject(new Error(`serve exited ${code}: ${served.stderr}`)));
  });
  return served;
}

async function call(endpoint: string, method: string, pathAndQuery: string, body?: string): Promise<{ status: number; json: Record<string, unknown> | undefined }> {
  const response = await fetch(`${endpoint}${pathAndQuery}`, { method, body, headers: body ? { 'content-type': 'application/json' } : {} });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

describe('apiRequestOf', () => {
  it.each([
    ['/applications', { path: '/applications', query: {} }],
    ['/applications/my%40app?x=1', { path: '/applications/my%40app', query: { x: '1' } }],
    ['/deployments?includeOnlyStatuses=Failed&includeOnlyStatuses=Succeeded&nextToken=', { path: '/deployments', query: { includeOnlyStatuses: 'Failed', nextToken: '' } }],
    ['/deployments?createTimeStart=2026-01-01T00%3A00%3A00%2B01%3A00', { path: '/deployments', query: { createTimeStart: '2026-01-01T00:00:00+01:00' } }],
  ])('%s → path and first value of each query parameter', (url, expected) => {
    expect(apiRequestOf({ method: 'GET', url }, null)).toEqual({ method: 'GET', body: null, ...expected });
  });
});

describe('cutover local serve', () => {
  let dir: string;
  let server: Served;

  beforeAll(async () => {
    dir = tempDir('serve');
    server = await serve(dir);
  });
  afterAll(async () => {
    if (server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exit;
    }
  });

  it.each([
    ['GET', '/openapi.json', 200, undefined, { openapi: '3.1.0' }],
    ['GET', '/nowhere', 404, undefined, { code: 'RouteNotFound' }],
    ['PUT', '/applications', 405, undefined, { code: 'MethodNotAllowed' }],
    ['POST', '/applications', 400, '{"applicationName":', { code: 'MalformedJson', field: 'body' }],
    ['POST', '/applications', 201, '{"applicationName":"served"}', { applicationId: expect.any(String) }],
    ['GET', '/applications/served', 200, undefined, { application: expect.objectContaining({ applicationName: 'served' }) }],
    ['GET', '/applications?nextToken=', 400, undefined, { code: 'ValidationError', field: 'nextToken' }],
    ['GET', '/deployments?includeOnlyStatuses=Succeeded&includeOnlyStatuses=Bogus', 200, undefined, { deployments: [] }],
  ])('%s %s answers %d', async (method, url, status, body, expected) => {
    const answer = await call(server.endpoint, method, url, body);
    expect(answer.status).toBe(status);
    expect(answer.json).toMatchObject(expected);
  });

  it.each([
    ['a text/plain body, as a web page may send one without a preflight', { 'content-type': 'text/plain' }, 415, 'UnsupportedMediaType'],
    ['a body with no content type', {}, 415, 'UnsupportedMediaType'],
    ['another host name, as DNS rebinding would send', { 'content-type': 'application/json', host: 'attacker.example:8642' }, 403, 'ForbiddenHost'],
  ])('refuses %s', async (_case, headers, status, code) => {
    const url = new URL('/applications', server.endpoint);
    const answer = await new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
      // node:http, not fetch: fetch would not let the test set the Host header.
      const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }));
      });
      req.on('error', reject);
      req.end('{"applicationName":"from-a-web-page"}');
    });

    expect(answer).toEqual({ status, json: { code, message: expect.any(String) } });
    expect((await call(server.endpoint, 'GET', '/applications/from-a-web-page')).status).toBe(404);
  });

  it('refuses a body over 6 MiB with 413', async () => {
    const answer = await call(server.endpoint, 'POST', '/applications', `{"applicationName":"${'x'.repeat(7 * 1024 * 1024)}"}`);
    expect(answer).toEqual({ status: 413, json: { code: 'RequestTooLarge', message: expect.stringMatching(/over 6291456 bytes/) } });
  });

  it('holds the state folder: a second server or a local command on it stops at once', async () => {
    const second = await runCli(['local', 'serve', '--port', '0', '--state-dir', server.stateDir], dir);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`in use by process ${server.child.pid} \\(cutover local serve`));
    const list = await runCli(['local', 'list', '--state-dir', server.stateDir], dir);
    expect(list.code).toBe(1);
    expect(list.stderr).toMatch(/in use by process \d+ \(cutover local serve/);
  });

  it('prints its usage for --help and exits 0', async () => {
    const run = await runCli(['local', 'serve', '--help'], tempDir('serve-help'));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: cutover local serve \[--port P\] \[--state-dir DIR\] \[--time-scale X\]/);
  });

  it.each([
    [['local', 'serve', '--port', '70000'], /--port: must be a whole number from 0 to 65535 \(got 70000\)/],
    [['local', 'serve', '--time-scale', '0'], /--time-scale: must be a number greater than 0/],
    [['local', 'serve', 'extra'], /serve takes no arguments \(got extra\)/],
  ])('%j exits 2', async (args, message) => {
    const run = await runCli(args, tempDir('serve-bad'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('exits 1 naming the port when it is taken, and leaves the folder unlocked', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const other = tempDir('serve-busy-port');
    try {
      const run = await runCli(['local', 'serve', '--port', String(port), '--state-dir', 'st'], other);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`cannot listen on 127.0.0.1:${port}: port ${port} is in use`);
      expect(fs.existsSync(path.join(other, 'st', 'runtime.lock'))).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('on SIGTERM lets the running deployment finish, then exits 0 and releases the lock', async () => {
    const slow = writeBundle(path.join(dir, 'slow'), {
      appspec: 'version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: scripts/slow.sh\n',
      files: { 'scripts/slow.sh': '#!/bin/sh\ntouch "$CUTOVER_HOST_ROOT/started"\nsleep 2\n' },
    });
    await call(server.endpoint, 'POST', '/applications/served/deployment-groups', JSON.stringify({ deploymentGroupName: 'one', instanceNames: ['solo'] }));
    const created = await call(
      server.endpoint,
      'POST',
      '/deployments',
      JSON.stringify({ applicationName: 'served', deploymentGroupName: 'one', revision: { revisionType: 'Local', localLocation: { bundlePath: slow } } }),
    );
    expect(created.status).toBe(201);
    const started = path.join(server.stateDir, 'hosts', 'solo', 'started');
    for (let waited = 0; !fs.existsSync(started); waited += 50) {
      if (waited > 20_000) throw new Error('the deployment never reached ApplicationStart');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    expect(server.stderr).toContain('stopping: no new requests; waiting for running deployments to finish');
    expect(server.stdout).toMatch(new RegExp(`Deployment ${String(created.json?.deploymentId)} Succeeded`));
    expect(fs.existsSync(path.join(server.stateDir, 'runtime.lock'))).toBe(false);

    const after = await runCli(['local', 'get', String(created.json?.deploymentId), '--state-dir', server.stateDir, '--json'], dir);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ status: 'Succeeded' });
  });
});
