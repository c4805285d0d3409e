// The ECS and ELBv2 stand-ins, held to the simulation they answer from: the AWS adapter (EcsTaskSetTraffic) speaking
// to them over the wire must see what the simulation's own port methods return, errors included, so that the
// end-to-end run tests the adapter and not a stand-in's idea of ECS.
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import * as fs from 'node:fs';
import { EcsTaskSetTraffic } from '../../functions/aws/ecs-task-set-traffic';
import { NotFoundError, ValidationError } from '../../functions/core/errors';
import type { CreateTaskSetInput } from '../../functions/ports';
import { LocalEcsServices } from '../../lib/local/local-ecs-services';
import { tempDir } from '../support/bundles';
import { EcsStandIn } from '../support/standins/ecs-standin';
import { Elbv2StandIn } from '../support/standins/elbv2-standin';

const TASK_DEFINITION = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1';
const CLIENT = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };

let dir: string;
let simulation: LocalEcsServices;
let ecs: EcsStandIn;
let elbv2: Elbv2StandIn;
let adapter: EcsTaskSetTraffic;
let prod: string;

beforeEach(async () => {
  dir = tempDir('ecs-standins');
  simulation = new LocalEcsServices({ stateDir: dir });
  await simulation.createTargetGroup('blue');
  await simulation.createTargetGroup('green');
  prod = await simulation.createListener('prod', 'blue');
  await simulation.createService({ cluster: 'main', service: 'web', desiredCount: 2, taskDefinition: TASK_DEFINITION, targetGroupName: 'blue', containerName: 'web', containerPort: 80 });
  ecs = await EcsStandIn.start({ simulation });
  elbv2 = await Elbv2StandIn.start({ simulation, stateDir: dir });
  adapter = new EcsTaskSetTraffic({
    ecs: new ECSClient({ ...CLIENT, endpoint: ecs.endpoint }),
    elbv2: new ElasticLoadBalancingV2Client({ ...CLIENT, endpoint: elbv2.endpoint }),
  });
});

afterEach(async () => {
  await ecs.close();
  await elbv2.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A replacement task set of web:2 behind `green`, as a deployment creates it. */
async function replacement(): Promise<CreateTaskSetInput> {
  return {
    cluster: 'main',
    service: 'web',
    taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2',
    containerName: 'web',
    containerPort: 80,
    targetGroupArn: await simulation.targetGroupArn('green'),
    externalId: 'd-ABCDEFGHI',
  };
}

describe('the ECS and ELBv2 stand-ins, through the AWS adapter', () => {
  it('find target groups by name, and answer TargetGroupNotFound for a name the simulation does not know', async () => {
    await expect(adapter.targetGroupArn('green')).resolves.toBe(await simulation.targetGroupArn('green'));
    await expect(adapter.targetGroupArn('purple')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('describe the service as the simulation does, and refuse one that does not exist', async () => {
    const expected = await simulation.describe('main', 'web');

    await expect(adapter.describeService('main', 'web')).resolves.toEqual({
      deploymentController: 'EXTERNAL',
      primaryTaskSetId: expected.primaryTaskSetId,
      taskSets: expected.taskSets.map(({ id, arn, status, stabilityStatus, targetGroupArn, scalePercent }) => ({ id, arn, status, stabilityStatus, targetGroupArn, scalePercent })),
    });
    await expect(adapter.describeService('main', 'api')).rejects.toThrow(ValidationError);
  });

  it('create a task set once per token, and report it stable only after the simulation has looked at it', async () => {
    const input = await replacement();
    const created = await adapter.createTaskSet(input);

    await expect(adapter.isStable('main', 'web', created.taskSetArn)).resolves.toBe(false);
    await expect(adapter.isStable('main', 'web', created.taskSetArn)).resolves.toBe(true);
    await expect(adapter.createTaskSet(input)).resolves.toEqual(created);
    expect((await simulation.describe('main', 'web')).taskSets.map((taskSet) => taskSet.arn)).toEqual([expect.any(String), created.taskSetArn]);
    await expect(adapter.healthyTargets(input.targetGroupArn)).resolves.toEqual(await simulation.healthyTargets(input.targetGroupArn));
  });

  it('report target health as the simulation does, reasons included', async () => {
    await simulation.setTargetHealth('blue', 'unhealthy');
    const blue = await simulation.targetGroupArn('blue');

    const health = await adapter.healthyTargets(blue);

    expect(health).toEqual(await simulation.healthyTargets(blue));
    expect(health.unhealthy[0].reason).toBe('Target.FailedHealthChecks (Health checks failed)');
  });

  it("weight a listener's forward between the target groups as asked", async () => {
    const [blue, green] = [await simulation.targetGroupArn('blue'), await simulation.targetGroupArn('green')];

    await adapter.routeTraffic(prod, [
      { targetGroupArn: blue, percent: 70 },
      { targetGroupArn: green, percent: 30 },
    ]);

    expect((await simulation.listener(prod)).defaultActions).toEqual([
      {
        type: 'forward',
        targetGroups: [
          { targetGroupArn: blue, weight: 70 },
          { targetGroupArn: green, weight: 30 },
        ],
      },
    ]);
    expect(elbv2.modifications).toEqual([{ listenerArn: prod, weights: { [blue]: 70, [green]: 30 } }]);
  });

  it('make a task set primary, and delete one (a task set already gone is no error)', async () => {
    const created = await adapter.createTaskSet(await replacement());
    const [original] = (await simulation.describe('main', 'web')).taskSets;

    await adapter.makePrimary('main', 'web', created.taskSetArn);
    await adapter.deleteTaskSet('main', 'web', original.arn);
    await adapter.deleteTaskSet('main', 'web', original.arn);

    expect((await simulation.describe('main', 'web')).taskSets.map((taskSet) => [taskSet.arn, taskSet.status])).toEqual([[created.taskSetArn, 'PRIMARY']]);
  });
});
