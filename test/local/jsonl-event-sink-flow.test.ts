// The events a real deployment publishes, through the steps on the embedded runtime, as events.jsonl records them.
// The sink is added with `decorate` and writes to a folder of its own, so this holds whatever the runtime installs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deployLocally } from '../../lib/cli/local-deploy';
import { FanoutEventSink } from '../../lib/local/fanout-event-sink';
import { JsonlEventSink } from '../../lib/local/jsonl-event-sink';
import { loggingBundle, tempDir } from '../support/bundles';
import { deployRequest } from '../support/deploy-requests';
import { type Harness, openHarness } from '../support/local-runtime-harness';

const HOSTS = ['host-1', 'host-2', 'host-3'];

describe('events.jsonl of a deployment that fails and rolls back', () => {
  let h: Harness;
  let eventsDir: string;

  beforeEach(async () => {
    eventsDir = tempDir('events');
    h = await openHarness({
      decorate: (deps) => ({
        ...deps,
        events: new FanoutEventSink(deps.events, new JsonlEventSink({ stateDir: eventsDir, deployments: (id) => deps.store.getDeployment(id) })),
      }),
    });
  });

  afterEach(async () => {
    await h.runtime.close();
    fs.rmSync(eventsDir, { recursive: true, force: true });
  });

  it('has one START and one end per deployment and per host touched, and no second FAILURE for the rollback', async () => {
    const good = await deployLocally(h.runtime, deployRequest(loggingBundle(path.join(h.dir, 'v1'), 'v1'), { hosts: HOSTS }));
    fs.rmSync(eventsDir, { recursive: true, force: true });
    const bad = loggingBundle(path.join(h.dir, 'v2'), 'v2', { host: 'host-2' });
    const failed = await deployLocally(
      h.runtime,
      deployRequest(bad, { hosts: HOSTS, autoRollback: true, deploymentConfigName: 'CodeDeployDefault.OneAtATime' }),
    );
    const rollbackId = failed.rollbackInfo!.rollbackDeploymentId!;

    const names = { [good.deploymentId]: 'good', [failed.deploymentId]: 'failed', [rollbackId]: 'rollback' };
    const events = fs
      .readFileSync(path.join(eventsDir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { Source: string; DetailType: string; Detail: string });
    const summary = events.map(({ DetailType, Detail }) => {
      const detail = JSON.parse(Detail) as { deploymentId: string; state: string; instanceId?: string };
      const who = DetailType === 'Cutover Instance State-change Notification' ? `${names[detail.deploymentId]}/${detail.instanceId}` : names[detail.deploymentId];
      return `${who} ${detail.state}`;
    });

    expect(new Set(events.map((e) => e.Source))).toEqual(new Set(['cutover']));
    expect(summary).toEqual([
      'failed START',
      'failed/host-1 START',
      'failed/host-1 SUCCESS',
      'failed/host-2 START',
      'failed/host-2 FAILURE',
      'failed FAILURE',
      'rollback START',
      // The host the failed deployment left unhealthy goes first, as CodeDeploy orders them; host-3 was skipped.
      'rollback/host-2 START',
      'rollback/host-2 SUCCESS',
      'rollback/host-1 START',
      'rollback/host-1 SUCCESS',
      'rollback/host-3 START',
      'rollback/host-3 SUCCESS',
      'rollback SUCCESS',
    ]);
    expect(JSON.parse(events[6].Detail)).toMatchObject({ creator: 'codeDeployRollback', rollbackTriggeringDeploymentId: failed.deploymentId });
    expect(JSON.parse(events[5].Detail)).toMatchObject({ errorInformation: { code: 'HEALTH_CONSTRAINTS' } });
  });
});
