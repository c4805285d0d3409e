// The deploy request flow tests start from: application 'app', group 'group', no rollback, stop failures count.
import type { LocalDeployRequest } from '../../lib/cli/local-deploy';

export function deployRequest(bundle: string, overrides: Partial<LocalDeployRequest> = {}): LocalDeployRequest {
  return {
    bundle,
    applicationName: 'app',
    deploymentGroupName: 'group',
    autoRollback: false,
    ignoreApplicationStopFailures: false,
    ...overrides,
  };
}
