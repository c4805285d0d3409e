import { deploymentOverview } from '../../functions/core/deployment-overview';
import type { DeploymentOverview, TargetStatus } from '../../functions/core/types';

const zero: DeploymentOverview = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };

describe('deploymentOverview', () => {
  it.each<[string, TargetStatus[], Partial<DeploymentOverview>]>([
    ['no targets', [], {}],
    ['all pending', ['Pending', 'Pending', 'Pending'], { Pending: 3 }],
    ['a batch in flight', ['Succeeded', 'InProgress', 'InProgress', 'Pending'], { Succeeded: 1, InProgress: 2, Pending: 1 }],
    ['health-constraints stop', ['Succeeded', 'Failed', 'Skipped', 'Skipped'], { Succeeded: 1, Failed: 1, Skipped: 2 }],
    ['Ready counted', ['Ready', 'Ready', 'Succeeded'], { Ready: 2, Succeeded: 1 }],
    ['Unknown counts nowhere', ['Unknown', 'Unknown', 'Failed'], { Failed: 1 }],
    ['every status once', ['Pending', 'InProgress', 'Succeeded', 'Failed', 'Skipped', 'Unknown', 'Ready'], { Pending: 1, InProgress: 1, Succeeded: 1, Failed: 1, Skipped: 1, Ready: 1 }],
  ])('%s', (_label, statuses, counts) => {
    expect(deploymentOverview(statuses.map((status) => ({ status })))).toEqual({ ...zero, ...counts });
  });

  it('returns a new object each call', () => {
    const first = deploymentOverview([{ status: 'Pending' }]);
    first.Pending = 99;
    expect(deploymentOverview([{ status: 'Pending' }]).Pending).toBe(1);
  });
});
