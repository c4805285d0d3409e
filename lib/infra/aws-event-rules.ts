// AWS services send their events to the account's default bus without any setup. Cutover listens there for two kinds,
// each handed to its own handler by a rule. Handler errors are retried by Lambda's own asynchronous retries; what a
// lost event would have done is caught by a safety check of the flow (named with each pattern).
import { type EventPattern, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/**
 * SSM Run Command invocations that finished, of AWS-RunShellScript (the only document Cutover sends), for the
 * host-report handler. An event that never arrives is covered by the event-timeout step.
 */
export const SSM_STATUS_EVENT_PATTERN: EventPattern = {
  source: ['aws.ssm'],
  detailType: ['EC2 Command Invocation Status-change Notification'],
  detail: {
    status: ['Success', 'Failed', 'TimedOut', 'Cancelled'],
    'document-name': ['AWS-RunShellScript'],
  },
};

/**
 * CloudWatch alarms that went to ALARM, for the handler that ends the waits of the Lambda deployments whose group
 * watches them; other changes end nothing, so they are not delivered. A lost event is covered by the alarm check
 * before every shift.
 */
export const ALARM_STATE_EVENT_PATTERN: EventPattern = {
  source: ['aws.cloudwatch'],
  detailType: ['CloudWatch Alarm State Change'],
  detail: { state: { value: ['ALARM'] } },
};

export interface AwsEventRuleProps {
  readonly description: string;
  readonly eventPattern: EventPattern;
  readonly handler: IFunction;
}

/** A rule on the default bus that hands the events it matches to one handler. */
export class AwsEventRule extends Construct {
  public readonly rule: Rule;

  public constructor(scope: Construct, id: string, props: AwsEventRuleProps) {
    super(scope, id);
    this.rule = new Rule(this, 'Resource', {
      description: props.description,
      eventPattern: props.eventPattern,
      targets: [new LambdaFunction(props.handler)],
    });
  }
}
