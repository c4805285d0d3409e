// What API tests of Lambda deployments share: a simulated function whose alias a deployment shifts, its appspec, hook
// functions that hand each invocation to the test (which then reports the status itself, through the API), and a
// wait for a deployment to reach a state.
import { createHash } from 'node:crypto';
import type { Deployment } from '../../functions/core/types';
import type { HookInvocation } from '../../functions/ports';
import type { LocalHookFunction } from '../../lib/local/local-runtime';
import { oneResourceAppSpec } from './appspec-text';
import type { Harness } from './local-runtime-harness';

/** Publishes versions 1 and 2 of `functionName` and points alias `live` at version 1 alone. */
export async function publishFunction(h: Harness, functionName: string): Promise<void> {
  await h.runtime.lambdaFunctions.publishVersions(functionName, ['1', '2']);
  await h.runtime.lambdaFunctions.createAlias(functionName, 'live', '1');
}

/** The appspec shifting `functionName`:live from version 1 to 2, with hook lines such as `BeforeAllowTraffic: fn`. */
export function lambdaAppSpec(functionName: string, hooks: readonly string[] = []): string {
  const properties = [`Name: ${functionName}`, 'Alias: live', 'CurrentVersion: "1"', 'TargetVersion: "2"'];
  return oneResourceAppSpec(functionName, 'AWS::Lambda::Function', properties, hooks);
}

/** CodeDeploy's AppSpecContent revision of `content`, with its SHA-256 unless `withSha256` is false. */
export function appSpecContentRevision(content: string, withSha256 = true): Record<string, unknown> {
  const sha256 = createHash('sha256').update(content).digest('hex');
  return { revisionType: 'AppSpecContent', appSpecContent: withSha256 ? { content, sha256 } : { content } };
}

/**
 * Hook functions that only take note of their invocation: the test answers it through
 * PutLifecycleEventHookExecutionStatus. Each hook runs once per deployment, so an invocation is found by the hook
 * function's name and the deployment id.
 */
export class HookInbox {
  private readonly deliveries = new Map<string, { promise: Promise<HookInvocation>; deliver: (event: HookInvocation) => void }>();

  /** For openHarness({hooks}). */
  public hooks(names: readonly string[]): Record<string, LocalHookFunction> {
    return Object.fromEntries(
      names.map((name): [string, LocalHookFunction] => [
        name,
        async (event) => {
          this.slot(name, event.DeploymentId).deliver(event);
        },
      ]),
    );
  }

  /** Resolves with the event the hook function received for the deployment, once it has been invoked. */
  public invocation(name: string, deploymentId: string): Promise<HookInvocation> {
    return this.slot(name, deploymentId).promise;
  }

  private slot(name: string, deploymentId: string) {
    const key = `${name} ${deploymentId}`;
    let slot = this.deliveries.get(key);
    if (!slot) {
      let deliver: (event: HookInvocation) => void = () => undefined;
      const promise = new Promise<HookInvocation>((resolve) => {
        deliver = resolve;
      });
      slot = { promise, deliver };
      this.deliveries.set(key, slot);
    }
    return slot;
  }
}

/** Reads the deployment until `reached` holds (the test's own timeout bounds the wait). */
export async function untilDeployment(h: Harness, deploymentId: string, reached: (deployment: Deployment) => boolean): Promise<Deployment> {
  for (;;) {
    const deployment = await h.runtime.store.getDeployment(deploymentId);
    if (deployment && reached(deployment)) return deployment;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
