// Where Cutover keeps its state on a host (the agent's layout under /opt/codedeploy-agent, spec §11), and the checks
// that keep every path a script builds inside the host root. Paths here never carry the host root: scripts add
// "$ROOT" in front at run time, so the same text works in the cloud (ROOT empty) and on a local host directory.
import { ValidationError } from '../errors';

export interface HostPaths {
  readonly deploymentRoot: string;
  readonly deploymentDir: string;
  readonly archiveDir: string;
  readonly bundleFile: string;
  readonly logFile: string;
  readonly instructionsDir: string;
  readonly cleanupFile: string;
}

const DEPLOYMENT_ROOT = '/opt/cutover/deployment-root';
const INSTRUCTIONS_DIR = '/opt/cutover/deployment-instructions';
// Ids become single path segments: no separators, no dot-only names, nothing a shell or a path could misread.
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function hostPaths(deploymentGroupId: string, deploymentId: string): HostPaths {
  requireId('deploymentGroupId', deploymentGroupId);
  requireId('deploymentId', deploymentId);
  const deploymentDir = `${DEPLOYMENT_ROOT}/${deploymentGroupId}/${deploymentId}`;
  return {
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
 * An absolute host path, normalised to have no trailing slash ('/' becomes ''). A `..` segment is refused because
 * "$ROOT/../x" would leave the host root on a local host.
 */
export function absoluteHostPath(field: string, value: string): string {
  if (!value.startsWith('/')) throw new ValidationError([{ field, message: 'must be an absolute path' }]);
  rejectDotDot(field, value);
  return value.replace(/\/+$/, '');
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
