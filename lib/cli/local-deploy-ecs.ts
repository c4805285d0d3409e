// `cutover local deploy --platform ecs <appspec>`: a blue/green deployment of a simulated ECS service with the real
// ECS flow, hook functions running as local modules, and wait for it. The first run on a state folder sets the
// service up (target groups, listeners, the original task set); later runs deploy to what is there.
import { ECS_HOOK_EVENTS, type EcsAppSpec, parseEcsAppSpec } from '../../functions/core/appspec/ecs-appspec';
import { NotFoundError, ValidationError } from '../../functions/core/errors';
import type { DeploymentGroup, TargetGroupPairInfo } from '../../functions/core/types';
import type { LocalEcsServices, LocalServiceView } from '../local/local-ecs-services';
import { ensureLocalEcsGroup } from '../local/local-groups';
import type { CliContext } from './cli-context';
import { UsageError } from './cli-errors';
import { HOOK_FLAG_HELP } from './hook-modules';
import { parseFlags, wholeNumber } from './parse-flags';
import { ALARM_FLAG_HELP, runTrafficDeploy, TRAFFIC_DEPLOY_FLAGS, TRAFFIC_FLAGS_HELP, type TrafficPlatformCli } from './traffic-deploy';

export const DEFAULT_ECS_APPLICATION = 'cutover-local-ecs';
export const DEFAULT_ECS_GROUP = 'ecs-service';
export const DEFAULT_CLUSTER = 'local';
export const DEFAULT_SERVICE = 'web';
/** Tasks of a service the first run sets up; every task set runs as many. */
const DESIRED_COUNT = 2;
/** CodeDeploy's bounds for terminationWaitTimeInMinutes. */
const MAX_TERMINATION_WAIT_MINUTES = 2880;

export const LOCAL_DEPLOY_ECS_USAGE = `usage: cutover local deploy --platform ecs <appspec.yaml | appspec.yml | appspec.json | folder holding one>
       [--cluster NAME] [--service NAME] [--config NAME] [--application NAME] [--group NAME] [--hook NAME=PATH ...]
       [--test-listener] [--termination-wait MINUTES] [--alarm NAME ...] [--auto-rollback] [--description TEXT]
       [--time-scale X] [--json] [--state-dir DIR]

Replaces the task set of a simulated ECS service (files under <state-dir>/ecs) with one running the appspec's
TaskDefinition, blue/green: the replacement starts behind the target group the original is not behind, takes test
traffic (with a test listener), then production traffic by the deployment config, becomes primary, and the original
is removed after the termination wait. A service the simulation does not have yet is set up first: target groups
<service>-blue and <service>-green, listener <service>-prod (and <service>-test) forwarding to <service>-blue, and
${DESIRED_COUNT} tasks of an original task definition: the appspec's family at the revision before (web:7 for web:8),
or the appspec's own at revision 1. \`cutover local ecs describe-service\` shows the task sets and where traffic goes.

  --cluster, --service     the service to deploy (default ${DEFAULT_CLUSTER} / ${DEFAULT_SERVICE}); a service name takes letters, digits and
                           '-', at most 26, as it names the target groups and listeners
  --config NAME            an ECS deployment config, e.g. CodeDeployDefault.ECSLinear10PercentEvery1Minutes
                           (default: the group's, else CodeDeployDefault.ECSAllAtOnce)
  --application, --group   default ${DEFAULT_ECS_APPLICATION} / ${DEFAULT_ECS_GROUP}; created on first use for the service, with the
                           settings below (a later run keeps the group's, and says so when a flag asks otherwise)
${HOOK_FLAG_HELP}
  --test-listener          a test listener <service>-test: AllowTestTraffic sends it to the replacement before any
                           production traffic moves, for an AfterAllowTestTraffic hook to try
  --termination-wait MIN   minutes the original task set is kept once production traffic moved, for a quick way back
                           (0 to ${MAX_TERMINATION_WAIT_MINUTES}, default 0; --time-scale shortens it too)
${ALARM_FLAG_HELP}
  --auto-rollback          also give traffic back to the original when the deployment fails after all of it moved
                           (a failing AfterAllowTraffic hook); a deployment that fails midway always gives it back
${TRAFFIC_FLAGS_HELP}

Rehearse failures with \`cutover local ecs set-task-definition <arn> unhealthy|never-stable\` before deploying.
Exit status: 0 when the deployment succeeded, 1 when it did not, 2 for bad input.`;

const ECS_CLI: TrafficPlatformCli<EcsAppSpec> = {
  platform: 'ecs',
  usage: LOCAL_DEPLOY_ECS_USAGE,
  parseAppSpec: parseEcsAppSpec,
  hookEvents: ECS_HOOK_EVENTS,
  defaultApplication: DEFAULT_ECS_APPLICATION,
  defaultGroup: DEFAULT_ECS_GROUP,
};

