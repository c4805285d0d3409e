// Simulated ECS services for the embedded runtime: blue/green services under the EXTERNAL deployment controller,
// their task sets, and the ELBv2 target groups and listeners between them, as JSON files under <stateDir>/ecs that
// users (and tests) can read and edit by hand while a deployment runs:
//
//   ecs/clusters/<cluster>/<service>.json  the service and its task sets:
//     { "status": "ACTIVE", "deploymentController": "EXTERNAL", "desiredCount": 2, "taskSets": [{ "id": "ecs-svc/…",
//       "arn": "arn:aws:ecs:local:000000000000:task-set/<cluster>/<service>/ecs-svc/…", "taskDefinition": "…",
//       "status": "PRIMARY", "stabilityStatus": "STEADY_STATE", "checksUntilStable": 0, "scalePercent": 100,
//       "targetGroupArn": "…", "containerName": "app", "containerPort": 8080, "externalId": "d-…" }] }
//   ecs/target-groups.json    { "<name>": { "arn": "…", "targets": [{ "id": "10.0.1.4", "port": 8080,
//                              "state": "initial", "reason": "…", "taskSetArn": "…" }] } }
//   ecs/listeners.json        { "<listener arn>": { "name": "<load balancer>", "defaultActions": [{ "type": "forward",
//                              "targetGroups": [{ "targetGroupArn": "…", "weight": 90 }, …] }] } }
//   ecs/task-definitions.json { "<task definition>": "unhealthy" | "never-stable" }: how its tasks misbehave
//
// A new task set is STABILIZING for a number of looks (isStable, describeService), then STEADY_STATE, and its targets
// go from `initial` to `healthy` (or `unhealthy`, as its task definition's behaviour says) at that moment. ARNs look
// like real ones, in account 000000000000 and region `local`; their ids are derived from the names, so a run can be
// repeated. The AWS adapter (functions/aws/ecs-task-set-traffic.ts) is the reference for what each port method does.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { z } from 'zod';
import { ConflictError, CutoverError, type FieldProblem, NotFoundError, ValidationError } from '../../functions/core/errors';
import { forwardWeights } from '../../functions/core/forward-weights';
import type { CreateTaskSetInput, EcsServiceState, TargetGroupHealth, TargetGroupWeight, TaskSetTraffic } from '../../functions/ports';
import { readStateFile, writeStateFile } from './json-state-file';

export const TASK_DEFINITION_BEHAVIOURS = ['healthy', 'unhealthy', 'never-stable'] as const;
/** healthy: the default; unhealthy: stabilizes, but every target fails its health checks; never-stable: stays STABILIZING. */
export type TaskDefinitionBehaviour = (typeof TASK_DEFINITION_BEHAVIOURS)[number];

/** ELBv2's target health states, each with the reason ELB gives for it. */
const TARGET_REASONS = {
  initial: 'Elb.InitialHealthChecking (Initial health checks in progress)',
  healthy: undefined,
  unhealthy: 'Target.FailedHealthChecks (Health checks failed)',
  unused: 'Target.NotInUse (Target group is not configured to receive traffic from the load balancer)',
  draining: 'Target.DeregistrationInProgress (Target deregistration is in progress)',
  'unhealthy.draining': 'Target.DeregistrationInProgress (Target deregistration is in progress)',
  unavailable: 'Target.HealthCheckDisabled (Health checks are disabled for the target group)',
} as const;
export type TargetState = keyof typeof TARGET_REASONS;
export const TARGET_STATES = Object.keys(TARGET_REASONS) as TargetState[];

const ACCOUNT_AND_REGION = 'local:000000000000';
/** ECS's quota of tasks per service; also keeps a target group file a readable size. */
const MAX_DESIRED_COUNT = 5000;

