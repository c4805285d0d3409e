// Domain objects for the DynamoDB store tests: complete, nested (appspec, overview, revisions), with optional
// fields both present and absent, so a round trip through the table proves nothing is lost or added.
import type {
  Application,
  DeploymentGroup,
  DeploymentTarget,
  HostRecord,
  ServerDeployment,
  LifecycleEvent,
  ServerLifecycleEventName,
} from '../../functions/core/types';
import type { Batch, GroupLock } from '../../functions/ports';
import { serverInPlaceEvents } from '../../functions/core/lifecycle-order';

export const EVENT_NAMES: readonly ServerLifecycleEventName[] = serverInPlaceEvents({ withLoadBalancer: false });

let counter = 0;
/** Ids unique within the run, so tests sharing a table never collide. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

export function application(overrides: Partial<Application> = {}): Application {
  return {
    applicationId: uniqueId('app-id'),
    applicationName: uniqueId('app'),
    computePlatform: 'Server',
    createTime: '2026-11-26T08:00:00.000Z',
    ...overrides,
  };
}

export function deploymentGroup(overrides: Partial<DeploymentGroup> = {}): DeploymentGroup {
  return {
    applicationName: 'shop',
    deploymentGroupName: 'prod',
    deploymentGroupId: uniqueId('dg'),
    deploymentConfigName: 'CodeDeployDefault.OneAtATime',
    computePlatform: 'Server',
    autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] },
    instanceNames: ['web-1', 'web-2'],
    ...overrides,
  };
}

export function deployment(overrides: Partial<ServerDeployment> = {}): ServerDeployment {
  return {
    deploymentId: uniqueId('d'),
    applicationName: 'shop',
    deploymentGroupName: 'prod',
    deploymentGroupId: 'dg-1',
    computePlatform: 'Server',
    status: 'Created',
    deploymentConfigName: 'CodeDeployDefault.OneAtATime',
    creator: 'user',
    createTime: '2026-11-26T08:00:00.000Z',
    description: '',
    revision: {
      revisionType: 'S3',
      s3Location: { bucket: 'bundles', key: 'shop/v2.tgz', bundleType: 'tgz', eTag: '"abc"' },
    },
    appSpec: {
      version: '0.0',
      os: 'linux',
      files: [{ source: '/', destination: '/srv/shop' }],
      permissions: [
        { object: '/srv/shop', pattern: '**', except: [], owner: 'shop', mode: '755', acls: [], type: ['file'] },
      ],
      hooks: { ApplicationStart: [{ location: 'scripts/start.sh', timeout: 300, runas: 'shop' }] },
    },
    ignoreApplicationStopFailures: false,
    fileExistsBehavior: 'DISALLOW',
    lifecycleEventNames: EVENT_NAMES,
    deploymentOverview: { Pending: 2, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 },
    ...overrides,
  };
}

export function target(
  deploymentId: string,
  targetId: string,
  overrides: Partial<DeploymentTarget> = {},
): DeploymentTarget {
  return {
    deploymentId,
    targetId,
    status: 'Pending',
    lastUpdatedAt: '2026-11-26T08:00:00.000Z',
    lifecycleEvents: EVENT_NAMES.map(
      (lifecycleEventName): LifecycleEvent => ({ lifecycleEventName, status: 'Pending' }),
    ),
    initiallyHealthy: true,
    ...overrides,
  };
}

/** A target whose event `index` is InProgress and earlier ones Succeeded. */
export function targetInEvent(deploymentId: string, targetId: string, index: number): DeploymentTarget {
  const base = target(deploymentId, targetId, { status: 'InProgress', batchNumber: 1 });
  return {
    ...base,
    lifecycleEvents: base.lifecycleEvents.map((event, i) => ({
      ...event,
      status: i < index ? 'Succeeded' : i === index ? 'InProgress' : 'Pending',
      ...(i <= index && { startTime: '2026-11-26T08:01:00.000Z' }),
    })),
  };
}

export function batch(deploymentId: string, overrides: Partial<Batch> = {}): Batch {
  return {
    deploymentId,
    batchNumber: 1,
    targetIds: ['web-1', 'web-2'],
    eventIndex: 0,
    expected: 2,
    reported: 0,
    ...overrides,
  };
}

export function lock(deploymentGroupId: string, deploymentId: string): GroupLock {
  return { deploymentGroupId, deploymentId, acquiredAt: '2026-11-26T08:00:00.000Z' };
}

export function hostRecord(
  deploymentGroupId: string,
  targetId: string,
  overrides: Partial<HostRecord> = {},
): HostRecord {
  return { deploymentGroupId, targetId, instanceHealth: 'Healthy', ...overrides };
}
