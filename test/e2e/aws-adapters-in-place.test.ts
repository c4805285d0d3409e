// Acceptance: a whole in-place deployment runs through the AWS adapters, their SDK clients pointed at loopback
// stand-ins of SSM, EventBridge, Step Functions, S3 and DynamoDB that execute on local hosts, and ends exactly as the
// same request does on the embedded runtime.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isTerminalStatus } from '../../functions/aws/ssm-command-report';
import { orderTargets } from '../../functions/core/batch-planning';
import type { LocalDeployRequest } from '../../lib/cli/local-deploy';
import { loggingBundle, readLines, tempDir } from '../support/bundles';
import { deployRequest } from '../support/deploy-requests';
import type { BusEvent } from '../support/standins/eventbridge-standin';
import { deployOnAws } from './aws-deploy';
import { type DeploymentOutcome, deploymentOutcome } from './deployment-outcome';
import { deployEmbedded } from './embedded-deploy';
import { type LoopbackAws, startLoopbackAws } from './loopback-aws';

const IN_PLACE_HOOKS = ['BeforeInstall v1', 'AfterInstall v1', 'ApplicationStart v1', 'ValidateService v1'];

/** Fresh SSM managed-instance ids, in the order a deployment takes healthy hosts. */
function managedInstanceIds(count: number): string[] {
  const ids = Array.from({ length: count }, () => `mi-${randomBytes(9).toString('hex').slice(0, 17)}`);
  return orderTargets(ids.map((targetId) => ({ targetId, initiallyHealthy: true, revisionHealth: 'Unknown' as const }))).map((t) => t.targetId);
}

function instanceOf(event: BusEvent): unknown {
  return event.detail['instance-id'];
}