// AWS's own name rules; those of clusters and services also keep them safe as folder and file names.
const NAME_RULES = {
  cluster: [/^[A-Za-z0-9_-]{1,255}$/, "an ECS cluster name: letters, digits, '-' and '_', up to 255"],
  service: [/^[A-Za-z0-9_-]{1,255}$/, "an ECS service name: letters, digits, '-' and '_', up to 255"],
  containerName: [/^[A-Za-z0-9_-]{1,255}$/, "a container name: letters, digits, '-' and '_', up to 255"],
  targetGroupName: [/^(?!-)[A-Za-z0-9-]{1,32}(?<!-)$/, "a target group name: letters, digits and '-', up to 32, no '-' first or last"],
  listenerName: [/^(?!-)[A-Za-z0-9-]{1,32}(?<!-)$/, "a load balancer name: letters, digits and '-', up to 32, no '-' first or last"],
} as const satisfies Record<string, readonly [RegExp, string]>;

// ---- The files, each checked on read: a hand edit gone wrong is reported with the file's path. ----

const nonEmpty = z.string().min(1);
const port = z.int().min(1).max(65535);

const taskSetSchema = z.strictObject({
  id: nonEmpty,
  arn: nonEmpty,
  taskDefinition: nonEmpty,
  status: z.enum(['PRIMARY', 'ACTIVE', 'DRAINING']),
  stabilityStatus: z.enum(['STEADY_STATE', 'STABILIZING']),
  /** Looks that still answer STABILIZING. */
  checksUntilStable: z.int().min(0),
  scalePercent: z.number().min(0).max(100),
  targetGroupArn: nonEmpty,
  containerName: nonEmpty,
  containerPort: port,
  /** The deployment that created it; absent on the task set a service was created with. */
  externalId: nonEmpty.optional(),
});

const serviceSchema = z
  .strictObject({
    /** ACTIVE, DRAINING or INACTIVE, as ECS reports a service. */
    status: nonEmpty,
    deploymentController: z.enum(['ECS', 'CODE_DEPLOY', 'EXTERNAL']),
    desiredCount: z.int().min(0),
    taskSets: z.array(taskSetSchema),
  })
  .refine((service) => service.taskSets.filter((taskSet) => taskSet.status === 'PRIMARY').length <= 1, {
    message: 'at most one task set may be PRIMARY',
    path: ['taskSets'],
  });

const targetSchema = z.strictObject({
  id: nonEmpty,
  port,
  state: z.enum(TARGET_STATES as [TargetState, ...TargetState[]]),
  reason: nonEmpty.optional(),
  /** The task set whose task the target is; absent on a target registered by hand. */
  taskSetArn: nonEmpty.optional(),
});

const targetGroupsSchema = z.record(
  z.string().regex(NAME_RULES.targetGroupName[0]),
  z.strictObject({ arn: nonEmpty, targets: z.array(targetSchema) }),
);

const forwardTargetSchema = z.strictObject({ targetGroupArn: nonEmpty, weight: z.int().min(0).max(999) });

// Other action types (redirect, fixed-response, authenticate-…) keep whatever settings they carry, and so does a
// forward (its stickiness, say): only a forward's target groups are read and written.
const actionSchema = z
  .looseObject({ type: nonEmpty, targetGroups: z.array(forwardTargetSchema).optional() })
  .refine((action) => action.type !== 'forward' || action.targetGroups !== undefined, {
    message: 'a forward action needs targetGroups',
    path: ['targetGroups'],
  });

const listenersSchema = z.record(nonEmpty, z.strictObject({ name: nonEmpty, defaultActions: z.array(actionSchema) }));

const behavioursSchema = z.record(nonEmpty, z.enum(TASK_DEFINITION_BEHAVIOURS));

export type LocalTaskSet = z.infer<typeof taskSetSchema>;
export type LocalEcsService = z.infer<typeof serviceSchema>;
export type LocalTarget = z.infer<typeof targetSchema>;
export type LocalListenerAction = z.infer<typeof actionSchema>;
export type LocalTargetGroup = z.infer<typeof targetGroupsSchema>[string];
type TargetGroups = Record<string, LocalTargetGroup>;
type Listeners = z.infer<typeof listenersSchema>;

/** One JSON file of the simulation, checked against its schema on every read. */
class StateDocument<T> {
  public constructor(
    public readonly file: string,
    private readonly schema: z.ZodType<T>,
    private readonly what: string,
  ) {}

