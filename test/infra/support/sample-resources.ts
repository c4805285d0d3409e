// The resources a handler's calls touch in a real deployment, one realistic ARN for each kind, so the simulation
// asks what AWS would ask: SendCommand on AWS-RunShellScript and on an instance, GetObject on an object of the
// revisions bucket, Publish on a trigger topic named as the default grant expects, InvokeFunction on a hook named as
// CodeDeploy's convention wants. Actions with no resource type are asked on `*`; anything else missing here fails the
// test.
import { isWildcardOnlyAction } from '@cloud-copilot/iam-simulate';
import { ACCOUNT, REGION } from './template-iam';

export interface DeploymentResources {
  readonly tableArn: string;
  /** The state machines of the flows the handler serves: whose executions it starts or reads, whose tokens it answers. */
  readonly stateMachineArns: { readonly executions: readonly string[]; readonly tokens: readonly string[] };
  readonly revisionBucketName: string;
  readonly eventBusArn: string;
  /** The index the API lists deployments through. */
  readonly indexName: string;
}

const INSTANCE = `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`;
const MANAGED_INSTANCE = `arn:aws:ssm:${REGION}:${ACCOUNT}:managed-instance/mi-0123456789abcdef0`;
const RUN_SHELL_SCRIPT = `arn:aws:ssm:${REGION}::document/AWS-RunShellScript`;
const TARGET_GROUP = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/web/0123456789abcdef`;
const CLASSIC_LOAD_BALANCER = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/web-classic`;
const TRIGGER_TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:cutover-deployments`;
// A deployed function and its alias; GetFunctionConfiguration checks a version, so it is asked on the version's ARN.
const DEPLOYED_FUNCTION = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders-api`;
const HOOK_FUNCTION = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:CodeDeployHook_orders-before-allow-traffic`;
const ALARM = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:orders-errors`;
// An ECS service of a blue/green deployment group, one of its task sets (ECS ids hold a slash), and the listener of
// the load balancer in front of it.
const ECS_SERVICE = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/orders/orders-web`;
const TASK_SET = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-set/orders/orders-web/ecs-svc/1234567890123456789`;
const LISTENER = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener/app/orders/0123456789abcdef/fedcba9876543210`;

/** The ARNs one call of `action` is authorized against; every one must be allowed. */
export async function sampleResources(action: string, resources: DeploymentResources, queriesIndex: boolean): Promise<string[]> {
  const [service, name] = action.split(':');
  const starts = [...resources.stateMachineArns.executions];
  const executions = starts.map((machine) => `${machine.replace(':stateMachine:', ':execution:')}:d-ABCDEFGHI`);
  const answers = [...resources.stateMachineArns.tokens];
  const byAction: Readonly<Record<string, string[]>> = {
    'states:StartExecution': starts,
    'states:DescribeExecution': executions,
    'states:StopExecution': executions,
    'states:SendTaskSuccess': answers,
    'states:SendTaskFailure': answers,
    'states:SendTaskHeartbeat': answers,
    // SendCommand is authorized against the document and each target.
    'ssm:SendCommand': [RUN_SHELL_SCRIPT, INSTANCE, MANAGED_INSTANCE],
    'ssm:ListTagsForResource': [MANAGED_INSTANCE],
    'elasticloadbalancing:RegisterTargets': [TARGET_GROUP],
    'elasticloadbalancing:DeregisterTargets': [TARGET_GROUP],
    'elasticloadbalancing:RegisterInstancesWithLoadBalancer': [CLASSIC_LOAD_BALANCER],
    'elasticloadbalancing:DeregisterInstancesFromLoadBalancer': [CLASSIC_LOAD_BALANCER],
    's3:GetObject': [`arn:aws:s3:::${resources.revisionBucketName}/app/release-42.zip`],
    's3:GetObjectVersion': [`arn:aws:s3:::${resources.revisionBucketName}/app/release-42.zip`],
    'events:PutEvents': [resources.eventBusArn],
    'sns:Publish': [TRIGGER_TOPIC],
    'lambda:GetAlias': [DEPLOYED_FUNCTION],
    'lambda:UpdateAlias': [DEPLOYED_FUNCTION],
    'lambda:GetFunctionConfiguration': [`${DEPLOYED_FUNCTION}:8`],
    'lambda:InvokeFunction': [HOOK_FUNCTION],
    // ECS authorizes service calls against the service, task-set calls (CreateTaskSet included) against the task set.
    'ecs:DescribeServices': [ECS_SERVICE],
    'ecs:UpdateServicePrimaryTaskSet': [ECS_SERVICE],
    'ecs:CreateTaskSet': [TASK_SET],
    'ecs:DescribeTaskSets': [TASK_SET],
    'ecs:DeleteTaskSet': [TASK_SET],
    'elasticloadbalancing:ModifyListener': [LISTENER],
    // Composite alarms come back only to callers allowed DescribeAlarms on *.
    'cloudwatch:DescribeAlarms': [ALARM, '*'],
  };
  const explicit = byAction[action];
  if (explicit !== undefined) return explicit;
  if (service === 'dynamodb') {
    const index = `${resources.tableArn}/index/${resources.indexName}`;
    return name === 'Query' && queriesIndex ? [resources.tableArn, index] : [resources.tableArn];
  }
  if (await isWildcardOnlyAction(service, name)) return ['*'];
  throw new Error(`No sample resource for ${action}: add the ARN a real call touches to sample-resources.ts`);
}
