// Cutover in one construct: the table, the step handlers, the server in-place state machine, and the rule that turns
// SSM Run Command status events into host reports. `cdk deploy` uses it through CutoverStack; other CDK apps can
// embed it directly.
import * as path from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { CutoverFunctions } from './cutover-functions';
import { CutoverStateMachine, StateMachineIdentity } from './cutover-state-machine';
import { CutoverTable } from './cutover-table';
import { SsmStatusRule } from './ssm-status-rule';
import { PROJECT_ROOT } from './step-handler';

export type HandlerLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface CutoverServiceProps {
  /**
   * What happens to the deployment table when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly tableRemovalPolicy?: RemovalPolicy;

  /**
   * Whether DynamoDB refuses to delete the deployment table.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;

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
   * Buckets that hold revision bundles. Hosts download bundles through presigned URLs, which carry the lifecycle
   * handler's permission, so that handler may read objects (and decrypt them with the bucket's key) in these buckets.
   *
   * @default - none: deployments of S3 revisions fail at DownloadBundle with AccessDenied
   */
  readonly revisionBuckets?: readonly IBucket[];

  /**
   * The ASL file of the server in-place flow.
   *
   * @default - statemachines/server-in-place.asl.json in this repository
   */
  readonly definitionPath?: string;
}

export class CutoverService extends Construct {
  public readonly table: TableV2;
  public readonly stateMachine: StateMachine;
  public readonly functions: CutoverFunctions;
  /**
   * Script output of lifecycle hooks, written by the SSM Agent with the host's instance profile: grant the hosts'
   * roles `logs:CreateLogStream` and `logs:PutLogEvents` on it.
   */
  public readonly commandOutput: LogGroup;

  public constructor(scope: Construct, id: string, props: CutoverServiceProps = {}) {
    super(scope, id);
    const logRetention = props.logRetention ?? RetentionDays.THREE_MONTHS;

    const table = new CutoverTable(this, 'Table', {
      removalPolicy: props.tableRemovalPolicy,
      deletionProtection: props.deletionProtection,
    });
    this.table = table.table;
    this.commandOutput = new LogGroup(this, 'CommandOutput', { retention: logRetention });

    const identity = new StateMachineIdentity(this);
    this.functions = new CutoverFunctions(this, 'Functions', {
      table,
      stateMachine: identity,
      commandOutput: this.commandOutput,
      revisionBuckets: props.revisionBuckets ?? [],
      logRetention,
      logLevel: props.logLevel ?? 'INFO',
    });

    this.stateMachine = new CutoverStateMachine(this, 'ServerInPlace', {
      identity,
      definitionPath: props.definitionPath ?? path.join(PROJECT_ROOT, 'statemachines', 'server-in-place.asl.json'),
      functions: this.functions.substitutions(),
      logRetention,
    }).stateMachine;

    new SsmStatusRule(this, 'SsmStatus', { handler: this.functions.hostReport.function });
  }
}