describe('an in-place deployment through the AWS adapters on loopback stand-ins', () => {
  let aws: LoopbackAws;
  let bundles: string;

  beforeAll(async () => {
    aws = await startLoopbackAws();
    bundles = tempDir('e2e-bundles');
  });

  afterEach(() => {
    aws.bus.copies = () => 1;
    aws.sfn.tokenTimeoutScale = 1;
  });

  afterAll(async () => {
    await aws?.close();
    if (bundles) fs.rmSync(bundles, { recursive: true, force: true });
  });

  /** Runs `request` on the stand-ins, then on the embedded runtime; both outcomes, hosts in request order. */
  async function deployBoth(request: LocalDeployRequest): Promise<{ onAws: DeploymentOutcome; embedded: DeploymentOutcome }> {
    const hosts = request.hosts ?? [];
    aws.addHosts(hosts);
    const onAws = deploymentOutcome(await deployOnAws(aws, request), hosts, aws.hostRoot);
    const embedded = await deployEmbedded(request);
    expect(embedded.failedReports).toEqual([]);
    expect(aws.bus.failedDeliveries).toEqual([]);
    // A failed deployment still ends its execution normally, through FinishDeployment.
    expect(aws.sfn.outcomes().filter((e) => e.outcome?.status !== 'SUCCEEDED')).toEqual([]);
    return { onAws, embedded: embedded.outcome };
  }

  it('succeeds with HalfAtATime as on the embedded runtime, with every status event of one host delivered twice', async () => {
    const hosts = managedInstanceIds(4);
    const bundle = loggingBundle(path.join(bundles, 'half'), 'v1');
    aws.bus.copies = (event) => (instanceOf(event) === hosts[1] ? 2 : 1);

    const { onAws, embedded } = await deployBoth(
      deployRequest(bundle, { deploymentGroupName: 'half-at-a-time', hosts, deploymentConfigName: 'CodeDeployDefault.HalfAtATime' }),
    );

    expect(onAws).toEqual(embedded);
    expect(onAws.status).toBe('Succeeded');
    expect(onAws.hosts.map((host) => host.batchNumber)).toEqual([1, 1, 2, 2]);
    for (const host of hosts) {
      expect(fs.readFileSync(path.join(aws.hostRoot(host), 'srv/app/VERSION'), 'utf8')).toBe('v1\n');
      expect(readLines(path.join(aws.hostRoot(host), 'events.log'))).toEqual(IN_PLACE_HOOKS);
    }
    const ssmEvents = aws.bus.matched.filter((m) => m.rule === 'SsmStatus');
    expect(ssmEvents.filter((m) => instanceOf(m.event) === hosts[1]).every((m) => m.copies === 2)).toBe(true);
    // The stack's rule let only finished invocations through: SSM's InProgress events never reached the handler.
    expect(ssmEvents.every((m) => isTerminalStatus(String(m.event.detail.status)))).toBe(true);
    // Cutover put the deployment's own state changes on its bus, in CodeDeploy's shape, START before SUCCESS.
    const deploymentStates = aws.bus.matched
      .filter((m) => m.rule === 'CutoverEvents' && m.event['detail-type'] === 'Cutover Deployment State-change Notification')
      .filter((m) => m.event.detail.deploymentGroup === 'half-at-a-time')
      .map((m) => m.event.detail.state);
    expect(deploymentStates).toEqual(['START', 'SUCCESS']);
    const instanceStates = aws.bus.matched.filter(
      (m) => m.rule === 'CutoverEvents' && m.event['detail-type'] === 'Cutover Instance State-change Notification' && m.event.detail.instanceId === hosts[0],
    );
    expect(instanceStates.map((m) => m.event.detail.state)).toEqual(['START', 'SUCCESS']);
    // Each host downloaded the bundle itself, through the presigned URL of the S3 revision.
    const downloads = aws.s3.requests.filter((r) => r.presigned && r.method === 'GET' && r.path.endsWith('half-at-a-time/bundle.tar'));
    expect(downloads).toHaveLength(hosts.length);
  });

  it('fails with HEALTH_CONSTRAINTS under OneAtATime when ValidateService fails on one host, as on the embedded runtime', async () => {
    const hosts = managedInstanceIds(4);
    const bundle = loggingBundle(path.join(bundles, 'one'), 'v1', { host: hosts[1], event: 'ValidateService' });

    const { onAws, embedded } = await deployBoth(
      deployRequest(bundle, { deploymentGroupName: 'one-at-a-time', hosts, deploymentConfigName: 'CodeDeployDefault.OneAtATime' }),
    );

    expect(onAws).toEqual(embedded);
    expect(onAws).toMatchObject({ status: 'Failed', errorCode: 'HEALTH_CONSTRAINTS' });
    expect(onAws.hosts.map((host) => host.status)).toEqual(['Succeeded', 'Failed', 'Skipped', 'Skipped']);
    const validate = onAws.hosts[1].events.find((event) => event.name === 'ValidateService');
    expect(validate).toMatchObject({ status: 'Failed', errorCode: 'ScriptFailed', scriptName: 'scripts/hook.sh' });
  });

  it('completes through the safety check when a host status event is lost, as the embedded runtime does without losing it', async () => {
    const hosts = managedInstanceIds(3);
    const bundle = loggingBundle(path.join(bundles, 'lost'), 'v1');
    // 4,500 s of event limit pass in 4.5 s: long beside a hook of these bundles, short beside the test's budget.
    aws.sfn.tokenTimeoutScale = 1000;
    let lost = false;
    aws.bus.copies = (event) => {
      if (lost || instanceOf(event) !== hosts[2]) return 1;
      lost = true;
      return 0;
    };

    const { onAws, embedded } = await deployBoth(
      deployRequest(bundle, { deploymentGroupName: 'lost-event', hosts, deploymentConfigName: 'CodeDeployDefault.AllAtOnce' }),
    );

    expect(aws.bus.matched.filter((m) => m.copies === 0).map((m) => instanceOf(m.event))).toEqual([hosts[2]]);
    expect(onAws).toEqual(embedded);
    expect(onAws.status).toBe('Succeeded');
  });

  it('fails a host whose SSM Agent lost its connection at once, naming ConnectionLost, and sends it nothing', async () => {
    const hosts = managedInstanceIds(3);
    const [offline] = hosts.slice(-1);
    aws.addHosts(hosts.slice(0, -1));
    aws.addHosts([offline], 'ConnectionLost');
    const bundle = loggingBundle(path.join(bundles, 'offline'), 'v1');

    const view = await deployOnAws(
      aws,
      deployRequest(bundle, { deploymentGroupName: 'connection-lost', hosts, deploymentConfigName: 'CodeDeployDefault.AllAtOnce' }),
    );

    // Ending at all says "at once": the event's own limit is 4,500 s, far beyond what deployOnAws waits.
    const outcome = deploymentOutcome(view, hosts, aws.hostRoot);
    // AllAtOnce needs one healthy host.
    expect(outcome.status).toBe('Succeeded');
    expect(outcome.hosts.map((host) => host.status)).toEqual(['Succeeded', 'Succeeded', 'Failed']);
    const failed = outcome.hosts[2].events.find((event) => event.status === 'Failed');
    expect(failed).toMatchObject({ name: 'DownloadBundle', errorCode: 'UnknownError' });
    expect(failed?.message).toContain('ConnectionLost');
    expect(failed?.message).toContain(offline);
    expect(aws.ssm.commandsSentTo(offline)).toEqual([]);
  });
});
