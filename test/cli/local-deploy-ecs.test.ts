// `cutover local deploy --platform ecs` and `cutover local ecs …`, end to end through the real executable, with hook
// functions as local modules and the simulated service's files on disk.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeploymentView, EcsDeployment } from '../../functions/core/types';
import { tempDir } from '../support/bundles';
import { LocalEcsServices } from '../../lib/local/local-ecs-services';
import { runCli } from './run-cli';

const DEMO = path.resolve(__dirname, '..', '..', 'examples', 'ecs-demo');
const TASK_DEFINITION = 'arn:aws:ecs:us-east-1:111122223333:task-definition/web';

type EcsView = EcsDeployment & Pick<DeploymentView, 'targets'>;

interface ServiceShown {
  readonly primaryTaskSetId?: string;
  readonly taskSets: {
    readonly id: string;
    readonly taskDefinition: string;
    readonly status: string;
    readonly stabilityStatus: string;
    readonly targetGroupName: string;
    readonly trafficWeights: { readonly listenerName: string; readonly percent: number }[];
  }[];
}

/** A folder with an ECS appspec for task definition web:<revision>, its hook functions and their module files. */
function ecsProject(prefix: string, revision: number, hooks: Record<string, string>, files: Record<string, string>): string {
  const dir = tempDir(prefix);
  writeAppSpec(dir, revision, hooks);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

function writeAppSpec(dir: string, revision: number, hooks: Record<string, string>): void {
  const hookLines = Object.entries(hooks).map(([event, fn]) => `  - ${event}: ${fn}\n`).join('');
  fs.writeFileSync(
    path.join(dir, 'appspec.yml'),
    'version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n' +
      `        TaskDefinition: "${TASK_DEFINITION}:${revision}"\n        LoadBalancerInfo:\n          ContainerName: web\n          ContainerPort: 80\n` +
      (hookLines ? `Hooks:\n${hookLines}` : ''),
  );
}

async function describeService(dir: string, service = 'web'): Promise<ServiceShown> {
  const run = await runCli(['local', 'ecs', 'describe-service', service, '--json'], dir);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as ServiceShown;
}

/** Each task set as [task definition revision, status, percent per listener]. */
function serving(service: ServiceShown): [string, string, Record<string, number>][] {
  return service.taskSets.map((taskSet) => [
    taskSet.taskDefinition.split('/').pop()!,
    taskSet.status,
    Object.fromEntries(taskSet.trafficWeights.map((weight) => [weight.listenerName, weight.percent])),
  ]);
}

function eventStatuses(view: EcsView): Record<string, string> {
  return Object.fromEntries(view.targets[0].lifecycleEvents.map((e) => [e.lifecycleEventName, e.status]));
}

/** The summary after the progress lines: from the last deployment headline on. */
function summaryOf(stdout: string): string {
  return stdout.slice(stdout.lastIndexOf('\nDeployment '));
}

describe('cutover local deploy --platform ecs', () => {
  it('runs the demo with a test listener and ECSLinear10PercentEvery1Minutes: 10 shifts, only the replacement left, PRIMARY with all traffic', async () => {
    const dir = tempDir('cli-ecs-demo');
    const args = ['local', 'deploy', '--platform', 'ecs', DEMO, '--test-listener', '--config', 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes'];
    const run = await runCli([...args, '--time-scale', '600', '--json'], dir);

    expect(run.stderr).toBe(
      `Set up the simulated ECS service local/web: 2 tasks of ${TASK_DEFINITION}:1 behind target group web-blue, ` +
        'listeners web-prod and web-test forwarding to it, and target group web-green for the replacement (.cutover/ecs)\n',
    );
    expect(run.code).toBe(0);
    const view = JSON.parse(run.stdout) as EcsView;
    expect(view).toMatchObject({ status: 'Succeeded', computePlatform: 'ECS', service: { clusterName: 'local', serviceName: 'web' }, terminationWaitDone: true });
    const original = view.originalTaskSet!.id;
    const replacement = view.replacementTaskSet!.id;
    expect([view.originalTaskSet?.targetGroupName, view.replacementTaskSet?.targetGroupName]).toEqual(['web-blue', 'web-green']);
    const expected = Array.from({ length: 10 }, (_, i) => (i < 9 ? { [original]: 90 - 10 * i, [replacement]: 10 * (i + 1) } : { [replacement]: 100 }));
    expect(view.trafficShifts.map((s) => s.weights)).toEqual(expected);
    // The example hook ran once the test listener reached the replacement, and reported through the codedeploy client.
    expect(eventStatuses(view)).toMatchObject({ AllowTestTraffic: 'Succeeded', AfterAllowTestTraffic: 'Succeeded', AllowTraffic: 'Succeeded', BeforeInstall: 'Skipped' });

    const service = await describeService(dir);
    expect(service.primaryTaskSetId).toBe(replacement);
    expect(serving(service)).toEqual([['web:2', 'PRIMARY', { 'web-prod': 100, 'web-test': 100 }]]);
    expect(service.taskSets[0]).toMatchObject({ id: replacement, stabilityStatus: 'STEADY_STATE', targetGroupName: 'web-green' });

    // set-health changes the targets there are now; describe-service shows it.
    const health = await runCli(['local', 'ecs', 'set-health', 'web-green', 'unhealthy'], dir);
    expect([health.code, health.stdout]).toEqual([0, 'Target group web-green: 2 target(s) unhealthy\n']);
    const text = await runCli(['local', 'ecs', 'describe-service', 'web'], dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`task set ${replacement}  PRIMARY  STEADY_STATE  (made by deployment ${view.deploymentId})`);
    expect(text.stdout).toContain('target group     web-green: 0 of 2 target(s) healthy (others unhealthy)');
    expect(text.stdout).toContain('traffic          web-prod 100%, web-test 100%');
  });

  it('fails with ECS_UPDATE_ERROR after an hour of polls when the task definition is set never-stable, the original still serving', async () => {
    const dir = tempDir('cli-ecs-never-stable');
    const set = await runCli(['local', 'ecs', 'set-task-definition', `${TASK_DEFINITION}:2`, 'never-stable'], dir);
    expect(set.code).toBe(0);
    expect(set.stdout).toBe(`Task definition ${TASK_DEFINITION}:2: never-stable (its task sets stay STABILIZING)\n`);

    // 240 polls of 15 s: an hour, passing in seconds at this scale.
    const run = await runCli(['local', 'deploy', '--platform', 'ecs', DEMO, '--time-scale', '100000', '--json'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('The group has no test listener (--test-listener): AllowTestTraffic and the AfterAllowTestTraffic hook AfterAllowTestTraffic are skipped');
    const view = JSON.parse(run.stdout) as EcsView;
    expect(view.status).toBe('Failed');
    expect(view.errorInformation?.code).toBe('ECS_UPDATE_ERROR');
    expect(view.errorInformation?.message).toMatch(/did not reach a steady state within 60 minutes/);
    expect(eventStatuses(view)).toMatchObject({ Install: 'Failed', AllowTraffic: 'Skipped' });
    expect(view.trafficShifts).toEqual([]);
    expect(serving(await describeService(dir))).toEqual([['web:1', 'PRIMARY', { 'web-prod': 100 }]]);
  });

  it('deploys again to what the first run set up, and gives all traffic back when a hook module fails after the shift', async () => {
    const dir = ecsProject('cli-ecs-hook-fails', 5, { AfterAllowTraffic: 'verify' }, { 'hooks/verify.js': 'module.exports = async (event) => {\n  if (!event.DeploymentId) throw new Error("no id");\n};\n' });
    const first = await runCli(['local', 'deploy', '--platform', 'ecs', '.', '--test-listener', '--time-scale', '600'], dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Set up the simulated ECS service local/web: 2 tasks of ${TASK_DEFINITION}:4 behind target group web-blue`);
    expect(summaryOf(first.stdout)).toContain('AfterAllowTraffic (hook verify): Succeeded');
    expect(summaryOf(first.stdout)).toMatch(/1 traffic shift\(s\):\n\s+1\. \S+ {2}replacement: 100%\n {2}the replacement is primary; the original was removed\n$/);
    expect(first.stdout).not.toMatch(/host|alias/i);
    expect(serving(await describeService(dir))).toEqual([['web:5', 'PRIMARY', { 'web-prod': 100, 'web-test': 100 }]]);

    // web:5 (on web-green now) to web:6, whose check throws once all traffic moved: --auto-rollback gives it back.
    writeAppSpec(dir, 6, { AfterAllowTraffic: 'verify' });
    fs.writeFileSync(path.join(dir, 'hooks', 'verify.js'), 'module.exports = async function (event) {\n  throw new Error("web:6 answers 500");\n};\n');
    const failed = await runCli(['local', 'deploy', '--platform', 'ecs', '.', '--auto-rollback', '--termination-wait', '5', '--time-scale', '600'], dir);
    expect(failed.code).toBe(1);
    expect(failed.stdout).not.toContain('Set up the simulated ECS service');
    expect(failed.stdout).toContain('Deployment group ecs-service keeps its termination wait of 0 minute(s) (a new --group takes the flags)');
    expect(failed.stderr).toContain("hook function 'verify' (hooks/verify.js) threw: Error: web:6 answers 500; reporting Failed for it");
    const summary = summaryOf(failed.stdout);
    expect(summary).toContain('error HOOK_EXECUTION_FAILURE');
    expect(summary).toContain('AfterAllowTraffic (hook verify): Failed');
    expect(summary).toMatch(/original task set \S+ \(target group web-green\)\n {2}replacement task set \S+ \(target group web-blue, .*web:6\)/);
    expect(summary).toMatch(/2 traffic shift\(s\):\n\s+1\. \S+ {2}replacement: 100%\n\s+2\. \S+ {2}original: 100%\n {2}Traffic restored to task set \S+ \(it had 100% on \S+\), and the replacement removed\n$/);
    expect(serving(await describeService(dir))).toEqual([['web:5', 'PRIMARY', { 'web-prod': 100, 'web-test': 100 }]]);
  });

  it('keeps the replacement alone when a hook fails after the shift without --auto-rollback, and deploys again from it', async () => {
    const dir = ecsProject('cli-ecs-kept', 2, { AfterAllowTraffic: 'verify' }, { 'hooks/verify.js': 'module.exports = async () => {\n  throw new Error("too slow");\n};\n' });
    const failed = await runCli(['local', 'deploy', '--platform', 'ecs', '.', '--time-scale', '600', '--json'], dir);
    expect(failed.code).toBe(1);
    const view = JSON.parse(failed.stdout) as EcsView;
    expect(view.trafficShifts.map((s) => s.weights)).toEqual([{ [view.replacementTaskSet!.id]: 100 }]);
    expect(serving(await describeService(dir))).toEqual([['web:2', 'PRIMARY', { 'web-prod': 100 }]]);
    const shown = await runCli(['local', 'get', view.deploymentId], dir);
    expect(shown.stdout).toContain(`No rollback configured: task set ${view.replacementTaskSet!.id} keeps all traffic, and the original ${view.originalTaskSet!.id} was removed`);

    // The primary cannot be deleted by hand; a deployment replaces it. A task set left beside it can.
    const primary = await runCli(['local', 'ecs', 'delete-task-set', 'web', view.replacementTaskSet!.id], dir);
    expect([primary.code, primary.stderr]).toEqual([2, `cutover: task-set-id: ${view.replacementTaskSet!.id} is the primary task set of local/web; a deployment replaces it\n`]);
    const leftover = await leaveTaskSet(dir);
    const deleted = await runCli(['local', 'ecs', 'delete-task-set', 'web', leftover], dir);
    expect([deleted.code, deleted.stdout]).toEqual([0, `Deleted task set ${leftover} of local/web, and its targets\n`]);

    // Deployable again: web:2 behind web-green gives way to web:3 behind web-blue.
    writeAppSpec(dir, 3, {});
    const next = await runCli(['local', 'deploy', '--platform', 'ecs', '.', '--time-scale', '600', '--json'], dir);
    expect(next.code).toBe(0);
    expect((JSON.parse(next.stdout) as EcsView).replacementTaskSet?.targetGroupName).toBe('web-blue');
    expect(serving(await describeService(dir))).toEqual([['web:3', 'PRIMARY', { 'web-prod': 100 }]]);
  });
});

/** A task set beside the primary one, as a give-back that failed halfway would leave it. */
async function leaveTaskSet(dir: string): Promise<string> {
  const ecs = new LocalEcsServices({ stateDir: path.join(dir, '.cutover') });
  const { taskSetId } = await ecs.createTaskSet({
    cluster: 'local',
    service: 'web',
    taskDefinition: 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:9',
    containerName: 'web',
    containerPort: 80,
    targetGroupArn: await ecs.targetGroupArn('web-blue'),
    externalId: 'left-over',
  });
  return taskSetId;
}

describe('cutover local deploy --platform ecs and cutover local ecs: bad input', () => {
  it.each([
    [['local', 'deploy', '--platform', 'ecs', DEMO, '--termination-wait', 'forever'], /--termination-wait: must be a whole number from 0 to 2880 \(got forever\)/],
    [['local', 'deploy', '--platform', 'ecs', DEMO, '--termination-wait', '2881'], /--termination-wait: must be a whole number from 0 to 2880 \(got 2881\)/],
    [['local', 'deploy', '--platform', 'ecs', DEMO, '--service', 'web_api'], /--service: 'web_api' is not a service name here: letters, digits and '-'/],
    [['local', 'deploy', '--platform', 'ecs', DEMO, '--cluster', 'a/b'], /--cluster: 'a\/b' is not an ECS cluster name/],
    [['local', 'deploy', '--platform', 'ecs', DEMO, '--hook', 'nope=x.js'], /--hook: the appspec has no hook function 'nope' \(it names AfterAllowTestTraffic\)/],
    [['local', 'deploy', '--platform', 'ecs', DEMO, '--time-scale', '0'], /--time-scale: must be a number greater than 0 \(got 0\)/],
    [['local', 'deploy', '--platform', 'ecs', DEMO, '--hosts', '3'], /Unknown option '--hosts'/],
    [['local', 'deploy', '--platform', 'ecs', 'missing'], /appspec: missing does not exist/],
    [['local', 'ecs', 'describe-service', 'api'], /ECS service 'local\/api' does not exist/],
    [['local', 'ecs', 'describe-service'], /arguments: describe-service takes <service> \(got none\)/],
    [['local', 'ecs', 'describe-service', 'web', '--cluster', 'a b'], /--cluster: 'a b' is not an ECS cluster name/],
    [['local', 'ecs', 'set-health', 'web-blue', 'sick'], /state: must be one of healthy, unhealthy \(got sick\)/],
    [['local', 'ecs', 'set-health', 'web-blue', 'healthy'], /Target group 'web-blue' does not exist/],
    [['local', 'ecs', 'set-task-definition', 'web:2', 'never-stable'], /task-definition-arn: give the ARN with its revision/],
    [['local', 'ecs', 'set-task-definition', `${TASK_DEFINITION}:2`, 'flaky'], /behaviour: must be one of healthy, unhealthy, never-stable \(got flaky\)/],
    [['local', 'ecs', 'delete-task-set', 'web', 'ecs-svc/1'], /ECS service 'local\/web' does not exist/],
    [['local', 'ecs', 'scale', 'web'], /command: expected one of describe-service, set-health, set-task-definition, delete-task-set \(got scale\)/],
    // Refused before the simulated service is set up: nothing is left behind for a deployment that cannot be.
    [['local', 'deploy', '--platform', 'ecs', DEMO, '--config', 'CodeDeployDefault.LambdaAllAtOnce'], /names a deployment config for Lambda, not ECS/],
  ])('%j exits 2 and names the problem', async (args, message) => {
    const dir = tempDir('cli-ecs-bad');
    const run = await runCli(args, dir);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
    expect(fs.existsSync(path.join(dir, '.cutover', 'ecs'))).toBe(false);
  });
});
