// The Store port on one DynamoDB table (key design in table-schema.ts). Only single-item conditional writes are
// used, never transactions, so the same code runs on DynamoDB, DynamoDB Local and dynalite. The methods delegate
// to one module per kind of item; this file wires them and owns the small host record items.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  Application,
  Deployment,
  DeploymentGroup,
  DeploymentStatus,
  DeploymentTarget,
  HostRecord,
} from '../core/types';
import type { AnyDeploymentConfig } from '../core/traffic-configs';
import type {
  Batch,
  DeploymentGroupSettings,
  DeploymentListFilter,
  GroupLock,
  GroupOutcome,
  HookEventName,
  HookExecution,
  Page,
  PageRequest,
  QueueEntry,
  QueueEntryRef,
  QueueTicket,
  RevisionRecord,
  Store,
  TargetEventResult,
} from '../ports';
import * as applications from './dynamodb-applications';
import * as batches from './dynamodb-batches';
import * as clientTokens from './dynamodb-client-tokens';
import * as configs from './dynamodb-configs';
import * as deploymentList from './dynamodb-deployment-list';
import * as deployments from './dynamodb-deployments';
import * as groups from './dynamodb-groups';
import * as hookExecutions from './dynamodb-hook-executions';
import { fromItem, groupPartition, HOST_PREFIX, hostRecordItem, hostRecordKey } from './dynamodb-items';
import * as locks from './dynamodb-lock';
import * as queue from './dynamodb-queue';
import * as revisions from './dynamodb-revisions';
import { Table } from './dynamodb-table';
import * as targets from './dynamodb-targets';

export interface DynamoDbStoreOptions {
  readonly tableName: string;
  /** Defaults to one client per process for the Lambda's region, dropping undefined attributes. */
  readonly client?: DynamoDBDocumentClient;
}

let sharedClient: DynamoDBDocumentClient | undefined;

/** Created on first use rather than at import, so modules that only import the type never build a client. */
function defaultClient(): DynamoDBDocumentClient {
  sharedClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    // Optional domain fields are often present as undefined; DynamoDB has no such value.
    marshallOptions: { removeUndefinedValues: true },
  });
  return sharedClient;
}

export class DynamoDbStore implements Store {
  private readonly table: Table;

  public constructor(options: DynamoDbStoreOptions) {
    this.table = new Table(options.client ?? defaultClient(), options.tableName);
  }

  public putHookExecution(execution: HookExecution): Promise<boolean> {
    return hookExecutions.putHookExecution(this.table, execution);
  }

  public getHookExecution(deploymentId: string, lifecycleEventName: HookEventName): Promise<HookExecution | undefined> {
    return hookExecutions.getHookExecution(this.table, deploymentId, lifecycleEventName);
  }

  public completeHookExecution(
    deploymentId: string,
    lifecycleEventName: HookEventName,
    status: 'Succeeded' | 'Failed',
    at: string,
    message?: string,
  ): Promise<HookExecution> {
    return hookExecutions.completeHookExecution(this.table, deploymentId, lifecycleEventName, status, at, message);
  }

  public createApplication(app: Application): Promise<Application> {
    return applications.createApplication(this.table, app);
  }

  public getApplication(applicationName: string): Promise<Application | undefined> {
    return applications.getApplication(this.table, applicationName);
  }

  public listApplications(page?: PageRequest): Promise<Page<Application>> {
    return applications.listApplications(this.table, page);
  }

  public deleteApplication(applicationName: string): Promise<boolean> {
    return applications.deleteApplication(this.table, applicationName);
  }

  public putDeploymentGroup(group: DeploymentGroup): Promise<void> {
    return groups.putDeploymentGroup(this.table, group);
  }

  public updateDeploymentGroupSettings(
    applicationName: string,
    deploymentGroupName: string,
    deploymentGroupId: string,
    settings: DeploymentGroupSettings,
  ): Promise<void> {
    return groups.updateDeploymentGroupSettings(this.table, applicationName, deploymentGroupName, deploymentGroupId, settings);
  }

  public recordGroupOutcome(
    applicationName: string,
    deploymentGroupName: string,
    outcome: GroupOutcome,
  ): Promise<void> {
    return groups.recordGroupOutcome(this.table, applicationName, deploymentGroupName, outcome);
  }

