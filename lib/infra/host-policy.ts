// What Cutover's hosts need beyond AmazonSSMManagedInstanceCore: the SSM Agent writes lifecycle script output to the
// command-output log group with the host's own credentials. Users attach this policy to their instances' role (EC2
// instance profile, or the service role of on-premises activations).
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from './nag-acknowledgements';

export interface HostPolicyProps {
  readonly commandOutput: ILogGroup;
}

export class HostPolicy extends Construct {
  public readonly policy: ManagedPolicy;

  public constructor(scope: Construct, id: string, props: HostPolicyProps) {
    super(scope, id);
    this.policy = new ManagedPolicy(this, 'Resource', {
      description: 'Cutover hosts: lets the SSM Agent write lifecycle script output to the command-output log group',
      statements: [
        // The agent finds the group and its streams, creates one stream per command and host, and writes to it. The
        // group's ARN (…:log-group:<name>:*) covers its streams; the group itself already exists, so no CreateLogGroup.
        new PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          resources: [props.commandOutput.logGroupArn],
        }),
        // Lists log groups, which CloudWatch Logs cannot scope to one group.
        new PolicyStatement({ actions: ['logs:DescribeLogGroups'], resources: ['*'] }),
      ],
    });
    acknowledgeWildcardResource(
      this.policy,
      '*',
      'logs:DescribeLogGroups has no resource-level permissions and the SSM Agent calls it before writing command ' +
        'output; it is the only action on *',
    );
  }
}
