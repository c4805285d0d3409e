// CreateDeployment in a Lambda or ECS application: the appspec comes inline (CodeDeploy's AppSpecContent revision), so
// nothing is downloaded; its resources name the alias to shift or the task definition to run. Bundles, and the
// settings that only mean something for hosts, are refused by field.
import { AppSpecError, ValidationError } from '../core/errors';
import type { TrafficDeployment } from '../core/types';
import { createTrafficDeployment } from '../steps/traffic/create-traffic-deployment';
import type { ApiContext } from './api-context';
import { invalidAppSpec } from './api-errors';
import type { CreateDeploymentBody, DeploymentCreation } from './deployment-creation';
import { checkConfigPlatform } from './deployment-group-settings';

const CONTENT_FIELD = 'revision.appSpecContent.content';

// Fields of the request that only Server deployments use.
const SERVER_ONLY_FIELDS = ['ignoreApplicationStopFailures', 'fileExistsBehavior'] as const satisfies readonly (keyof CreateDeploymentBody)[];

/** Checks the request now (before any client token is claimed) and returns what creates the deployment. */
export function trafficDeploymentCreation({ deps }: ApiContext, platform: TrafficDeployment['computePlatform'], body: CreateDeploymentBody): DeploymentCreation {
  const { revision } = body;
  if (revision.revisionType !== 'AppSpecContent') {
    const message =
      `is '${revision.revisionType}', a bundle for hosts; application '${body.applicationName}' deploys to ${platform}, whose deployments ` +
      "take their appspec inline: send {revisionType: 'AppSpecContent', appSpecContent: {content}}";
    throw new ValidationError([{ field: 'revision.revisionType', message }]);
  }
  const problems = SERVER_ONLY_FIELDS.filter((field) => body[field] !== undefined).map((field) => ({
    field,
    message: `applies to Server deployments only; application '${body.applicationName}' deploys to ${platform}`,
  }));
  if (problems.length > 0) throw new ValidationError(problems);

  const { applicationName, deploymentGroupName, deploymentConfigName, description, autoRollbackConfiguration, overrideAlarmConfiguration, concurrencyPolicy } = body;
  return async (deploymentId) => {
    // createTrafficDeployment reports a custom Server config as missing (404); it is named for what it is here (400).
    if (deploymentConfigName !== undefined) await checkConfigPlatform(deps.store, platform, deploymentConfigName);
    try {
      await createTrafficDeployment(deps, {
        applicationName,
        deploymentGroupName,
        deploymentConfigName,
        description,
        autoRollbackConfiguration,
        overrideAlarmConfiguration,
        concurrencyPolicy,
        appSpecContent: revision.appSpecContent.content,
        appSpecSource: CONTENT_FIELD,
        deploymentId,
      });
    } catch (error) {
      if (!(error instanceof AppSpecError)) throw error;
      throw invalidAppSpec(error, "The revision's appspec cannot be deployed", CONTENT_FIELD);
    }
  };
}
