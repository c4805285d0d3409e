// Cutover in one construct: the table, the revisions bucket, the step handlers, the server in-place, Lambda
// traffic-shift and ECS blue/green state machines, the rules that turn SSM Run Command status events into host reports
// and CloudWatch alarms into stopped Lambda and ECS deployments, the schedule that recovers abandoned group locks, the
// policy hosts need, the IAM-authorized REST API and the bus state changes are published on. `cdk deploy` uses it
// through CutoverStack; other CDK apps can embed it directly.
import * as path from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Grant, IGrantable, ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket, IBucket } from 'aws-cdk-lib/aws-s3';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ALARM_STATE_EVENT_PATTERN, AwsEventRule, SSM_STATUS_EVENT_PATTERN } from './aws-event-rules';
import { CutoverApi } from './cutover-api';
import { CutoverFunctions } from './cutover-functions';
import { type CutoverFlow, CutoverStateMachine, StateMachineIdentity } from './cutover-state-machine';
import { CutoverTable } from './cutover-table';
import { HostPolicy } from './host-policy';
import { LockSweepSchedule } from './lock-sweep-schedule';
import { RevisionStorage } from './revision-storage';
import type { LoadBalancerArns } from './step-grants';
import { PROJECT_ROOT } from './step-handler';

export type { LoadBalancerArns } from './step-grants';

