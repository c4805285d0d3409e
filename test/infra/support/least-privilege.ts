// The two halves of least privilege for one role: every call the code can make is allowed (simulated), and every
// grant is one of those calls, or one of the few a function needs without calling it. Pure functions of the role's
// policies and the derived calls, so the self-test can feed them a role with a grant taken away or added.
import { simulate } from './iam-simulation';
import { type DeploymentResources, sampleResources } from './sample-resources';
import { listOf, type PolicyDocument } from './template-iam';

export type Policies = readonly { name: string; policy: PolicyDocument }[];

/** `action on resource (called at …)` for each call the policies do not allow. */
export async function missingGrants(
  policies: Policies,
  called: ReadonlyMap<string, readonly string[]>,
  resources: DeploymentResources,
  queriesIndex: boolean,
): Promise<string[]> {
  const missing: string[] = [];
  for (const [action, sites] of called) {
    for (const resource of await sampleResources(action, resources, queriesIndex)) {
      const decision = await simulate(policies, action, resource);
      if (!decision.allowed) missing.push(`${action} on ${resource}: ${decision.detail} (called at ${sites.join(', ')})`);
    }
  }
  return missing;
}

/** A grant a role may hold without its code calling it, limited to some resources. */
export interface Allowance {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly reason: string;
}

/** `action on resources (policy)` for each granted action neither called nor allowed for those resources. */
export function unneededGrants(policies: Policies, called: ReadonlyMap<string, readonly string[]>, allowances: readonly Allowance[]): string[] {
  const unneeded: string[] = [];
  for (const { name, policy } of policies) {
    for (const statement of policy.Statement) {
      if (statement.Effect !== 'Allow') continue;
      const resources = listOf(statement.Resource);
      for (const action of listOf(statement.Action)) {
        const allowed = allowances.some((a) => a.actions.includes(action) && resources.every((r) => a.resources.includes(r)));
        if (!called.has(action) && !allowed) unneeded.push(`${action} on ${resources.join(', ')} (${name})`);
      }
    }
  }
  return unneeded;
}

/** Statements that grant with wildcards in actions, or that use NotAction or NotResource. */
export function wildcardGrants(policies: Policies): string[] {
  return policies.flatMap(({ name, policy }) =>
    policy.Statement.filter((statement) => statement.Effect === 'Allow').flatMap((statement) => [
      ...listOf(statement.Action)
        .filter((action) => /[*?]/.test(action))
        .map((action) => `${action} (${name})`),
      ...(statement.NotAction === undefined ? [] : [`NotAction ${JSON.stringify(statement.NotAction)} (${name})`]),
      ...(statement.NotResource === undefined ? [] : [`NotResource ${JSON.stringify(statement.NotResource)} (${name})`]),
    ]),
  );
}

/** Every action an Allow statement grants on `*`. */
export function actionsOnStar(policies: Policies): string[] {
  return policies.flatMap(({ policy }) =>
    policy.Statement.filter((statement) => statement.Effect === 'Allow' && listOf(statement.Resource).includes('*')).flatMap((statement) =>
      listOf(statement.Action),
    ),
  );
}