const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
// `<service>-green` must be a target group name: letters, digits and '-', at most 32, no '-' first.
const SERVICE_NAME = /^(?!-)[A-Za-z0-9-]{1,26}$/;

/** The service's simulated load balancing, named after it. */
interface ServiceNames {
  readonly cluster: string;
  readonly service: string;
  readonly blue: string;
  readonly green: string;
  readonly prod: string;
  readonly test: string;
}

export async function localDeployEcsCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    {
      ...TRAFFIC_DEPLOY_FLAGS,
      cluster: { type: 'string' },
      service: { type: 'string' },
      'test-listener': { type: 'boolean' },
      'termination-wait': { type: 'string' },
    },
    LOCAL_DEPLOY_ECS_USAGE,
  );
  const names = serviceNames(clusterFlag(values.cluster), checkedName('--service', values.service ?? DEFAULT_SERVICE, SERVICE_NAME, SERVICE_RULE));
  const terminationWaitMinutes = wholeNumber('--termination-wait', values['termination-wait'], 0, MAX_TERMINATION_WAIT_MINUTES);
  const testListener = values['test-listener'] ?? false;

  return runTrafficDeploy(ctx, ECS_CLI, values, positionals, async ({ runtime, appSpec, note, stateDirShown, ...group }) => {
    const existing = await runtime.store.getDeploymentGroup(group.applicationName, group.deploymentGroupName);
    if (existing) refuseOtherService(existing, names);
    const { pair, made } = await ensureSimulatedService(runtime.ecsServices, names, appSpec, testListener);
    if (made) note.write(`Set up the simulated ECS service ${made} (${stateDirShown}/ecs)\n`);
    const settings = { terminationWaitMinutes, alarms: values.alarm };
    const service = { clusterName: names.cluster, serviceName: names.service };
    const deploying = await ensureLocalEcsGroup(runtime.store, { ...group, ...settings, service, targetGroupPair: pair }, new Date());
    const kept = existing ? settingsKept(existing, { ...settings, testListener }) : [];
    if (kept.length > 0) note.write(`Deployment group ${group.deploymentGroupName} keeps its ${kept.join(', ')} (a new --group takes the flags)\n`);
    const testHook = appSpec.hooks.AfterAllowTestTraffic;
    if (testHook !== undefined && !deploying.loadBalancerInfo?.targetGroupPairInfoList?.[0]?.testTrafficRoute) {
      note.write(`The group has no test listener (--test-listener): AllowTestTraffic and the AfterAllowTestTraffic hook ${testHook} are skipped\n`);
    }
  });
}

const CLUSTER_RULE = "an ECS cluster name: letters, digits, '-' and '_', at most 255";
const SERVICE_RULE = "a service name here: letters, digits and '-', at most 26, not starting with '-' (it names the target groups and listeners)";

/** --cluster of every `local` ECS command. */
export function clusterFlag(given: string | undefined): string {
  return checkedName('--cluster', given ?? DEFAULT_CLUSTER, CLUSTER_NAME, CLUSTER_RULE);
}

function checkedName(flag: string, value: string, pattern: RegExp, rule: string): string {
  if (!pattern.test(value)) throw new UsageError(flag, `'${value}' is not ${rule}`);
  return value;
}

function serviceNames(cluster: string, service: string): ServiceNames {
  return { cluster, service, blue: `${service}-blue`, green: `${service}-green`, prod: `${service}-prod`, test: `${service}-test` };
}

/**
 * The service as the deployment group needs it: set up when the simulation does not have it (saying what it made),
 * else found as an earlier run left it, its listeners found by name among those forwarding to its task sets. A test
 * listener asked for and missing is added, forwarding where production traffic goes. The pair names the test listener
 * only with --test-listener.
 */
