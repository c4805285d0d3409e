// `cutover local deploy <bundle>`: deploy a bundle to local hosts with the real state machine, and wait for it.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { AppSpec, DeploymentView, FileExistsBehavior, RevisionLocation } from '../../functions/core/types';
import { createDeployment, type CreateDeploymentRequest } from '../../functions/steps/create-deployment';
import { loadBundle } from '../local/bundle';
import { ensureLocalGroup, numberedHosts } from '../local/local-groups';
import type { LocalRuntime } from '../local/local-runtime';
import type { CliContext } from './cli-context';
import { UsageError } from './cli-errors';
import { localDeployEcsCommand } from './local-deploy-ecs';
import { localDeployLambdaCommand } from './local-deploy-lambda';
import { runDeploymentCommand } from './local-session';
import { DEPLOY_FLAGS, oneOf, parseFlags, positiveInteger, positiveNumber } from './parse-flags';

export const LOCAL_DEPLOY_USAGE = `usage: cutover local deploy <bundle-dir | .zip | .tar | .tgz> [--hosts N | --host NAME ...] [--config NAME]
       [--application NAME] [--group NAME] [--load-balancer NAME ...] [--alarm NAME ...] [--auto-rollback]
       [--ignore-application-stop-failures] [--file-exists-behavior DISALLOW|OVERWRITE|RETAIN] [--description TEXT] [--json]
       [--state-dir DIR] [--time-scale X]
       cutover local deploy --platform lambda <appspec.yaml | appspec.json | folder> [--config NAME] [--hook NAME=PATH ...]
       [--alarm NAME ...] [--time-scale X] [--json] ...   (--platform lambda --help for all its flags)
       cutover local deploy --platform ecs <appspec.yaml | appspec.json | folder> [--service NAME] [--config NAME]
       [--hook NAME=PATH ...] [--test-listener] [--termination-wait MINUTES] [--time-scale X] [--json] ...
       (--platform ecs --help for all its flags)
--platform server (the default) deploys to hosts; lambda shifts a simulated Lambda alias; ecs replaces the task set
of a simulated ECS service, blue/green. --alarm names simulated CloudWatch alarms the group watches (\`cutover local
alarm set NAME ALARM\`): one in ALARM stops the deployment, cancelling the scripts its batch runs; with
--auto-rollback the last good revision is then deployed again.`;

const PLATFORMS = ['server', 'lambda', 'ecs'] as const;

const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
export const DEFAULT_APPLICATION = 'cutover-local';
export const DEFAULT_GROUP = 'local-hosts';
const DEFAULT_HOST_COUNT = 3;

export interface LocalDeployRequest {
  readonly bundle: string;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly hosts?: readonly string[];
  readonly deploymentConfigName?: string;
  /** Simulated target groups the hosts sit behind (BlockTraffic/AllowTraffic run around each batch). */
  readonly loadBalancers?: readonly string[];
  /** Simulated CloudWatch alarms the group watches; undefined keeps the group's. */
  readonly alarms?: readonly string[];
  readonly autoRollback: boolean;
  readonly ignoreApplicationStopFailures: boolean;
  readonly fileExistsBehavior?: FileExistsBehavior;
  readonly description?: string;
}