  /** The file's content, or undefined when it does not exist (yet). */
  public read(): T | undefined {
    const text = readStateFile(this.file);
    if (text === undefined) return undefined;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new CutoverError(`${this.file} is not ${this.what}: ${(error as Error).message}`);
    }
    const result = this.schema.safeParse(body);
    if (!result.success) {
      const issues = result.error.issues.map((issue) => `${issue.path.length === 0 ? '(top)' : issue.path.join('.')}: ${issue.message}`);
      throw new CutoverError(`${this.file} is not ${this.what}: ${issues.join('; ')}`);
    }
    return result.data;
  }

  public write(body: T): void {
    writeStateFile(this.file, body);
  }
}

// ---- Inputs and views of the setup and read methods, for the CLI and tests. ----

export interface LocalServiceInput {
  readonly cluster: string;
  readonly service: string;
  readonly desiredCount: number;
  readonly taskDefinition: string;
  /** The group the service's first task set is registered with (the blue one). */
  readonly targetGroupName: string;
  readonly containerName: string;
  readonly containerPort: number;
}

/** A listener's share of traffic for a task set's target group (CodeDeploy's ECSTaskSet trafficWeight). */
export interface LocalTrafficWeight {
  readonly listenerArn: string;
  readonly listenerName: string;
  /** The group's weight over the sum of the forward's weights, in percent. */
  readonly percent: number;
}

export interface LocalTaskSetView extends LocalTaskSet {
  /** One entry for each listener whose forward names the task set's target group. */
  readonly trafficWeights: readonly LocalTrafficWeight[];
}

export interface LocalServiceView extends Omit<LocalEcsService, 'taskSets'> {
  readonly cluster: string;
  readonly service: string;
  readonly primaryTaskSetId?: string;
  readonly taskSets: readonly LocalTaskSetView[];
}

export interface LocalListenerView {
  readonly arn: string;
  readonly name: string;
  readonly defaultActions: readonly LocalListenerAction[];
}

export interface LocalEcsServicesOptions {
  /** The runtime's state folder; the simulation lives in its `ecs` subfolder. */
  readonly stateDir: string;
  /** Looks (isStable, describeService) a new task set answers STABILIZING to before it is STEADY_STATE; default 1. */
  readonly checksUntilStable?: number;
}

export class LocalEcsServices implements TaskSetTraffic {
  private readonly dir: string;
  private readonly checksUntilStable: number;
  private readonly targetGroups: StateDocument<TargetGroups>;
  private readonly listeners: StateDocument<Listeners>;
  private readonly behaviours: StateDocument<Record<string, TaskDefinitionBehaviour>>;

  public constructor(options: LocalEcsServicesOptions) {
    this.dir = path.join(options.stateDir, 'ecs');
    this.checksUntilStable = options.checksUntilStable ?? 1;
    refuse([['checksUntilStable', this.checksUntilStable, Number.isInteger(this.checksUntilStable) && this.checksUntilStable >= 0, 'a whole number of looks, 0 or more']]);
    this.targetGroups = new StateDocument(path.join(this.dir, 'target-groups.json'), targetGroupsSchema, 'a list of simulated target groups');
    this.listeners = new StateDocument(path.join(this.dir, 'listeners.json'), listenersSchema, 'a list of simulated listeners');
    this.behaviours = new StateDocument(path.join(this.dir, 'task-definitions.json'), behavioursSchema, 'a list of task definition behaviours');
  }

  // ---- Setup ----

  /** An empty target group; ConflictError if one has that name, as ELB's CreateTargetGroup with other settings. */
  public async createTargetGroup(name: string): Promise<string> {
    checkName('targetGroupName', name);
    const groups = this.targetGroups.read() ?? {};
    if (entry(groups, name) !== undefined) throw new ConflictError(`Target group '${name}' already exists`);
    const arn = `arn:aws:elasticloadbalancing:${ACCOUNT_AND_REGION}:targetgroup/${name}/${hex('targetgroup', name)}`;
    this.targetGroups.write({ ...groups, [name]: { arn, targets: [] } });
    return arn;
  }

