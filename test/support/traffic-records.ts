// Lambda and ECS deployment records for tests that write them straight to the store or hand them to pure functions:
// an InProgress deployment of app/group with nothing shifted yet, whatever `overrides` changes.
import type { DeploymentBase, EcsDeployment, LambdaDeployment, TrafficShiftState } from '../../functions/core/types';
import type { Store } from '../../functions/ports';

type Common = Omit<DeploymentBase, 'deploymentConfigName'> & Pick<TrafficShiftState, 'shiftsDone' | 'trafficShifts'>;

function common(deploymentId: string): Common & { revision: LambdaDeployment['revision'] } {
  return {
    deploymentId,
    applicationName: 'app',
    deploymentGroupName: 'group',
    deploymentGroupId: 'g',
    status: 'InProgress',
    creator: 'user',
    createTime: '2026-01-01T00:00:00.000Z',
    revision: { revisionType: 'AppSpecContent', appSpecContent: { content: '', sha256: '' } },
    deploymentOverview: { Pending: 0, InProgress: 1, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 },
    shiftsDone: 0,
    trafficShifts: [],
  };
}

export function lambdaRecord(fields: Pick<LambdaDeployment, 'deploymentId' | 'appSpec' | 'schedule' | 'deploymentConfigName'> & Partial<LambdaDeployment>): LambdaDeployment {
  return { ...common(fields.deploymentId), computePlatform: 'Lambda', lifecycleEventNames: ['BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'], ...fields };
}

export function ecsRecord(
  fields: Pick<EcsDeployment, 'deploymentId' | 'appSpec' | 'schedule' | 'deploymentConfigName' | 'targetGroupPair'> & Partial<EcsDeployment>,
): EcsDeployment {
  return {
    ...common(fields.deploymentId),
    computePlatform: 'ECS',
    service: { clusterName: 'main', serviceName: 'web' },
    terminationWaitMinutes: 0,
    lifecycleEventNames: [],
    ...fields,
  };
}

/** The record and the group it names, as steps that load both need them. */
export async function storeWithGroup(store: Store, deployment: LambdaDeployment | EcsDeployment): Promise<void> {
  const { applicationName, deploymentGroupName, deploymentGroupId, deploymentConfigName, computePlatform } = deployment;
  await store.putDeploymentGroup({ applicationName, deploymentGroupName, deploymentGroupId, deploymentConfigName, computePlatform });
  await store.createDeployment(deployment);
}