export async function localDeployCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const platform = platformOf(args);
  if (platform === 'lambda') return localDeployLambdaCommand(args, ctx);
  if (platform === 'ecs') return localDeployEcsCommand(args, ctx);
  const { values, positionals } = parseFlags(
    args,
    {
      ...DEPLOY_FLAGS,
      hosts: { type: 'string' },
      host: { type: 'string', multiple: true },
      'load-balancer': { type: 'string', multiple: true },
      alarm: { type: 'string', multiple: true },
      'ignore-application-stop-failures': { type: 'boolean' },
      'file-exists-behavior': { type: 'string' },
    },
    LOCAL_DEPLOY_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError('bundle', `give exactly one bundle (got ${positionals.length})\n${LOCAL_DEPLOY_USAGE}`);
  if (values.hosts !== undefined && values.host !== undefined) throw new UsageError('--hosts', 'use either --hosts N or --host NAME, not both');
  const request: LocalDeployRequest = {
    bundle: path.resolve(ctx.cwd, positionals[0]),
    applicationName: values.application ?? DEFAULT_APPLICATION,
    deploymentGroupName: values.group ?? DEFAULT_GROUP,
    hosts: hostsFrom(values.hosts, values.host),
    deploymentConfigName: values.config,
    loadBalancers: values['load-balancer'],
    alarms: values.alarm,
    autoRollback: values['auto-rollback'] ?? false,
    ignoreApplicationStopFailures: values['ignore-application-stop-failures'] ?? false,
    fileExistsBehavior: oneOf('--file-exists-behavior', values['file-exists-behavior'], ['DISALLOW', 'OVERWRITE', 'RETAIN'] as const),
    description: values.description,
  };
  const timeScale = positiveNumber('--time-scale', values['time-scale'], 1);
  return runDeploymentCommand(
    ctx,
    { cwd: ctx.cwd, stateDir: values['state-dir'], command: 'cutover local deploy', timeScale, json: values.json ?? false },
    async ({ runtime, lock }) => {
      try {
        return await deployLocally(runtime, request, (id) => lock.noteDeployment(id));
      } finally {
        for (const error of runtime.failedReports) ctx.stderr.write(`cutover: a host report could not be recorded: ${error.message}\n`);
      }
    },
  );
}

/** The create-deployment request a deploy command makes for an already registered revision. */
export function createDeploymentRequestOf(request: LocalDeployRequest, revision: RevisionLocation, appSpec: AppSpec): CreateDeploymentRequest {
  return {
    applicationName: request.applicationName,
    deploymentGroupName: request.deploymentGroupName,
    deploymentConfigName: request.deploymentConfigName,
    description: request.description,
    ignoreApplicationStopFailures: request.ignoreApplicationStopFailures,
    fileExistsBehavior: request.fileExistsBehavior,
    autoRollbackConfiguration: request.autoRollback ? { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] } : undefined,
    revision,
    appSpec,
  };
}

/** Registers the bundle, makes sure the group exists, creates the deployment and waits for it (and its rollback). */
export async function deployLocally(
  runtime: LocalRuntime,
  request: LocalDeployRequest,
  onCreated: (deploymentId: string) => void = () => undefined,
): Promise<DeploymentView> {
  const bundle = await loadBundle(request.bundle, runtime.revisionsDir, { exclude: [runtime.stateDir] });
  await ensureLocalGroup(
    runtime.store,
    {
      applicationName: request.applicationName,
      deploymentGroupName: request.deploymentGroupName,
      hosts: request.hosts,
      defaultHosts: numberedHosts(DEFAULT_HOST_COUNT),
      deploymentConfigName: request.deploymentConfigName,
      loadBalancers: request.loadBalancers,
      alarms: request.alarms,
    },
    new Date(),
  );
  const revision: RevisionLocation = {
    revisionType: 'Local',
    localLocation: { bundlePath: bundle.tarPath, bundleType: 'tar', sha256: bundle.sha256 },
  };
  const deployment = await createDeployment(runtime.deps, createDeploymentRequestOf(request, revision, bundle.appSpec));
  onCreated(deployment.deploymentId);
  return runtime.waitForDeployment(deployment.deploymentId);
}

/** --platform, read before the platform's own flags are (each platform has its own). */
function platformOf(args: readonly string[]): (typeof PLATFORMS)[number] {
  const { values } = parseArgs({ args: [...args], options: { platform: { type: 'string' } }, strict: false, allowPositionals: true });
  const given = values.platform;
  if (given === undefined) return 'server';
  if (typeof given !== 'string') throw new UsageError('--platform', `takes one of ${PLATFORMS.join(', ')}`);
  return oneOf('--platform', given, PLATFORMS) ?? 'server';
}

function hostsFrom(count: string | undefined, names: string[] | undefined): string[] | undefined {
  if (names) {
    for (const name of names) {
      if (!HOST_NAME.test(name)) throw new UsageError('--host', `'${name}' is not a usable host name: use letters, digits, '.', '_' and '-', starting with a letter or digit`);
    }
    return [...new Set(names)];
  }
  return count === undefined ? undefined : numberedHosts(positiveInteger('--hosts', count, DEFAULT_HOST_COUNT, 10_000));
}
