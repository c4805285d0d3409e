// The resources a handler's calls touch in a real deployment, one realistic ARN for each kind, so the simulation
// asks what AWS would ask: SendCommand on AWS-RunShellScript and on an instance, GetObject on an object of the
// revisions bucket, Publish on a trigger topic named as the default grant expects. Actions with no resource type are
// asked on `*`; anything else missing here fails the test.
import { isWildcardOnlyAction } from '@cloud-copilot/iam-simulate';
import { ACCOUNT, REGION } from './template-iam';

export interface DeploymentResources {
  readonly tableArn: string;
  readonly stateMachineArn: string;
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

/** The ARNs one call of `action` is authorized against; every one must be allowed. */
export async function sampleResources(action: string, resources: DeploymentResources, queriesIndex: boolean): Promise<string[]> {
  const [service, name] = action.split(':');
  const execution = `${resources.stateMachineArn.replace(':stateMachine:', ':execution:')}:d-ABCDEFGHI`;
  const byAction: Readonly<Record<string, string[]>> = {
    'states:StartExecution': [resources.stateMachineArn],
    'states:DescribeExecution': [execution],
    'states:StopExecution': [execution],
    'states:SendTaskSuccess': [resources.stateMachineArn],
    'states:SendTaskFailure': [resources.stateMachineArn],
    'states:SendTaskHeartbeat': [resources.stateMachineArn],
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
