import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConflictError, ValidationError } from '../../functions/core/errors';
import type { CreateTaskSetInput, TaskSetTraffic } from '../../functions/ports';
import { LocalEcsServices, type LocalServiceInput, type TargetState, type TaskDefinitionBehaviour } from '../../lib/local/local-ecs-services';
import { tempDir } from '../support/bundles';
import { validationProblems } from '../support/sdk-mock-calls';

const CLUSTER = 'prod';
const SERVICE = 'orders';
const BLUE_TASKS = 'arn:aws:ecs:local:000000000000:task-definition/orders:1';
const GREEN_TASKS = 'arn:aws:ecs:local:000000000000:task-definition/orders:2';
const INITIAL_REASON = 'Elb.InitialHealthChecking (Initial health checks in progress)';

let stateDir: string;

beforeEach(() => {
  stateDir = tempDir('ecs');
});

afterEach(() => {
  fs.rmSync(stateDir, { recursive: true, force: true });
});

const ecsFile = (...parts: string[]): string => path.join(stateDir, 'ecs', ...parts);
const serviceFile = (): string => ecsFile('clusters', CLUSTER, `${SERVICE}.json`);
const TARGET_GROUPS_FILE = (): string => ecsFile('target-groups.json');
const LISTENERS_FILE = (): string => ecsFile('listeners.json');
const BEHAVIOURS_FILE = (): string => ecsFile('task-definitions.json');
const readJson = (file: string): any => JSON.parse(fs.readFileSync(file, 'utf8'));
const writeJson = (file: string, body: unknown): void => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(body));
};
/** Every file of the simulation with its text, to prove a refused call wrote nothing. */
const snapshot = (): Record<string, string> =>
  Object.fromEntries(
    (fs.readdirSync(ecsFile(), { recursive: true }) as string[])
      .filter((file) => file.endsWith('.json'))
      .map((file) => [file, fs.readFileSync(ecsFile(file), 'utf8')]),
  );

const SERVICE_INPUT: LocalServiceInput = {
  cluster: CLUSTER,
  service: SERVICE,
  desiredCount: 2,
  taskDefinition: BLUE_TASKS,
  targetGroupName: 'orders-blue',
  containerName: 'app',
  containerPort: 8080,
};

interface World {
  readonly ecs: LocalEcsServices;
  readonly blue: string;
  readonly green: string;
  readonly listener: string;
  readonly original: { readonly id: string; readonly arn: string };
  readonly replacement: CreateTaskSetInput;
}

/** Target groups orders-blue and orders-green, listener `prod` all on blue, and the service's two tasks behind blue. */
async function world(options: { checksUntilStable?: number } = {}): Promise<World> {
  const ecs = new LocalEcsServices({ stateDir, ...options });
  const blue = await ecs.createTargetGroup('orders-blue');
  const green = await ecs.createTargetGroup('orders-green');
  const listener = await ecs.createListener('prod', 'orders-blue');
  const { taskSets } = await ecs.createService(SERVICE_INPUT);
  const replacement: CreateTaskSetInput = {
    cluster: CLUSTER,
    service: SERVICE,
    taskDefinition: GREEN_TASKS,
    containerName: 'app',
    containerPort: 8080,
    targetGroupArn: green,
    externalId: 'd-AB1CDEF23',
  };
  return { ecs, blue, green, listener, original: { id: taskSets[0].id, arn: taskSets[0].arn }, replacement };
}

/** Edits the service file as a user would. */
function editService(edit: (service: Record<string, unknown>) => Record<string, unknown>): void {
  writeJson(serviceFile(), edit(readJson(serviceFile())));
}

const target = (id: string, state: string, taskSetArn: string, reason?: string) => ({ id, port: 8080, state, ...(reason === undefined ? {} : { reason }), taskSetArn });
/** What healthyTargets answers for a group whose targets at these addresses (port 8080) are all in one state. */
const allTargets = (state: string, reason: string | undefined, ...ids: string[]) => ({
  healthy: state === 'healthy' ? ids.length : 0,
  total: ids.length,
  unhealthy: state === 'healthy' ? [] : ids.map((id) => ({ id: `${id}:8080`, state, ...(reason === undefined ? {} : { reason }) })),
});
const forward = (...targetGroups: [string, number][]) => ({ type: 'forward', targetGroups: targetGroups.map(([targetGroupArn, weight]) => ({ targetGroupArn, weight })) });

