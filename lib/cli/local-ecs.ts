// `cutover local ecs describe-service|set-health|set-task-definition|delete-task-set`: the simulated ECS services
// that ECS deployments replace task sets of, with their target groups and listeners, under <state-dir>/ecs.
import { NotFoundError } from '../../functions/core/errors';
import type { TargetGroupHealth } from '../../functions/ports';
import { LocalEcsServices, type LocalServiceView, type LocalTaskSetView, TASK_DEFINITION_BEHAVIOURS, type TaskDefinitionBehaviour } from '../local/local-ecs-services';
import type { CliContext } from './cli-context';
import { EXIT_OK, UsageError } from './cli-errors';
import { clusterFlag } from './local-deploy-ecs';
import { simulationAccess } from './local-session';
import { expectPositionals, oneOf, parseFlags, runSubcommand, type Subcommand } from './parse-flags';

export const LOCAL_ECS_USAGE = `usage: cutover local ecs describe-service <service> [--cluster NAME] [--json] [--state-dir DIR]
       cutover local ecs set-health <target-group> <healthy|unhealthy> [--state-dir DIR]
       cutover local ecs set-task-definition <task-definition-arn> <healthy|unhealthy|never-stable> [--state-dir DIR]
       cutover local ecs delete-task-set <service> <task-set-id> [--cluster NAME] [--state-dir DIR]

Simulated ECS services for \`cutover local deploy --platform ecs\`, in <state-dir>/ecs: a service's file lists its
task sets; target-groups.json and listeners.json hold the load balancing in front of them.

describe-service shows each task set of a service (default cluster local): its task definition, PRIMARY or ACTIVE,
STEADY_STATE or STABILIZING, its target group with the health of its targets, and the share of traffic each listener
gives it. It reads the files without taking the state folder, so it also works while a deployment runs.

set-health puts every target now registered with a target group in that state. set-task-definition says how the
tasks of a task definition behave from now on, for the replacement task sets of later deployments: unhealthy tasks
fail their health checks (no traffic moves to them), never-stable ones stay STABILIZING until the deployment gives up
(an hour of polls, ECS_UPDATE_ERROR); healthy is the default. delete-task-set removes a task set that is not
primary, such as one left beside the primary when giving traffic back failed (a service takes no deployment while it
has one). These three take the state folder, so they wait for no deployment: run them
before or after one.`;

const TARGET_HEALTH = ['healthy', 'unhealthy'] as const;

const SERVICES = simulationAccess('cutover local ecs', (stateDir) => new LocalEcsServices({ stateDir }));

const SUBCOMMANDS: Record<string, Subcommand> = {
  'describe-service': describeService,
  'set-health': setHealth,
  'set-task-definition': setTaskDefinition,
  'delete-task-set': deleteTaskSet,
};

export async function localEcsCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  return runSubcommand(args, ctx, SUBCOMMANDS, LOCAL_ECS_USAGE);
}

/** A task set as describe-service shows it: the simulation's view with its target group's name and health. */
interface TaskSetShown extends LocalTaskSetView {
  readonly targetGroupName: string;
  readonly targetHealth: TargetGroupHealth;
}

async function describeService(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    { cluster: { type: 'string' }, json: { type: 'boolean' }, 'state-dir': { type: 'string' } },
    LOCAL_ECS_USAGE,
  );
  const [service] = expectPositionals(positionals, ['service'], 'describe-service', LOCAL_ECS_USAGE);
  const ecs = SERVICES.read(ctx, values['state-dir']);
  const view = await ecs.describe(clusterFlag(values.cluster), service);
  const taskSets: TaskSetShown[] = [];
  for (const taskSet of view.taskSets) {
    taskSets.push({ ...taskSet, targetGroupName: targetGroupNameOf(taskSet.targetGroupArn), targetHealth: await ecs.healthyTargets(taskSet.targetGroupArn) });
  }
  ctx.stdout.write(values.json ? `${JSON.stringify({ ...view, taskSets }, null, 2)}\n` : describeText(view, taskSets));
  return EXIT_OK;
}

async function setHealth(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, { 'state-dir': { type: 'string' } }, LOCAL_ECS_USAGE);
  const [targetGroup, given] = expectPositionals(positionals, ['target-group', 'state'], 'set-health', LOCAL_ECS_USAGE);
  const state = oneOf('state', given, TARGET_HEALTH) as (typeof TARGET_HEALTH)[number];
  const health = await SERVICES.change(ctx, values['state-dir'], 'set-health', async (ecs) => {
    await ecs.setTargetHealth(targetGroup, state);
    return ecs.healthyTargets(await ecs.targetGroupArn(targetGroup));
  });
  ctx.stdout.write(`Target group ${targetGroup}: ${health.total} target(s) ${state}\n`);
  return EXIT_OK;
}