export type HandlerLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface CutoverServiceProps {
  /**
   * What happens to the deployment table when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly tableRemovalPolicy?: RemovalPolicy;

  /**
   * Whether DynamoDB refuses to delete the deployment table (DeletionProtectionEnabled). With it on, removing the
   * table (a stack deletion, or a replacement) fails until it is turned off, whatever `tableRemovalPolicy` says.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * What happens to the revisions bucket and its access-log bucket when they leave the stack. S3 deletes a bucket
   * only once it is empty, so DESTROY suits test stacks that empty it first.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly revisionBucketRemovalPolicy?: RemovalPolicy;

  /**
   * How long handler, state machine and host script logs are kept.
   *
   * @default RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: RetentionDays;

  /**
   * Log level of the handlers (Powertools Logger).
   *
   * @default 'INFO'
   */
  readonly logLevel?: HandlerLogLevel;

  /**
   * Buckets of your own that hold revision bundles, besides the revisions bucket the construct creates (which is
   * always readable). Hosts download bundles through presigned URLs, which carry the lifecycle handler's permission,
   * so that handler may read objects (and decrypt them with the bucket's key) in these buckets. Buckets known only
   * later can be added with `grantRevisionRead`.
   *
   * @default - none: deployments of revisions in other buckets fail at DownloadBundle with AccessDenied
   */
  readonly revisionBuckets?: readonly IBucket[];

  /**
   * Load balancers BlockTraffic and AllowTraffic may register and deregister instances with. Reading load balancer
   * and target health cannot be narrowed (the Describe calls have no resource-level permissions); moving instances
   * can. A deployment group naming a load balancer outside these fails its BlockTraffic with AccessDenied.
   *
   * @default - every target group and every classic load balancer in the stack's account and region
   */
  readonly loadBalancerArns?: LoadBalancerArns;

  /**
   * Name of the EventBridge bus Cutover publishes deployment and instance state changes on. Bus names are unique per
   * account and region, so a second Cutover in the same account needs another.
   *
   * @default 'cutover'
   */
  readonly eventBusName?: string;

  /**
   * SNS topics deployment-group triggers (triggerConfigurations[].triggerTargetArn) may publish to. Name trigger
   * topics with the `cutover-` prefix, or list their ARNs here; a trigger naming any other topic is logged and dropped
   * (AccessDenied). An empty list allows no trigger topic.
   *
   * @default - every topic named cutover-* in the stack's account and region
   */
  readonly triggerTopicArns?: readonly string[];

  /**
   * Customer managed KMS keys of encrypted trigger topics: publishing to such a topic needs kms:GenerateDataKey and
   * kms:Decrypt on its key, allowed here only through SNS. Topics encrypted with the AWS managed key (alias/aws/sns)
   * need nothing.
   *
   * @default - none
   */
  readonly triggerTopicKeyArns?: readonly string[];

  /**
   * Whether the stack sets the account's API Gateway CloudWatch Logs role (AWS::ApiGateway::Account), which API
   * Gateway needs to write the API's access and error logs. There is one per account and region, and the last stack
   * that sets it wins; set false where it is already set (a landing zone, another stack). The role is retained when
   * the stack is deleted, so other APIs keep logging.
   *
   * @default true
   */
  readonly apiGatewayCloudWatchRole?: boolean;

  /**
   * Lambda functions whose aliases Lambda deployments may read and shift (lambda:GetAlias, lambda:UpdateAlias, and
   * lambda:GetFunctionConfiguration to check that TargetVersion is published), as function ARNs; each is granted with
   * its versions and aliases. A deployment whose appspec names another function fails at its start with AccessDenied.
   *
   * @default - every function in the stack's account and region
   */
  readonly lambdaFunctionArns?: readonly string[];

  /**
   * Lifecycle hook functions (appspec BeforeAllowTraffic and AfterAllowTraffic) Lambda deployments may invoke
   * (lambda:InvokeFunction, asynchronously), as function ARNs, each with its versions and aliases. CodeDeploy's own
   * service roles allow only functions named `CodeDeployHook_*`, and so does the default; name hooks that way, or list
   * them here. A hook outside these fails its lifecycle event with AccessDenied.
   *
   * @default - functions named CodeDeployHook_* in the stack's account and region
   */
  readonly hookFunctionArns?: readonly string[];

  /**
   * ECS services (with the EXTERNAL deployment controller) ECS deployments may change, as service ARNs
   * (`arn:aws:ecs:<region>:<account>:service/<cluster>/<service>`, `*` allowed in the names): each is granted
   * DescribeServices and UpdateServicePrimaryTaskSet, and its task sets (`…:task-set/<cluster>/<service>/*`)
   * CreateTaskSet, DescribeTaskSets and DeleteTaskSet. A deployment group naming another service fails with
   * AccessDenied. Reading target groups, target health and listeners cannot be narrowed (no resource-level permissions).
   *
   * @default - every ECS service in the stack's account and region
   */
  readonly ecsServiceArns?: readonly string[];

  /**
   * Load balancer listeners ECS deployments may weight between a deployment group's two target groups
   * (elasticloadbalancing:ModifyListener), as listener ARNs: the production and test listeners of the groups' target
   * group pairs. A listener outside these fails the shift with AccessDenied.
   *
   * @default - every listener in the stack's account and region
   */
  readonly ecsListenerArns?: readonly string[];

  /**
   * The ASL file of the server in-place flow.
   *
   * @default - statemachines/server-in-place.asl.json in this repository
   */
  readonly definitionPath?: string;

  /**
   * The ASL file of the Lambda traffic-shift flow.
   *
   * @default - statemachines/lambda-traffic-shift.asl.json in this repository
   */
  readonly lambdaDefinitionPath?: string;

  /**
   * The ASL file of the ECS blue/green flow.
   *
   * @default - statemachines/ecs-blue-green.asl.json in this repository
   */
  readonly ecsDefinitionPath?: string;
}

export class CutoverService extends Construct {
  public readonly table: TableV2;
  /** The server in-place flow. */
  public readonly stateMachine: StateMachine;
  /** The Lambda traffic-shift flow. */
  public readonly lambdaStateMachine: StateMachine;
  /** The ECS blue/green flow. */
  public readonly ecsStateMachine: StateMachine;
  public readonly functions: CutoverFunctions;
  /**
   * Script output of lifecycle hooks, written by the SSM Agent with the host's credentials: attach `hostPolicy` to
   * the hosts' role.
   */
  public readonly commandOutput: LogGroup;
  /** Versioned, TLS-only, private bucket for revision bundles, readable by the handlers that read revisions. */
  public readonly revisionBucket: Bucket;
  /**
   * Attach to the hosts' role (EC2 instance profile or on-premises service role) next to
   * AmazonSSMManagedInstanceCore: it lets the SSM Agent write script output to `commandOutput`.
   */
  public readonly hostPolicy: ManagedPolicy;
  /**
   * The REST API (stage v1): every method requires IAM authorization; give callers `grantInvoke`, or an
   * execute-api:Invoke policy of their own.
   */
  public readonly api: RestApi;
  /** Where Cutover publishes deployment and instance state changes, CodeDeploy's event shape. */
  public readonly eventBus: EventBus;
  private readonly frontDoor: CutoverApi;

