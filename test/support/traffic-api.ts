// What API tests of Lambda and ECS deployments share: reading a deployment as GetDeployment shows it, reporting a hook
// status and continuing through the routes, what a succeeded traffic deployment shows and records whatever its
// platform, and stopping whatever a failed test left running so the runtime can close.
import type { ApiAnswer, ApiCall } from './api-client';
import { appSpecContentRevision } from './lambda-api';
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
  /** A second status for a hook execution of the succeeded deployment is refused, and the deployment stays Succeeded. */
  expectSecondStatusRefused(h: Harness, deploymentId: string, executionId: string, status: string): Promise<void>;
  /** ListDeployments lists the deployment as the group's one Succeeded, and the group records it and its appspec. */
  expectRecordedSuccess(applicationName: string, deploymentGroupName: string, deploymentId: string, content: string): Promise<void>;
  /** StopDeployment of every deployment still running: one a failed test left waiting would keep close() waiting. */
  stopRunning(h: Harness): Promise<void>;
}

export function trafficApi(call: ApiCall): TrafficApi {
  const hookStatus = (deploymentId: string, executionId: string, status: string) =>
    call('POST', `/deployments/${deploymentId}/lifecycle-hook-executions/${executionId}`, { status });
  return {
    async info(deploymentId) {
      const got = await call('GET', `/deployments/${deploymentId}`);
      expect(got.status).toBe(200);
      return got.body?.deploymentInfo as Json;
    },
    hookStatus,
    continueWith: (deploymentId, body) => call('POST', `/deployments/${deploymentId}/continue`, body),
    async expectSecondStatusRefused(h, deploymentId, executionId, status) {
      expect(await hookStatus(deploymentId, executionId, status)).toEqual({
        status: 400,
        body: { code: 'LifecycleEventAlreadyCompleted', message: expect.stringContaining('already has a status'), field: 'lifecycleEventHookExecutionId' },
      });
      expect((await h.runtime.store.getDeployment(deploymentId))?.status).toBe('Succeeded');
    },
    async expectRecordedSuccess(applicationName, deploymentGroupName, deploymentId, content) {
      expect(await call('GET', '/deployments', undefined, { applicationName, deploymentGroupName, includeOnlyStatuses: 'Succeeded' })).toEqual({
        status: 200,
        body: { deployments: [deploymentId] },
      });
      const group = await call('GET', `/applications/${applicationName}/deployment-groups/${deploymentGroupName}`);
      expect(group.body?.deploymentGroupInfo).toMatchObject({
        targetRevision: appSpecContentRevision(content),
        lastSuccessfulDeployment: { deploymentId, status: 'Succeeded' },
      });
    },
    async stopRunning(h) {
      for (const running of await h.runtime.store.listDeployments({ statuses: ['Created', 'InProgress'] })) {
        await call('POST', `/deployments/${running.deploymentId}/stop`, {});
      }
    },
  };
}
