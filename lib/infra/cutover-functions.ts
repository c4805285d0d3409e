// The step handlers, the API's function, and what each may call. Grants follow the code, not the name: a step that
// never answers a task token gets no states:SendTask*, one that never runs commands gets no ssm:*. The IAM test
// (test/infra/iam-least-privilege.test.ts) derives each handler's calls from its code and holds these grants to them.
import { Duration } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { CutoverFlow, StateMachineIdentity } from './cutover-state-machine';
import type { CutoverTable, StepTableAction } from './cutover-table';
import {
  grantAlarmReads,
  grantCommandCancel,
  grantAliasTraffic,
  grantDescribeExecution,
  grantEcsServiceChanges,
  grantHookInvoke,
  grantListenerWeights,
  grantTaskRolePassing,
  grantManagedInstanceTagReads,
  grantPutEvents,
  grantRevisionRead,
  grantSendCommand,
  grantStartExecution,
  grantTaskCallbacks,
  grantTrafficShift,
  grantTriggerPublish,
  grantUnscopedReads,
  LOAD_BALANCER_READS,
  type LoadBalancerArns,
  TASK_SET_TRAFFIC_READS,
} from './step-grants';
import { StepHandler } from './step-handler';

/** The state machine of each flow. */
export interface CutoverStateMachines {
  readonly server: StateMachineIdentity;
  readonly lambda: StateMachineIdentity;
  readonly ecs: StateMachineIdentity;
}

export interface CutoverFunctionsProps {
  readonly table: CutoverTable;
  readonly stateMachines: CutoverStateMachines;
  /** Where the SSM Agent writes script output. */
  readonly commandOutput: ILogGroup;
  readonly revisionBuckets: readonly IBucket[];
  /** @default - every target group and classic load balancer in the account and region */
  readonly loadBalancerArns?: LoadBalancerArns;
  /** Where state changes are published. */
  readonly eventBus: IEventBus;
  /** @default - topics named cutover-* in the account and region */
  readonly triggerTopicArns?: readonly string[];
  /** @default - none */
  readonly triggerTopicKeyArns?: readonly string[];
  /** @default - every function in the account and region */
  readonly lambdaFunctionArns?: readonly string[];
  /** @default - functions named CodeDeployHook_* in the account and region */
  readonly hookFunctionArns?: readonly string[];
  /** @default - every ECS service in the account and region */
  readonly ecsServiceArns?: readonly string[];
  /** @default - every load balancer listener in the account and region */
  readonly ecsListenerArns?: readonly string[];
  readonly logRetention: RetentionDays;
  readonly logLevel: string;
}

export class CutoverFunctions extends Construct {
  public readonly startDeployment: StepHandler;
  public readonly planNextBatch: StepHandler;
  public readonly runLifecycleEvent: StepHandler;
  public readonly handleEventTimeout: StepHandler;
  public readonly checkTraffic: StepHandler;
  public readonly finishDeployment: StepHandler;
  /** Runs the host-report step for SSM Run Command status events. */
  public readonly hostReport: StepHandler;
  public readonly startLambdaDeployment: StepHandler;
  public readonly runHook: StepHandler;
  public readonly shiftAlias: StepHandler;
  public readonly waitForShift: StepHandler;
  /** The finish of both traffic flows (FinishLambdaDeployment and FinishEcsDeployment run the same step). */
  public readonly finishTrafficDeployment: StepHandler;
  public readonly startEcsDeployment: StepHandler;
  public readonly advanceEcs: StepHandler;
  /** Ends the waits of Lambda and ECS deployments on CloudWatch Alarm State Change events. */
  public readonly alarmEvent: StepHandler;
  /** The REST API behind API Gateway. */
  public readonly api: StepHandler;
  /** Recovers, on a schedule, the group locks of executions that ended without finishing their deployment. */
  public readonly lockSweep: StepHandler;

