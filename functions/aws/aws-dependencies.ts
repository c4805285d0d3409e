// Builds the steps' dependencies for Lambda, once per cold start. SDK clients are created here, at module scope of
// each handler, and reused across invocations.
import { Logger } from '@aws-lambda-powertools/logger';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { StepDependencies } from '../ports';
import { awsClientConfig } from './aws-client-config';
import { AwsTargetDirectory } from './aws-target-directory';
import { CloudWatchAlarmSource } from './cloudwatch-alarm-source';
import { DynamoDbStore } from './dynamodb-store';
import { EcsTaskSetTraffic } from './ecs-task-set-traffic';
import { ElbTrafficControl } from './elb-traffic-control';
import { EventBridgeEventSink } from './eventbridge-event-sink';
import { LambdaAliasTraffic } from './lambda-alias-traffic';
import { eventContextFromArn } from '../core/state-change-events';
import { S3BundleReader } from './s3-bundle-reader';
import { S3RevisionSource } from './s3-revision-source';
import { SfnExecutionStarter } from './sfn-execution-starter';
import { SfnTaskCallbacks } from './sfn-task-callbacks';
import { SsmCommandReporter } from './ssm-command-report';
import { SsmHostRunner } from './ssm-host-runner';

const stateMachineArn = z.string().regex(/^arn:[\w-]+:states:[\w-]+:\d{12}:stateMachine:.+$/, 'a state machine ARN');

// POWERTOOLS_SERVICE_NAME and LOG_LEVEL are read by the Logger itself.
const environmentSchema = z.object({
  TABLE_NAME: z.string().min(1),
  STATE_MACHINE_ARN: stateMachineArn,
  LAMBDA_STATE_MACHINE_ARN: stateMachineArn,
  ECS_STATE_MACHINE_ARN: stateMachineArn,
  SSM_LOG_GROUP: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
});

export type AwsEnvironment = z.infer<typeof environmentSchema>;

/** Reads the handler environment; a missing or malformed variable stops the cold start with its name. */
export function parseAwsEnvironment(env: NodeJS.ProcessEnv): AwsEnvironment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      return env[name] === undefined ? `${name} is not set` : `${name} is invalid (expected ${issue.message})`;
    });
    throw new Error(`Cutover handler environment: ${problems.join('; ')}`);
  }
  return parsed.data;
}

export interface AwsRuntime {
  readonly deps: StepDependencies;
  /** Used by the SSM event handler to turn status events into host reports. */
  readonly commandReports: SsmCommandReporter;
  readonly logger: Logger;
}

export function createAwsRuntime(env: NodeJS.ProcessEnv = process.env): AwsRuntime {
  const config = parseAwsEnvironment(env);
  const logger = new Logger();
  // Clients cost nothing until they send, so every handler gets them all; its role decides what it may call.
  const ssm = new SSMClient(awsClientConfig());
  const sfn = new SFNClient(awsClientConfig());
  const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig()), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const store = new DynamoDbStore({ tableName: config.TABLE_NAME, client: dynamodb });
  const s3 = new S3Client(awsClientConfig());
  const revisions = new S3RevisionSource(s3);
  // Shared by the load balancer adapter (BlockTraffic, AllowTraffic) and the ECS one (listener weights).
  const elbv2 = new ElasticLoadBalancingV2Client(awsClientConfig());
  const deps: StepDependencies = {
    store,
    hosts: new SsmHostRunner({ client: ssm, logGroupName: config.SSM_LOG_GROUP }),
    callbacks: new SfnTaskCallbacks(sfn),
    executions: new SfnExecutionStarter({
      client: sfn,
      stateMachineArns: { Server: config.STATE_MACHINE_ARN, Lambda: config.LAMBDA_STATE_MACHINE_ARN, ECS: config.ECS_STATE_MACHINE_ARN },
    }),
    targets: new AwsTargetDirectory({
      ec2: new EC2Client(awsClientConfig()),
      ssm,
      autoScaling: new AutoScalingClient(awsClientConfig()),
    }),
    revisions,
    bundles: new S3BundleReader({ client: s3, revisions }),
    events: new EventBridgeEventSink({
      eventBridge: new EventBridgeClient(awsClientConfig()),
      eventBusName: config.EVENT_BUS_NAME,
      sns: new SNSClient(awsClientConfig()),
      context: eventContextFromArn(config.STATE_MACHINE_ARN),
      deployments: (id) => store.getDeployment(id),
      groups: (app, group) => store.getDeploymentGroup(app, group),
      logger,
    }),
    clock: () => new Date(),
    traffic: new ElbTrafficControl({ elbv2, elb: new ElasticLoadBalancingClient(awsClientConfig()) }),
    aliases: new LambdaAliasTraffic({ client: new LambdaClient(awsClientConfig()) }),
    ecs: new EcsTaskSetTraffic({ ecs: new ECSClient(awsClientConfig()), elbv2 }),
    alarms: new CloudWatchAlarmSource({ client: new CloudWatchClient(awsClientConfig()) }),
  };
  return { deps, commandReports: new SsmCommandReporter({ client: ssm }), logger };
}
