// Whole domain records for tests that publish or store them: CodeDeploy's documented example deployment
// (d-AAAAAAAAA of shop/web, the times its sample state-change event carries), a target of it and its group, in the
// us-east-1 account the ARNs name. A test passes only what its case changes.
import type { EventContext } from '../../functions/core/state-change-events';
import type { DeploymentGroup, DeploymentTarget, ServerDeployment } from '../../functions/core/types';

export const EVENT_CONTEXT: EventContext = { partition: 'aws', region: 'us-east-1', accountId: '123456789012' };
export const APP_ARN = 'arn:aws:codedeploy:us-east-1:123456789012:application:shop';
export const GROUP_ARN = 'arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:shop/web';

/** A Server deployment that succeeded on its one host; `undefined` in `overrides` clears an optional field. */
export function deploymentRecord(overrides: Partial<ServerDeployment> = {}): ServerDeployment {
  return {
    deploymentId: 'd-AAAAAAAAA',
    applicationName: 'shop',
    deploymentGroupName: 'web',
    deploymentGroupId: 'dg-1',
    computePlatform: 'Server',
    status: 'Succeeded',
    deploymentConfigName: 'CodeDeployDefault.OneAtATime',
    creator: 'user',
    createTime: '2015-11-05T17:23:08.595Z',
    startTime: '2015-11-05T17:23:09.000Z',
    completeTime: '2015-11-05T17:23:10.402Z',
    revision: { revisionType: 'S3', s3Location: { bucket: 'b', key: 'k.tar', bundleType: 'tar' } },
    appSpec: { version: '0.0', os: 'linux', files: [], permissions: [], hooks: {} },
    ignoreApplicationStopFailures: false,
    fileExistsBehavior: 'DISALLOW',
    lifecycleEventNames: ['Install'],
    deploymentOverview: { Pending: 0, InProgress: 0, Succeeded: 1, Failed: 0, Skipped: 0, Ready: 0 },
    ...overrides,
  };
}

/** A host of `deploymentRecord()` that has run its Install. */
export function targetRecord(overrides: Partial<DeploymentTarget> = {}): DeploymentTarget {
  return {
    deploymentId: 'd-AAAAAAAAA',
    targetId: 'i-0123456789abcdef0',
    status: 'Succeeded',
    lastUpdatedAt: '2015-11-05T17:23:10.402Z',
    initiallyHealthy: true,
    lifecycleEvents: [{ lifecycleEventName: 'Install', status: 'Succeeded' }],
    ...overrides,
  };
}

/** The group of `deploymentRecord()`, without triggers unless given. */
export function groupRecord(overrides: Partial<DeploymentGroup> = {}): DeploymentGroup {
  return {
    applicationName: 'shop',
    deploymentGroupName: 'web',
    deploymentGroupId: 'dg-1',
    deploymentConfigName: 'CodeDeployDefault.OneAtATime',
    computePlatform: 'Server',
    ...overrides,
  };
}
