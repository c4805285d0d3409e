// In-place deployments behind a load balancer: the 13-event order, the previous revision's block-traffic hooks,
// and hosts taken out of the (simulated) target group while they change.
import * as path from 'node:path';
import { SCRIPTABLE_EVENTS } from '../../functions/core/types';
import { deployLocally, type LocalDeployRequest } from '../../lib/cli/local-deploy';
import { readLines, writeBundle } from '../support/bundles';
import { deployRequest } from '../support/deploy-requests';
import { type Harness, openHarness } from '../support/local-runtime-harness';

const HOSTS = ['host-1', 'host-2', 'host-3', 'host-4'];

/** Every scriptable hook logs "<event> <label> <in|out>": whether the host is registered with web-tg right then. */
function bundle(h: Harness, label: string, failHost = ''): string {
  const hooks = SCRIPTABLE_EVENTS.map((e) => `  ${e}:\n    - location: scripts/hook.sh\n`).join('');
  const script = [
    '#!/bin/sh',
    'tg="$CUTOVER_HOST_ROOT/../../load-balancers/web-tg.json"',
    'if [ -f "$tg" ] && grep -q "\\"$CUTOVER_TARGET_ID\\"" "$tg"; then where=in; else where=out; fi',
    `echo "$LIFECYCLE_EVENT ${label} $where" >> "$CUTOVER_HOST_ROOT/events.log"`,
    `if [ "$CUTOVER_TARGET_ID" = "${failHost}" ] && [ "$LIFECYCLE_EVENT" = ValidateService ]; then exit 1; fi`,
    'exit 0',
  ].join('\n');
  return writeBundle(path.join(h.dir, label), {
    appspec: `version: 0.0\nos: linux\nhooks:\n${hooks}`,
    files: { 'scripts/hook.sh': `${script}\n` },
  });
}

function request(source: string): LocalDeployRequest {
  return deployRequest(source, { deploymentGroupName: 'web', hosts: HOSTS, loadBalancers: ['web-tg'], deploymentConfigName: 'CodeDeployDefault.HalfAtATime' });
}

describe('server in-place flow behind a load balancer', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(async () => {
    await h.runtime.close();
  });

  it('runs the 13 events in order, with the block-traffic hooks of the previous revision and hosts out of the target group while they change', async () => {
    const first = await deployLocally(h.runtime, request(bundle(h, 'v1')));
    expect(first.status).toBe('Succeeded');
    expect(first.lifecycleEventNames).toEqual([
      'BeforeBlockTraffic',
      'BlockTraffic',
      'AfterBlockTraffic',
      'ApplicationStop',
      'DownloadBundle',
      'BeforeInstall',
      'Install',
      'AfterInstall',
      'ApplicationStart',
      'ValidateService',
      'BeforeAllowTraffic',
      'AllowTraffic',
      'AfterAllowTraffic',
    ]);
    expect(h.runtime.loadBalancers.registered('web-tg')).toEqual(HOSTS);

    const second = await deployLocally(h.runtime, request(bundle(h, 'v2')));
    expect(second.status).toBe('Succeeded');
    expect(readLines(path.join(h.hostRoot('host-3'), 'events.log')).slice(6)).toEqual([
      'BeforeBlockTraffic v1 in',
      'AfterBlockTraffic v1 out',
      'ApplicationStop v1 out',
      'BeforeInstall v2 out',
      'AfterInstall v2 out',
      'ApplicationStart v2 out',
      'ValidateService v2 out',
      'BeforeAllowTraffic v2 out',
      'AfterAllowTraffic v2 in',
    ]);
    expect(h.runtime.loadBalancers.registered('web-tg')).toEqual(HOSTS);
  });

  it('leaves a host that failed out of the target group', async () => {
    await deployLocally(h.runtime, request(bundle(h, 'v1')));
    const view = await deployLocally(h.runtime, request(bundle(h, 'v2', 'host-2')));
    expect(view.status).toBe('Succeeded');
    const failed = view.targets.find((t) => t.targetId === 'host-2')!;
    expect(failed.status).toBe('Failed');
    expect(failed.lifecycleEvents.slice(-3).map((e) => e.status)).toEqual(['Skipped', 'Skipped', 'Skipped']);
    expect(h.runtime.loadBalancers.registered('web-tg')).toEqual(['host-1', 'host-3', 'host-4']);
  });
});