async function setTaskDefinition(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, { 'state-dir': { type: 'string' } }, LOCAL_ECS_USAGE);
  const [taskDefinition, given] = expectPositionals(positionals, ['task-definition-arn', 'behaviour'], 'set-task-definition', LOCAL_ECS_USAGE);
  if (!/:task-definition\/[A-Za-z0-9_-]{1,255}:[1-9]\d*$/.test(taskDefinition)) {
    throw new UsageError('task-definition-arn', `give the ARN with its revision, as the appspec's TaskDefinition names it, e.g. arn:aws:ecs:us-east-1:111122223333:task-definition/web:2 (got ${taskDefinition})`);
  }
  const behaviour = oneOf('behaviour', given, TASK_DEFINITION_BEHAVIOURS) as TaskDefinitionBehaviour;
  await SERVICES.change(ctx, values['state-dir'], 'set-task-definition', (ecs) => ecs.setTaskDefinitionBehaviour(taskDefinition, behaviour));
  ctx.stdout.write(`Task definition ${taskDefinition}: ${BEHAVIOUR_SHOWN[behaviour]}\n`);
  return EXIT_OK;
}

async function deleteTaskSet(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, { cluster: { type: 'string' }, 'state-dir': { type: 'string' } }, LOCAL_ECS_USAGE);
  const [service, taskSetId] = expectPositionals(positionals, ['service', 'task-set-id'], 'delete-task-set', LOCAL_ECS_USAGE);
  const cluster = clusterFlag(values.cluster);
  await SERVICES.change(ctx, values['state-dir'], 'delete-task-set', async (ecs) => {
    const taskSet = (await ecs.describe(cluster, service)).taskSets.find((candidate) => candidate.id === taskSetId);
    if (taskSet === undefined) throw new NotFoundError('ECS task set', `${cluster}/${service}/${taskSetId}`);
    if (taskSet.status === 'PRIMARY') throw new UsageError('task-set-id', `${taskSetId} is the primary task set of ${cluster}/${service}; a deployment replaces it`);
    await ecs.deleteTaskSet(cluster, service, taskSet.arn);
  });
  ctx.stdout.write(`Deleted task set ${taskSetId} of ${cluster}/${service}, and its targets\n`);
  return EXIT_OK;
}

const BEHAVIOUR_SHOWN: Record<TaskDefinitionBehaviour, string> = {
  healthy: 'healthy (its task sets become stable and their targets pass health checks)',
  unhealthy: 'unhealthy (its task sets become stable, but their targets fail health checks)',
  'never-stable': 'never-stable (its task sets stay STABILIZING)',
};

/** `arn:…:targetgroup/web-blue/0123…` → `web-blue`. */
function targetGroupNameOf(arn: string): string {
  return /:targetgroup\/([^/]+)\//.exec(arn)?.[1] ?? arn;
}

function describeText(view: LocalServiceView, taskSets: readonly TaskSetShown[]): string {
  const lines = [
    `Service ${view.service} in cluster ${view.cluster}: ${view.status}, ${view.deploymentController} deployment controller, ${view.desiredCount} task(s) desired`,
  ];
  if (taskSets.length === 0) lines.push('  no task sets');
  for (const taskSet of taskSets) {
    const made = taskSet.externalId === undefined ? 'the task set the service was created with' : `made by deployment ${taskSet.externalId}`;
    const { healthy, total, unhealthy } = taskSet.targetHealth;
    const states = [...new Set(unhealthy.map((target) => target.state))];
    const traffic = taskSet.trafficWeights.map((weight) => `${weight.listenerName} ${Number(weight.percent.toFixed(2))}%`);
    lines.push(
      `  task set ${taskSet.id}  ${taskSet.status}  ${taskSet.stabilityStatus}  (${made})`,
      `    task definition  ${taskSet.taskDefinition}`,
      `    container        ${taskSet.containerName}:${taskSet.containerPort}, ${taskSet.scalePercent}% of the desired count`,
      `    target group     ${taskSet.targetGroupName}: ${healthy} of ${total} target(s) healthy${states.length > 0 ? ` (others ${states.join(', ')})` : ''}`,
      `    traffic          ${traffic.length > 0 ? traffic.join(', ') : 'no listener forwards to it'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
