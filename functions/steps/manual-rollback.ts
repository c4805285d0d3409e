// A manual rollback: a new deployment of the revision an earlier successful deployment of the same group deployed
// (CodeDeploy's redeploy of a known good revision, creator `user`), with rollbackInfo linking it and the deployment
// it rolls back both ways. It goes through the public CreateDeployment entry points, so it is admitted like any
// deployment by the group's concurrency policy; the deployment rolled back must have ended (stop it first).
// - Server: the revision (pinned: exact version, ETag, SHA-256) and parsed appspec of the target, with the
//   deployment config, ignoreApplicationStopFailures and fileExistsBehavior of the deployment rolled back, as an
//   automatic rollback (createRollbackDeployment) takes them, but with a lock of its own rather than a handed-over one.
// - ECS: the target's appspec as it was; a replacement task set of its task definition takes the traffic.
// - Lambda: the target's appspec, but from the version the alias serves now: its CurrentVersion was the version
//   before the target's, which the alias no longer serves, so CodeDeploy's start check would refuse it as written.
import { newDeploymentId } from '../core/deployment-ids';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors';
import type { LambdaAppSpec } from '../core/appspec';
import { TERMINAL_DEPLOYMENT_STATUSES, type Deployment, type LambdaDeployment, type RollbackInfo } from '../core/types';
import type { StepDependencies, Store } from '../ports';
import { createDeployment } from './create-deployment';
import { createTrafficDeployment } from './traffic/create-traffic-deployment';

export interface ManualRollbackRequest {
  /** The deployment to roll back; it must have ended. */
  readonly deploymentId: string;
  /** A Succeeded deployment of the same group created before it; default: the latest such. */
  readonly targetDeploymentId?: string;
  readonly description?: string;
}

export type RollbackRefusal = 'DeploymentStillRunning' | 'DeploymentAlreadyRolledBack' | 'RevisionAlreadyServed';

/** The deployment, the group or the alias is not in a state to roll back from or to; `field` says which request field. */
export class RollbackRefusedError extends ConflictError {
  public constructor(
    public readonly code: RollbackRefusal,
    public readonly field: 'deploymentId' | 'targetDeploymentId',
    message: string,
  ) {
    super(message);
    this.name = 'RollbackRefusedError';
  }
}

/** The target deployment the request names does not exist (NotFoundError of the deployment rolled back says Deployment). */
export class RollbackTargetMissingError extends NotFoundError {
  public constructor(deploymentId: string) {
    super('Rollback target deployment', deploymentId);
    this.name = 'RollbackTargetMissingError';
  }
}

export function manualRollbackMessage(rolledBackId: string, targetId: string): string {
  return `Manual rollback of ${rolledBackId} to the revision of ${targetId}`;
}

/** Creates the rollback deployment and links the two; returns the new deployment as created. */
export async function createManualRollback(deps: StepDependencies, request: ManualRollbackRequest): Promise<Deployment> {
  const rolledBack = await deps.store.getDeployment(request.deploymentId);
  if (!rolledBack) throw new NotFoundError('Deployment', request.deploymentId);
  if (!TERMINAL_DEPLOYMENT_STATUSES.includes(rolledBack.status)) {
    throw new RollbackRefusedError(
      'DeploymentStillRunning',
      'deploymentId',
      `Deployment ${rolledBack.deploymentId} is ${rolledBack.status}; stop it first (POST /deployments/${rolledBack.deploymentId}/stop), then roll it back once it has ended`,
    );
  }
  const earlier = rolledBack.rollbackInfo?.rollbackDeploymentId;
  if (earlier !== undefined) {
    throw new RollbackRefusedError(
      'DeploymentAlreadyRolledBack',
      'deploymentId',
      `Deployment ${rolledBack.deploymentId} was already rolled back by deployment ${earlier}; roll back ${earlier} instead to go further back`,
    );
  }
  const target = request.targetDeploymentId === undefined ? await lastSuccessBefore(deps, rolledBack) : await chosenTarget(deps, rolledBack, request.targetDeploymentId);
  const message = manualRollbackMessage(rolledBack.deploymentId, target.deploymentId);
  const deploymentId = newDeploymentId();
  const rollbackInfo = { rollbackTriggeringDeploymentId: rolledBack.deploymentId, rollbackMessage: message };
  const creating = withRollbackInfo(deps, deploymentId, rollbackInfo);
  const common = {
    deploymentId,
    applicationName: rolledBack.applicationName,
    deploymentGroupName: rolledBack.deploymentGroupName,
    deploymentConfigName: rolledBack.deploymentConfigName,
    description: request.description ?? message,
  };
  let created: Deployment;
  if (target.computePlatform === 'Server' && rolledBack.computePlatform === 'Server') {
    created = await createDeployment(creating, {
      ...common,
      ignoreApplicationStopFailures: rolledBack.ignoreApplicationStopFailures,
      fileExistsBehavior: rolledBack.fileExistsBehavior,
      revision: target.revision,
      appSpec: target.appSpec,
    });
  } else if (target.computePlatform !== 'Server') {
    const appSpecContent = target.computePlatform === 'Lambda' ? await lambdaRollbackAppSpec(deps, target) : target.revision.appSpecContent.content;
    created = await createTrafficDeployment(creating, { ...common, appSpecContent, appSpecSource: `the appspec of deployment ${target.deploymentId}` });
  } else {
    // Same group, so same platform: a record that says otherwise is corrupt.
    throw new ConflictError(`Deployments ${rolledBack.deploymentId} and ${target.deploymentId} of one group deploy to different platforms`);
  }
  // A deployment rolled back may itself be a manual rollback: what it rolled back stays named.
  await deps.store.updateDeployment(
    rolledBack.deploymentId,
    { rollbackInfo: { ...rolledBack.rollbackInfo, rollbackDeploymentId: deploymentId, rollbackMessage: message } },
    TERMINAL_DEPLOYMENT_STATUSES,
  );
  return { ...created, rollbackInfo };
}

