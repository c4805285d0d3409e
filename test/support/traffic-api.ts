// What API tests of Lambda and ECS deployments share: reading a deployment as GetDeployment shows it, reporting a hook
// status and continuing through the routes, what a succeeded traffic deployment shows whatever its platform, and
// stopping whatever a failed test left running so the runtime can close.
import type { ApiAnswer, ApiCall } from './api-client';
import type { Harness } from './local-runtime-harness';

type Json = Record<string, unknown>;

export const ISO_TIME = /^\d{4}-\d\d-\d\dT/;

/** The DeploymentInfo fields of a Lambda or ECS deployment that succeeded on its one target. */
export const SUCCEEDED_TRAFFIC_INFO = {
  status: 'Succeeded',
  createTime: expect.stringMatching(ISO_TIME),
  startTime: expect.stringMatching(ISO_TIME),
  completeTime: expect.stringMatching(ISO_TIME),
  deploymentOverview: { Pending: 0, InProgress: 0, Succeeded: 1, Failed: 0, Skipped: 0, Ready: 0 },
  creator: 'user',
  deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
};

export interface TrafficApi {
  /** GetDeployment's deploymentInfo; the answer must be 200. */
  info(deploymentId: string): Promise<Json>;
  hookStatus(deploymentId: string, executionId: string, status: string): Promise<ApiAnswer>;
  continueWith(deploymentId: string, body: Json): Promise<ApiAnswer>;
  /** StopDeployment of every deployment still running: one a failed test left waiting would keep close() waiting. */
  stopRunning(h: Harness): Promise<void>;
}

export function trafficApi(call: ApiCall): TrafficApi {
  return {
    async info(deploymentId) {
      const got = await call('GET', `/deployments/${deploymentId}`);
      expect(got.status).toBe(200);
      return got.body?.deploymentInfo as Json;
    },
    hookStatus: (deploymentId, executionId, status) => call('POST', `/deployments/${deploymentId}/lifecycle-hook-executions/${executionId}`, { status }),
    continueWith: (deploymentId, body) => call('POST', `/deployments/${deploymentId}/continue`, body),
    async stopRunning(h) {
      for (const running of await h.runtime.store.listDeployments({ statuses: ['Created', 'InProgress'] })) {
        await call('POST', `/deployments/${running.deploymentId}/stop`, {});
      }
    },
  };
}