  public getDeploymentGroup(
    applicationName: string,
    deploymentGroupName: string,
  ): Promise<DeploymentGroup | undefined> {
    return groups.getDeploymentGroup(this.table, applicationName, deploymentGroupName);
  }

  public createDeploymentGroup(group: DeploymentGroup): Promise<void> {
    return groups.createDeploymentGroup(this.table, group);
  }

  public listDeploymentGroups(applicationName: string, page?: PageRequest): Promise<Page<DeploymentGroup>> {
    return groups.listDeploymentGroups(this.table, applicationName, page);
  }

  public deleteDeploymentGroup(applicationName: string, deploymentGroupName: string): Promise<boolean> {
    return groups.deleteDeploymentGroup(this.table, applicationName, deploymentGroupName);
  }

  public createDeploymentConfig(config: AnyDeploymentConfig): Promise<void> {
    return configs.createDeploymentConfig(this.table, config);
  }

  public getDeploymentConfig(deploymentConfigName: string): Promise<AnyDeploymentConfig | undefined> {
    return configs.getDeploymentConfig(this.table, deploymentConfigName);
  }

  public listDeploymentConfigs(page?: PageRequest): Promise<Page<AnyDeploymentConfig>> {
    return configs.listDeploymentConfigs(this.table, page);
  }

  public deleteDeploymentConfig(deploymentConfigName: string): Promise<boolean> {
    return configs.deleteDeploymentConfig(this.table, deploymentConfigName);
  }

  public createDeployment(deployment: Deployment): Promise<void> {
    return deployments.createDeployment(this.table, deployment);
  }

  public getDeployment(deploymentId: string): Promise<Deployment | undefined> {
    return deployments.getDeployment(this.table, deploymentId);
  }

  public updateDeployment(
    deploymentId: string,
    changes: Partial<Deployment>,
    expectedStatus?: readonly DeploymentStatus[],
  ): Promise<Deployment> {
    return deployments.updateDeployment(this.table, deploymentId, changes, expectedStatus);
  }

  public listDeployments(filter?: DeploymentListFilter): Promise<Deployment[]> {
    return deploymentList.listDeployments(this.table, filter);
  }

  public listDeploymentsPage(filter: DeploymentListFilter, page?: PageRequest): Promise<Page<Deployment>> {
    return deploymentList.listDeploymentsPage(this.table, filter, page);
  }

  public claimClientToken(
    applicationName: string,
    clientToken: string,
    deploymentId: string,
    now: Date,
  ): Promise<clientTokens.ClientTokenClaim> {
    return clientTokens.claimClientToken(this.table, applicationName, clientToken, deploymentId, now);
  }

  public takeOverClientToken(
    applicationName: string,
    clientToken: string,
    from: clientTokens.ClientTokenClaim,
    deploymentId: string,
    now: Date,
  ): Promise<boolean> {
    return clientTokens.takeOverClientToken(this.table, applicationName, clientToken, from, deploymentId, now);
  }

  public releaseClientToken(applicationName: string, clientToken: string, deploymentId: string): Promise<void> {
    return clientTokens.releaseClientToken(this.table, applicationName, clientToken, deploymentId);
  }

  public registerRevision(record: RevisionRecord): Promise<void> {
    return revisions.registerRevision(this.table, record);
  }

  public listRevisions(applicationName: string, page?: PageRequest): Promise<Page<RevisionRecord>> {
    return revisions.listRevisions(this.table, applicationName, page);
  }

  public acquireGroupLock(lock: GroupLock, deploymentGroupName: string): Promise<void> {
    return locks.acquireGroupLock(this.table, lock, deploymentGroupName);
  }

  public transferGroupLock(deploymentGroupId: string, fromDeploymentId: string, toDeploymentId: string): Promise<void> {
    return locks.transferGroupLock(this.table, deploymentGroupId, fromDeploymentId, toDeploymentId);
  }

  public releaseGroupLock(deploymentGroupId: string, deploymentId: string, onlyIfExecution?: string | null): Promise<boolean> {
    return locks.releaseGroupLock(this.table, deploymentGroupId, deploymentId, onlyIfExecution);
  }

