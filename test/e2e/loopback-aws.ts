// The AWS side of an end-to-end run, on loopback: dynalite as DynamoDB and stand-ins for S3, EventBridge, SSM, Step
// Functions (the stack's three state machines, from the synthesized template), Lambda, CloudWatch, ECS and ELBv2 (both
// backed by the embedded runtime's ECS simulation), with the SDK's per-service endpoint variables pointing every
// client of the real handlers at them. Nothing of Cutover is swapped out: the handlers are the Lambda entry points,
// wired by the same environment the stack gives them, each state machine calls the functions its definition
// substitutions name, and the rules that feed SSM's status events to the host-report handler and CloudWatch's alarm
// changes to the alarm handler are the stack's.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type AwsRuntime, createAwsRuntime } from '../../functions/aws/aws-dependencies';
import { ensureTable } from '../../functions/aws/create-table';
import type { CutoverFlow } from '../../lib/infra/cutover-state-machine';
import { LocalEcsServices } from '../../lib/local/local-ecs-services';
import { tempDir } from '../support/bundles';
import { type LocalDynamoDb, localClients, startDynalite } from '../support/local-dynamodb';
import { CloudWatchStandIn } from '../support/standins/cloudwatch-standin';
import { EcsStandIn } from '../support/standins/ecs-standin';
import { Elbv2StandIn } from '../support/standins/elbv2-standin';
import { EventBridgeStandIn } from '../support/standins/eventbridge-standin';
import { LambdaStandIn } from '../support/standins/lambda-standin';
import { S3StandIn } from '../support/standins/s3-standin';
import { SfnStandIn } from '../support/standins/sfn-standin';
import { type PingStatus, SsmStandIn } from '../support/standins/ssm-standin';
import { type CutoverHandlers, loadHandlers } from './lambda-handlers';
import { alarmStateRulePattern, ssmStatusRulePattern, type TemplateStateMachine, templateStateMachines } from './stack-template';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const TABLE_NAME = 'cutover-e2e';
/** Each flow's machine, named as the stack names them: after the flow. */
const stateMachineArnOf = (flow: CutoverFlow): string => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:cutover-e2e-${flow}`;
export const REVISION_BUCKET = 'cutover-e2e-revisions';
/** Wait states and retry pauses, as in the embedded runtime's flow tests. */
const TIME_SCALE = 1000;

export interface LoopbackAws {
  readonly dir: string;
  readonly s3: S3StandIn;
  readonly bus: EventBridgeStandIn;
  readonly ssm: SsmStandIn;
  readonly sfn: SfnStandIn;
  readonly lambda: LambdaStandIn;
  readonly cloudwatch: CloudWatchStandIn;
  readonly ecs: EcsStandIn;
  readonly elbv2: Elbv2StandIn;
  /** The services, task sets, target groups and listeners the ECS and ELBv2 stand-ins answer from; set them up here. */
  readonly ecsServices: LocalEcsServices;
  /** What the CLI would build to create deployments: the AWS adapters, from the same environment as the handlers. */
  readonly runtime: AwsRuntime;
  /** Registers managed instances, each with a fresh folder as its filesystem. */
  addHosts(instanceIds: readonly string[], pingStatus?: PingStatus): void;
  hostRoot(instanceId: string): string;
  /** Waits until no execution runs, no script runs and no event is on its way. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** The bus the stack creates for Cutover's own events. */
const EVENT_BUS_NAME = 'cutover';

export async function startLoopbackAws(): Promise<LoopbackAws> {
  const dir = tempDir('e2e-aws');
  const closers: (() => Promise<void>)[] = [];
  try {
    const dynamo = await startDynalite();
    closers.push(() => dynamo.stop());
    await createTable(dynamo);
    const s3 = await S3StandIn.start();
    closers.push(() => s3.close());
    s3.createBucket(REVISION_BUCKET);
    const bus = await EventBridgeStandIn.start({ account: ACCOUNT, region: REGION, buses: [EVENT_BUS_NAME] });
    closers.push(() => bus.close());
    const ssm = await SsmStandIn.start({ account: ACCOUNT, region: REGION, workDir: path.join(dir, 'ssm-agent'), events: bus });
    closers.push(() => ssm.close());
    const lambda = await LambdaStandIn.start({ account: ACCOUNT, region: REGION });
    closers.push(() => lambda.close());
    const cloudwatch = await CloudWatchStandIn.start({ account: ACCOUNT, region: REGION, events: bus });
    closers.push(() => cloudwatch.close());
    const ecsStateDir = path.join(dir, 'ecs-simulation');
    const ecsServices = new LocalEcsServices({ stateDir: ecsStateDir });
    const ecs = await EcsStandIn.start({ simulation: ecsServices });
    closers.push(() => ecs.close());
    const elbv2 = await Elbv2StandIn.start({ simulation: ecsServices, stateDir: ecsStateDir });
    closers.push(() => elbv2.close());
    const machines = templateStateMachines();
    let handlers: CutoverHandlers | undefined;
    const sfn = await SfnStandIn.start({
      stateMachines: machines.map((machine) => ({ stateMachineArn: stateMachineArnOf(machine.flow), aslFile: definitionFile(dir, machine) })),
      timeScale: TIME_SCALE,
      resolveFunction: (placeholder) => {
        const handler = handlers?.steps.get(placeholder);
        if (handler === undefined) throw new Error(`no Lambda function for ${placeholder}`);
        return handler;
      },
    });
    closers.push(() => sfn.close());
    const restoreEnvironment = setEnvironment({
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'cutover-e2e',
      AWS_SECRET_ACCESS_KEY: 'cutover-e2e',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SSM: ssm.endpoint,
      AWS_ENDPOINT_URL_SFN: sfn.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
      AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
      AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.endpoint,
      AWS_ENDPOINT_URL_ECS: ecs.endpoint,
      AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: elbv2.endpoint,
      TABLE_NAME,
      STATE_MACHINE_ARN: stateMachineArnOf('ServerInPlace'),
      LAMBDA_STATE_MACHINE_ARN: stateMachineArnOf('LambdaTrafficShift'),
      ECS_STATE_MACHINE_ARN: stateMachineArnOf('EcsBlueGreen'),
      SSM_LOG_GROUP: '/cutover/e2e/command-output',
      EVENT_BUS_NAME,
      POWERTOOLS_SERVICE_NAME: 'cutover',
      // The handlers log every state change at INFO; the test reports what matters itself.
      POWERTOOLS_LOG_LEVEL: 'WARN',
    });
    closers.push(async () => restoreEnvironment());
    handlers = await loadHandlers(handlerFilesOf(machines));
    bus.addRule({ name: 'SsmStatus', pattern: ssmStatusRulePattern(), target: handlers.ssmEvent });
    bus.addRule({ name: 'AlarmState', pattern: alarmStateRulePattern(), target: handlers.alarmEvent });
    // What a user's rule on Cutover's own events would receive.
    bus.addRule({ name: 'CutoverEvents', bus: EVENT_BUS_NAME, pattern: { source: ['cutover'] }, target: async () => undefined });
    const hostRoot = (instanceId: string): string => path.join(dir, 'hosts', instanceId);
    return {
      dir,
      s3,
      bus,
      ssm,
      sfn,
      lambda,
      cloudwatch,
      ecs,
      elbv2,
      ecsServices,
      runtime: createAwsRuntime(),
      hostRoot,
      addHosts: (instanceIds, pingStatus) => {
        for (const id of instanceIds) ssm.addInstance(id, hostRoot(id), pingStatus);
      },
      settle: async () => {
        await sfn.idle();
        await lambda.idle();
        await bus.idle();
        await ssm.idle();
        await sfn.idle();
      },
      close: () => closeAll(closers, dir),
    };
  } catch (error) {
    await closeAll(closers, dir);
    throw error;
  }
}

/** The machine's definition, as the template holds it, in a file of its own for the Step Functions stand-in. */
function definitionFile(dir: string, machine: TemplateStateMachine): string {
  const file = path.join(dir, 'statemachines', `${machine.flow}.asl.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, machine.definition);
  return file;
}

