// Keys and item mapping for the single table (layout in table-schema.ts). Domain objects are stored as plain
// attributes next to the key attributes; reading strips the keys again, so callers never see storage details.
import { createHash } from 'node:crypto';
import { ValidationError } from '../core/errors';
import type {
  Application,
  Deployment,
  DeploymentGroup,
  DeploymentTarget,
  HostRecord,
  RevisionLocation,
} from '../core/types';
import type { AnyDeploymentConfig } from '../core/traffic-configs';
import type { GroupLock, HookEventName, QueueEntry, RevisionRecord } from '../ports';
import type { StoredItem } from './dynamodb-errors';
import { TABLE_KEYS } from './table-schema';

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** A domain object with its key attributes, ready to put. */
export type KeyedItem = StoredItem & ItemKey;

/** Attributes this adapter adds to domain objects; never returned to callers. */
const STORAGE_ATTRIBUTES: readonly string[] = [
  TABLE_KEYS.partitionKey,
  TABLE_KEYS.sortKey,
  TABLE_KEYS.gsi1.partitionKey,
  TABLE_KEYS.gsi1.sortKey,
  'position',
];

export const DEPLOYMENTS_PARTITION = 'DEPLOYMENTS';
export const APPLICATIONS_PARTITION = 'APPLICATIONS';
export const CONFIGS_PARTITION = 'CONFIGS';
export const TARGET_PREFIX = 'TGT#';
export const HOST_PREFIX = 'HOST#';
export const GROUP_PREFIX = 'DG#';
export const APPLICATION_SORT_KEY = 'APP';

export const applicationPartition = (applicationName: string): string => `APP#${applicationName}`;

export const applicationKey = (applicationName: string): ItemKey => ({
  pk: applicationPartition(applicationName),
  sk: APPLICATION_SORT_KEY,
});

export const deploymentGroupKey = (applicationName: string, deploymentGroupName: string): ItemKey => ({
  pk: applicationPartition(applicationName),
  sk: `${GROUP_PREFIX}${deploymentGroupName}`,
});

/** A gsi1 partition per application, so one application's registrations never crowd another's. */
export const revisionsPartition = (applicationName: string): string => `REVISIONS#${applicationName}`;

const registeredRevisionKey = (applicationName: string, locationHash: string): ItemKey => ({
  pk: applicationPartition(applicationName),
  sk: `REV#${locationHash}`,
});

/** Hashed: a client token is caller-chosen text of any length, and a sort key holds at most 1 KB. */
export const clientTokenKey = (applicationName: string, clientToken: string): ItemKey => ({
  pk: applicationPartition(applicationName),
  sk: `TOKEN#${digest(clientToken)}`,
});

export const deploymentConfigKey = (deploymentConfigName: string): ItemKey => ({
  pk: `CONFIG#${deploymentConfigName}`,
  sk: 'CONFIG',
});

export const groupLockKey = (deploymentGroupId: string): ItemKey => ({
  pk: groupPartition(deploymentGroupId),
  sk: 'LOCK',
});

/** The group's arrival counter, and the latest deployment that arrived superseding the ones before it. */
export const queueSequenceKey = (deploymentGroupId: string): ItemKey => ({
  pk: groupPartition(deploymentGroupId),
  sk: 'QUEUESEQ',
});

export const QUEUE_PREFIX = 'QUEUE#';

/** Zero-padded to 12 digits so entries sort in arrival order under the group's partition. */
export const queueEntryKey = (deploymentGroupId: string, queuePosition: number): ItemKey => ({
  pk: groupPartition(deploymentGroupId),
  sk: `${QUEUE_PREFIX}${String(queuePosition).padStart(12, '0')}`,
});

export const hostRecordKey = (deploymentGroupId: string, targetId: string): ItemKey => ({
  pk: groupPartition(deploymentGroupId),
  sk: `${HOST_PREFIX}${targetId}`,
});

export const groupPartition = (deploymentGroupId: string): string => `DG#${deploymentGroupId}`;

export const deploymentPartition = (deploymentId: string): string => `DEP#${deploymentId}`;

export const deploymentKey = (deploymentId: string): ItemKey => ({ pk: deploymentPartition(deploymentId), sk: 'DEP' });

export const targetKey = (deploymentId: string, targetId: string): ItemKey => ({
  pk: deploymentPartition(deploymentId),
  sk: `${TARGET_PREFIX}${targetId}`,
});

/** Zero-padded so batches sort in number order under one partition. */
export const batchKey = (deploymentId: string, batchNumber: number): ItemKey => ({
  pk: deploymentPartition(deploymentId),
  sk: `BATCH#${String(batchNumber).padStart(6, '0')}`,
});

/** One per event: each hook runs once per deployment, so the event names it. */
export const hookExecutionKey = (deploymentId: string, lifecycleEventName: HookEventName): ItemKey => ({
  pk: deploymentPartition(deploymentId),
  sk: `HOOK#${lifecycleEventName}`,
});

/** Newest first on gsi1 with ScanIndexForward false; the id breaks ties between equal create times. */
export const deploymentListSortKey = (createTime: string, deploymentId: string): string =>
  `${createTime}#${deploymentId}`;

