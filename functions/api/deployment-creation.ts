// CreateDeployment through the API. A Server application's request names a bundle, which is read for the appspec; a
// Lambda or ECS application's carries the appspec inline (traffic-deployment-creation.ts). Either way an optional
// clientToken makes a retried request answer with the deployment the first one created instead of a second.
import { newDeploymentId } from '../core/deployment-ids';
import { AppSpecError, CutoverError, ValidationError } from '../core/errors';
import type { Deployment, DeploymentGroup, RevisionLocation } from '../core/types';
import type { BundleReader, OpenedBundle, RevisionRequest, RevisionSource, StepDependencies, Store } from '../ports';
import { createDeployment, type CreateDeploymentOptions } from '../steps/create-deployment';
import type { ApiContext } from './api-context';
import { ApiError, invalidAppSpec } from './api-errors';
import { requireGroup } from './deployment-group-lookup';
import { type DeploymentRevisionInput, requestedRevision } from './revision-schemas';
import { trafficDeploymentCreation } from './traffic-deployment-creation';

export interface CreateDeploymentBody extends CreateDeploymentOptions {
  readonly revision: DeploymentRevisionInput;
  readonly clientToken?: string;
}

/** Creates the deployment under the id given, which the client token (if any) is already bound to. */
export type DeploymentCreation = (deploymentId: string) => Promise<void>;

/**
 * How long a client token claim may stay without its deployment before a retry takes the token over: twice the API's
 * 29 s timeout (API Gateway's integration limit, and the API Lambda's), so the request that claimed it has certainly
 * been killed by then, and its `catch` never ran to release the token.
 */
export const CLAIM_ABANDONED_AFTER_MS = 60_000;

type TokenClaim = Awaited<ReturnType<Store['claimClientToken']>>;

/**
 * The id of the new deployment, or of the one an earlier request with the same clientToken created. The token is
 * claimed before anything else happens, under the id the deployment will get, and released if creation fails before
 * the deployment is written, so a retry after a failure tries again rather than answering with a deployment that
 * never was. A claim left by a request killed in between is taken over once it is CLAIM_ABANDONED_AFTER_MS old.
 */
export async function createDeploymentFromRequest(ctx: ApiContext, body: CreateDeploymentBody): Promise<string> {
  const { deps } = ctx;
  // Before the token is claimed and the bundle read: a missing application or group costs no download, and a
  // revision of the wrong kind for the platform is refused before anything is written.
  const group = await requireGroup(deps.store, body.applicationName, body.deploymentGroupName);
  const create =
    group.computePlatform === 'Server' ? serverDeploymentCreation(ctx, group, body) : trafficDeploymentCreation(ctx, group.computePlatform, body);

  const { clientToken } = body;
  const deploymentId = newDeploymentId();
  if (clientToken !== undefined) {
    const owner = await bindClientToken(deps, body, clientToken, deploymentId);
    if (owner !== deploymentId) return owner;
  }
  try {
    await create(deploymentId);
    return deploymentId;
  } catch (error) {
    if (clientToken !== undefined) await releaseUnusedToken(deps, body.applicationName, clientToken, deploymentId);
    throw error;
  }
}

/** A Server deployment: the revision names a bundle, whose appspec is read before the deployment is created. */
function serverDeploymentCreation(ctx: ApiContext, group: DeploymentGroup, body: CreateDeploymentBody): DeploymentCreation {
  const { clientToken: _clientToken, revision: requested, ...options } = body;
  if (requested.revisionType === 'AppSpecContent') {
    const message = `is 'AppSpecContent', which Lambda and ECS applications deploy; application '${group.applicationName}' deploys to Server: send a bundle {revisionType: 'S3', s3Location} (or 'Local' with localLocation on the embedded runtime)`;
    throw new ValidationError([{ field: 'revision.revisionType', message }]);
  }
  const revision = requestedRevision(ctx, requested);
  const bundles = requireBundleReader(ctx.deps);
  return async (deploymentId) => {
    const opened = await openBundle(bundles, revision);
    await createDeployment(withCheckedRevision(ctx.deps, opened.revision), { ...options, revision: opened.revision, appSpec: opened.appSpec, deploymentId });
  };
}