  public getGroupLock(deploymentGroupId: string): Promise<GroupLock | undefined> {
    return locks.getGroupLock(this.table, deploymentGroupId);
  }

  public setGroupLockExecution(deploymentGroupId: string, deploymentId: string, executionArn: string): Promise<void> {
    return locks.setGroupLockExecution(this.table, deploymentGroupId, deploymentId, executionArn);
  }

  public nextQueuePosition(deploymentGroupId: string, supersedingDeploymentId?: string): Promise<QueueTicket> {
    return queue.nextQueuePosition(this.table, deploymentGroupId, supersedingDeploymentId);
  }

  public getSupersession(deploymentGroupId: string): Promise<QueueEntryRef | undefined> {
    return queue.getSupersession(this.table, deploymentGroupId);
  }

  public enqueue(entry: QueueEntry): Promise<void> {
    return queue.enqueue(this.table, entry);
  }

  public listQueue(deploymentGroupId: string, limit?: number): Promise<QueueEntry[]> {
    return queue.listQueue(this.table, deploymentGroupId, limit);
  }

  public listQueueBetween(deploymentGroupId: string, first: number, last: number): Promise<QueueEntry[]> {
    return queue.listQueueBetween(this.table, deploymentGroupId, first, last);
  }

  public dequeue(deploymentGroupId: string, queuePosition: number): Promise<void> {
    return queue.dequeue(this.table, deploymentGroupId, queuePosition);
  }

  public putTargets(list: readonly DeploymentTarget[]): Promise<void> {
    return targets.putTargets(this.table, list);
  }

  public getTargets(deploymentId: string): Promise<DeploymentTarget[]> {
    return targets.getTargets(this.table, deploymentId);
  }

  public listTargetsPage(deploymentId: string, page?: PageRequest): Promise<Page<DeploymentTarget>> {
    return targets.listTargetsPage(this.table, deploymentId, page);
  }

  public getTarget(deploymentId: string, targetId: string): Promise<DeploymentTarget | undefined> {
    return targets.getTarget(this.table, deploymentId, targetId);
  }

  public updateTargets(list: readonly DeploymentTarget[]): Promise<void> {
    return targets.updateTargets(this.table, list);
  }

  public recordTargetEvent(result: TargetEventResult): Promise<boolean> {
    return targets.recordTargetEvent(this.table, result);
  }

  public putBatch(batch: Batch): Promise<void> {
    return batches.putBatch(this.table, batch);
  }

  public beginBatchEvent(batch: Batch): Promise<boolean> {
    return batches.beginBatchEvent(this.table, batch);
  }

  public markBatchSent(deploymentId: string, batchNumber: number, eventIndex: number, targetIds: readonly string[]): Promise<Batch> {
    return batches.markBatchSent(this.table, deploymentId, batchNumber, eventIndex, targetIds);
  }

  public getBatch(deploymentId: string, batchNumber: number): Promise<Batch | undefined> {
    return batches.getBatch(this.table, deploymentId, batchNumber);
  }

  public countBatchReport(
    deploymentId: string,
    batchNumber: number,
    eventIndex: number,
    targetId: string,
  ): Promise<Batch> {
    return batches.countBatchReport(this.table, deploymentId, batchNumber, eventIndex, targetId);
  }

  public updateBatchWait(
    deploymentId: string,
    batchNumber: number,
    eventIndex: number,
    changes: { readonly taskToken: string; readonly dispatched?: boolean },
  ): Promise<Batch> {
    return batches.updateBatchWait(this.table, deploymentId, batchNumber, eventIndex, changes);
  }

  public async getHostRecords(deploymentGroupId: string): Promise<HostRecord[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': groupPartition(deploymentGroupId), ':prefix': HOST_PREFIX },
      ConsistentRead: true,
    });
    return items.map((item) => fromItem<HostRecord>(item));
  }

  public async getHostRecord(deploymentGroupId: string, targetId: string): Promise<HostRecord | undefined> {
    return fromItem<HostRecord>(await this.table.get(hostRecordKey(deploymentGroupId, targetId)));
  }

  public async putHostRecords(records: readonly HostRecord[]): Promise<void> {
    await this.table.batchPut(records.map(hostRecordItem));
  }
}