describe('LocalEcsServices: setup, as files under <stateDir>/ecs', () => {
  it('writes target groups, a listener and an EXTERNAL service whose one task set is PRIMARY, stable and healthy', async () => {
    const { ecs, blue, green, listener, original } = await world();

    expect(blue).toMatch(/^arn:aws:elasticloadbalancing:local:000000000000:targetgroup\/orders-blue\/[0-9a-f]{16}$/);
    expect(green).toMatch(/^arn:aws:elasticloadbalancing:local:000000000000:targetgroup\/orders-green\/[0-9a-f]{16}$/);
    expect(listener).toMatch(/^arn:aws:elasticloadbalancing:local:000000000000:listener\/app\/prod\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
    expect(original.id).toMatch(/^ecs-svc\/[1-9]\d{18}$/);
    expect(original.arn).toBe(`arn:aws:ecs:local:000000000000:task-set/prod/orders/${original.id}`);
    expect(readJson(serviceFile())).toEqual({
      status: 'ACTIVE',
      deploymentController: 'EXTERNAL',
      desiredCount: 2,
      taskSets: [
        {
          id: original.id,
          arn: original.arn,
          taskDefinition: BLUE_TASKS,
          status: 'PRIMARY',
          stabilityStatus: 'STEADY_STATE',
          checksUntilStable: 0,
          scalePercent: 100,
          targetGroupArn: blue,
          containerName: 'app',
          containerPort: 8080,
        },
      ],
    });
    expect(readJson(TARGET_GROUPS_FILE())).toEqual({
      'orders-blue': { arn: blue, targets: [target('10.0.1.4', 'healthy', original.arn), target('10.0.1.5', 'healthy', original.arn)] },
      'orders-green': { arn: green, targets: [] },
    });
    expect(readJson(LISTENERS_FILE())).toEqual({ [listener]: { name: 'prod', defaultActions: [forward([blue, 100])] } });
    await expect(ecs.healthyTargets(blue)).resolves.toStrictEqual({ healthy: 2, total: 2, unhealthy: [] });
  });

  it('derives ARNs and ids from names, so another state folder gets the same ones and other names other ones', async () => {
    const first = await world();
    const firstFiles = snapshot();
    fs.rmSync(stateDir, { recursive: true });
    const second = await world();

    expect(snapshot()).toEqual(firstFiles);
    expect(second.original).toEqual(first.original);
    expect(new Set([first.blue, first.green]).size).toBe(2);
  });

  it('describes the service with the share of traffic each listener gives each task set, without looking at it', async () => {
    const { ecs, blue, listener, original, replacement } = await world();
    await ecs.createListener('prod-test', 'orders-green');
    const { taskSetArn, taskSetId } = await ecs.createTaskSet(replacement);
    const testListener = (await ecs.describe(CLUSTER, SERVICE)).taskSets[1].trafficWeights[0].listenerArn;

    const view = await ecs.describe(CLUSTER, SERVICE);

    expect(view).toEqual({
      cluster: CLUSTER,
      service: SERVICE,
      status: 'ACTIVE',
      deploymentController: 'EXTERNAL',
      desiredCount: 2,
      primaryTaskSetId: original.id,
      taskSets: [
        expect.objectContaining({ id: original.id, targetGroupArn: blue, trafficWeights: [{ listenerArn: listener, listenerName: 'prod', percent: 100 }] }),
        expect.objectContaining({
          id: taskSetId,
          arn: taskSetArn,
          stabilityStatus: 'STABILIZING',
          checksUntilStable: 1,
          externalId: 'd-AB1CDEF23',
          trafficWeights: [{ listenerArn: testListener, listenerName: 'prod-test', percent: 100 }],
        }),
      ],
    });
    await expect(ecs.isStable(CLUSTER, SERVICE, taskSetArn)).resolves.toBe(false);
  });

  it('reads files written by hand, weights as shares of their sum', async () => {
    const blue = 'arn:aws:elasticloadbalancing:local:000000000000:targetgroup/orders-blue/1111111111111111';
    const green = 'arn:aws:elasticloadbalancing:local:000000000000:targetgroup/orders-green/2222222222222222';
    const listener = 'arn:aws:elasticloadbalancing:local:000000000000:listener/app/prod/3333333333333333/4444444444444444';
    const taskSet = (id: string, status: string, targetGroupArn: string) => ({
      id,
      arn: `arn:aws:ecs:local:000000000000:task-set/prod/orders/${id}`,
      taskDefinition: BLUE_TASKS,
      status,
      stabilityStatus: 'STEADY_STATE',
      checksUntilStable: 0,
      scalePercent: 100,
      targetGroupArn,
      containerName: 'app',
      containerPort: 8080,
    });
    writeJson(serviceFile(), { status: 'ACTIVE', deploymentController: 'EXTERNAL', desiredCount: 1, taskSets: [taskSet('ecs-svc/1', 'PRIMARY', blue), taskSet('ecs-svc/2', 'ACTIVE', green)] });
    writeJson(TARGET_GROUPS_FILE(), { 'orders-blue': { arn: blue, targets: [{ id: 'i-0abc', port: 80, state: 'draining' }] }, 'orders-green': { arn: green, targets: [] } });
    writeJson(LISTENERS_FILE(), { [listener]: { name: 'prod', defaultActions: [forward([blue, 3], [green, 1])] } });
    const ecs = new LocalEcsServices({ stateDir });

    const view = await ecs.describe(CLUSTER, SERVICE);

    expect(view.taskSets.map((each) => [each.id, each.trafficWeights])).toEqual([
      ['ecs-svc/1', [{ listenerArn: listener, listenerName: 'prod', percent: 75 }]],
      ['ecs-svc/2', [{ listenerArn: listener, listenerName: 'prod', percent: 25 }]],
    ]);
    await expect(ecs.targetGroupArn('orders-green')).resolves.toBe(green);
    await expect(ecs.healthyTargets(blue)).resolves.toEqual({
      healthy: 0,
      total: 1,
      unhealthy: [{ id: 'i-0abc:80', state: 'draining' }],
    });
  });

  it.each<[string, (ecs: LocalEcsServices) => Promise<unknown>, string]>([
    ['a target group', (ecs) => ecs.createTargetGroup('orders-blue'), "Target group 'orders-blue' already exists"],
    ['a listener', (ecs) => ecs.createListener('prod', 'orders-green'), "Listener 'prod' already exists"],
    ['a service', (ecs) => ecs.createService({ ...SERVICE_INPUT, targetGroupName: 'orders-green' }), "ECS service 'orders' already exists in cluster 'prod'"],
  ])('refuses %s that exists with ConflictError, writing nothing', async (_label, call, message) => {
    const { ecs } = await world();
    const before = snapshot();

    await expect(call(ecs)).rejects.toMatchObject({ name: ConflictError.name, message });
    expect(snapshot()).toEqual(before);
  });

  it.each<[string, (ecs: LocalEcsServices) => Promise<unknown>]>([
    ['a listener', (ecs) => ecs.createListener('staging', 'orders-red')],
    ['a service', (ecs) => ecs.createService({ ...SERVICE_INPUT, service: 'billing', targetGroupName: 'orders-red' })],
  ])('refuses %s on a target group that does not exist, writing nothing', async (_label, call) => {
    const { ecs } = await world();
    const before = snapshot();

    await expect(call(ecs)).rejects.toMatchObject({ name: 'NotFoundError', resource: 'Target group', id: 'orders-red' });
    expect(snapshot()).toEqual(before);
  });

  const TG_RULE = "a target group name: letters, digits and '-', up to 32, no '-' first or last";
  it.each<[string, (ecs: LocalEcsServices) => Promise<unknown>, { field: string; message: string }[]]>([
    ['a target group name starting with -', (ecs) => ecs.createTargetGroup('-blue'), [{ field: 'targetGroupName', message: `'-blue' is not ${TG_RULE}` }]],
    ['a target group name ending with -', (ecs) => ecs.createTargetGroup('blue-'), [{ field: 'targetGroupName', message: `'blue-' is not ${TG_RULE}` }]],
    ['a target group name with _', (ecs) => ecs.createTargetGroup('orders_blue'), [{ field: 'targetGroupName', message: `'orders_blue' is not ${TG_RULE}` }]],
    ['a target group name of 33 characters', (ecs) => ecs.createTargetGroup('a'.repeat(33)), [{ field: 'targetGroupName', message: `'${'a'.repeat(33)}' is not ${TG_RULE}` }]],
    [
      'a listener name that is a path',
      (ecs) => ecs.createListener('../prod', 'orders-blue'),
      [{ field: 'listenerName', message: "'../prod' is not a load balancer name: letters, digits and '-', up to 32, no '-' first or last" }],
    ],
    [
      'a service with every setting wrong',
      (ecs) =>
        ecs.createService({ cluster: '../etc', service: 'a/b', desiredCount: -1, taskDefinition: '', targetGroupName: 'x_y', containerName: 'my app', containerPort: 0 }),
      [
        { field: 'cluster', message: "'../etc' is not an ECS cluster name: letters, digits, '-' and '_', up to 255" },
        { field: 'service', message: "'a/b' is not an ECS service name: letters, digits, '-' and '_', up to 255" },
        { field: 'taskDefinition', message: "'' is not a task definition" },
        { field: 'containerName', message: "'my app' is not a container name: letters, digits, '-' and '_', up to 255" },
        { field: 'containerPort', message: "'0' is not a port: a whole number from 1 to 65535" },
        { field: 'desiredCount', message: "'-1' is not a whole number of tasks from 0 to 5000" },
        { field: 'targetGroupName', message: `'x_y' is not ${TG_RULE}` },
      ],
    ],
    ['a fractional desired count', (ecs) => ecs.createService({ ...SERVICE_INPUT, desiredCount: 1.5 }), [{ field: 'desiredCount', message: "'1.5' is not a whole number of tasks from 0 to 5000" }]],
    ['more tasks than ECS runs', (ecs) => ecs.createService({ ...SERVICE_INPUT, desiredCount: 5001 }), [{ field: 'desiredCount', message: "'5001' is not a whole number of tasks from 0 to 5000" }]],
    ['a port over 65535', (ecs) => ecs.createService({ ...SERVICE_INPUT, containerPort: 65536 }), [{ field: 'containerPort', message: "'65536' is not a port: a whole number from 1 to 65535" }]],
  ])('refuses %s, naming each field and value, writing nothing', async (_label, call, problems) => {
    const ecs = new LocalEcsServices({ stateDir });
    await ecs.createTargetGroup('orders-blue');
    const before = snapshot();

    await expect(validationProblems(call(ecs))).resolves.toEqual(problems);
    expect(snapshot()).toEqual(before);
  });

  it.each([-1, 1.5, Number.NaN])('refuses %s looks until stable', (checksUntilStable) => {
    expect(() => new LocalEcsServices({ stateDir, checksUntilStable })).toThrow(ValidationError);
    expect(() => new LocalEcsServices({ stateDir, checksUntilStable })).toThrow(`checksUntilStable: '${checksUntilStable}' is not a whole number of looks, 0 or more`);
  });

  const jsonError = (text: string): string => {
    try {
      JSON.parse(text);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error(`${text} is JSON`);
  };
  it.each<[string, () => string, unknown, (w: World) => Promise<unknown>, string, (w: World) => string]>([
    ['a service file that is not JSON', serviceFile, '{', (w) => w.ecs.describeService(CLUSTER, SERVICE), 'a simulated ECS service', () => jsonError('{')],
    [
      'a task set in no known stability status',
      serviceFile,
      (body: { taskSets: object[] }) => ({ ...body, taskSets: [{ ...body.taskSets[0], stabilityStatus: 'STABLE' }] }),
      (w) => w.ecs.isStable(CLUSTER, SERVICE, w.original.arn),
      'a simulated ECS service',
      () => 'taskSets.0.stabilityStatus: Invalid option: expected one of "STEADY_STATE"|"STABILIZING"',
    ],
    [
      'two PRIMARY task sets',
      serviceFile,
      (body: { taskSets: object[] }) => ({ ...body, taskSets: [body.taskSets[0], { ...body.taskSets[0], id: 'ecs-svc/2' }] }),
      (w) => w.ecs.describe(CLUSTER, SERVICE),
      'a simulated ECS service',
      () => 'taskSets: at most one task set may be PRIMARY',
    ],
    [
      'a misspelt key',
      serviceFile,
      (body: object) => ({ ...body, desiredCont: 3 }),
      (w) => w.ecs.makePrimary(CLUSTER, SERVICE, w.original.arn),
      'a simulated ECS service',
      () => '(top): Unrecognized key: "desiredCont"',
    ],
    [
      'a target in no ELB state',
      TARGET_GROUPS_FILE,
      (body: Record<string, { arn: string }>) => ({ ...body, 'orders-green': { arn: body['orders-green'].arn, targets: [{ id: '10.0.9.9', port: 80, state: 'sick' }] } }),
      (w) => w.ecs.targetGroupArn('orders-blue'),
      'a list of simulated target groups',
      () => 'orders-green.targets.0.state: Invalid option: expected one of "initial"|"healthy"|"unhealthy"|"unused"|"draining"|"unhealthy.draining"|"unavailable"',
    ],
    [
      'a forward action without target groups',
      LISTENERS_FILE,
      (body: Record<string, object>) => Object.fromEntries(Object.keys(body).map((arn) => [arn, { name: 'prod', defaultActions: [{ type: 'forward' }] }])),
      (w) => w.ecs.routeTraffic(w.listener, [{ targetGroupArn: w.green, percent: 100 }]),
      'a list of simulated listeners',
      (w) => `${w.listener}.defaultActions.0.targetGroups: a forward action needs targetGroups`,
    ],
    [
      'a behaviour no task can have',
      BEHAVIOURS_FILE,
      { [GREEN_TASKS]: 'flaky' },
      (w) => w.ecs.createTaskSet(w.replacement),
      'a list of task definition behaviours',
      () => `${GREEN_TASKS}: Invalid option: expected one of "healthy"|"unhealthy"|"never-stable"`,
    ],
  ])('names the file when it holds %s', async (_label, file, content, call, what, detail) => {
    const w = await world();
    if (typeof content === 'function') writeJson(file(), content(readJson(file())));
    else if (typeof content === 'string') fs.writeFileSync(file(), content);
    else writeJson(file(), content);

    await expect(call(w)).rejects.toMatchObject({ name: 'CutoverError', message: `${file()} is not ${what}: ${detail(w)}` });
  });
});

describe('LocalEcsServices as TaskSetTraffic, as the AWS adapter answers', () => {
  it('finds a target group ARN by name, and throws NotFoundError naming a missing one', async () => {
    const { ecs, green } = await world();

    await expect(ecs.targetGroupArn('orders-green')).resolves.toBe(green);
    await expect(ecs.targetGroupArn('orders-red')).rejects.toMatchObject({ name: 'NotFoundError', resource: 'Target group', id: 'orders-red' });
    await expect(ecs.targetGroupArn('constructor')).rejects.toMatchObject({ name: 'NotFoundError', id: 'constructor' });
  });

  it('reports the service and its task sets, naming the primary', async () => {
    const { ecs, blue, green, original, replacement } = await world();
    const { taskSetArn, taskSetId } = await ecs.createTaskSet(replacement);

    await expect(ecs.describeService(CLUSTER, SERVICE)).resolves.toStrictEqual({
      deploymentController: 'EXTERNAL',
      primaryTaskSetId: original.id,
      taskSets: [
        { id: original.id, arn: original.arn, status: 'PRIMARY', stabilityStatus: 'STEADY_STATE', targetGroupArn: blue, scalePercent: 100 },
        { id: taskSetId, arn: taskSetArn, status: 'ACTIVE', stabilityStatus: 'STABILIZING', targetGroupArn: green, scalePercent: 100 },
      ],
    });
  });

  it('reports no primary for a service with no task set', async () => {
    const { ecs } = await world();
    editService((body) => ({ ...body, taskSets: [] }));

    await expect(ecs.describeService(CLUSTER, SERVICE)).resolves.toStrictEqual({ deploymentController: 'EXTERNAL', taskSets: [] });
  });

  it.each<[string, Record<string, unknown> | undefined, string[]]>([
    ['the ECS controller', { deploymentController: 'ECS' }, ['ECS service orders in cluster prod uses the ECS deployment controller; task sets need EXTERNAL']],
    ['CodeDeploy as controller', { deploymentController: 'CODE_DEPLOY' }, ['ECS service orders in cluster prod uses the CODE_DEPLOY deployment controller; task sets need EXTERNAL']],
    ['status INACTIVE (deleted)', { status: 'INACTIVE' }, ['ECS service orders in cluster prod is INACTIVE, not ACTIVE']],
    ['status DRAINING', { status: 'DRAINING' }, ['ECS service orders in cluster prod is DRAINING, not ACTIVE']],
    [
      'both',
      { deploymentController: 'ECS', status: 'DRAINING' },
      ['ECS service orders in cluster prod uses the ECS deployment controller; task sets need EXTERNAL', 'ECS service orders in cluster prod is DRAINING, not ACTIVE'],
    ],
    ['no file (not found)', undefined, ['ECS service orders in cluster prod was not found (MISSING)']],
  ])('refuses a service with %s as CodeDeploy does (INVALID_ECS_SERVICE), in describeService and createTaskSet alike', async (_label, edit, messages) => {
    const { ecs, replacement } = await world();
    if (edit === undefined) fs.rmSync(serviceFile());
    else editService((body) => ({ ...body, ...edit }));
    const before = snapshot();
    const problems = messages.map((message) => ({ field: 'ecsService', message }));

    await expect(validationProblems(ecs.describeService(CLUSTER, SERVICE))).resolves.toEqual(problems);
    await expect(validationProblems(ecs.createTaskSet(replacement))).resolves.toEqual(problems);
    expect(snapshot()).toEqual(before);
  });

  describe('createTaskSet', () => {
    it('adds an ACTIVE, STABILIZING task set at 100 %, its desired count of targets registered `initial` with its group', async () => {
      const { ecs, green, replacement } = await world();

      const { taskSetArn, taskSetId } = await ecs.createTaskSet({
        ...replacement,
        platformVersion: 'LATEST',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
      });

      expect(taskSetId).toMatch(/^ecs-svc\/[1-9]\d{18}$/);
      expect(taskSetArn).toBe(`arn:aws:ecs:local:000000000000:task-set/prod/orders/${taskSetId}`);
      expect(readJson(serviceFile()).taskSets[1]).toEqual({
        id: taskSetId,
        arn: taskSetArn,
        taskDefinition: GREEN_TASKS,
        status: 'ACTIVE',
        stabilityStatus: 'STABILIZING',
        checksUntilStable: 1,
        scalePercent: 100,
        targetGroupArn: green,
        containerName: 'app',
        containerPort: 8080,
        externalId: 'd-AB1CDEF23',
      });
      expect(readJson(TARGET_GROUPS_FILE())['orders-green']).toEqual({
        arn: green,
        targets: [target('10.0.1.6', 'initial', taskSetArn, INITIAL_REASON), target('10.0.1.7', 'initial', taskSetArn, INITIAL_REASON)],
      });
      await expect(ecs.healthyTargets(green)).resolves.toStrictEqual(allTargets('initial', INITIAL_REASON, '10.0.1.6', '10.0.1.7'));
    });

    it('returns the task set already made when a step is retried, changing nothing', async () => {
      const { ecs, replacement } = await world();
      const first = await ecs.createTaskSet(replacement);
      const before = snapshot();

      await expect(ecs.createTaskSet({ ...replacement })).resolves.toEqual(first);
      expect(snapshot()).toEqual(before);
    });

    it.each<[string, Partial<CreateTaskSetInput>]>([
      ['another deployment', { externalId: 'd-ZZ9ZZZZ99' }],
      ['another task definition', { taskDefinition: `${GREEN_TASKS}0` }],
    ])('makes a second task set for %s, as a new client token does', async (_label, change) => {
      const { ecs, replacement } = await world();
      const first = await ecs.createTaskSet(replacement);

      const second = await ecs.createTaskSet({ ...replacement, ...change });

      expect(second.taskSetArn).not.toBe(first.taskSetArn);
      expect(readJson(serviceFile()).taskSets.map((taskSet: { arn: string }) => taskSet.arn).slice(1)).toEqual([first.taskSetArn, second.taskSetArn]);
      expect(readJson(TARGET_GROUPS_FILE())['orders-green'].targets.map((each: { id: string }) => each.id)).toEqual(['10.0.1.6', '10.0.1.7', '10.0.1.8', '10.0.1.9']);
    });

    it('throws NotFoundError for a target group ARN no group has, writing nothing', async () => {
      const { ecs, replacement } = await world();
      const before = snapshot();
      const red = 'arn:aws:elasticloadbalancing:local:000000000000:targetgroup/orders-red/0123456789abcdef';

      await expect(ecs.createTaskSet({ ...replacement, targetGroupArn: red })).rejects.toMatchObject({ name: 'NotFoundError', resource: 'Target group', id: red });
      expect(snapshot()).toEqual(before);
    });

    it('refuses bad settings, naming each field and value, writing nothing', async () => {
      const { ecs, replacement } = await world();
      const before = snapshot();

      await expect(
        validationProblems(ecs.createTaskSet({ ...replacement, cluster: '..', containerName: '', containerPort: 8080.5, targetGroupArn: '', externalId: '' })),
      ).resolves.toEqual([
        { field: 'cluster', message: "'..' is not an ECS cluster name: letters, digits, '-' and '_', up to 255" },
        { field: 'containerName', message: "'' is not a container name: letters, digits, '-' and '_', up to 255" },
        { field: 'containerPort', message: "'8080.5' is not a port: a whole number from 1 to 65535" },
        { field: 'targetGroupArn', message: "'' is not a target group ARN" },
        { field: 'externalId', message: "'' is not a deployment id" },
      ]);
      expect(snapshot()).toEqual(before);
    });
  });

  describe('stabilizing', () => {
    it.each<[number, boolean[]]>([
      [0, [true, true]],
      [1, [false, true, true]],
      [3, [false, false, false, true, true]],
    ])('with %s looks until stable, isStable answers %j', async (checksUntilStable, answers) => {
      const { ecs, replacement } = await world({ checksUntilStable });
      const { taskSetArn } = await ecs.createTaskSet(replacement);

      const seen: boolean[] = [];
      for (const _answer of answers) seen.push(await ecs.isStable(CLUSTER, SERVICE, taskSetArn));

      expect(seen).toEqual(answers);
    });

    it('counts describeService as a look too, but not describe', async () => {
      const { ecs, replacement } = await world();
      const { taskSetArn } = await ecs.createTaskSet(replacement);
      await ecs.describe(CLUSTER, SERVICE);

      const statuses = [];
      for (let look = 0; look < 2; look += 1) statuses.push((await ecs.describeService(CLUSTER, SERVICE)).taskSets[1].stabilityStatus);

      expect(statuses).toEqual(['STABILIZING', 'STEADY_STATE']);
      await expect(ecs.isStable(CLUSTER, SERVICE, taskSetArn)).resolves.toBe(true);
    });

    it('counts an isStable look only for the task set it names', async () => {
      const { ecs, replacement } = await world({ checksUntilStable: 2 });
      const first = await ecs.createTaskSet(replacement);
      await ecs.createTaskSet({ ...replacement, externalId: 'd-ZZ9ZZZZ99' });

      await ecs.isStable(CLUSTER, SERVICE, first.taskSetArn);

      expect(readJson(serviceFile()).taskSets.map((taskSet: { checksUntilStable: number }) => taskSet.checksUntilStable)).toEqual([0, 1, 2]);
    });

    const unhealthyReason = `Target.FailedHealthChecks (Health checks failed: task definition ${GREEN_TASKS} is set to be unhealthy)`;
    it.each<[TaskDefinitionBehaviour, boolean, string, string | undefined]>([
      ['healthy', true, 'healthy', undefined],
      ['unhealthy', true, 'unhealthy', unhealthyReason],
      ['never-stable', false, 'initial', INITIAL_REASON],
    ])('a task definition set %s is stable after 5 looks: %s, its targets then %s', async (behaviour, stable, state, reason) => {
      const { ecs, green, replacement } = await world();
      await ecs.setTaskDefinitionBehaviour(GREEN_TASKS, behaviour);
      const { taskSetArn } = await ecs.createTaskSet(replacement);

      for (let look = 0; look < 4; look += 1) await ecs.isStable(CLUSTER, SERVICE, taskSetArn);

      await expect(ecs.isStable(CLUSTER, SERVICE, taskSetArn)).resolves.toBe(stable);
      await expect(ecs.healthyTargets(green)).resolves.toStrictEqual(allTargets(state, reason, '10.0.1.6', '10.0.1.7'));
    });

    it.each<[TaskDefinitionBehaviour, string, string, string | undefined]>([
      ['healthy', 'STEADY_STATE', 'healthy', undefined],
      ['unhealthy', 'STEADY_STATE', 'unhealthy', unhealthyReason],
      ['never-stable', 'STABILIZING', 'initial', INITIAL_REASON],
    ])('with no looks until stable, a task definition set %s starts %s, its targets %s', async (behaviour, stabilityStatus, state, reason) => {
      const { ecs, replacement } = await world({ checksUntilStable: 0 });
      await ecs.setTaskDefinitionBehaviour(GREEN_TASKS, behaviour);

      const { taskSetArn } = await ecs.createTaskSet(replacement);

      expect(readJson(serviceFile()).taskSets[1]).toMatchObject({ stabilityStatus, checksUntilStable: 0 });
      expect(readJson(TARGET_GROUPS_FILE())['orders-green'].targets).toEqual([
        target('10.0.1.6', state, taskSetArn, reason),
        target('10.0.1.7', state, taskSetArn, reason),
      ]);
      await expect(ecs.isStable(CLUSTER, SERVICE, taskSetArn)).resolves.toBe(stabilityStatus === 'STEADY_STATE');
    });

    it('stabilizes a never-stable task set once its task definition is healthy again', async () => {
      const { ecs, replacement } = await world();
      await ecs.setTaskDefinitionBehaviour(GREEN_TASKS, 'never-stable');
      const { taskSetArn } = await ecs.createTaskSet(replacement);
      await ecs.isStable(CLUSTER, SERVICE, taskSetArn);

      await ecs.setTaskDefinitionBehaviour(GREEN_TASKS, 'healthy');

      expect(readJson(BEHAVIOURS_FILE())).toEqual({});
      await expect(ecs.isStable(CLUSTER, SERVICE, taskSetArn)).resolves.toBe(false);
      await expect(ecs.isStable(CLUSTER, SERVICE, taskSetArn)).resolves.toBe(true);
    });

    it('keeps behaviours in task-definitions.json, by task definition', async () => {
      const ecs = new LocalEcsServices({ stateDir });

      await ecs.setTaskDefinitionBehaviour(BLUE_TASKS, 'never-stable');
      await ecs.setTaskDefinitionBehaviour(GREEN_TASKS, 'unhealthy');

      expect(readJson(BEHAVIOURS_FILE())).toEqual({ [BLUE_TASKS]: 'never-stable', [GREEN_TASKS]: 'unhealthy' });
    });

    it('refuses an unknown behaviour and an empty task definition, naming both', async () => {
      const ecs = new LocalEcsServices({ stateDir });

      await expect(validationProblems(ecs.setTaskDefinitionBehaviour('', 'flaky' as TaskDefinitionBehaviour))).resolves.toEqual([
        { field: 'taskDefinition', message: "'' is not a task definition" },
        { field: 'behaviour', message: "'flaky' is not a behaviour: one of healthy, unhealthy, never-stable" },
      ]);
    });

    it.each<[string, string, string, object]>([
      ['a task set that is gone', SERVICE, 'arn:aws:ecs:local:000000000000:task-set/prod/orders/ecs-svc/1', { resource: 'ECS task set', id: 'arn:aws:ecs:local:000000000000:task-set/prod/orders/ecs-svc/1' }],
      ['a service that does not exist', 'billing', 'arn:aws:ecs:local:000000000000:task-set/prod/billing/ecs-svc/1', { resource: 'ECS service', id: 'prod/billing' }],
    ])('throws NotFoundError on %s instead of waiting on it', async (_label, service, taskSetArn, expected) => {
      const { ecs } = await world();

      await expect(ecs.isStable(CLUSTER, service, taskSetArn)).rejects.toMatchObject({ name: 'NotFoundError', ...expected });
    });
  });

  describe('target health', () => {
    it.each<[TargetState, string | undefined]>([
      ['healthy', undefined],
      ['unhealthy', 'Target.FailedHealthChecks (Health checks failed)'],
      ['draining', 'Target.DeregistrationInProgress (Target deregistration is in progress)'],
      ['unhealthy.draining', 'Target.DeregistrationInProgress (Target deregistration is in progress)'],
      ['unused', 'Target.NotInUse (Target group is not configured to receive traffic from the load balancer)'],
      ['unavailable', 'Target.HealthCheckDisabled (Health checks are disabled for the target group)'],
      ['initial', INITIAL_REASON],
    ])('setTargetHealth puts every target of a group %s, with the reason ELB gives', async (state, reason) => {
      const { ecs, blue } = await world();
      await ecs.setTargetHealth('orders-blue', 'unhealthy');

      await ecs.setTargetHealth('orders-blue', state);

      await expect(ecs.healthyTargets(blue)).resolves.toStrictEqual(allTargets(state, reason, '10.0.1.4', '10.0.1.5'));
    });

    it('refuses a state ELB does not have, and a group that does not exist', async () => {
      const { ecs } = await world();

      await expect(validationProblems(ecs.setTargetHealth('orders-blue', 'sick' as TargetState))).resolves.toEqual([
        { field: 'state', message: "'sick' is not a target state: one of initial, healthy, unhealthy, unused, draining, unhealthy.draining, unavailable" },
      ]);
      await expect(ecs.setTargetHealth('orders-red', 'healthy')).rejects.toMatchObject({ name: 'NotFoundError', resource: 'Target group', id: 'orders-red' });
    });

    it('throws NotFoundError for the health of a target group that does not exist', async () => {
      const { ecs } = await world();
      const red = 'arn:aws:elasticloadbalancing:local:000000000000:targetgroup/orders-red/0123456789abcdef';

      await expect(ecs.healthyTargets(red)).rejects.toMatchObject({ name: 'NotFoundError', resource: 'Target group', id: red });
    });
  });

  describe('routeTraffic', () => {
    it.each<[string, [number, number], [number, number]]>([
      ['90/10', [90, 10], [90, 10]],
      ['0/100', [0, 100], [0, 100]],
      ['66.7/33.3 rounded to whole weights that still add up to 100', [66.7, 33.3], [67, 33]],
    ])('writes the listener one weighted forward: %s', async (_label, [bluePercent, greenPercent], [blueWeight, greenWeight]) => {
      const { ecs, blue, green, listener } = await world();

      await ecs.routeTraffic(listener, [
        { targetGroupArn: blue, percent: bluePercent },
        { targetGroupArn: green, percent: greenPercent },
      ]);

      expect(readJson(LISTENERS_FILE())).toEqual({ [listener]: { name: 'prod', defaultActions: [forward([blue, blueWeight], [green, greenWeight])] } });
    });

    it('keeps the other settings the forward had, as the AWS adapter keeps stickiness', async () => {
      const { ecs, blue, green, listener } = await world();
      const stickiness = { enabled: true, durationSeconds: 3600 };
      writeJson(LISTENERS_FILE(), { [listener]: { name: 'prod', defaultActions: [{ ...forward([blue, 1]), stickiness }] } });

      await ecs.routeTraffic(listener, [
        { targetGroupArn: blue, percent: 90 },
        { targetGroupArn: green, percent: 10 },
      ]);

      await expect(ecs.listener(listener)).resolves.toEqual({ arn: listener, name: 'prod', defaultActions: [{ ...forward([blue, 90], [green, 10]), stickiness }] });
    });

    it.each<[string, object[], string]>([
      ['redirects', [{ type: 'redirect', protocol: 'HTTPS', port: '443' }], 'redirect'],
      ['answers a fixed response', [{ type: 'fixed-response', statusCode: '503' }], 'fixed-response'],
      ['authenticates before forwarding', [{ type: 'authenticate-cognito' }, { type: 'forward', targetGroups: [] }], 'authenticate-cognito, forward'],
      ['has no default action', [], 'none'],
    ])('refuses a listener that %s, and leaves it as it is', async (_label, defaultActions, found) => {
      const { ecs, blue, green, listener } = await world();
      writeJson(LISTENERS_FILE(), { [listener]: { name: 'prod', defaultActions } });
      const before = snapshot();

      const problems = await validationProblems(
        ecs.routeTraffic(listener, [
          { targetGroupArn: blue, percent: 0 },
          { targetGroupArn: green, percent: 100 },
        ]),
      );

      expect(problems).toEqual([{ field: 'listenerArn', message: `${listener}: default actions must be one forward action to shift traffic, found ${found}` }]);
      expect(snapshot()).toEqual(before);
    });

    it('refuses shares that do not add up to 100 before reading the listener', async () => {
      const { ecs, blue, green } = await world();

      await expect(
        validationProblems(
          ecs.routeTraffic('arn:nowhere', [
            { targetGroupArn: blue, percent: 90 },
            { targetGroupArn: green, percent: 20 },
          ]),
        ),
      ).resolves.toEqual([{ field: 'weights', message: 'percents must add up to 100, got 110' }]);
    });

    it.each<[string, (w: World) => { listener: string; group: string; resource: string; id: string }]>([
      ['a listener', (w) => ({ listener: `${w.listener}0`, group: w.green, resource: 'Listener', id: `${w.listener}0` })],
      ['a target group', (w) => ({ listener: w.listener, group: `${w.green}0`, resource: 'Target group', id: `${w.green}0` })],
    ])('throws NotFoundError for %s that does not exist, writing nothing', async (_label, pick) => {
      const w = await world();
      const { listener, group, resource, id } = pick(w);
      const before = snapshot();

      await expect(w.ecs.routeTraffic(listener, [{ targetGroupArn: group, percent: 100 }])).rejects.toMatchObject({ name: 'NotFoundError', resource, id });
      expect(snapshot()).toEqual(before);
    });
  });

  describe('makePrimary and deleteTaskSet', () => {
    it('makes the task set PRIMARY and the one that was ACTIVE, and does it again without change', async () => {
      const { ecs, original, replacement } = await world();
      const { taskSetArn, taskSetId } = await ecs.createTaskSet(replacement);

      await ecs.makePrimary(CLUSTER, SERVICE, taskSetArn);
      const once = fs.readFileSync(serviceFile(), 'utf8');
      await ecs.makePrimary(CLUSTER, SERVICE, taskSetArn);

      expect(readJson(serviceFile()).taskSets.map((taskSet: { id: string; status: string }) => [taskSet.id, taskSet.status])).toEqual([
        [original.id, 'ACTIVE'],
        [taskSetId, 'PRIMARY'],
      ]);
      expect(fs.readFileSync(serviceFile(), 'utf8')).toBe(once);
    });

    it('throws NotFoundError when making a task set primary that is not there, writing nothing', async () => {
      const { ecs, original } = await world();
      const before = snapshot();

      await expect(ecs.makePrimary(CLUSTER, SERVICE, `${original.arn}0`)).rejects.toMatchObject({ name: 'NotFoundError', resource: 'ECS task set', id: `${original.arn}0` });
      expect(snapshot()).toEqual(before);
    });

    it('deletes the task set and deregisters its targets, leaving the others', async () => {
      const { ecs, blue, green, original, replacement } = await world();
      const { taskSetArn } = await ecs.createTaskSet(replacement);

      await ecs.deleteTaskSet(CLUSTER, SERVICE, original.arn);

      expect(readJson(serviceFile()).taskSets.map((taskSet: { arn: string }) => taskSet.arn)).toEqual([taskSetArn]);
      expect(readJson(TARGET_GROUPS_FILE())).toEqual({
        'orders-blue': { arn: blue, targets: [] },
        'orders-green': { arn: green, targets: [target('10.0.1.6', 'initial', taskSetArn, INITIAL_REASON), target('10.0.1.7', 'initial', taskSetArn, INITIAL_REASON)] },
      });
    });

    it('treats a task set already gone as deleted', async () => {
      const { ecs, original } = await world();
      await ecs.deleteTaskSet(CLUSTER, SERVICE, original.arn);
      const before = snapshot();

      await expect(ecs.deleteTaskSet(CLUSTER, SERVICE, original.arn)).resolves.toBeUndefined();
      expect(snapshot()).toEqual(before);
    });

    it.each<[string, (w: World) => Promise<unknown>]>([
      ['makePrimary', (w) => w.ecs.makePrimary(CLUSTER, 'billing', w.original.arn)],
      ['deleteTaskSet', (w) => w.ecs.deleteTaskSet(CLUSTER, 'billing', w.original.arn)],
      ['describe', (w) => w.ecs.describe(CLUSTER, 'billing')],
    ])('%s throws NotFoundError for a service that does not exist', async (_label, call) => {
      await expect(call(await world())).rejects.toMatchObject({ name: 'NotFoundError', resource: 'ECS service', id: 'prod/billing' });
    });

    it('throws NotFoundError for a listener view of a listener that does not exist', async () => {
      const { ecs, listener } = await world();

      await expect(ecs.listener(`${listener}0`)).rejects.toMatchObject({ name: 'NotFoundError', resource: 'Listener', id: `${listener}0` });
    });
  });
});

describe('LocalEcsServices: a whole blue/green deployment through the port', () => {
  it('creates the replacement, waits for it, shifts 10 % then all, makes it primary and removes the original', async () => {
    const setup = await world();
    const { blue, listener, original } = setup;
    const traffic: TaskSetTraffic = setup.ecs;
    const weightsOf = async () => (await setup.ecs.describe(CLUSTER, SERVICE)).taskSets.map((taskSet) => [taskSet.id, taskSet.trafficWeights.map((weight) => weight.percent)]);

    // The replacement group, as the deployment group names it, and the original task set, as the service reports it.
    const green = await traffic.targetGroupArn('orders-green');
    const before = await traffic.describeService(CLUSTER, SERVICE);
    expect(before.primaryTaskSetId).toBe(original.id);
    expect(before.taskSets.map((taskSet) => taskSet.targetGroupArn)).toEqual([blue]);

    // 1. The replacement task set, behind the green group, not yet serving.
    const { taskSetArn, taskSetId } = await traffic.createTaskSet({ ...setup.replacement, targetGroupArn: green });
    await expect(traffic.healthyTargets(green)).resolves.toMatchObject({ healthy: 0, total: 2 });
    expect((await traffic.describeService(CLUSTER, SERVICE)).taskSets).toEqual([
      expect.objectContaining({ id: original.id, status: 'PRIMARY', stabilityStatus: 'STEADY_STATE' }),
      expect.objectContaining({ id: taskSetId, status: 'ACTIVE', stabilityStatus: 'STABILIZING', targetGroupArn: green }),
    ]);

    // 2. Stable (the describeService above was the one look it took), then healthy.
    await expect(traffic.isStable(CLUSTER, SERVICE, taskSetArn)).resolves.toBe(true);
    await expect(traffic.healthyTargets(green)).resolves.toStrictEqual(allTargets('healthy', undefined, '10.0.1.6', '10.0.1.7'));
    expect(await weightsOf()).toEqual([
      [original.id, [100]],
      [taskSetId, []],
    ]);

    // 3. 10 % to green.
    await traffic.routeTraffic(listener, [
      { targetGroupArn: blue, percent: 90 },
      { targetGroupArn: green, percent: 10 },
    ]);
    expect(readJson(LISTENERS_FILE())[listener].defaultActions).toEqual([forward([blue, 90], [green, 10])]);
    expect(await weightsOf()).toEqual([
      [original.id, [90]],
      [taskSetId, [10]],
    ]);

    // 4. All of it.
    await traffic.routeTraffic(listener, [
      { targetGroupArn: blue, percent: 0 },
      { targetGroupArn: green, percent: 100 },
    ]);
    expect(await weightsOf()).toEqual([
      [original.id, [0]],
      [taskSetId, [100]],
    ]);

    // 5. The replacement is the primary task set.
    await traffic.makePrimary(CLUSTER, SERVICE, taskSetArn);
    const after = await traffic.describeService(CLUSTER, SERVICE);
    expect(after.primaryTaskSetId).toBe(taskSetId);
    expect(after.taskSets.map((taskSet) => [taskSet.id, taskSet.status])).toEqual([
      [original.id, 'ACTIVE'],
      [taskSetId, 'PRIMARY'],
    ]);

    // 6. The original is gone, its targets with it.
    await traffic.deleteTaskSet(CLUSTER, SERVICE, original.arn);
    await expect(traffic.describeService(CLUSTER, SERVICE)).resolves.toStrictEqual({
      deploymentController: 'EXTERNAL',
      primaryTaskSetId: taskSetId,
      taskSets: [{ id: taskSetId, arn: taskSetArn, status: 'PRIMARY', stabilityStatus: 'STEADY_STATE', targetGroupArn: green, scalePercent: 100 }],
    });
    await expect(traffic.healthyTargets(blue)).resolves.toStrictEqual({ healthy: 0, total: 0, unhealthy: [] });
    expect(readJson(TARGET_GROUPS_FILE())).toEqual({
      'orders-blue': { arn: blue, targets: [] },
      'orders-green': { arn: green, targets: [target('10.0.1.6', 'healthy', taskSetArn), target('10.0.1.7', 'healthy', taskSetArn)] },
    });
    expect(readJson(serviceFile())).toEqual({
      status: 'ACTIVE',
      deploymentController: 'EXTERNAL',
      desiredCount: 2,
      taskSets: [
        {
          id: taskSetId,
          arn: taskSetArn,
          taskDefinition: GREEN_TASKS,
          status: 'PRIMARY',
          stabilityStatus: 'STEADY_STATE',
          checksUntilStable: 0,
          scalePercent: 100,
          targetGroupArn: green,
          containerName: 'app',
          containerPort: 8080,
          externalId: 'd-AB1CDEF23',
        },
      ],
    });
  });
});
