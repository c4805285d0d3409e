// Builds small bundle folders for tests: an appspec plus executable hook scripts and files.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface BundleSpec {
  readonly appspec: string;
  /** Path inside the bundle → content; scripts/ files become executable. */
  readonly files: Readonly<Record<string, string>>;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cutover-${prefix}-`));
}

export function writeBundle(dir: string, spec: BundleSpec): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'appspec.yml'), spec.appspec);
  for (const [file, content] of Object.entries(spec.files)) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content, { mode: file.startsWith('scripts/') ? 0o755 : 0o644 });
  }
  return dir;
}

/** A hook that appends "<event> <label>" to $CUTOVER_HOST_ROOT/events.log, and fails where `failOn` says. */
export function loggingHook(label: string, failOn: { host?: string; event?: string } = {}): string {
  const fail =
    failOn.host !== undefined
      ? `if [ "$CUTOVER_TARGET_ID" = "${failOn.host}" ] && [ "$LIFECYCLE_EVENT" = "${failOn.event ?? 'ValidateService'}" ]; then echo "boom on $CUTOVER_TARGET_ID" >&2; exit 3; fi\n`
      : '';
  return `#!/bin/sh\necho "$LIFECYCLE_EVENT ${label}" >> "$CUTOVER_HOST_ROOT/events.log"\n${fail}exit 0\n`;
}

const HOOKED_EVENTS = ['ApplicationStop', 'BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'] as const;

/** An appspec that copies site/ to /srv/app and runs scripts/hook.sh in every scriptable in-place event. */
export function loggingBundle(dir: string, label: string, failOn: { host?: string; event?: string } = {}, extraAppspec = ''): string {
  const hooks = HOOKED_EVENTS.map((e) => `  ${e}:\n    - location: scripts/hook.sh\n      timeout: 30\n`).join('');
  return writeBundle(dir, {
    appspec: `version: 0.0\nos: linux\nfiles:\n  - source: site\n    destination: /srv/app\n${extraAppspec}hooks:\n${hooks}`,
    files: { 'scripts/hook.sh': loggingHook(label, failOn), 'site/VERSION': `${label}\n`, [`site/only-in-${label}.txt`]: label },
  });
}

export function readLines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
}