  /** A listener (of a load balancer of that name) forwarding all its traffic to the target group. */
  public async createListener(name: string, targetGroupName: string): Promise<string> {
    checkName('listenerName', name);
    const group = this.groupNamed(targetGroupName);
    const listeners = this.listeners.read() ?? {};
    if (Object.values(listeners).some((listener) => listener.name === name)) throw new ConflictError(`Listener '${name}' already exists`);
    const arn = `arn:aws:elasticloadbalancing:${ACCOUNT_AND_REGION}:listener/app/${name}/${hex('loadbalancer', name)}/${hex('listener', name)}`;
    const forward = { type: 'forward', targetGroups: [{ targetGroupArn: group.arn, weight: 100 }] };
    this.listeners.write({ ...listeners, [arn]: { name, defaultActions: [forward] } });
    return arn;
  }

  /** An EXTERNAL service already running: one PRIMARY task set, STEADY_STATE, its targets healthy. */
  public async createService(input: LocalServiceInput): Promise<LocalServiceView> {
    const { cluster, service, desiredCount } = input;
    refuse([
      ...taskSetInputChecks(input),
      ['desiredCount', desiredCount, Number.isInteger(desiredCount) && desiredCount >= 0 && desiredCount <= MAX_DESIRED_COUNT, `a whole number of tasks from 0 to ${MAX_DESIRED_COUNT}`],
      nameCheck('targetGroupName', input.targetGroupName),
    ]);
    const document = this.serviceDocument(cluster, service);
    const group = this.groupNamed(input.targetGroupName);
    if (document.read() !== undefined) throw new ConflictError(`ECS service '${service}' already exists in cluster '${cluster}'`);
    const taskSet = newTaskSet(input, group.arn, undefined, { status: 'PRIMARY', stabilityStatus: 'STEADY_STATE', checksUntilStable: 0 });
    this.registerTargets(taskSet, desiredCount, { state: 'healthy' });
    document.write({ status: 'ACTIVE', deploymentController: 'EXTERNAL', desiredCount, taskSets: [taskSet] });
    return this.describe(cluster, service);
  }

  /**
   * How the tasks of a task definition behave (`healthy` is the default, and forgets it): read at every look, so it
   * holds for task sets still STABILIZING as for later ones. A stable task set's targets keep their health; change
   * that with setTargetHealth.
   */
  public async setTaskDefinitionBehaviour(taskDefinition: string, behaviour: TaskDefinitionBehaviour): Promise<void> {
    refuse([
      ['taskDefinition', taskDefinition, taskDefinition.length > 0, 'a task definition'],
      ['behaviour', behaviour, TASK_DEFINITION_BEHAVIOURS.includes(behaviour), `a behaviour: one of ${TASK_DEFINITION_BEHAVIOURS.join(', ')}`],
    ]);
    const { [taskDefinition]: _previous, ...others } = this.behaviours.read() ?? {};
    this.behaviours.write(behaviour === 'healthy' ? others : { ...others, [taskDefinition]: behaviour });
  }

  /** Puts every target of the group in that state, with the reason ELB gives for it. */
  public async setTargetHealth(targetGroupName: string, state: TargetState): Promise<void> {
    refuse([['state', state, TARGET_STATES.includes(state), `a target state: one of ${TARGET_STATES.join(', ')}`]]);
    const groups = this.targetGroups.read() ?? {};
    const group = this.groupNamed(targetGroupName, groups);
    this.targetGroups.write({ ...groups, [targetGroupName]: { ...group, targets: group.targets.map((target) => withState(target, { state })) } });
  }

  // ---- Read views, for `cutover local ecs …` ----

  /** The service as stored, with the share of traffic each listener gives each task set's target group. Looks at nothing. */
  public async describe(cluster: string, service: string): Promise<LocalServiceView> {
    const found = this.existingService(cluster, service);
    const listeners = Object.entries(this.listeners.read() ?? {});
    const taskSets = found.taskSets.map((taskSet) => ({
      ...taskSet,
      trafficWeights: listeners.flatMap(([listenerArn, listener]) => {
        const forward = onlyForward(listener.defaultActions)?.targetGroups ?? [];
        const total = forward.reduce((sum, share) => sum + share.weight, 0);
        const share = forward.find((candidate) => candidate.targetGroupArn === taskSet.targetGroupArn);
        return share === undefined ? [] : [{ listenerArn, listenerName: listener.name, percent: total === 0 ? 0 : (share.weight * 100) / total }];
      }),
    }));
    return { cluster, service, ...found, ...primaryOf(found), taskSets };
  }