  public constructor(scope: Construct, id: string, props: CutoverServiceProps = {}) {
    super(scope, id);
    const logRetention = props.logRetention ?? RetentionDays.THREE_MONTHS;

    const table = new CutoverTable(this, 'Table', {
      removalPolicy: props.tableRemovalPolicy,
      deletionProtection: props.deletionProtection,
    });
    this.table = table.table;
    this.commandOutput = new LogGroup(this, 'CommandOutput', { retention: logRetention });
    this.hostPolicy = new HostPolicy(this, 'HostPolicy', { commandOutput: this.commandOutput }).policy;
    this.revisionBucket = new RevisionStorage(this, 'Revisions', {
      removalPolicy: props.revisionBucketRemovalPolicy ?? RemovalPolicy.RETAIN,
      logRetention,
    }).bucket;

    this.eventBus = new EventBus(this, 'Events', { eventBusName: props.eventBusName ?? 'cutover' });

    const identities = {
      server: new StateMachineIdentity(this),
      lambda: new StateMachineIdentity(this, 'LambdaTrafficShift'),
      ecs: new StateMachineIdentity(this, 'EcsBlueGreen'),
    };
    this.functions = new CutoverFunctions(this, 'Functions', {
      table,
      stateMachines: identities,
      commandOutput: this.commandOutput,
      revisionBuckets: [this.revisionBucket, ...(props.revisionBuckets ?? [])],
      loadBalancerArns: props.loadBalancerArns,
      eventBus: this.eventBus,
      triggerTopicArns: props.triggerTopicArns,
      triggerTopicKeyArns: props.triggerTopicKeyArns,
      lambdaFunctionArns: props.lambdaFunctionArns,
      hookFunctionArns: props.hookFunctionArns,
      ecsServiceArns: props.ecsServiceArns,
      ecsListenerArns: props.ecsListenerArns,
      logRetention,
      logLevel: props.logLevel ?? 'INFO',
    });

    const flow = (id: CutoverFlow, identity: StateMachineIdentity, definitionPath: string | undefined, aslFile: string): StateMachine =>
      new CutoverStateMachine(this, id, {
        identity,
        definitionPath: definitionPath ?? path.join(PROJECT_ROOT, 'statemachines', aslFile),
        functions: this.functions.substitutions(id),
        logRetention,
      }).stateMachine;
    this.stateMachine = flow('ServerInPlace', identities.server, props.definitionPath, 'server-in-place.asl.json');
    this.lambdaStateMachine = flow('LambdaTrafficShift', identities.lambda, props.lambdaDefinitionPath, 'lambda-traffic-shift.asl.json');
    this.ecsStateMachine = flow('EcsBlueGreen', identities.ecs, props.ecsDefinitionPath, 'ecs-blue-green.asl.json');

    new AwsEventRule(this, 'SsmStatus', {
      description: 'Cutover: SSM Run Command invocations that finished, for the host-report handler',
      eventPattern: SSM_STATUS_EVENT_PATTERN,
      handler: this.functions.hostReport.function,
    });
    new AwsEventRule(this, 'AlarmState', {
      description: 'Cutover: CloudWatch alarms that went to ALARM, for the handler that stops the Lambda and ECS deployments watching them',
      eventPattern: ALARM_STATE_EVENT_PATTERN,
      handler: this.functions.alarmEvent.function,
    });
    new LockSweepSchedule(this, 'LockSweepSchedule', { handler: this.functions.lockSweep.function });

    this.frontDoor = new CutoverApi(this, 'Api', {
      handler: this.functions.api.function,
      logRetention,
      cloudWatchRole: props.apiGatewayCloudWatchRole ?? true,
    });
    this.api = this.frontDoor.api;
  }

  /** Lets `grantee` call every method of the API (execute-api:Invoke on all methods and paths of the stage). */
  public grantInvoke(grantee: IGrantable): Grant {
    return this.frontDoor.grantInvoke(grantee);
  }

  /** Lets Cutover deploy revisions from `bucket`, one created or imported after this construct (see revisionBuckets). */
  public grantRevisionRead(bucket: IBucket): void {
    this.functions.grantRevisionRead(bucket);
  }
}
