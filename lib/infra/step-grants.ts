// The statements a step handler's role gets, one helper per kind of call, each naming the narrowest resource AWS
// accepts. test/infra/iam-least-privilege.test.ts derives from the handlers' code what each one sends and fails on
// any action granted that the code does not call, or called and not granted.
import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { StateMachineIdentity } from './cutover-state-machine';
import { acknowledgeWildcardResource } from './nag-acknowledgements';
import type { StepHandler } from './step-handler';

/** Which load balancers BlockTraffic and AllowTraffic may move instances in and out of. */
export interface LoadBalancerArns {
  /**
   * ELBv2 target groups (`arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>`).
   *
   * @default - every target group in the stack's account and region
   */
  readonly targetGroups?: readonly string[];

  /**
   * Classic load balancers (`arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/<name>`).
   *
   * @default - every classic load balancer in the stack's account and region
   */
  readonly classicLoadBalancers?: readonly string[];
}

/** What BlockTraffic and AllowTraffic read of target groups (ELBv2) and classic load balancers, to follow a change. */
export const LOAD_BALANCER_READS = [
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elasticloadbalancing:DescribeTargetHealth',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeLoadBalancerAttributes',
  'elasticloadbalancing:DescribeInstanceHealth',
] as const;

/**
 * What ECS deployments read of load balancers (functions/aws/ecs-task-set-traffic.ts): the pair's target groups by
 * name, the replacement's target health, and a listener's default actions before they are weighted.
 */
export const TASK_SET_TRAFFIC_READS = [
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetHealth',
  'elasticloadbalancing:DescribeListeners',
] as const;

/** How a handler ends a task-token wait: resume it, or fail it with a named error. */
export type TaskCallbackAction = 'states:SendTaskSuccess' | 'states:SendTaskFailure';

// Step Functions' Service Authorization Reference lists no resource for the callbacks, yet authorizes them against
// the state machine of the token's execution (AccessDenied names it; CDK's grantTaskResponse scopes it the same way).
// On the machines of the flows whose waits the handler ends.
export function grantTaskCallbacks(handler: StepHandler, stateMachines: readonly StateMachineIdentity[], actions: readonly TaskCallbackAction[]): void {
  handler.role.addToPrincipalPolicy(new PolicyStatement({ actions: [...actions], resources: stateMachines.map((machine) => machine.arn) }));
}

/** On the machines whose flows the handler may start: each deployment runs on its platform's machine. */
export function grantStartExecution(handler: StepHandler, stateMachines: readonly StateMachineIdentity[]): void {
  handler.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: stateMachines.map((machine) => machine.arn) }));
}

// Lock recovery asks whether the execution holding a group's lock still runs, on whichever machine runs the group's
// platform. Executions are named after their deployment, known only at run time.
export function grantDescribeExecution(handler: StepHandler, stateMachines: readonly StateMachineIdentity[]): void {
  const executions = stateMachines.map((machine) =>
    Stack.of(handler).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${machine.name}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
  );
  grantOn(
    handler,
    ['states:DescribeExecution'],
    executions,
    'Lock recovery reads the execution that holds a deployment group lock; executions are named per deployment at ' +
      'run time, and only those of the Cutover state machines are readable',
  );
}

/** What Lambda deployments do to the functions whose aliases they shift (functions/aws/lambda-alias-traffic.ts). */
export type AliasAction = 'lambda:GetAlias' | 'lambda:GetFunctionConfiguration' | 'lambda:UpdateAlias';

/**
 * Alias reads and updates on the functions Lambda deployments may shift. The alias calls are authorized against the
 * function, GetFunctionConfiguration of a version against the version's qualified ARN, so each listed function is
 * granted with its versions and aliases (`<arn>:*`).
 */
export function grantAliasTraffic(handler: StepHandler, functionArns: readonly string[] | undefined, actions: readonly AliasAction[]): void {
  grantOn(
    handler,
    actions,
    functionsWithQualifiers(handler, functionArns),
    'Lambda deployments read and shift the alias their appspec names, known only at run time, and check that its ' +
      'TargetVersion is published; narrow the functions with the lambdaFunctionArns property',
  );
}