/**
 * Claims the token for `deploymentId`. Returns `deploymentId` when this request is to create the deployment, or
 * the earlier deployment the token names; refuses a token another request is still using.
 */
async function bindClientToken(deps: StepDependencies, body: CreateDeploymentBody, clientToken: string, deploymentId: string): Promise<string> {
  const now = deps.clock();
  const claim = await deps.store.claimClientToken(body.applicationName, clientToken, deploymentId, now);
  if (claim.owner === deploymentId) return deploymentId;
  const existing = await deps.store.getDeployment(claim.owner);
  if (existing) return earlierDeployment(existing, body, clientToken);
  // Only a claim whose request is certainly dead; the write holds only while the claim is still the one read, so
  // of two retries taking over the same claim one wins and the other is told the token is in use.
  if (isAbandoned(claim, now) && (await deps.store.takeOverClientToken(body.applicationName, clientToken, claim, deploymentId, now))) {
    return deploymentId;
  }
  throw new ApiError(
    409,
    'ClientTokenInUse',
    `clientToken '${clientToken}' belongs to deployment ${claim.owner}, which a request is still creating; retry shortly, or send another clientToken`,
    'clientToken',
  );
}

/** A claim without a time was stored before claims recorded one, so it is older than any request still running. */
function isAbandoned(claim: TokenClaim, now: Date): boolean {
  return claim.claimedAt === undefined || now.getTime() - Date.parse(claim.claimedAt) > CLAIM_ABANDONED_AFTER_MS;
}

/**
 * Frees the token after a failed creation, but only when the deployment was never written: once it exists (a later
 * step failed, e.g. after its execution started) the token stays bound, so a retry answers with that deployment
 * instead of creating a second. When it cannot be told whether the deployment exists, the token stays too: a retry
 * after CLAIM_ABANDONED_AFTER_MS takes an unused claim over. The caller must see why creation failed, not why this did.
 */
async function releaseUnusedToken(deps: StepDependencies, applicationName: string, clientToken: string, deploymentId: string): Promise<void> {
  try {
    if ((await deps.store.getDeployment(deploymentId)) !== undefined) return;
    await deps.store.releaseClientToken(applicationName, clientToken, deploymentId);
  } catch {
    // Left bound; see above.
  }
}

/** Wiring, not input: every runtime that serves the API installs one. */
export function requireBundleReader(deps: StepDependencies): BundleReader {
  if (!deps.bundles) throw new CutoverError('This installation has no bundle reader (StepDependencies.bundles), so it cannot read revisions');
  return deps.bundles;
}

/** A repeated request: the deployment its token already names. */
function earlierDeployment(existing: Deployment, body: CreateDeploymentBody, clientToken: string): string {
  if (existing.deploymentGroupName !== body.deploymentGroupName) {
    throw new ApiError(
      409,
      'IdempotentParameterMismatch',
      `clientToken '${clientToken}' was used for deployment ${existing.deploymentId} of deployment group ${existing.deploymentGroupName}, not ${body.deploymentGroupName}; send another clientToken`,
      'clientToken',
    );
  }
  return existing.deploymentId;
}

/** A bad appspec or bundle is a bad revision to the caller: one 400 listing every problem found. */
export async function openBundle(bundles: BundleReader, revision: RevisionRequest): Promise<OpenedBundle> {
  try {
    return await bundles.open(revision);
  } catch (error) {
    if (!(error instanceof AppSpecError)) throw error;
    throw invalidAppSpec(error, "The revision's bundle cannot be deployed", 'revision');
  }
}

/** The bundle reader already checked and pinned the revision: createDeployment must not read the object again. */
function withCheckedRevision(deps: StepDependencies, pinned: RevisionLocation): StepDependencies {
  const revisions: RevisionSource = {
    check: async (revision) => (revision === pinned ? pinned : deps.revisions.check(revision)),
    bundleFetch: (revision) => deps.revisions.bundleFetch(revision),
  };
  return { ...deps, revisions };
}
