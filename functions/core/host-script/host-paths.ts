// Where Cutover keeps its state on a host (the agent's layout under /opt/codedeploy-agent, spec §11), and the checks
// that keep every path a script builds inside the host root. Paths here never carry the host root: scripts add
// "$ROOT" in front at run time, so the same text works in the cloud (ROOT empty) and on a local host directory.
import { ValidationError } from '../errors';

export interface HostPaths {
  /** Everything Cutover keeps on a host; no revision file may be installed below it. */
  readonly stateDir: string;
  readonly deploymentRoot: string;
  readonly deploymentDir: string;
  readonly archiveDir: string;
  readonly bundleFile: string;
  readonly logFile: string;
  readonly instructionsDir: string;
  readonly cleanupFile: string;
}

const STATE_DIR = '/opt/cutover';
const DEPLOYMENT_ROOT = `${STATE_DIR}/deployment-root`;
const INSTRUCTIONS_DIR = `${STATE_DIR}/deployment-instructions`;
// Ids become single path segments: no separators, no dot-only names, nothing a shell or a path could misread.
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function hostPaths(deploymentGroupId: string, deploymentId: string): HostPaths {
  requireId('deploymentGroupId', deploymentGroupId);
  requireId('deploymentId', deploymentId);
  const deploymentDir = `${DEPLOYMENT_ROOT}/${deploymentGroupId}/${deploymentId}`;
  return {
    stateDir: STATE_DIR,
    deploymentRoot: DEPLOYMENT_ROOT,
    deploymentDir,
    archiveDir: `${deploymentDir}/deployment-archive`,
    bundleFile: `${deploymentDir}/bundle.tar`,
    logFile: `${deploymentDir}/logs/scripts.log`,
    instructionsDir: INSTRUCTIONS_DIR,
    cleanupFile: `${INSTRUCTIONS_DIR}/${deploymentGroupId}-cleanup`,
  };
}

function requireId(field: string, value: string): void {
  if (!ID_PATTERN.test(value)) {
    throw new ValidationError([
      { field, message: 'must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit' },
    ]);
  }
}

/**
 * An absolute host path in one spelling: no empty or `.` segments, no trailing slash ('/' becomes ''). One spelling
 * lets the install script compare paths as text (is it inside Cutover's state directory?). A `..` segment is refused
 * because "$ROOT/../x" would leave the host root on a local host.
 */
export function absoluteHostPath(field: string, value: string): string {
  if (!value.startsWith('/')) throw new ValidationError([{ field, message: 'must be an absolute path' }]);
  rejectDotDot(field, value);
  return value
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .map((segment) => `/${segment}`)
    .join('');
}

/** A path inside the bundle, normalised to have no leading or trailing slash ('/' and '\' mean the bundle root: ''). */
export function bundleRelativePath(field: string, value: string): string {
  const trimmed = value === '\\' ? '' : value.replace(/^\/+/, '').replace(/\/+$/, '');
  rejectDotDot(field, trimmed);
  return trimmed;
}

/** '/var/www/app' → ['/var', '/var/www', '/var/www/app']: the directories an install may have to create, top down. */
export function pathAndAncestors(path: string): string[] {
  const segments = path.split('/').filter((segment) => segment !== '');
  return segments.map((_, index) => `/${segments.slice(0, index + 1).join('/')}`);
}

function rejectDotDot(field: string, value: string): void {
  if (value.split('/').includes('..')) {
    throw new ValidationError([{ field, message: 'must not contain a ".." segment' }]);
  }
}