/** The prefix CodeDeploy's own service roles allow hook functions to have (AWSCodeDeployRoleForLambda and others). */
export const HOOK_FUNCTION_PREFIX = 'CodeDeployHook_';

/**
 * Invoking the lifecycle hook functions appspecs name (BeforeAllowTraffic, AfterAllowTraffic), asynchronously. By
 * default only functions named CodeDeployHook_*, CodeDeploy's convention, as its managed policies allow.
 */
export function grantHookInvoke(handler: StepHandler, hookFunctionArns: readonly string[] | undefined): void {
  const hooks = hookFunctionArns ?? [Stack.of(handler).formatArn({ service: 'lambda', resource: 'function', resourceName: `${HOOK_FUNCTION_PREFIX}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })];
  grantOn(
    handler,
    ['lambda:InvokeFunction'],
    functionsWithQualifiers(handler, hooks),
    `Appspecs name their hook functions at run time; only functions named ${HOOK_FUNCTION_PREFIX}* (CodeDeploy's ` +
      'convention), or those listed in hookFunctionArns, may be invoked',
  );
}

/**
 * DescribeAlarms has a resource type (alarm), yet CloudWatch returns composite alarms only to callers allowed it on
 * `*` (DescribeAlarms API reference), and a group may watch composite alarms. It only reads.
 */
export function grantAlarmReads(handler: StepHandler, purpose: string): void {
  handler.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: ['*'] }));
  acknowledgeWildcard(
    handler,
    '*',
    `cloudwatch:DescribeAlarms returns composite alarms only when allowed on *, and deployment groups may watch ` +
      `composite alarms: ${purpose}. It only reads alarm states`,
  );
}

/** What ECS deployments do to a service (authorized against the service) and to its task sets (against the task set). */
export interface EcsServiceActions {
  readonly service?: readonly ('ecs:DescribeServices' | 'ecs:UpdateServicePrimaryTaskSet')[];
  readonly taskSet?: readonly ('ecs:CreateTaskSet' | 'ecs:DescribeTaskSets' | 'ecs:DeleteTaskSet')[];
}

const ECS_SERVICE_ARN = /^(arn:[\w-]+:ecs:[\w*-]*:[\d*]*:)service\/([^/]+\/[^/]+)$/;

/**
 * Service and task-set actions on the services ECS deployments may change: each listed service
 * (`arn:aws:ecs:<region>:<account>:service/<cluster>/<service>`) with its task sets
 * (`…:task-set/<cluster>/<service>/*`, the resource CreateTaskSet, DescribeTaskSets and DeleteTaskSet are authorized
 * against); every service of the account and region by default.
 */
export function grantEcsServiceChanges(handler: StepHandler, serviceArns: readonly string[] | undefined, actions: EcsServiceActions): void {
  const stack = Stack.of(handler);
  const services = serviceArns ?? [stack.formatArn({ service: 'ecs', resource: 'service', resourceName: '*/*' })];
  const taskSets =
    serviceArns === undefined
      ? [stack.formatArn({ service: 'ecs', resource: 'task-set', resourceName: '*/*/*' })]
      : serviceArns.map((arn) => taskSetsOf(arn));
  const reason =
    'ECS deployments change the service their deployment group names, known only at run time, and its task sets, ' +
    'whose ids ECS picks when it creates them; narrow the services with the ecsServiceArns property';
  grantOn(handler, actions.service ?? [], services, reason);
  grantOn(handler, actions.taskSet ?? [], taskSets, reason);
}

/** `…:service/<cluster>/<service>` → `…:task-set/<cluster>/<service>/*`; a service ARN of another shape is refused. */
function taskSetsOf(serviceArn: string): string {
  const match = Token.isUnresolved(serviceArn) ? null : ECS_SERVICE_ARN.exec(serviceArn);
  if (match === null) {
    throw new Error(`ecsServiceArns: '${serviceArn}' is not an ECS service ARN of the form arn:<partition>:ecs:<region>:<account>:service/<cluster>/<service>`);
  }
  return `${match[1]}task-set/${match[2]}/*`;
}