  public constructor(scope: Construct, id: string, props: CutoverFunctionsProps) {
    super(scope, id);
    const common = {
      logRetention: props.logRetention,
      environment: {
        TABLE_NAME: props.table.table.tableName,
        STATE_MACHINE_ARN: props.stateMachines.server.arn,
        LAMBDA_STATE_MACHINE_ARN: props.stateMachines.lambda.arn,
        ECS_STATE_MACHINE_ARN: props.stateMachines.ecs.arn,
        SSM_LOG_GROUP: props.commandOutput.logGroupName,
        EVENT_BUS_NAME: props.eventBus.eventBusName,
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
    this.checkTraffic = new StepHandler(this, 'CheckTraffic', {
      ...common,
      handlerFile: 'check-traffic',
      description: 'Cutover: look again at a load balancer change and decide whether the batch waits more',
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
    this.startLambdaDeployment = new StepHandler(this, 'StartLambdaDeployment', {
      ...common,
      handlerFile: 'start-lambda-deployment',
      description: 'Cutover: check the alias and the target version, and start a Lambda deployment',
    });
    this.runHook = new StepHandler(this, 'RunHook', {
      ...common,
      handlerFile: 'run-hook',
      description: 'Cutover: invoke the lifecycle hook function of a Lambda or ECS deployment',
    });
    this.shiftAlias = new StepHandler(this, 'ShiftAlias', {
      ...common,
      handlerFile: 'shift-alias',
      description: "Cutover: check the group's alarms and move the alias to the next weight",
    });
    this.waitForShift = new StepHandler(this, 'WaitForShift', {
      ...common,
      handlerFile: 'wait-for-shift',
      description: 'Cutover: record the wait until the next shift of a Lambda or ECS deployment',
    });
    this.finishTrafficDeployment = new StepHandler(this, 'FinishTrafficDeployment', {
      ...common,
      handlerFile: 'finish-traffic-deployment',
      description: 'Cutover: close a Lambda or ECS deployment, giving traffic back when it did not succeed',
      // Giving an ECS service back is several ELB and ECS calls in a row, each retried by the SDK when throttled.
      timeout: Duration.minutes(2),
    });
    this.startEcsDeployment = new StepHandler(this, 'StartEcsDeployment', {
      ...common,
      handlerFile: 'start-ecs-deployment',
      description: 'Cutover: check the ECS service, find its original task set and start an ECS deployment',
      timeout: Duration.minutes(2),
    });
    this.advanceEcs = new StepHandler(this, 'AdvanceEcs', {
      ...common,
      handlerFile: 'advance-ecs',
      description: 'Cutover: make the next change of an ECS deployment to its task sets or listeners',
      // Creating a task set or weighting several listeners is a few ECS and ELB calls in a row, each retried when throttled.
      timeout: Duration.minutes(2),
    });
    this.alarmEvent = new StepHandler(this, 'AlarmEvent', {
      ...common,
      handlerFile: 'alarm-event',
      description: 'Cutover: stop the deployments whose alarm went to ALARM, cancelling the scripts a batch runs',
    });
    this.api = new StepHandler(this, 'Api', {
      ...common,
      handlerFile: 'api',
      description: 'Cutover: the REST API',
      // API Gateway gives up on an integration after 29 s; running longer would only cost.
      timeout: Duration.seconds(29),
      // Room to stream a revision bundle from S3 and read its appspec.
      memorySize: 1024,
    });
    this.lockSweep = new StepHandler(this, 'LockSweep', {
      ...common,
      handlerFile: 'lock-sweep',
      description: 'Cutover: finish the deployments whose execution ended without releasing its group lock',
      // Every group is read; each recovery runs a finish step (up to two minutes for an ECS one). Under the five
      // minutes between sweeps, so two never overlap.
      timeout: Duration.minutes(4),
    });

    // The item actions each step's store calls send; which store method sends which is the adapter's business
    // (functions/aws/dynamodb-*.ts), so this list follows the code, checked by the IAM test.
    const tableAccess: [StepHandler, StepTableAction[]][] = [
      [this.startDeployment, ['GetItem', 'UpdateItem', 'Query', 'BatchWriteItem']],
      [this.planNextBatch, ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchGetItem', 'BatchWriteItem']],
      [this.runLifecycleEvent, ['GetItem', 'PutItem', 'UpdateItem', 'BatchGetItem', 'BatchWriteItem']],
      [this.handleEventTimeout, ['GetItem', 'UpdateItem', 'BatchWriteItem']],
      [this.checkTraffic, ['GetItem', 'UpdateItem', 'BatchGetItem', 'BatchWriteItem']],
      // Rollbacks create a deployment; releasing the group lock deletes its item.
      [this.finishDeployment, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchGetItem', 'BatchWriteItem']],
      [this.hostReport, ['GetItem', 'UpdateItem', 'BatchWriteItem']],
      [this.startLambdaDeployment, ['GetItem', 'UpdateItem', 'BatchGetItem', 'BatchWriteItem']],
      // Hook executions are items of their own, written before the hook is invoked.
      [this.runHook, ['GetItem', 'PutItem', 'UpdateItem', 'BatchGetItem', 'BatchWriteItem']],
      [this.shiftAlias, ['GetItem', 'UpdateItem', 'BatchGetItem', 'BatchWriteItem']],
      [this.waitForShift, ['GetItem', 'UpdateItem']],
      // Releasing the group lock deletes its item; starting the deployment queued next takes the lock for it (PutItem).
      [this.finishTrafficDeployment, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchGetItem', 'BatchWriteItem']],
      [this.startEcsDeployment, ['GetItem', 'UpdateItem', 'BatchGetItem', 'BatchWriteItem']],
      [this.advanceEcs, ['GetItem', 'UpdateItem', 'BatchGetItem', 'BatchWriteItem']],
      // Lists the deployments in progress (through gsi1, below) and reads their groups; records a Server deployment's
      // alarm stop and closes the events it cancels.
      [this.alarmEvent, ['GetItem', 'Query', 'UpdateItem']],
      // Creates, lists, reads and deletes every kind of item; createDeployment takes the group lock and writes the
      // targets, and deleting an application sweeps its partition in batches.
      [this.api, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchGetItem', 'BatchWriteItem']],
      // Lists the groups, then runs finish steps for dead holders: what finish-deployment writes, rollbacks included.
      [this.lockSweep, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchGetItem', 'BatchWriteItem']],
    ];
    for (const [handler, actions] of tableAccess) {
      props.table.grantStepAccess(handler.role, actions);
    }
    // The sweep lists the deployments still active, to find the locks of groups deleted by hand.
    for (const lister of [this.api, this.alarmEvent, this.lockSweep]) {
      props.table.grantIndexQuery(lister.role);
    }

    const { server, lambda, ecs } = props.stateMachines;
    // run-lifecycle-event answers its own token when every event of the batch is a no-op; host-report answers it when
    // the last host reports, and so does handle-event-timeout when the lost results it finds complete the event (the
    // task has timed out by then, so Step Functions refuses the answer, but the call is made and must be allowed).
    // Server steps never fail a token: failures travel in the success output.
    for (const answerer of [this.runLifecycleEvent, this.hostReport, this.handleEventTimeout]) {
      grantTaskCallbacks(answerer, [server], ['states:SendTaskSuccess']);
    }
    // Lambda and ECS waits end through their tokens: run-hook and wait-for-shift end their own wait when a stop or an
    // alarm (or, for a shift, a continue) came before the token was recorded, and run-hook concludes a hook whose status
    // came in while it ran; the API settles hook statuses (PutLifecycleEventHookExecutionStatus), continue and stop; an
    // alarm going to ALARM fails the waits it ends.
    for (const settler of [this.runHook, this.waitForShift, this.api]) {
      grantTaskCallbacks(settler, [lambda, ecs], ['states:SendTaskSuccess', 'states:SendTaskFailure']);
    }
    grantTaskCallbacks(this.alarmEvent, [server, lambda, ecs], ['states:SendTaskFailure']);
    // The API's createDeployment starts a deployment's first execution, on its platform's machine. Rollbacks of server
    // deployments and the next queued deployment of a server group (finish-deployment), and the hand-over of a long one
    // (plan-next-batch) start server executions only.
    grantStartExecution(this.api, [server, lambda, ecs]);
    for (const starter of [this.finishDeployment, this.planNextBatch]) {
      grantStartExecution(starter, [server]);
    }
    // A finish step that frees its group starts the deployment queued next in it: a group deploys to one platform.
    grantStartExecution(this.finishTrafficDeployment, [lambda, ecs]);
    // The sweep finishes a dead server deployment as its finish step would (its rollback included), and starts the
    // deployment waiting first in the queue of a group it freed, on that deployment's platform.
    grantStartExecution(this.lockSweep, [server, lambda, ecs]);
    // createDeployment and the sweep recover a group lock whose execution has ended without releasing it, whichever
    // flow ran it.
    for (const recoverer of [this.api, this.lockSweep]) {
      grantDescribeExecution(recoverer, [server, lambda, ecs]);
    }

    // The steps publish the changes they make (start, batches, host results, traffic shifts, the end); the API
    // publishes a created deployment, and it and the sweep the end of one finished by lock recovery. The alarm handler
    // publishes the hosts whose event it cancelled. wait-for-shift only ends waits: what follows is published by the
    // steps the execution runs next.
    for (const publisher of this.all().filter((handler) => handler !== this.waitForShift)) {
      grantPutEvents(publisher, props.eventBus);
      grantTriggerPublish(publisher, props.triggerTopicArns, props.triggerTopicKeyArns);
    }

    // Deployment groups select hosts by EC2 tags, Auto Scaling groups and on-premises (SSM) tags.
    grantUnscopedReads(
      this.startDeployment,
      ['ec2:DescribeInstances', 'autoscaling:DescribeAutoScalingGroups', 'ssm:DescribeInstanceInformation'],
      'start-deployment resolves the instances a deployment group selects',
    );
    grantManagedInstanceTagReads(this.startDeployment);

    grantSendCommand(this.runLifecycleEvent);
    // An alarm cancels what a batch runs: its state change handler, and run-lifecycle-event when the alarm came while
    // it was sending the event.
    for (const canceller of [this.alarmEvent, this.runLifecycleEvent]) {
      grantCommandCancel(canceller, `${canceller.handlerFile} cancels the commands of an event an alarm stopped`);
    }
    grantUnscopedReads(
      this.runLifecycleEvent,
      ['ssm:DescribeInstanceInformation', ...LOAD_BALANCER_READS],
      'run-lifecycle-event skips hosts SSM reports offline, and reads target groups and load balancers to start ' +
        'BlockTraffic and AllowTraffic',
    );
    grantTrafficShift(this.runLifecycleEvent, props.loadBalancerArns);
    grantUnscopedReads(this.checkTraffic, LOAD_BALANCER_READS, 'check-traffic follows a BlockTraffic or AllowTraffic change');

    // Commands carry their correlation in their Comment, so reading results back needs no table item: host-report
    // reads the invocation an event names; handle-event-timeout, the safety check, lists a host's invocations first.
    grantUnscopedReads(this.hostReport, ['ssm:GetCommandInvocation'], 'host-report reads the invocation an SSM status event names');
    grantUnscopedReads(
      this.handleEventTimeout,
      ['ssm:ListCommandInvocations', 'ssm:GetCommandInvocation'],
      'handle-event-timeout looks up results whose status event got lost',
    );

    // Lambda deployments: the start checks the alias and that TargetVersion is published; each shift and the
    // restoring finish re-read the alias (its RevisionId guards the update) and update it.
    grantAliasTraffic(this.startLambdaDeployment, props.lambdaFunctionArns, ['lambda:GetAlias', 'lambda:GetFunctionConfiguration']);
    // Lock recovery (createDeployment's in the API, and the sweep) runs the finish step for a dead execution, so it
    // gives traffic back as that step does.
    const trafficFinishers = [this.finishTrafficDeployment, this.api, this.lockSweep];
    for (const shifter of [this.shiftAlias, ...trafficFinishers]) {
      grantAliasTraffic(shifter, props.lambdaFunctionArns, ['lambda:GetAlias', 'lambda:UpdateAlias']);
    }
    grantHookInvoke(this.runHook, props.hookFunctionArns);
    grantAlarmReads(this.shiftAlias, 'shift-alias checks the alarms of the group before every shift');
    grantAlarmReads(this.advanceEcs, 'advance-ecs checks the alarms of the group before every change to the service');
    grantAlarmReads(this.waitForShift, 'wait-for-shift checks them once more when its wait begins');
    grantAlarmReads(this.runHook, 'run-hook checks them when a hook wait begins');
    grantAlarmReads(this.startLambdaDeployment, 'start-lambda-deployment checks them before anything moves');
    grantAlarmReads(this.startEcsDeployment, 'start-ecs-deployment checks them before anything moves');
    // Server deployments: before the first host is touched, between batches, and at each look at a load balancer wait.
    grantAlarmReads(this.startDeployment, 'start-deployment checks them before any host is touched');
    grantAlarmReads(this.planNextBatch, 'plan-next-batch checks them before each batch');
    grantAlarmReads(this.checkTraffic, 'check-traffic checks them while a batch waits on its load balancers');

    // ECS deployments (functions/aws/ecs-task-set-traffic.ts): the start reads the service and finds the pair's target
    // groups; the advance creates the replacement task set (reading the service for its settings), waits for it to be
    // stable and its targets healthy, weights the listeners, makes it primary and deletes the original; the finish of a
    // deployment that did not succeed weights the listeners back, makes the original primary again and deletes the
    // replacement.
    grantEcsServiceChanges(this.startEcsDeployment, props.ecsServiceArns, { service: ['ecs:DescribeServices'] });
    grantUnscopedReads(this.startEcsDeployment, ['elasticloadbalancing:DescribeTargetGroups'], 'start-ecs-deployment finds the target groups of the pair by name');
    grantEcsServiceChanges(this.advanceEcs, props.ecsServiceArns, {
      service: ['ecs:DescribeServices', 'ecs:UpdateServicePrimaryTaskSet'],
      taskSet: ['ecs:CreateTaskSet', 'ecs:DescribeTaskSets', 'ecs:DeleteTaskSet'],
    });
    grantUnscopedReads(
      this.advanceEcs,
      TASK_SET_TRAFFIC_READS,
      'advance-ecs finds the replacement target group by name, waits for its targets to be healthy and reads a listener before weighting it',
    );
    grantListenerWeights(this.advanceEcs, props.ecsListenerArns);
    grantTaskRolePassing(this.advanceEcs);
    for (const finisher of trafficFinishers) {
      // DescribeServices: which task sets the service really has, when a step died after changing it (restore-task-sets).
      grantEcsServiceChanges(finisher, props.ecsServiceArns, {
        service: ['ecs:DescribeServices', 'ecs:UpdateServicePrimaryTaskSet'],
        taskSet: ['ecs:DeleteTaskSet'],
      });
      grantUnscopedReads(finisher, ['elasticloadbalancing:DescribeListeners'], `${finisher.handlerFile} reads a listener before weighting it back (finish-traffic-deployment)`);
      grantListenerWeights(finisher, props.ecsListenerArns);
    }

    for (const bucket of props.revisionBuckets) {
      this.grantRevisionRead(bucket);
    }
  }

  public all(): StepHandler[] {
    return [
      this.startDeployment,
      this.planNextBatch,
      this.runLifecycleEvent,
      this.handleEventTimeout,
      this.checkTraffic,
      this.finishDeployment,
      this.hostReport,
      this.startLambdaDeployment,
      this.runHook,
      this.shiftAlias,
      this.waitForShift,
      this.finishTrafficDeployment,
      this.startEcsDeployment,
      this.advanceEcs,
      this.alarmEvent,
      this.api,
      this.lockSweep,
    ];
  }

  /**
   * ASL placeholder → the step handler behind it, for one flow's machine. A step's placeholder is its construct id with
   * FunctionArn; the traffic flows' finishes are one function under two names.
   */
  public steps(flow: CutoverFlow): Readonly<Record<string, StepHandler>> {
    switch (flow) {
      case 'ServerInPlace':
        return placeholdersOf([this.startDeployment, this.planNextBatch, this.runLifecycleEvent, this.handleEventTimeout, this.checkTraffic, this.finishDeployment]);
      case 'LambdaTrafficShift':
        return {
          ...placeholdersOf([this.startLambdaDeployment, this.runHook, this.shiftAlias, this.waitForShift]),
          FinishLambdaDeploymentFunctionArn: this.finishTrafficDeployment,
        };
      case 'EcsBlueGreen':
        return {
          ...placeholdersOf([this.startEcsDeployment, this.runHook, this.advanceEcs, this.waitForShift]),
          FinishEcsDeploymentFunctionArn: this.finishTrafficDeployment,
        };
    }
  }

  /** ASL placeholder → function, for one flow's definitionSubstitutions. */
  public substitutions(flow: CutoverFlow): Record<string, IFunction> {
    return Object.fromEntries(Object.entries(this.steps(flow)).map(([placeholder, step]) => [placeholder, step.function]));
  }

  /** Lets the handlers that read revisions read (and decrypt) the objects of `bucket`. */
  public grantRevisionRead(bucket: IBucket): void {
    for (const reader of this.revisionReaders()) {
      grantRevisionRead(reader, bucket);
    }
  }

  // Presigned bundle URLs carry run-lifecycle-event's permission; the API checks a revision before deploying it
  // (HeadObject) and reads the appspec out of its bundle (GetObject).
  private revisionReaders(): StepHandler[] {
    return [this.runLifecycleEvent, this.api];
  }
}

/** A step's placeholder is its construct id with FunctionArn: `PlanNextBatch` stands for `${PlanNextBatchFunctionArn}`. */
function placeholdersOf(steps: readonly StepHandler[]): Record<string, StepHandler> {
  return Object.fromEntries(steps.map((step) => [`${step.node.id}FunctionArn`, step]));
}
