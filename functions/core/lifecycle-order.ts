// The order of lifecycle events on a host for in-place Server deployments (spec §4.1), which revision's scripts
// each event runs, and what a failure of each event means (spec §6.1 ignoreApplicationStopFailures).
import type { LoadBalancerInfo, ServerLifecycleEventName } from './types';

// The agent's DEFAULT_ORDERED_LIFECYCLE_EVENTS without Start and End, which carry no work of their own.
const BLOCK_TRAFFIC: readonly ServerLifecycleEventName[] = ['BeforeBlockTraffic', 'BlockTraffic', 'AfterBlockTraffic'];
const INSTALL: readonly ServerLifecycleEventName[] = [
  'ApplicationStop',
  'DownloadBundle',
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'ApplicationStart',
  'ValidateService',
];
const ALLOW_TRAFFIC: readonly ServerLifecycleEventName[] = ['BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'];

/** Whether a group's loadBalancerInfo names any load balancer: only then do the traffic events run. */
export function hasLoadBalancer(group: { readonly loadBalancerInfo?: LoadBalancerInfo }): boolean {
  const info = group.loadBalancerInfo;
  return (info?.targetGroupInfoList?.length ?? 0) + (info?.elbInfoList?.length ?? 0) > 0;
}

/** Events of an in-place deployment, in order. The six traffic events apply only with a load balancer. */
export function serverInPlaceEvents(options: { withLoadBalancer: boolean }): ServerLifecycleEventName[] {
  return options.withLoadBalancer ? [...BLOCK_TRAFFIC, ...INSTALL, ...ALLOW_TRAFFIC] : [...INSTALL];
}

/**
 * Events that run the appspec and scripts of the last successful install on the host, not the new revision's:
 * they stop what is running now. On a host's first deployment there is nothing to stop, so they are no-ops.
 */
export const STOP_EVENTS: readonly ServerLifecycleEventName[] = Object.freeze([
  'ApplicationStop',
  'BeforeBlockTraffic',
  'AfterBlockTraffic',
]);

export function usesPreviousRevision(event: ServerLifecycleEventName): boolean {
  return STOP_EVENTS.includes(event);
}

/** CodeDeploy's limit for one lifecycle event on one host (and for the sum of an event's script timeouts). */
export const LIFECYCLE_EVENT_LIMIT_SECONDS = 3600;

/**
 * What a failed event does to the host. With ignoreApplicationStopFailures the stop events, which run the old
 * revision's possibly broken scripts, let the host go on to the next event; every other failure fails the host.
 */
export function nextEventAfterFailure(
  event: ServerLifecycleEventName,
  ignoreApplicationStopFailures: boolean,
): 'continue' | 'fail' {
  return ignoreApplicationStopFailures && usesPreviousRevision(event) ? 'continue' : 'fail';
}
