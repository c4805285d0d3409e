// CreateDeployment through the API: the request names a revision, so its bundle is read for the appspec, and an
// optional clientToken makes a retried request answer with the deployment the first one created instead of a second.
import { newDeploymentId } from '../core/deployment-ids';
import { AppSpecError, CutoverError, formatProblem } from '../core/errors';
import type { RevisionLocation } from '../core/types';
import type { BundleReader, OpenedBundle, RevisionRequest, RevisionSource, StepDependencies } from '../ports';
import { createDeployment, type CreateDeploymentOptions } from '../steps/create-deployment';
import type { ApiContext } from './api-context';
import { ApiError } from './api-errors';
import { requireGroup } from './deployment-group-lookup';
import { requestedRevision, type RevisionLocationInput } from './revision-schemas';

export interface CreateDeploymentBody extends CreateDeploymentOptions {
  readonly revision: RevisionLocationInput;
  readonly clientToken?: string;
}

/**
 * The id of the new deployment, or of the one an earlier request with the same clientToken created. The token is
 * claimed before anything else happens, under the id the deployment will get, and released if creation fails, so
 * a retry after a failure tries again rather than answering with a deployment that never was.
 */
export async function createDeploymentFromRequest(ctx: ApiContext, body: CreateDeploymentBody): Promise<string> {
  const { deps } = ctx;
  const revision = requestedRevision(ctx, body.revision);
  const bundles = requireBundleReader(deps);
  // Before the token is claimed and the bundle read: a missing application or group costs no download.
  await requireGroup(deps.store, body.applicationName, body.deploymentGroupName);

  const { clientToken, revision: _revision, ...options } = body;
  const deploymentId = newDeploymentId();
  if (clientToken !== undefined) {
    const owner = await deps.store.claimClientToken(body.applicationName, clientToken, deploymentId);
    if (owner !== deploymentId) return earlierDeployment(deps, body, clientToken, owner);
  }
  try {
    const opened = await openBundle(bundles, revision);
    await createDeployment(withCheckedRevision(deps, opened.revision), { ...options, revision: opened.revision, appSpec: opened.appSpec, deploymentId });
    return deploymentId;
  } catch (error) {
    if (clientToken !== undefined) {
      // The caller must see why creation failed, not why the release did; a token left bound answers ClientTokenInUse.
      await deps.store.releaseClientToken(body.applicationName, clientToken, deploymentId).catch(() => undefined);
    }
    throw error;
  }
}

/** Wiring, not input: every runtime that serves the API installs one. */
export function requireBundleReader(deps: StepDependencies): BundleReader {
  if (!deps.bundles) throw new CutoverError('This installation has no bundle reader (StepDependencies.bundles), so it cannot read revisions');
  return deps.bundles;
}

/** A repeated request: the deployment its token already names, once that deployment exists. */
async function earlierDeployment(deps: StepDependencies, body: CreateDeploymentBody, clientToken: string, owner: string): Promise<string> {
  const existing = await deps.store.getDeployment(owner);
  if (!existing) {
    throw new ApiError(
      409,
      'ClientTokenInUse',
      `clientToken '${clientToken}' belongs to deployment ${owner}, which a request is still creating; retry shortly, or send another clientToken`,
      'clientToken',
    );
  }
  if (existing.deploymentGroupName !== body.deploymentGroupName) {
    throw new ApiError(
      409,
      'IdempotentParameterMismatch',
      `clientToken '${clientToken}' was used for deployment ${owner} of deployment group ${existing.deploymentGroupName}, not ${body.deploymentGroupName}; send another clientToken`,
      'clientToken',
    );
  }
  return owner;
}

/** A bad appspec or bundle is a bad revision to the caller: one 400 listing every problem found. */
export async function openBundle(bundles: BundleReader, revision: RevisionRequest): Promise<OpenedBundle> {
  try {
    return await bundles.open(revision);
  } catch (error) {
    if (!(error instanceof AppSpecError)) throw error;
    const problems = error.problems.map(formatProblem).join('; ');
    throw new ApiError(400, 'InvalidRevision', `The revision's bundle cannot be deployed: ${problems}`, 'revision');
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
