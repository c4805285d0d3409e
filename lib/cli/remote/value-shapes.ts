// The shapes of CodeDeploy's structured flag values. Shorthand gives only strings, so a shape says which are
// booleans, numbers and lists; it also catches a misspelt key here, naming the flag, before the API sees it.
import { UsageError } from '../cli-errors';

export type Shape =
  | 'string'
  | 'boolean'
  | 'integer'
  | { readonly list: Shape }
  | { readonly fields: Readonly<Record<string, Shape>> };

/** Types `value` by `shape`; JSON values already of the right type pass as they are. */
export function coerce(flag: string, shape: Shape, value: unknown, at = ''): unknown {
  const where = at === '' ? '' : ` at ${at}`;
  if (shape === 'string') {
    if (typeof value !== 'string') throw new UsageError(flag, `expected text${where} (got ${JSON.stringify(value)})`);
    return value;
  }
  if (shape === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new UsageError(flag, `expected true or false${where} (got ${JSON.stringify(value)})`);
  }
  if (shape === 'integer') {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n === 'number' && Number.isInteger(n)) return n;
    throw new UsageError(flag, `expected a whole number${where} (got ${JSON.stringify(value)})`);
  }
  if ('list' in shape) {
    // `events=DEPLOYMENT_FAILURE` is a one-item list in aws's shorthand.
    const items = Array.isArray(value) ? value : [value];
    return items.map((item, i) => coerce(flag, shape.list, item, `${at}[${i}]`));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(flag, `expected ${keysOf(shape)}${where} (got ${JSON.stringify(value)})`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const fieldShape = shape.fields[key];
    if (fieldShape === undefined) throw new UsageError(flag, `'${key}' is not a field here${where}; expected ${keysOf(shape)}`);
    out[key] = coerce(flag, fieldShape, item, at === '' ? key : `${at}.${key}`);
  }
  return out;
}

function keysOf(shape: { readonly fields: Readonly<Record<string, Shape>> }): string {
  return Object.keys(shape.fields)
    .map((k) => `${k}=…`)
    .join(',');
}

const TAG_FILTER: Shape = { fields: { Key: 'string', Value: 'string', Type: 'string' } };
const NAMED: Shape = { fields: { name: 'string' } };
const TRAFFIC_ROUTE: Shape = { fields: { listenerArns: { list: 'string' } } };
const S3_LOCATION: Shape = { fields: { bucket: 'string', key: 'string', bundleType: 'string', version: 'string', eTag: 'string', sha256: 'string' } };
const GITHUB_LOCATION: Shape = { fields: { repository: 'string', commitId: 'string' } };
const APPSPEC_CONTENT: Shape = { fields: { content: 'string', sha256: 'string' } };

/** CodeDeploy's request shapes, by the flag that takes them. */
export const SHAPES = {
  tagFilter: TAG_FILTER,
  ec2TagSet: { fields: { ec2TagSetList: { list: { list: TAG_FILTER } } } },
  onPremisesTagSet: { fields: { onPremisesTagSetList: { list: { list: TAG_FILTER } } } },
  autoRollback: { fields: { enabled: 'boolean', events: { list: 'string' } } },
  trigger: { fields: { triggerName: 'string', triggerTargetArn: 'string', triggerEvents: { list: 'string' } } },
  loadBalancerInfo: {
    fields: {
      targetGroupInfoList: { list: NAMED },
      elbInfoList: { list: NAMED },
      targetGroupPairInfoList: { list: { fields: { targetGroups: { list: NAMED }, prodTrafficRoute: TRAFFIC_ROUTE, testTrafficRoute: TRAFFIC_ROUTE } } },
    },
  },
  alarmConfiguration: { fields: { enabled: 'boolean', ignorePollAlarmFailure: 'boolean', alarms: { list: NAMED } } },
  ecsService: { fields: { serviceName: 'string', clusterName: 'string' } },
  // aws's whole BlueGreenDeploymentConfiguration: the API says why it refuses the EC2-only parts.
  blueGreenDeploymentConfiguration: {
    fields: {
      terminateBlueInstancesOnDeploymentSuccess: { fields: { action: 'string', terminationWaitTimeInMinutes: 'integer' } },
      deploymentReadyOption: { fields: { actionOnTimeout: 'string', waitTimeInMinutes: 'integer' } },
      greenFleetProvisioningOption: { fields: { action: 'string' } },
    },
  },
  deploymentStyle: { fields: { deploymentType: 'string', deploymentOption: 'string' } },
  minimumHealthyHosts: { fields: { type: 'string', value: 'integer' } },
  s3Location: S3_LOCATION,
  gitHubLocation: GITHUB_LOCATION,
  appSpecContent: APPSPEC_CONTENT,
  // aws's RevisionLocation; `string` (the legacy RawString) is left out: Cutover has no such revisions.
  revision: { fields: { revisionType: 'string', s3Location: S3_LOCATION, gitHubLocation: GITHUB_LOCATION, appSpecContent: APPSPEC_CONTENT } },
  timeRange: { fields: { start: 'string', end: 'string' } },
  // aws also has ServerInstanceLabel, for blue/green; in-place targets are all Blue, so it is refused, not ignored.
  targetFilters: { fields: { TargetStatus: { list: 'string' } } },
} as const satisfies Record<string, Shape>;