/** ModifyListener on the listeners ECS deployments weight between their target groups; every listener by default. */
export function grantListenerWeights(handler: StepHandler, listenerArns: readonly string[] | undefined): void {
  grantOn(
    handler,
    ['elasticloadbalancing:ModifyListener'],
    listenerArns ?? [Stack.of(handler).formatArn({ service: 'elasticloadbalancing', resource: 'listener', resourceName: '*/*/*/*' })],
    'ECS deployments weight the production and test listeners their deployment group names, known only at run time; ' +
      'narrow them with the ecsListenerArns property',
  );
}

/** Listed function ARNs with their versions and aliases; every function of the account and region by default. */
function functionsWithQualifiers(handler: StepHandler, functionArns: readonly string[] | undefined): string[] {
  if (functionArns === undefined) {
    return [Stack.of(handler).formatArn({ service: 'lambda', resource: 'function', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })];
  }
  // IAM's * matches ':' too, so an ARN that ends in one covers qualified ARNs already.
  return functionArns.flatMap((arn) => (arn.endsWith('*') ? [arn] : [arn, `${arn}:*`]));
}

// SendCommand authorizes the document and every target. The document is pinned; the instances belong to whichever
// deployment group is deploying, known only at run time.
export function grantSendCommand(handler: StepHandler): void {
  const stack = Stack.of(handler);
  const instances = stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' });
  const managedInstances = managedInstancesArn(handler);
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

/**
 * An alarm cancels the SSM commands a batch's event runs: ListCommands finds them by their Comment, CancelCommand
 * stops them. Neither has a resource type (the Service Authorization Reference lists none), so `*` is the narrowest
 * grant; CancelCommand only stops commands, which Cutover sent to the hosts of a deployment it is stopping.
 */
export function grantCommandCancel(handler: StepHandler, purpose: string): void {
  handler.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['ssm:ListCommands', 'ssm:CancelCommand'], resources: ['*'] }));
  acknowledgeWildcard(
    handler,
    '*',
    `ssm:ListCommands and ssm:CancelCommand have no resource-level permissions, so they can only be granted on *: ${purpose}. ` +
      'Cancelling stops a command already sent; it runs nothing',
  );
}

/**
 * Lookups that have no resource-level permissions (the Service Authorization Reference lists no resource type for
 * them), so `*` is the narrowest grant; they only read. `purpose` says why the step reads them, for the review.
 */
export function grantUnscopedReads(handler: StepHandler, actions: readonly string[], purpose: string): void {
  handler.role.addToPrincipalPolicy(new PolicyStatement({ actions: [...actions], resources: ['*'] }));
  acknowledgeWildcard(
    handler,
    '*',
    `Read-only lookups (${actions.join(', ')}) have no resource-level permissions, so they can only be granted on *: ` +
      `${purpose}. Only reads are granted on *`,
  );
}

/**
 * CreateTaskSet hands ECS the roles of the task definition (its execution role pulls images and writes logs), so the
 * caller needs iam:PassRole on them, for ECS tasks only (as CodeDeploy's own ECS role has it). Which roles the
 * task definitions name is the user's, known only at run time.
 */
export function grantTaskRolePassing(handler: StepHandler): void {
  handler.role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'], conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } }),
  );
  acknowledgeWildcard(
    handler,
    '*',
    "iam:PassRole for the roles of the task definitions users deploy, which only they know; limited to ECS tasks by the iam:PassedToService condition",
  );
}

// The on-premises tag filters read each managed node's tags; the nodes are whichever the filters match.
export function grantManagedInstanceTagReads(handler: StepHandler): void {
  const managedInstances = managedInstancesArn(handler);
  handler.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['ssm:ListTagsForResource'], resources: [managedInstances] }));
  acknowledgeWildcard(
    handler,
    managedInstances,
    'On-premises tag filters read the tags of SSM managed nodes (mi-), which the deployment group selects at run ' +
      'time; only ssm:ListTagsForResource is granted on them',
  );
}

