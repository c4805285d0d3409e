// The step handlers and what each may call. Grants follow the step's code, not its name: a step that never answers a
// task token gets no states:SendTask*, one that never runs commands gets no ssm:*.
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
// cdk-nag names a finding after the flattened resource expression; its own flattener gives the exact id.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { Construct } from 'constructs';
import type { CutoverTable } from './cutover-table';
import type { StateMachineIdentity } from './cutover-state-machine';
import { StepHandler } from './step-handler';

export interface CutoverFunctionsProps {
  readonly table: CutoverTable;
  readonly stateMachine: StateMachineIdentity;
  /** Where the SSM Agent writes script output. */
  readonly commandOutput: ILogGroup;
  readonly revisionBuckets: readonly IBucket[];
  readonly logRetention: RetentionDays;
  readonly logLevel: string;
}

export class CutoverFunctions extends Construct {
  public readonly startDeployment: StepHandler;
  public readonly planNextBatch: StepHandler;
  public readonly runLifecycleEvent: StepHandler;
  public readonly handleEventTimeout: StepHandler;
  public readonly finishDeployment: StepHandler;
  /** Runs the host-report step for SSM Run Command status events. */
  public readonly hostReport: StepHandler;

  public constructor(scope: Construct, id: string, props: CutoverFunctionsProps) {
    super(scope, id);
    const common = {
      logRetention: props.logRetention,
      environment: {
        TABLE_NAME: props.table.table.tableName,
        STATE_MACHINE_ARN: props.stateMachine.arn,
        SSM_LOG_GROUP: props.commandOutput.logGroupName,
        POWERTOOLS_SERVICE_NAME: 'cutover',
        LOG_LEVEL: props.logLevel,
      },
    };

    this.startDeployment = new StepHandler(this, 'StartDeployment', {
      ...common,
      handlerFile: 'start-deployment',
      description: 'Cutover: resolve targets and start a deployment',
    });
    this.planNextBatch = new StepHandler(this, 'PlanNextBatch', {
      ...common,
      handlerFile: 'plan-next-batch',
      description: 'Cutover: pick the next batch under the minimum-healthy rule',
    });
    this.runLifecycleEvent = new StepHandler(this, 'RunLifecycleEvent', {
      ...common,
      handlerFile: 'run-lifecycle-event',
      description: 'Cutover: send a lifecycle event to the hosts of a batch through SSM Run Command',
      // A large batch is a few dozen sequential SendCommand calls.
      timeout: Duration.minutes(2),
    });
    this.handleEventTimeout = new StepHandler(this, 'HandleEventTimeout', {
      ...common,
      handlerFile: 'handle-event-timeout',
      description: 'Cutover: look up lost host results in SSM, then fail the hosts that never reported',
      // About two SSM calls per silent host, five hosts at a time.
      timeout: Duration.minutes(2),
    });
    this.finishDeployment = new StepHandler(this, 'FinishDeployment', {
      ...common,
      handlerFile: 'finish-deployment',
      description: 'Cutover: close a deployment, release its lock or start its rollback',
    });
    this.hostReport = new StepHandler(this, 'HostReport', {
      ...common,
      handlerFile: 'ssm-event',
      description: 'Cutover: record a host result from an SSM Run Command status event',
    });

    for (const handler of this.all()) {
      props.table.grantStepAccess(handler.role);
    }
    // run-lifecycle-event answers its own token when every event of the batch is a no-op; host-report answers it when
    // the last host reports. handle-event-timeout is a plain Task whose return value is the answer, so it needs none.
    grantTaskResponse(this.runLifecycleEvent.role, props.stateMachine);
    grantTaskResponse(this.hostReport.role, props.stateMachine);
    // Automatic rollbacks are new executions started by the finishing one; a long deployment continues in a new
    // execution started by the planning step.
    for (const starter of [this.finishDeployment, this.planNextBatch]) {
      starter.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [props.stateMachine.arn] }));
    }
    grantSendCommand(this.runLifecycleEvent);
    // Commands carry their correlation in their Comment, so reading results back needs no table item: host-report
    // reads the invocation an event names; handle-event-timeout, the safety check, lists a host's invocations first.
    grantInvocationReads(this.hostReport, ['ssm:GetCommandInvocation']);
    grantInvocationReads(this.handleEventTimeout, ['ssm:ListCommandInvocations', 'ssm:GetCommandInvocation']);
    for (const bucket of props.revisionBuckets) {
      grantRevisionRead(this.runLifecycleEvent, bucket);
    }
  }

  public all(): StepHandler[] {
    return [
      this.startDeployment,
      this.planNextBatch,
      this.runLifecycleEvent,
      this.handleEventTimeout,
      this.finishDeployment,
      this.hostReport,
    ];
  }

  /** ASL placeholder → function, for the state machine's definitionSubstitutions. */
  public substitutions(): Record<string, IFunction> {
    return {
      StartDeploymentFunctionArn: this.startDeployment.function,
      PlanNextBatchFunctionArn: this.planNextBatch.function,
      RunLifecycleEventFunctionArn: this.runLifecycleEvent.function,
      HandleEventTimeoutFunctionArn: this.handleEventTimeout.function,
      FinishDeploymentFunctionArn: this.finishDeployment.function,
    };
  }
}