async function ensureSimulatedService(
  ecs: LocalEcsServices,
  names: ServiceNames,
  appSpec: EcsAppSpec,
  testListener: boolean,
): Promise<{ pair: TargetGroupPairInfo; made?: string }> {
  const existing = await describeIfAny(ecs, names);
  if (existing === undefined) {
    for (const group of [names.blue, names.green]) await ensureTargetGroup(ecs, group);
    const prod = await ecs.createListener(names.prod, names.blue);
    const test = testListener ? await ecs.createListener(names.test, names.blue) : undefined;
    const taskDefinition = originalTaskDefinition(appSpec.taskDefinition);
    const { containerName, containerPort } = appSpec;
    const { cluster, service } = names;
    await ecs.createService({ cluster, service, desiredCount: DESIRED_COUNT, taskDefinition, targetGroupName: names.blue, containerName, containerPort });
    const listeners = test === undefined ? `listener ${names.prod}` : `listeners ${names.prod} and ${names.test}`;
    const made =
      `${names.cluster}/${names.service}: ${DESIRED_COUNT} tasks of ${taskDefinition} behind target group ${names.blue}, ` +
      `${listeners} forwarding to it, and target group ${names.green} for the replacement`;
    return { pair: pairOf(names, prod, test), made };
  }
  const listenerArn = (name: string): string | undefined =>
    existing.taskSets.flatMap((taskSet) => taskSet.trafficWeights).find((weight) => weight.listenerName === name)?.listenerArn;
  const prod = listenerArn(names.prod);
  if (prod === undefined) {
    throw new ValidationError([
      {
        field: '--service',
        message: `service ${names.cluster}/${names.service} has no listener ${names.prod} forwarding to its task sets, as one set up by cutover local deploy --platform ecs has; deploy another --service, or use a new --state-dir`,
      },
    ]);
  }
  if (!testListener) return { pair: pairOf(names, prod, undefined) };
  const test = listenerArn(names.test) ?? (await ecs.createListener(names.test, await primaryTargetGroup(ecs, names, existing)));
  return { pair: pairOf(names, prod, test) };
}

async function describeIfAny(ecs: LocalEcsServices, names: ServiceNames): Promise<LocalServiceView | undefined> {
  try {
    return await ecs.describe(names.cluster, names.service);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

async function ensureTargetGroup(ecs: LocalEcsServices, name: string): Promise<void> {
  try {
    await ecs.targetGroupArn(name);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    await ecs.createTargetGroup(name);
  }
}

/** The name of the target group behind the primary task set (which production traffic goes to). */
async function primaryTargetGroup(ecs: LocalEcsServices, names: ServiceNames, service: LocalServiceView): Promise<string> {
  const primary = service.taskSets.find((taskSet) => taskSet.id === service.primaryTaskSetId);
  return primary?.targetGroupArn === (await ecs.targetGroupArn(names.green)) ? names.green : names.blue;
}

function pairOf(names: ServiceNames, prod: string, test: string | undefined): TargetGroupPairInfo {
  return {
    targetGroups: [{ name: names.blue }, { name: names.green }],
    prodTrafficRoute: { listenerArns: [prod] },
    ...(test === undefined ? {} : { testTrafficRoute: { listenerArns: [test] } }),
  };
}

/**
 * The task definition a service set up for the appspec runs first: the family at the revision before
 * (…/web:8 → …/web:7). There is none before revision 1, so a web:1 appspec finds the service running web:1 itself,
 * and its deployment replaces the task set with one of the same task definition, as a redeploy does on AWS.
 */
export function originalTaskDefinition(taskDefinition: string): string {
  const at = taskDefinition.lastIndexOf(':');
  const revision = Number(taskDefinition.slice(at + 1));
  return revision > 1 ? `${taskDefinition.slice(0, at + 1)}${revision - 1}` : taskDefinition;
}

/** A group deploys one service: a deployment with it would go there, not to the service named. */
function refuseOtherService(group: DeploymentGroup, names: ServiceNames): void {
  const service = group.ecsServices?.[0];
  if (service === undefined || (service.clusterName === names.cluster && service.serviceName === names.service)) return;
  const message = `deployment group ${group.deploymentGroupName} deploys service ${service.clusterName}/${service.serviceName}, not ${names.cluster}/${names.service}; name another group with --group`;
  throw new ValidationError([{ field: '--group', message }]);
}

/** The settings of an existing group that differ from what the flags asked: a group keeps those it was made with. */
function settingsKept(group: DeploymentGroup, request: { readonly terminationWaitMinutes?: number; readonly alarms?: readonly string[]; readonly testListener: boolean }): string[] {
  const kept: string[] = [];
  const wait = group.blueGreenDeploymentConfiguration?.terminateBlueInstancesOnDeploymentSuccess?.terminationWaitTimeInMinutes ?? 0;
  if (request.terminationWaitMinutes !== undefined && request.terminationWaitMinutes !== wait) kept.push(`termination wait of ${wait} minute(s)`);
  const hasTest = (group.loadBalancerInfo?.targetGroupPairInfoList?.[0]?.testTrafficRoute?.listenerArns.length ?? 0) > 0;
  if (request.testListener && !hasTest) kept.push('production listener alone (no test listener)');
  const alarms = group.alarmConfiguration?.enabled ? group.alarmConfiguration.alarms.map((alarm) => alarm.name) : [];
  if (request.alarms !== undefined && [...request.alarms].sort().join() !== [...alarms].sort().join()) {
    kept.push(alarms.length === 0 ? 'watching no alarm' : `alarms ${alarms.join(', ')}`);
  }
  return kept;
}