/**
 * Placeholder → handler file over every machine. The stand-in resolves functions by placeholder, so a placeholder
 * two machines share (RunHookFunctionArn) must name the same function in both, as the stack makes it.
 */
function handlerFilesOf(machines: readonly TemplateStateMachine[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const machine of machines) {
    for (const [placeholder, file] of Object.entries(machine.handlerFiles)) {
      if (files[placeholder] !== undefined && files[placeholder] !== file) {
        throw new Error(`${placeholder} names ${files[placeholder]} in one machine and ${file} in the ${machine.flow} machine`);
      }
      files[placeholder] = file;
    }
  }
  return files;
}

async function createTable(dynamo: LocalDynamoDb): Promise<void> {
  const { client, destroy } = localClients(dynamo.endpoint);
  try {
    await ensureTable(client, TABLE_NAME);
  } finally {
    destroy();
  }
}

/** Sets the variables and returns how to put back what was there before. */
function setEnvironment(values: Readonly<Record<string, string>>): () => void {
  const previous = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** Last started, first closed: executions still running need SSM, the bus and the store to end. */
async function closeAll(closers: readonly (() => Promise<void>)[], dir: string): Promise<void> {
  for (const close of [...closers].reverse()) await close();
  fs.rmSync(dir, { recursive: true, force: true });
}