  public async listener(listenerArn: string): Promise<LocalListenerView> {
    const found = entry(this.listeners.read() ?? {}, listenerArn);
    if (found === undefined) throw new NotFoundError('Listener', listenerArn);
    return { arn: listenerArn, ...found };
  }

  // ---- TaskSetTraffic ----

  public async targetGroupArn(name: string): Promise<string> {
    return this.groupNamed(name).arn;
  }

  public async describeService(cluster: string, service: string): Promise<EcsServiceState> {
    const seen = this.externalService(cluster, service);
    this.look(cluster, service, seen, () => true);
    const taskSets = seen.taskSets.map(({ id, arn, status, stabilityStatus, targetGroupArn, scalePercent }) => ({
      id,
      arn,
      status,
      stabilityStatus,
      targetGroupArn,
      scalePercent,
    }));
    return { deploymentController: 'EXTERNAL', ...primaryOf(seen), taskSets };
  }

  /** At 100 % of the desired count, its targets `initial`; the same deployment, task definition and group again return the one made. */
  public async createTaskSet(input: CreateTaskSetInput): Promise<{ taskSetArn: string; taskSetId: string }> {
    refuse([
      ...taskSetInputChecks(input),
      ['targetGroupArn', input.targetGroupArn, input.targetGroupArn.length > 0, 'a target group ARN'],
      ['externalId', input.externalId, input.externalId.length > 0, 'a deployment id'],
    ]);
    const document = this.serviceDocument(input.cluster, input.service);
    const current = this.externalService(input.cluster, input.service);
    // What ECS's client token does for the AWS adapter: the key is the token's (clientToken in ecs-task-set-traffic.ts).
    const made = current.taskSets.find(
      (taskSet) => taskSet.externalId === input.externalId && taskSet.taskDefinition === input.taskDefinition && taskSet.targetGroupArn === input.targetGroupArn,
    );
    if (made !== undefined) return { taskSetArn: made.arn, taskSetId: made.id };
    this.groupWithArn(input.targetGroupArn);

    const behaviour = this.behaviourOf(input.taskDefinition);
    const stable = this.checksUntilStable === 0 && behaviour !== 'never-stable';
    const taskSet = newTaskSet(input, input.targetGroupArn, input.externalId, {
      status: 'ACTIVE',
      stabilityStatus: stable ? 'STEADY_STATE' : 'STABILIZING',
      checksUntilStable: this.checksUntilStable,
    });
    this.registerTargets(taskSet, current.desiredCount, stable ? settledHealth(behaviour, input.taskDefinition) : { state: 'initial' });
    document.write({ ...current, taskSets: [...current.taskSets, taskSet] });
    return { taskSetArn: taskSet.arn, taskSetId: taskSet.id };
  }

  public async isStable(cluster: string, service: string, taskSetArn: string): Promise<boolean> {
    const seen = this.existingService(cluster, service);
    const taskSet = seen.taskSets.find((candidate) => candidate.arn === taskSetArn);
    // As the AWS adapter: waiting on a task set that is gone would only run into the deployment's timeout.
    if (taskSet === undefined) throw new NotFoundError('ECS task set', taskSetArn);
    this.look(cluster, service, seen, (candidate) => candidate.arn === taskSetArn);
    return taskSet.stabilityStatus === 'STEADY_STATE';
  }

  public async healthyTargets(targetGroupArn: string): Promise<TargetGroupHealth> {
    const { targets } = this.groupWithArn(targetGroupArn);
    const unhealthy = targets
      .filter((target) => target.state !== 'healthy')
      .map(({ id, port: targetPort, state, reason }) => ({ id: `${id}:${targetPort}`, state, ...(reason === undefined ? {} : { reason }) }));
    return { healthy: targets.length - unhealthy.length, total: targets.length, unhealthy };
  }

