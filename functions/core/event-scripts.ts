// What one lifecycle event means for one host: nothing to do, or a rendered script. Pure: the step loads the
// records, this decides. Hosts that share a script share one dispatch (one SSM command per ≤50 hosts).
import { hostPaths, renderLifecycleScript, resolveFileExistsBehavior, type ScriptContext } from './host-script';
import { LIFECYCLE_EVENT_LIMIT_SECONDS, usesPreviousRevision } from './lifecycle-order';
import type { ServerDeployment, HookScript, ScriptableEvent, ServerLifecycleEventName } from './types';
import type { BundleFetch } from '../ports';

/**
 * What a host's runner (SSM's executionTimeout, the local runner's kill) allows beyond the scripts' own timeouts:
 * each script's `timeout -k` grace plus the script's bookkeeping, so a script that times out still reports
 * ScriptTimedOut itself instead of being cut off by the runner first.
 */
export const RUNNER_GRACE_SECONDS_PER_SCRIPT = 10;
export const RUNNER_GRACE_SECONDS = 30;

export type EventWork =
  | { readonly kind: 'noop' }
  | { readonly kind: 'traffic'; readonly direction: 'deregister' | 'register' }
  | { readonly kind: 'script'; readonly key: string; readonly script: string; readonly timeoutSeconds: number };

export interface EventWorkInput {
  readonly event: ServerLifecycleEventName;
  readonly deployment: ServerDeployment;
  /** The deployment whose Install last succeeded on this host in this group, if any. */
  readonly previousInstall: ServerDeployment | undefined;
  readonly bundle: BundleFetch;
}

export function scriptContext(deployment: ServerDeployment): ScriptContext {
  return {
    deploymentId: deployment.deploymentId,
    applicationName: deployment.applicationName,
    deploymentGroupName: deployment.deploymentGroupName,
    deploymentGroupId: deployment.deploymentGroupId,
    revisionEnv: revisionEnvironment(deployment),
  };
}

/** BUNDLE_* variables exist only for S3 revisions (and GitHub ones, which Cutover does not take yet). */
function revisionEnvironment(deployment: ServerDeployment): Record<string, string> {
  if (deployment.revision.revisionType !== 'S3') return {};
  const s3 = deployment.revision.s3Location;
  const env: Record<string, string> = { BUNDLE_BUCKET: s3.bucket, BUNDLE_KEY: s3.key };
  if (s3.version) env.BUNDLE_VERSION = s3.version;
  if (s3.eTag) env.BUNDLE_ETAG = s3.eTag;
  return env;
}

export function eventWork(input: EventWorkInput): EventWork {
  const { event, deployment } = input;
  const context = scriptContext(deployment);
  switch (event) {
    case 'DownloadBundle':
      return {
        kind: 'script',
        key: 'download',
        script: renderLifecycleScript({ kind: 'download', context, bundle: input.bundle }),
        timeoutSeconds: LIFECYCLE_EVENT_LIMIT_SECONDS + RUNNER_GRACE_SECONDS,
      };
    case 'Install':
      return {
        kind: 'script',
        key: 'install',
        script: renderLifecycleScript({
          kind: 'install',
          context,
          appSpec: deployment.appSpec,
          fileExistsBehavior: resolveFileExistsBehavior(deployment.appSpec, deployment.fileExistsBehavior),
        }),
        timeoutSeconds: LIFECYCLE_EVENT_LIMIT_SECONDS + RUNNER_GRACE_SECONDS,
      };
    case 'BlockTraffic':
      return { kind: 'traffic', direction: 'deregister' };
    case 'AllowTraffic':
      return { kind: 'traffic', direction: 'register' };
    default:
      return hookWork(event, input, context);
  }
}

function hookWork(event: ScriptableEvent, input: EventWorkInput, context: ScriptContext): EventWork {
  // ApplicationStop and the *BlockTraffic hooks run the scripts of the last install that succeeded on the host;
  // on a host's first deployment there is none, and the event is a no-op.
  const source = usesPreviousRevision(event) ? input.previousInstall : input.deployment;
  const scripts: readonly HookScript[] = source?.appSpec.hooks[event] ?? [];
  if (!source || scripts.length === 0) return { kind: 'noop' };
  const archiveDir = hostPaths(source.deploymentGroupId, source.deploymentId).archiveDir;
  // Scripts without a timeout default to 3600 s each, but one event never runs longer than CodeDeploy's limit.
  const scriptSeconds = Math.min(LIFECYCLE_EVENT_LIMIT_SECONDS, scripts.reduce((sum, s) => sum + s.timeout, 0));
  const timeoutSeconds = scriptSeconds + scripts.length * RUNNER_GRACE_SECONDS_PER_SCRIPT + RUNNER_GRACE_SECONDS;
  return {
    kind: 'script',
    key: `hooks:${source.deploymentId}`,
    script: renderLifecycleScript({ kind: 'hooks', event, context, scripts, archiveDir }),
    timeoutSeconds,
  };
}
