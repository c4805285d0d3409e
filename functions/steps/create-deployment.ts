// CreateDeployment: validate, check and pin the revision, take the group lock, write the record, start the execution.
// Each failure undoes what came before it, so a refused or failed request leaves neither a deployment nor a lock behind.
import { z } from 'zod';
import { resolveConfigName } from '../core/deployment-configs';
import { isDeploymentId, newDeploymentId } from '../core/deployment-ids';
import { deploymentOverview } from '../core/deployment-overview';
import { DeploymentGroupBusyError, NotFoundError, ValidationError } from '../core/errors';
import { shown } from '../core/input-messages';
import { hasLoadBalancer, serverInPlaceEvents } from '../core/lifecycle-order';
import {
  CONCURRENCY_POLICIES,
  type AlarmConfiguration,
  type AppSpec,
  type AutoRollbackConfiguration,
  type ConcurrencyPolicy,
  type Deployment,
  type DeploymentBase,
  type DeploymentGroup,
  type RevisionLocation,
  type ServerDeployment,
} from '../core/types';
import type { StepDependencies } from '../ports';
import { resolveDeploymentConfig } from './deployment-config-lookup';
import { concurrencyPolicyOf, enqueueDeployment, recordLockExecution, releaseGroupAndStartNext, startNextQueued } from './deployment-queue';
import { recoverAbandonedLock } from './lock-recovery';
import { parseStepInput } from './step-inputs';

const name = z.string().min(1).max(100).regex(/^[A-Za-z0-9._+=,@-]+$/, 'may contain only letters, digits and ._+=,@-');

