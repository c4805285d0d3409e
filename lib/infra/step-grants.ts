// The statements a step handler's role gets, one helper per kind of call, each naming the narrowest resource AWS
// accepts. test/infra/iam-least-privilege.test.ts derives from the handlers' code what each one sends and fails on
// any action granted that the code does not call, or called and not granted.
import { ArnFormat, Stack } from 'aws-cdk-lib';
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

// Step Functions' Service Authorization Reference lists no resource for the callbacks, yet authorizes them against
// the state machine of the token's execution (AccessDenied names it; CDK's grantTaskResponse scopes it the same way).
export function grantTaskSuccess(handler: StepHandler, stateMachine: StateMachineIdentity): void {
  handler.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [stateMachine.arn] }));
}

export function grantStartExecution(handler: StepHandler, stateMachine: StateMachineIdentity): void {
  handler.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachine.arn] }));
}

// Lock recovery asks whether the execution holding a group's lock still runs. Executions are named after their
// deployment, known only at run time.
export function grantDescribeExecution(handler: StepHandler, stateMachine: StateMachineIdentity): void {
  const executions = Stack.of(handler).formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${stateMachine.name}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  handler.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executions] }));
  acknowledgeWildcard(
    handler,
    executions,
    'Lock recovery reads the execution that holds a deployment group lock; executions are named per deployment at ' +
      'run time, and only those of the Cutover state machine are readable',
  );
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
 * Lookups that have no resource-level permissions (the Service Authorization Reference lists no resource type for
 * them), so `*` is the narrowest grant; they only read. `purpose` says why the step reads them, for the review.
 */
export function grantUnscopedReads(handler: StepHandler, actions: readonly string[], purpose: string): void {
  handler.role.addToPrincipalPolicy(new PolicyStatement({ actions: [...actions], resources: ['*'] }));
  acknowledgeWildcard(
    handler,
    '*',
    `Read-only lookups (${actions.join(', ')}) have no resource-level permissions, so they can only be granted on *: ` +
      `${purpose}. Nothing else is in the statements on *`,
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
  if (targetGroups.length > 0) {
    handler.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'], resources: [...targetGroups] }),
    );
  }
  if (classic.length > 0) {
    handler.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['elasticloadbalancing:RegisterInstancesWithLoadBalancer', 'elasticloadbalancing:DeregisterInstancesFromLoadBalancer'],
        resources: [...classic],
      }),
    );
  }
  for (const arn of [...targetGroups, ...classic].filter((resource) => resource.includes('*'))) {
    acknowledgeWildcard(
      handler,
      arn,
      'BlockTraffic and AllowTraffic move instances in and out of the load balancers a deployment group names, ' +
        'known only at run time; narrow them with the loadBalancerArns property',
    );
  }
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
  const topics = topicArns ?? [stack.formatArn({ service: 'sns', resource: `${TRIGGER_TOPIC_PREFIX}*` })];
  if (topics.length > 0) {
    handler.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [...topics] }));
  }
  for (const topic of topics.filter((arn) => arn.includes('*'))) {
    acknowledgeWildcard(
      handler,
      topic,
      'Deployment groups name their trigger topics at run time; Publish is allowed only on topics named with the ' +
        `${TRIGGER_TOPIC_PREFIX} prefix (or those listed in triggerTopicArns)`,
    );
  }
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

function acknowledgeWildcard(handler: StepHandler, resource: string, reason: string): void {
  acknowledgeWildcardResource(handler.role, resource, reason);
}