  public async routeTraffic(listenerArn: string, weights: readonly TargetGroupWeight[]): Promise<void> {
    const targetGroups = forwardWeights(weights);
    const listeners = this.listeners.read() ?? {};
    const listener = entry(listeners, listenerArn);
    if (listener === undefined) throw new NotFoundError('Listener', listenerArn);
    // As the AWS adapter: a listener that redirects, answers fixed responses or authenticates first is refused, not
    // silently turned into a bare forward.
    const forward = onlyForward(listener.defaultActions);
    if (forward === undefined) {
      const found = listener.defaultActions.length === 0 ? 'none' : listener.defaultActions.map((action) => action.type).join(', ');
      throw new ValidationError([{ field: 'listenerArn', message: `${listenerArn}: default actions must be one forward action to shift traffic, found ${found}` }]);
    }
    for (const share of targetGroups) this.groupWithArn(share.targetGroupArn);
    this.listeners.write({ ...listeners, [listenerArn]: { ...listener, defaultActions: [{ ...forward, targetGroups }] } });
  }

  /** The task set becomes PRIMARY and the one that was becomes ACTIVE. */
  public async makePrimary(cluster: string, service: string, taskSetArn: string): Promise<void> {
    const found = this.existingService(cluster, service);
    if (!found.taskSets.some((taskSet) => taskSet.arn === taskSetArn)) throw new NotFoundError('ECS task set', taskSetArn);
    const taskSets = found.taskSets.map((taskSet): LocalTaskSet => {
      if (taskSet.arn === taskSetArn) return { ...taskSet, status: 'PRIMARY' };
      return taskSet.status === 'PRIMARY' ? { ...taskSet, status: 'ACTIVE' } : taskSet;
    });
    this.serviceDocument(cluster, service).write({ ...found, taskSets });
  }

  /** Removes the task set and deregisters its targets at once; one already gone is not an error. */
  public async deleteTaskSet(cluster: string, service: string, taskSetArn: string): Promise<void> {
    const found = this.existingService(cluster, service);
    if (!found.taskSets.some((taskSet) => taskSet.arn === taskSetArn)) return;
    const groups = this.targetGroups.read() ?? {};
    this.targetGroups.write(mapGroups(groups, (targets) => targets.filter((target) => target.taskSetArn !== taskSetArn)));
    this.serviceDocument(cluster, service).write({ ...found, taskSets: found.taskSets.filter((taskSet) => taskSet.arn !== taskSetArn) });
  }

  // ---- State ----

  /**
   * One look at the service, as `seen` holds it: each STABILIZING task set `which` picks counts it down, and one whose
   * count is used up is STEADY_STATE from the next look on, its targets healthy or not as its task definition says.
   */
  private look(cluster: string, service: string, seen: LocalEcsService, which: (taskSet: LocalTaskSet) => boolean): void {
    const behaviours = this.behaviours.read() ?? {};
    const settled = new Map<string, TargetHealthUpdate>();
    let changed = false;
    const taskSets = seen.taskSets.map((taskSet): LocalTaskSet => {
      const behaviour = entry(behaviours, taskSet.taskDefinition) ?? 'healthy';
      if (!which(taskSet) || taskSet.stabilityStatus !== 'STABILIZING' || behaviour === 'never-stable') return taskSet;
      changed = true;
      const checksUntilStable = Math.max(0, taskSet.checksUntilStable - 1);
      if (checksUntilStable > 0) return { ...taskSet, checksUntilStable };
      settled.set(taskSet.arn, settledHealth(behaviour, taskSet.taskDefinition));
      return { ...taskSet, checksUntilStable, stabilityStatus: 'STEADY_STATE' };
    });
    if (settled.size > 0) {
      const groups = this.targetGroups.read() ?? {};
      this.targetGroups.write(
        mapGroups(groups, (targets) =>
          targets.map((target) => {
            const health = target.taskSetArn === undefined ? undefined : settled.get(target.taskSetArn);
            return health === undefined ? target : withState(target, health);
          }),
        ),
      );
    }
    if (changed) this.serviceDocument(cluster, service).write({ ...seen, taskSets });
  }