/** What a deployment request says on every platform. */
export const commonDeploymentOptions = {
  applicationName: name,
  deploymentGroupName: name,
  deploymentConfigName: name.optional(),
  description: z.string().max(256).optional(),
  autoRollbackConfiguration: z
    .object({
      enabled: z.boolean(),
      events: z.array(z.enum(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'])),
    })
    .strict()
    .optional(),
  /** Instead of the group's: what the deployment does when it finds the group busy. */
  concurrencyPolicy: z.enum(CONCURRENCY_POLICIES).optional(),
  /** Instead of the group's alarmConfiguration, for this deployment only (the API checks it as the group's). */
  overrideAlarmConfiguration: z
    .object({ enabled: z.boolean(), alarms: z.array(z.object({ name: z.string().min(1).max(255) }).strict()).max(10), ignorePollAlarmFailure: z.boolean().optional() })
    .strict()
    .optional(),
};

export const createDeploymentOptions = z
  .object({
    ...commonDeploymentOptions,
    ignoreApplicationStopFailures: z.boolean().optional(),
    fileExistsBehavior: z.enum(['DISALLOW', 'OVERWRITE', 'RETAIN']).optional(),
  })
  .strict();

export type CreateDeploymentOptions = z.infer<typeof createDeploymentOptions>;

export interface CreateDeploymentRequest extends CreateDeploymentOptions {
  readonly revision: RevisionLocation;
  /** Parsed and checked against the bundle by the caller, which has the bundle at hand. */
  readonly appSpec: AppSpec;
  /** An id the caller chose beforehand (the API binds a client token to it before creating); fresh when absent. */
  readonly deploymentId?: string;
}

export async function createDeployment(deps: StepDependencies, request: CreateDeploymentRequest): Promise<Deployment> {
  const options = parseStepInput(createDeploymentOptions, stripRevision(request), 'create-deployment');
  if (request.deploymentId !== undefined && !isDeploymentId(request.deploymentId)) {
    throw new ValidationError([{ field: 'deploymentId', message: `must look like d-AB1CDEF23 (got ${shown(request.deploymentId)})` }]);
  }
  const group = await deps.store.getDeploymentGroup(options.applicationName, options.deploymentGroupName);
  if (!group) throw new NotFoundError('Deployment group', `${options.applicationName}/${options.deploymentGroupName}`);
  if (hasLoadBalancer(group) && !deps.traffic) {
    throw new ValidationError([
      {
        field: 'loadBalancerInfo',
        message: `deployment group ${group.deploymentGroupName} names load balancers, but this installation has no load balancer adapter; remove loadBalancerInfo from the group or deploy where one is installed`,
      },
    ]);
  }
  const configName = resolveConfigName(options.deploymentConfigName, group.deploymentConfigName);
  await resolveDeploymentConfig(deps.store, configName);
  // Before the lock, so a missing or mismatched revision has nothing to undo. The pinned revision (exact version,
  // ETag, SHA-256) is what hosts fetch and verify, and what a later rollback redeploys.
  const revision = await deps.revisions.check(request.revision);

  const deployment = newDeploymentRecord(deps, group, {
    ...options,
    deploymentId: request.deploymentId,
    deploymentConfigName: configName,
    revision,
    appSpec: request.appSpec,
    creator: 'user',
  });
  return admit(deps, group, deployment);
}

/**
 * Automatic rollback: a new deployment of the group's last good revision, under the id the failed deployment already
 * names, which inherits the failed one's lock.
 */
export async function createRollbackDeployment(
  deps: StepDependencies,
  group: DeploymentGroup,
  failed: ServerDeployment,
  lastGood: ServerDeployment,
  deploymentId: string,
): Promise<Deployment> {
  const deployment = newDeploymentRecord(deps, group, {
    deploymentId,
    applicationName: failed.applicationName,
    deploymentGroupName: failed.deploymentGroupName,
    deploymentConfigName: failed.deploymentConfigName,
    description: `Rollback of ${failed.deploymentId} to the revision of ${lastGood.deploymentId}`,
    ignoreApplicationStopFailures: failed.ignoreApplicationStopFailures,
    fileExistsBehavior: failed.fileExistsBehavior,
    revision: lastGood.revision,
    appSpec: lastGood.appSpec,
    creator: 'codeDeployRollback',
    rollbackInfo: {
      rollbackTriggeringDeploymentId: failed.deploymentId,
      rollbackMessage: `Rollback of deployment ${failed.deploymentId} to the revision of ${lastGood.deploymentId}`,
    },
  });
  await deps.store.transferGroupLock(group.deploymentGroupId, failed.deploymentId, deployment.deploymentId);
  return launch(deps, deployment);
}

/**
 * Admits a new deployment by its concurrency policy: reject takes the group's lock or refuses (CodeDeploy's way);
 * queue and supersede take their place in the group's queue (deployment-queue.ts). Returns the record as written.
 */
export async function admit<T extends Deployment>(deps: StepDependencies, group: DeploymentGroup, deployment: T): Promise<T> {
  const policy = concurrencyPolicyOf(group, deployment);
  if (policy === 'reject') {
    await takeGroupLock(deps, group, deployment);
    return launch(deps, deployment);
  }
  const admission = await enqueueDeployment(deps, group, deployment, policy);
  // As under reject, the request that finds the group held by a dead deployment recovers it, and the queue moves on.
  if (admission.busyWith !== undefined && (await recoverAbandonedLock(deps, group, admission.busyWith))) await startNextQueued(deps, group);
  return admission.deployment;
}

/** Takes the group's lock; a lock left by a dead deployment is recovered once, a live one refuses with its id. */
export async function takeGroupLock(deps: StepDependencies, group: DeploymentGroup, deployment: Deployment): Promise<void> {
  const lock = { deploymentGroupId: group.deploymentGroupId, deploymentId: deployment.deploymentId, acquiredAt: deployment.createTime };
  try {
    await deps.store.acquireGroupLock(lock, group.deploymentGroupName);
  } catch (error) {
    if (!(error instanceof DeploymentGroupBusyError)) throw error;
    if (!(await recoverAbandonedLock(deps, group, error.activeDeploymentId))) throw error;
    await deps.store.acquireGroupLock(lock, group.deploymentGroupName);
  }
}

export async function launch<T extends Deployment>(deps: StepDependencies, deployment: T): Promise<T> {
  const { store } = deps;
  const { deploymentId } = deployment;
  const rollback = deployment.creator === 'codeDeployRollback';
  try {
    await store.createDeployment(deployment);
  } catch (error) {
    // The write may have landed with its answer lost: a record that is there goes ahead.
    if (!(await store.getDeployment(deploymentId).catch(() => undefined))) {
      // A rollback's lock stays with the finishing deployment's retry, which completes the hand-over.
      if (!rollback) await releaseGroupAndStartNext(deps, deployment);
      throw error;
    }
  }
  await deps.events.publish({ kind: 'deployment', deployment });
  let executionArn: string;
  try {
    ({ executionArn } = await deps.executions.start(deployment));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await store.updateDeployment(
      deploymentId,
      {
        status: 'Failed',
        completeTime: deps.clock().toISOString(),
        errorInformation: { code: 'INTERNAL_ERROR', message: `The deployment could not be started: ${message}` },
      },
      ['Created'],
    );
    await releaseGroupAndStartNext(deps, deployment);
    throw error;
  }
  await recordLockExecution(deps, deployment, executionArn);
  return deployment;
}

interface NewDeploymentFields extends CreateDeploymentOptions {
  /** A fresh id unless the caller reserved one (a rollback the failed deployment already names). */
  readonly deploymentId?: string;
  readonly deploymentConfigName: string;
  readonly revision: RevisionLocation;
  readonly appSpec: AppSpec;
  readonly creator: Deployment['creator'];
  readonly rollbackInfo?: Deployment['rollbackInfo'];
}

/** What a new record takes from the request rather than the group, whatever the platform. */
export interface NewDeploymentBaseFields {
  readonly deploymentId?: string;
  readonly deploymentConfigName: string;
  readonly creator: Deployment['creator'];
  readonly description?: string;
  readonly autoRollbackConfiguration?: AutoRollbackConfiguration;
  readonly overrideAlarmConfiguration?: AlarmConfiguration;
  readonly concurrencyPolicy?: ConcurrencyPolicy;
}

/**
 * The fields every new deployment record starts with, on every platform: its identity and group, Created now, the
 * revision it replaces, and the request's settings, its rollback policy falling back to the group's.
 */
export function newDeploymentBase(
  deps: StepDependencies,
  group: DeploymentGroup,
  fields: NewDeploymentBaseFields,
): Omit<DeploymentBase, 'computePlatform'> & { readonly previousRevision: DeploymentGroup['targetRevision'] } {
  return {
    deploymentId: fields.deploymentId ?? newDeploymentId(),
    applicationName: group.applicationName,
    deploymentGroupName: group.deploymentGroupName,
    deploymentGroupId: group.deploymentGroupId,
    status: 'Created',
    deploymentConfigName: fields.deploymentConfigName,
    creator: fields.creator,
    createTime: deps.clock().toISOString(),
    description: fields.description,
    previousRevision: group.targetRevision,
    autoRollbackConfiguration: fields.autoRollbackConfiguration ?? group.autoRollbackConfiguration,
    overrideAlarmConfiguration: fields.overrideAlarmConfiguration,
    concurrencyPolicy: fields.concurrencyPolicy,
    deploymentOverview: deploymentOverview([]),
  };
}

function newDeploymentRecord(deps: StepDependencies, group: DeploymentGroup, fields: NewDeploymentFields): ServerDeployment {
  return {
    ...newDeploymentBase(deps, group, fields),
    computePlatform: 'Server',
    revision: fields.revision,
    appSpec: fields.appSpec,
    ignoreApplicationStopFailures: fields.ignoreApplicationStopFailures ?? false,
    fileExistsBehavior: fields.fileExistsBehavior ?? 'DISALLOW',
    loadBalancerInfo: group.loadBalancerInfo,
    lifecycleEventNames: serverInPlaceEvents({ withLoadBalancer: hasLoadBalancer(group) }),
    rollbackInfo: fields.rollbackInfo,
  };
}

function stripRevision(request: CreateDeploymentRequest): CreateDeploymentOptions {
  const { revision: _revision, appSpec: _appSpec, deploymentId: _deploymentId, ...options } = request;
  return options;
}
