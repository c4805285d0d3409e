import { hostPaths } from '../../../functions/core/host-script';
import { validationError } from './host-fixture';

describe('hostPaths', () => {
  const paths = hostPaths('0b5c3f5e-1111-4222-8333-944445555666', 'd-AB12CD34E');
  const dir = '/opt/cutover/deployment-root/0b5c3f5e-1111-4222-8333-944445555666/d-AB12CD34E';

  it.each([
    ['deploymentRoot', '/opt/cutover/deployment-root'],
    ['deploymentDir', dir],
    ['archiveDir', `${dir}/deployment-archive`],
    ['bundleFile', `${dir}/bundle.tar`],
    ['logFile', `${dir}/logs/scripts.log`],
    ['instructionsDir', '/opt/cutover/deployment-instructions'],
    ['cleanupFile', '/opt/cutover/deployment-instructions/0b5c3f5e-1111-4222-8333-944445555666-cleanup'],
  ] as const)('%s is %s', (key, expected) => {
    expect(paths[key]).toBe(expected);
  });

  it.each([
    ['deploymentGroupId', '', 'd-1'],
    ['deploymentGroupId', '../etc', 'd-1'],
    ['deploymentGroupId', 'a/b', 'd-1'],
    ['deploymentGroupId', '..', 'd-1'],
    ['deploymentId', 'g', '.'],
    ['deploymentId', 'g', '$(touch MARK)'],
    ['deploymentId', 'g', 'd 1'],
    ['deploymentId', 'g', '-rf'],
    ['deploymentId', 'g', 'd-1\n'],
  ])('rejects a %s that is not one safe path segment (%j, %j)', (field, groupId, deploymentId) => {
    expect(validationError(() => hostPaths(groupId, deploymentId))?.problems[0]?.field).toBe(field);
  });
});