/** Register and deregister instances for BlockTraffic and AllowTraffic, on the load balancers the operator allows. */
export function grantTrafficShift(handler: StepHandler, scope: LoadBalancerArns = {}): void {
  const stack = Stack.of(handler);
  const targetGroups = scope.targetGroups ?? [stack.formatArn({ service: 'elasticloadbalancing', resource: 'targetgroup', resourceName: '*/*' })];
  const classic = scope.classicLoadBalancers ?? [stack.formatArn({ service: 'elasticloadbalancing', resource: 'loadbalancer', resourceName: '*' })];
  const reason =
    'BlockTraffic and AllowTraffic move instances in and out of the load balancers a deployment group names, ' +
    'known only at run time; narrow them with the loadBalancerArns property';
  grantOn(handler, ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'], targetGroups, reason);
  grantOn(
    handler,
    ['elasticloadbalancing:RegisterInstancesWithLoadBalancer', 'elasticloadbalancing:DeregisterInstancesFromLoadBalancer'],
    classic,
    reason,
  );
}

// The handler presigns GetObject URLs for hosts, so the URL carries this role's permission.
export function grantRevisionRead(handler: StepHandler, bucket: IBucket): void {
  const objects = bucket.arnForObjects('*');
  handler.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [objects] }));
  bucket.encryptionKey?.grantDecrypt(handler.role);
  acknowledgeWildcard(
    handler,
    objects,
    'Revision bundles may have any key in a revision bucket; only object reads are granted, for presigned download ' +
      'URLs and the revision check',
  );
}

/** CodeDeploy-style state-change events, on the stack's bus and no other. */
export function grantPutEvents(handler: StepHandler, bus: IEventBus): void {
  bus.grantPutEventsTo(handler.role);
}

/** Topic names the trigger Publish grant allows unless the operator lists topics. */
const TRIGGER_TOPIC_PREFIX = 'cutover-';

/**
 * SNS Publish for deployment-group triggers (triggerConfigurations[].triggerTargetArn), on the topics the operator
 * allows; topics encrypted with a customer managed key also need the key, used only through SNS.
 */
export function grantTriggerPublish(handler: StepHandler, topicArns: readonly string[] | undefined, keyArns: readonly string[] = []): void {
  const stack = Stack.of(handler);
  grantOn(
    handler,
    ['sns:Publish'],
    topicArns ?? [stack.formatArn({ service: 'sns', resource: `${TRIGGER_TOPIC_PREFIX}*` })],
    'Deployment groups name their trigger topics at run time; Publish is allowed only on topics named with the ' +
      `${TRIGGER_TOPIC_PREFIX} prefix (or those listed in triggerTopicArns)`,
  );
  for (const key of keyArns.filter((arn) => arn.includes('*'))) {
    acknowledgeWildcard(handler, key, 'The operator listed these keys in triggerTopicKeyArns; they are usable only through SNS');
  }
  if (keyArns.length > 0) {
    handler.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [...keyArns],
        conditions: { StringEquals: { 'kms:ViaService': `sns.${stack.region}.${stack.urlSuffix}` } },
      }),
    );
  }
}

function managedInstancesArn(handler: StepHandler): string {
  return Stack.of(handler).formatArn({ service: 'ssm', resource: 'managed-instance', resourceName: '*' });
}

/**
 * `actions` on `resources` (no statement when there are none), each wildcard among the resources acknowledged for
 * cdk-nag with `reason`: why it is known only at run time, and how to narrow it.
 */
function grantOn(handler: StepHandler, actions: readonly string[], resources: readonly string[], reason: string): void {
  if (actions.length === 0 || resources.length === 0) return;
  handler.role.addToPrincipalPolicy(new PolicyStatement({ actions: [...actions], resources: [...resources] }));
  for (const arn of resources.filter((resource) => resource.includes('*'))) {
    acknowledgeWildcard(handler, arn, reason);
  }
}

function acknowledgeWildcard(handler: StepHandler, resource: string, reason: string): void {
  acknowledgeWildcardResource(handler.role, resource, reason);
}