/**
 * The dependencies the entry points create the deployment with: its record is written with its rollbackInfo, so its
 * execution, which may start before the entry point returns, and every event it publishes, name what it rolls back.
 */
function withRollbackInfo(deps: StepDependencies, deploymentId: string, rollbackInfo: RollbackInfo): StepDependencies {
  const { store } = deps;
  // The store's other methods as they are: a class instance keeps them on its prototype, which a spread would lose.
  const linked = Object.create(store) as Store;
  linked.createDeployment = (deployment) => store.createDeployment(deployment.deploymentId === deploymentId ? { ...deployment, rollbackInfo } : deployment);
  return { ...deps, store: linked };
}

/** The group's latest Succeeded deployment created before the one rolled back (the same group, not one of its name before it). */
async function lastSuccessBefore(deps: StepDependencies, rolledBack: Deployment): Promise<Deployment> {
  const filter = {
    applicationName: rolledBack.applicationName,
    deploymentGroupName: rolledBack.deploymentGroupName,
    statuses: ['Succeeded' as const],
    createdTo: rolledBack.createTime,
  };
  let nextToken: string | undefined;
  do {
    const page = await deps.store.listDeploymentsPage(filter, { nextToken });
    const found = page.items.find((d) => earlierOfSameGroup(d, rolledBack));
    if (found) return found;
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  throw new ValidationError([
    {
      field: 'targetDeploymentId',
      message: `is needed: deployment group ${rolledBack.deploymentGroupName} has no Succeeded deployment before ${rolledBack.deploymentId} to roll back to`,
    },
  ]);
}

async function chosenTarget(deps: StepDependencies, rolledBack: Deployment, targetId: string): Promise<Deployment> {
  if (targetId === rolledBack.deploymentId) {
    throw new ValidationError([{ field: 'targetDeploymentId', message: `must be an earlier deployment than ${targetId}, not ${targetId} itself` }]);
  }
  const target = await deps.store.getDeployment(targetId);
  if (!target) throw new RollbackTargetMissingError(targetId);
  const problem =
    target.deploymentGroupId !== rolledBack.deploymentGroupId
      ? `must be a deployment of deployment group ${rolledBack.deploymentGroupName} of application ${rolledBack.applicationName}, as ${rolledBack.deploymentId} is (${targetId} is of ${target.deploymentGroupName} of ${target.applicationName}${target.deploymentGroupName === rolledBack.deploymentGroupName ? ', a group of that name deleted since' : ''})`
      : target.status !== 'Succeeded'
        ? `must be a Succeeded deployment (${targetId} is ${target.status}): only a revision that deployed successfully is one to go back to`
        : !earlierOfSameGroup(target, rolledBack)
          ? `must be a deployment created before ${rolledBack.deploymentId} (${targetId} was created at ${target.createTime}, ${rolledBack.deploymentId} at ${rolledBack.createTime})`
          : undefined;
  if (problem) throw new ValidationError([{ field: 'targetDeploymentId', message: problem }]);
  return target;
}

function earlierOfSameGroup(candidate: Deployment, rolledBack: Deployment): boolean {
  return candidate.deploymentGroupId === rolledBack.deploymentGroupId && candidate.deploymentId !== rolledBack.deploymentId && candidate.createTime <= rolledBack.createTime;
}

/** The target's appspec from the version the alias serves now to the target's TargetVersion, as YAML. */
async function lambdaRollbackAppSpec(deps: StepDependencies, target: LambdaDeployment): Promise<string> {
  const { functionName, alias, targetVersion } = target.appSpec;
  // Without a Lambda adapter, createTrafficDeployment refuses the deployment, naming what is missing.
  if (!deps.aliases) return target.revision.appSpecContent.content;
  const serving = (await deps.aliases.describe(functionName, alias)).functionVersion;
  if (serving === targetVersion) {
    throw new RollbackRefusedError(
      'RevisionAlreadyServed',
      'targetDeploymentId',
      `Alias ${functionName}:${alias} already serves version ${targetVersion}, the TargetVersion of deployment ${target.deploymentId}: there is no traffic to move back`,
    );
  }
  return lambdaAppSpecText({ ...target.appSpec, currentVersion: serving });
}

/** A Lambda appspec with every value quoted (a function may be named by an ARN), read back by parseLambdaAppSpec. */
export function lambdaAppSpecText(appSpec: LambdaAppSpec): string {
  const q = (text: string): string => JSON.stringify(text);
  const hooks = Object.entries(appSpec.hooks).flatMap(([event, fn]) => (fn === undefined ? [] : [`  - ${event}: ${q(fn)}\n`]));
  return (
    'version: 0.0\n' +
    'Resources:\n' +
    `  - ${q(appSpec.functionName)}:\n` +
    '      Type: AWS::Lambda::Function\n' +
    '      Properties:\n' +
    `        Name: ${q(appSpec.functionName)}\n` +
    `        Alias: ${q(appSpec.alias)}\n` +
    `        CurrentVersion: ${q(appSpec.currentVersion)}\n` +
    `        TargetVersion: ${q(appSpec.targetVersion)}\n` +
    (hooks.length > 0 ? `Hooks:\n${hooks.join('')}` : '')
  );
}