  /** Registers the task set's tasks with its group, each on an address no other target has. */
  private registerTargets(taskSet: LocalTaskSet, count: number, health: TargetHealthUpdate): void {
    const groups = this.targetGroups.read() ?? {};
    const [name, group] = findGroupWithArn(groups, taskSet.targetGroupArn) ?? [];
    if (name === undefined || group === undefined) throw new NotFoundError('Target group', taskSet.targetGroupArn);
    const taken = new Set(Object.values(groups).flatMap((other) => other.targets.map((target) => target.id)));
    const added: LocalTarget[] = [];
    for (let n = 0; added.length < count; n += 1) {
      const id = address(n);
      if (!taken.has(id)) added.push(withState({ id, port: taskSet.containerPort, state: 'initial', taskSetArn: taskSet.arn }, health));
    }
    this.targetGroups.write({ ...groups, [name]: { ...group, targets: [...group.targets, ...added] } });
  }

  private behaviourOf(taskDefinition: string): TaskDefinitionBehaviour {
    return entry(this.behaviours.read() ?? {}, taskDefinition) ?? 'healthy';
  }

  private groupNamed(name: string, groups: TargetGroups = this.targetGroups.read() ?? {}): LocalTargetGroup {
    const group = entry(groups, name);
    if (group === undefined) throw new NotFoundError('Target group', name);
    return group;
  }

  private groupWithArn(arn: string): LocalTargetGroup {
    const found = findGroupWithArn(this.targetGroups.read() ?? {}, arn);
    if (found === undefined) throw new NotFoundError('Target group', arn);
    return found[1];
  }

  /** As the AWS adapter's check: the service exists, is ACTIVE and uses the EXTERNAL controller (else INVALID_ECS_SERVICE). */
  private externalService(cluster: string, service: string): LocalEcsService {
    const found = this.serviceDocument(cluster, service).read();
    const name = `ECS service ${service} in cluster ${cluster}`;
    const problems =
      found === undefined
        ? ['was not found (MISSING)']
        : [
            ...(found.deploymentController === 'EXTERNAL' ? [] : [`uses the ${found.deploymentController} deployment controller; task sets need EXTERNAL`]),
            ...(found.status === 'ACTIVE' ? [] : [`is ${found.status}, not ACTIVE`]),
          ];
    if (found === undefined || problems.length > 0) {
      throw new ValidationError(problems.map((problem) => ({ field: 'ecsService', message: `${name} ${problem}` })));
    }
    return found;
  }

  private existingService(cluster: string, service: string): LocalEcsService {
    const found = this.serviceDocument(cluster, service).read();
    if (found === undefined) throw new NotFoundError('ECS service', `${cluster}/${service}`);
    return found;
  }

  /** The service's file; both names are checked first, since they become a folder and a file name. */
  private serviceDocument(cluster: string, service: string): StateDocument<LocalEcsService> {
    refuse([nameCheck('cluster', cluster), nameCheck('service', service)]);
    return new StateDocument(path.join(this.dir, 'clusters', cluster, `${service}.json`), serviceSchema, 'a simulated ECS service');
  }
}

type TargetHealthUpdate = { readonly state: TargetState; readonly reason?: string };

/** How a stable task set's targets answer health checks. */
function settledHealth(behaviour: TaskDefinitionBehaviour, taskDefinition: string): TargetHealthUpdate {
  return behaviour === 'unhealthy'
    ? { state: 'unhealthy', reason: `Target.FailedHealthChecks (Health checks failed: task definition ${taskDefinition} is set to be unhealthy)` }
    : { state: 'healthy' };
}

/** The target in that state, with the given reason or else the one ELB gives for the state. */
function withState(target: LocalTarget, { state, reason = TARGET_REASONS[state] }: TargetHealthUpdate): LocalTarget {
  const { id, port: targetPort, taskSetArn } = target;
  return { id, port: targetPort, state, ...(reason === undefined ? {} : { reason }), ...(taskSetArn === undefined ? {} : { taskSetArn }) };
}

function mapGroups(groups: TargetGroups, change: (targets: LocalTarget[]) => LocalTarget[]): TargetGroups {
  return Object.fromEntries(Object.entries(groups).map(([name, group]) => [name, { ...group, targets: change(group.targets) }]));
}

