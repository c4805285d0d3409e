// CreateDeployment for a Lambda or ECS application: the appspec comes inline (CodeDeploy's AppSpecContent revision)
// or is read from a file by the caller, and is kept inline on the record, so a later look at the deployment, or a
// redeploy of it, needs nothing else. Everything is checked before the lock; lock and launch are the Server path's.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseEcsAppSpec, parseLambdaAppSpec } from '../../core/appspec';
import { isDeploymentId } from '../../core/deployment-ids';
import { ECS_LIFECYCLE_EVENTS } from '../../core/ecs-traffic';
import { NotFoundError, ValidationError } from '../../core/errors';
import { shown } from '../../core/input-messages';
import { LAMBDA_LIFECYCLE_EVENTS } from '../../core/lambda-traffic';
import { trafficSchedule } from '../../core/traffic-schedule';
import type { AppSpecContentRevision, DeploymentBase, DeploymentGroup, EcsDeployment, TrafficDeployment, TrafficShiftState } from '../../core/types';
import type { StepDependencies } from '../../ports';
import { admit, commonDeploymentOptions, newDeploymentBase } from '../create-deployment';
import { resolveTrafficConfig } from '../deployment-config-lookup';
import { parseStepInput } from '../step-inputs';

/** CodeDeploy's defaults for Lambda and ECS deployment groups. */
export const DEFAULT_TRAFFIC_CONFIG_NAMES = { Lambda: 'CodeDeployDefault.LambdaAllAtOnce', ECS: 'CodeDeployDefault.ECSAllAtOnce' } as const;

const createTrafficDeploymentOptions = z
  .object({
    ...commonDeploymentOptions,
    /** The appspec's text, YAML or JSON. */
    appSpecContent: z.string().min(1).max(512 * 1024),
    /** Where the text came from, for error messages (a file path, or `revision.appSpecContent.content`). */
    appSpecSource: z.string().optional(),
    deploymentId: z.string().optional(),
  })
  .strict();

export type CreateTrafficDeploymentRequest = z.input<typeof createTrafficDeploymentOptions>;
type Options = z.output<typeof createTrafficDeploymentOptions>;

export async function createTrafficDeployment(deps: StepDependencies, request: CreateTrafficDeploymentRequest): Promise<TrafficDeployment> {
  const options = parseStepInput(createTrafficDeploymentOptions, request, 'create-deployment');
  if (options.deploymentId !== undefined && !isDeploymentId(options.deploymentId)) {
    throw new ValidationError([{ field: 'deploymentId', message: `must look like d-AB1CDEF23 (got ${shown(options.deploymentId)})` }]);
  }
  const group = await deps.store.getDeploymentGroup(options.applicationName, options.deploymentGroupName);
  if (!group) throw new NotFoundError('Deployment group', `${options.applicationName}/${options.deploymentGroupName}`);
  const platform = group.computePlatform;
  if (platform === 'Server') {
    throw new ValidationError([
      { field: 'deploymentGroupName', message: `${group.deploymentGroupName} deploys to hosts (Server); its deployments take a bundle revision, not an appspec alone` },
    ]);
  }
  if (!(platform === 'Lambda' ? deps.aliases : deps.ecs)) {
    throw new ValidationError([{ field: 'applicationName', message: `this installation has no ${platform} adapter; ${platform} deployments cannot run here` }]);
  }
  const configName = options.deploymentConfigName ?? group.deploymentConfigName ?? DEFAULT_TRAFFIC_CONFIG_NAMES[platform];
  const config = await resolveTrafficConfig(deps.store, configName, platform);
  const base = { ...commonFields(deps, group, options, configName), schedule: trafficSchedule(config), shiftsDone: 0, trafficShifts: [] };
  const deployment: TrafficDeployment =
    platform === 'Lambda'
      ? {
          ...base,
          computePlatform: 'Lambda',
          appSpec: parseLambdaAppSpec(options.appSpecContent, options.appSpecSource),
          lifecycleEventNames: LAMBDA_LIFECYCLE_EVENTS,
        }
      : ecsDeploymentOf(group, base, options);
  return admit(deps, group, deployment);
}

type CommonFields = Omit<DeploymentBase, 'computePlatform'> & { readonly revision: AppSpecContentRevision; readonly previousRevision: DeploymentGroup['targetRevision'] };

function commonFields(deps: StepDependencies, group: DeploymentGroup, options: Options, configName: string): CommonFields {
  return {
    ...newDeploymentBase(deps, group, { ...options, deploymentConfigName: configName, creator: 'user' }),
    revision: {
      revisionType: 'AppSpecContent',
      appSpecContent: { content: options.appSpecContent, sha256: createHash('sha256').update(options.appSpecContent).digest('hex') },
    },
  };
}

/** The group names the service and the target groups; the appspec, the task definition and container. */
function ecsDeploymentOf(group: DeploymentGroup, base: CommonFields & TrafficShiftState, options: Options): EcsDeployment {
  const services = group.ecsServices ?? [];
  const pairs = group.loadBalancerInfo?.targetGroupPairInfoList ?? [];
  const problems = [
    ...(services.length === 1 ? [] : [{ field: 'ecsServices', message: `deployment group ${group.deploymentGroupName} must name exactly one ECS service (it names ${services.length})` }]),
    ...(pairs.length === 1 && pairs[0].targetGroups.length === 2 && pairs[0].prodTrafficRoute.listenerArns.length > 0
      ? []
      : [{ field: 'loadBalancerInfo.targetGroupPairInfoList', message: `deployment group ${group.deploymentGroupName} must name one pair of two target groups with a production listener` }]),
  ];
  if (problems.length > 0) throw new ValidationError(problems);
  return {
    ...base,
    computePlatform: 'ECS',
    appSpec: parseEcsAppSpec(options.appSpecContent, options.appSpecSource),
    service: services[0],
    targetGroupPair: pairs[0],
    terminationWaitMinutes: group.blueGreenDeploymentConfiguration?.terminateBlueInstancesOnDeploymentSuccess?.terminationWaitTimeInMinutes ?? 0,
    lifecycleEventNames: ECS_LIFECYCLE_EVENTS,
  };
}