export function applicationItem(app: Application): KeyedItem {
  return {
    ...app,
    ...applicationKey(app.applicationName),
    [TABLE_KEYS.gsi1.partitionKey]: APPLICATIONS_PARTITION,
    [TABLE_KEYS.gsi1.sortKey]: app.applicationName,
  };
}

export function deploymentGroupItem(group: DeploymentGroup): KeyedItem {
  return { ...group, ...deploymentGroupKey(group.applicationName, group.deploymentGroupName) };
}

export function deploymentConfigItem(config: AnyDeploymentConfig): KeyedItem {
  return {
    ...config,
    ...deploymentConfigKey(config.deploymentConfigName),
    [TABLE_KEYS.gsi1.partitionKey]: CONFIGS_PARTITION,
    [TABLE_KEYS.gsi1.sortKey]: config.deploymentConfigName,
  };
}

/** Newest registration first on gsi1 with ScanIndexForward false; the location hash breaks ties. */
export function registeredRevisionItem(record: RevisionRecord): KeyedItem {
  const locationHash = revisionLocationHash(record.revision);
  return {
    ...record,
    ...registeredRevisionKey(record.applicationName, locationHash),
    [TABLE_KEYS.gsi1.partitionKey]: revisionsPartition(record.applicationName),
    [TABLE_KEYS.gsi1.sortKey]: `${record.registerTime}#${locationHash}`,
  };
}

export function clientTokenItem(applicationName: string, clientToken: string, deploymentId: string): KeyedItem {
  return { applicationName, clientToken, deploymentId, ...clientTokenKey(applicationName, clientToken) };
}

export function deploymentItem(deployment: Deployment): KeyedItem {
  return {
    ...deployment,
    ...deploymentKey(deployment.deploymentId),
    [TABLE_KEYS.gsi1.partitionKey]: DEPLOYMENTS_PARTITION,
    [TABLE_KEYS.gsi1.sortKey]: deploymentListSortKey(deployment.createTime, deployment.deploymentId),
  };
}

export function groupLockItem(lock: GroupLock): KeyedItem {
  return { ...lock, ...groupLockKey(lock.deploymentGroupId) };
}

export function queueEntryItem(entry: QueueEntry): KeyedItem {
  return { ...entry, ...queueEntryKey(entry.deploymentGroupId, entry.queuePosition) };
}

/** `position` keeps the order targets were put in: the sort key must stay TGT#<targetId>. */
export function targetItem(target: DeploymentTarget, position: number | undefined): KeyedItem {
  const item: KeyedItem = { ...target, ...targetKey(target.deploymentId, target.targetId) };
  return position === undefined ? item : { ...item, position };
}

export function hostRecordItem(record: HostRecord): KeyedItem {
  return { ...record, ...hostRecordKey(record.deploymentGroupId, record.targetId) };
}

/**
 * Strips the storage attributes. The cast is the adapter boundary: the table holds only items this module wrote
 * from the same domain type, so no field-by-field check is repeated on every read.
 */
export function fromItem<T>(item: StoredItem): T;
export function fromItem<T>(item: StoredItem | undefined): T | undefined;
export function fromItem<T>(item: StoredItem | undefined): T | undefined {
  if (item === undefined) return undefined;
  const domain: StoredItem = { ...item };
  for (const attribute of STORAGE_ATTRIBUTES) delete domain[attribute];
  return domain as T;
}

/** ReturnValues ALL_NEW always returns the item of a successful update; no item means a broken contract. */
export function fromUpdatedItem<T>(attributes: StoredItem | undefined): T {
  if (attributes === undefined) throw new Error('UpdateItem with ReturnValues ALL_NEW returned no attributes');
  return fromItem<T>(attributes);
}

/** Targets in the order they were put; targetId settles ties (and targets written only by updateTargets). */
export function targetsInPutOrder(items: readonly StoredItem[]): DeploymentTarget[] {
  const position = (item: StoredItem): number =>
    typeof item.position === 'number' ? item.position : Number.MAX_SAFE_INTEGER;
  return [...items]
    .sort((a, b) => position(a) - position(b) || compareCodeUnits(String(a.sk), String(b.sk)))
    .map((item) => fromItem<DeploymentTarget>(item));
}

/**
 * What makes two registrations the same revision: where the bundle is and which version of it, not the SHA-256
 * Cutover records after checking it. Hashed, because an S3 key alone may fill a sort key.
 */
function revisionLocationHash(revision: RevisionLocation): string {
  switch (revision.revisionType) {
    case 'S3': {
      const { bucket, key, bundleType, version, eTag } = revision.s3Location;
      return digest(JSON.stringify(['S3', bucket, key, bundleType, version ?? null, eTag ?? null]));
    }
    case 'Local': {
      const { bundlePath, bundleType, sha256 } = revision.localLocation;
      return digest(JSON.stringify(['Local', bundlePath, bundleType, sha256]));
    }
    default: {
      const type: unknown = (revision as { revisionType?: unknown }).revisionType;
      throw new ValidationError([{ field: 'revision.revisionType', message: `must be S3 or Local, got ${String(type)}` }]);
    }
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** Plain code-unit order (close to DynamoDB's byte order), independent of the process locale. */
function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