function findGroupWithArn(groups: TargetGroups, arn: string): [string, LocalTargetGroup] | undefined {
  return Object.entries(groups).find(([, group]) => group.arn === arn);
}

/** The listener's default action when it is a single forward, the only kind traffic can be shifted on. */
function onlyForward(actions: readonly LocalListenerAction[]): LocalListenerAction | undefined {
  return actions.length === 1 && actions[0].type === 'forward' ? actions[0] : undefined;
}

function primaryOf(service: LocalEcsService): { primaryTaskSetId?: string } {
  const primary = service.taskSets.find((taskSet) => taskSet.status === 'PRIMARY');
  return primary === undefined ? {} : { primaryTaskSetId: primary.id };
}

/**
 * A task set at 100 %, in its file's order of keys. Its id derives from what makes it that task set, as the AWS
 * adapter's client token does, so the ids of a repeated run are the same.
 */
function newTaskSet(
  input: Pick<CreateTaskSetInput, 'cluster' | 'service' | 'taskDefinition' | 'containerName' | 'containerPort'>,
  targetGroupArn: string,
  externalId: string | undefined,
  state: Pick<LocalTaskSet, 'status' | 'stabilityStatus' | 'checksUntilStable'>,
): LocalTaskSet {
  const id = `ecs-svc/${digits(input.cluster, input.service, externalId ?? '', input.taskDefinition, targetGroupArn)}`;
  return {
    id,
    arn: `arn:aws:ecs:${ACCOUNT_AND_REGION}:task-set/${input.cluster}/${input.service}/${id}`,
    taskDefinition: input.taskDefinition,
    ...state,
    scalePercent: 100,
    targetGroupArn,
    containerName: input.containerName,
    containerPort: input.containerPort,
    ...(externalId === undefined ? {} : { externalId }),
  };
}

/** The n-th private address a task gets: 10.0.1.4, 10.0.1.5, … (the first four of each block are AWS's). */
function address(n: number): string {
  const block = Math.floor(n / 250);
  return `10.${Math.floor(block / 255)}.${(block % 255) + 1}.${(n % 250) + 4}`;
}

/** 16 hex digits standing for these names, as the ids in ELB ARNs. */
function hex(...names: string[]): string {
  return createHash('sha256').update(JSON.stringify(names)).digest('hex').slice(0, 16);
}

/** 19 digits standing for these names, as the ids of ECS task sets. */
function digits(...names: string[]): string {
  return (BigInt(`0x${hex(...names)}`) % 9_000_000_000_000_000_000n + 1_000_000_000_000_000_000n).toString();
}

/** The record's own entry; a key such as `constructor` finds nothing. */
function entry<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

// ---- Input checks: every problem found, each naming its field and the value refused. ----

/** [field, value, whether it passes, what it must be]. */
type Check = readonly [field: string, value: unknown, ok: boolean, rule: string];

function refuse(checks: readonly Check[]): void {
  const problems: FieldProblem[] = checks.filter(([, , ok]) => !ok).map(([field, value, , rule]) => ({ field, message: `'${String(value)}' is not ${rule}` }));
  if (problems.length > 0) throw new ValidationError(problems);
}

function nameCheck(field: keyof typeof NAME_RULES, value: string): Check {
  const [pattern, rule] = NAME_RULES[field];
  return [field, value, pattern.test(value), rule];
}

function checkName(field: keyof typeof NAME_RULES, value: string): void {
  refuse([nameCheck(field, value)]);
}

/** The checks of what a task set is made from; the cluster and service names first, as they become file names. */
function taskSetInputChecks(input: Pick<CreateTaskSetInput, 'cluster' | 'service' | 'taskDefinition' | 'containerName' | 'containerPort'>): Check[] {
  return [
    nameCheck('cluster', input.cluster),
    nameCheck('service', input.service),
    ['taskDefinition', input.taskDefinition, input.taskDefinition.length > 0, 'a task definition'],
    nameCheck('containerName', input.containerName),
    ['containerPort', input.containerPort, port.safeParse(input.containerPort).success, 'a port: a whole number from 1 to 65535'],
  ];
}
