// SSM sends Run Command status events to the default bus without any setup. This rule forwards the terminal ones of
// AWS-RunShellScript invocations (the only document Cutover sends) to the host-report handler.
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export const SSM_STATUS_EVENT_PATTERN = {
  source: ['aws.ssm'],
  detailType: ['EC2 Command Invocation Status-change Notification'],
  detail: {
    status: ['Success', 'Failed', 'TimedOut', 'Cancelled'],
    'document-name': ['AWS-RunShellScript'],
  },
};

export interface SsmStatusRuleProps {
  readonly handler: IFunction;
}

export class SsmStatusRule extends Construct {
  public readonly rule: Rule;

  public constructor(scope: Construct, id: string, props: SsmStatusRuleProps) {
    super(scope, id);
    this.rule = new Rule(this, 'Resource', {
      description: 'Cutover: SSM Run Command invocations that finished, for the host-report handler',
      eventPattern: SSM_STATUS_EVENT_PATTERN,
      // Lambda's own asynchronous retries cover handler errors (such as an invocation SSM has not settled yet); the
      // event-timeout step covers events that never arrive.
      targets: [new LambdaFunction(props.handler)],
    });
  }
}