function grantTaskResponse(grantee: IGrantable, stateMachine: StateMachineIdentity): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: [stateMachine.arn] }),
  );
}

// SendCommand authorizes the document and every target. The document is pinned; the instances belong to whichever
// deployment group is deploying, known only at run time.
function grantSendCommand(handler: StepHandler): void {
  const stack = Stack.of(handler);
  const instances = stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' });
  const managedInstances = stack.formatArn({ service: 'ssm', resource: 'managed-instance', resourceName: '*' });
  handler.role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['ssm:SendCommand'],
      resources: [
        stack.formatArn({ service: 'ssm', account: '', resource: 'document', resourceName: 'AWS-RunShellScript' }),
        instances,
        managedInstances,
      ],
    }),
  );
  acknowledgeWildcard(
    handler,
    instances,
    'ssm:SendCommand must name the EC2 instances it runs on; deployment groups pick them at run time, and the only ' +
      'document allowed is AWS-RunShellScript',
  );
  acknowledgeWildcard(
    handler,
    managedInstances,
    'ssm:SendCommand must name the on-premises (mi-) nodes it runs on; deployment groups pick them at run time, and ' +
      'the only document allowed is AWS-RunShellScript',
  );
}

// Neither read supports resource-level permissions, so both can only be granted on *.
function grantInvocationReads(
  handler: StepHandler,
  actions: readonly ('ssm:GetCommandInvocation' | 'ssm:ListCommandInvocations')[],
): void {
  handler.role.addToPrincipalPolicy(new PolicyStatement({ actions: [...actions], resources: ['*'] }));
  acknowledgeWildcard(
    handler,
    '*',
    `Read-only SSM invocation lookups (${actions.join(', ')}) have no resource-level permissions, so they can only ` +
      'be granted on *; nothing else is in the statement',
  );
}

// The handler presigns GetObject URLs for hosts, so the URL carries this role's permission.
function grantRevisionRead(handler: StepHandler, bucket: IBucket): void {
  const objects = bucket.arnForObjects('*');
  handler.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [objects] }));
  bucket.encryptionKey?.grantDecrypt(handler.role);
  acknowledgeWildcard(
    handler,
    objects,
    'Revision bundles may have any key in a bucket the operator listed as a revision bucket; only object reads are ' +
      'granted, for presigned download URLs',
  );
}

function acknowledgeWildcard(handler: StepHandler, resource: string, reason: string): void {
  const flattened = flattenCfnReference(Stack.of(handler).resolve(resource));
  Validations.of(handler.role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flattened}]`, reason });
}
